// A live blog's reader page: ask what changed every few seconds and show it
// without a reload: each new or edited update in its place in time (newest
// first, as the page is rendered; a backdated one below the later ones), deleted
// ones gone. The endpoint answers 304 to If-None-Match when nothing changed;
// polling stops once the coverage has ended. Times read as the server wrote
// them: the time alone on the blog's latest day, with the date on the others.
(function () {
  "use strict";
  var blog = document.getElementById("live-blog");
  if (!blog || blog.dataset.ended === "1") return;
  var url = blog.dataset.updatesUrl;
  var latest = parseInt(blog.dataset.latestId, 10) || 0;
  var edited = blog.dataset.edited || "0";
  var day = blog.dataset.day || "";
  var seconds = Math.max(parseFloat(blog.dataset.pollSeconds) || 20, 0.2);
  var list = document.getElementById("live-update-list");
  var keyEvents = document.getElementById("key-events");
  var keyList = document.getElementById("key-event-list");
  var announcer = document.getElementById("live-announcer");
  var status = document.getElementById("live-status");
  var etag = null;
  var timer = null;

  // An update's place in the page's order: its posting time, then its id.
  function order(item) {
    var time = item.querySelector("time");
    var id = item.dataset.updateId || item.dataset.keyEvent;
    return [time ? Date.parse(time.dateTime) || 0 : 0, parseInt(id, 10) || 0];
  }

  function isOlder(a, b) {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }

  // Put item (not in parent yet) before the first child posted before it.
  function place(parent, item) {
    var key = order(item);
    var children = parent.children;
    for (var i = 0; i < children.length; i++) {
      if (isOlder(order(children[i]), key)) {
        parent.insertBefore(item, children[i]);
        return;
      }
    }
    parent.appendChild(item);
  }

  function keyEventItem(id) {
    return keyList.querySelector('[data-key-event="' + id + '"]');
  }

  function setKeyEvent(update, item) {
    var old = keyEventItem(update.id);
    if (!update.key_event) {
      if (old) old.remove();
      keyEvents.hidden = !keyList.children.length;
      return;
    }
    var li = document.createElement("li");
    li.dataset.keyEvent = update.id;
    var link = document.createElement("a");
    link.href = "#update-" + update.id;
    var time = item.querySelector("time");
    if (time) {
      var copy = document.createElement("time");
      copy.dateTime = time.dateTime;
      // The whole label: on another day it carries the date ("7 Dec, 14:05").
      copy.textContent = time.textContent;
      link.appendChild(copy);
      link.appendChild(document.createTextNode(" "));
    }
    link.appendChild(document.createTextNode(update.headline));
    li.appendChild(link);
    // An edit may have moved its time: placed afresh, not where it was.
    if (old) old.remove();
    place(keyList, li);
    keyEvents.hidden = false;
  }

  // The blog's latest day moved on (an update of a new day came): the updates
  // of the day before now need their date, as a fresh page would show them.
  function relabel(times) {
    Object.keys(times).forEach(function (id) {
      var label = times[id];
      var item = document.getElementById("update-" + id);
      if (item) {
        var posted = item.querySelector(".live-update-time time");
        if (posted) posted.textContent = label.posted;
        var edit = item.querySelector(".live-update-edited time");
        if (edit && label.edited) edit.textContent = label.edited;
      }
      var key = keyEventItem(id);
      var keyTime = key && key.querySelector("time");
      if (keyTime) keyTime.textContent = label.posted;
    });
  }

  function render(html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html; // rendered by the server from sanitised HTML
    return holder.firstElementChild;
  }

  function show(data) {
    var added = 0;
    var changed = 0;
    var present = {};
    data.ids.forEach(function (id) { present[id] = true; });
    Array.prototype.slice.call(list.children).forEach(function (item) {
      var id = item.dataset.updateId;
      if (id && !present[id]) {
        item.remove();
        var key = keyEventItem(id);
        if (key) key.remove();
        changed += 1;
      }
    });
    keyEvents.hidden = !keyList.children.length;
    // The server sends newest first; insert oldest first so the newest ends on top.
    data.updates.slice().reverse().forEach(function (update) {
      var item = render(update.html);
      if (!item) return;
      var old = document.getElementById("update-" + update.id);
      if (old) {
        old.remove();
        changed += 1;
      } else {
        added += 1;
      }
      place(list, item);
      setKeyEvent(update, item);
    });
    if (data.times) relabel(data.times);
    if (typeof data.day === "string") day = data.day;
    latest = Math.max(latest, data.latest || 0);
    edited = String(data.edited || edited);
    if (added) {
      var none = document.getElementById("live-none");
      if (none) none.remove();
    }
    if (added || changed) {
      var words = [];
      if (added) words.push(added === 1 ? "1 new update" : added + " new updates");
      if (changed) words.push(changed === 1 ? "1 update changed" : changed + " updates changed");
      announcer.textContent = words.join(", ");
    }
    if (data.ended) {
      status.textContent = "This live coverage has ended.";
      stop();
    }
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    blog.dataset.ended = "1";
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    var query = "?since=" + latest + "&edited=" + encodeURIComponent(edited) +
      "&day=" + encodeURIComponent(day);
    fetch(url + query, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (response.status === 404) { stop(); return null; }
        if (!response.ok) return null;
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) { if (data) show(data); })
      .catch(function () { /* offline for a moment: try again next time */ })
      .then(function () {
        if (blog.dataset.ended !== "1") timer = setTimeout(poll, seconds * 1000);
      });
  }

  timer = setTimeout(poll, seconds * 1000);
})();
