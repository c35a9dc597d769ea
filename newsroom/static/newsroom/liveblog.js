// A live blog's reader page: ask for new updates every few seconds and add them
// at the top, without a reload. The endpoint answers 304 to If-None-Match when
// nothing changed; polling stops once the coverage has ended.
(function () {
  "use strict";
  var blog = document.getElementById("live-blog");
  if (!blog || blog.dataset.ended === "1") return;
  var url = blog.dataset.updatesUrl;
  var latest = parseInt(blog.dataset.latestId, 10) || 0;
  var seconds = Math.max(parseFloat(blog.dataset.pollSeconds) || 20, 0.2);
  var list = document.getElementById("live-update-list");
  var keyEvents = document.getElementById("key-events");
  var keyList = document.getElementById("key-event-list");
  var announcer = document.getElementById("live-announcer");
  var status = document.getElementById("live-status");
  var etag = null;
  var timer = null;

  function addKeyEvent(update, item) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = "#update-" + update.id;
    var time = item.querySelector("time");
    if (time) {
      var copy = document.createElement("time");
      copy.dateTime = time.dateTime;
      copy.textContent = time.textContent.split(" ")[0];
      link.appendChild(copy);
      link.appendChild(document.createTextNode(" "));
    }
    link.appendChild(document.createTextNode(update.headline));
    li.appendChild(link);
    keyList.insertBefore(li, keyList.firstChild);
    keyEvents.hidden = false;
  }

  function show(data) {
    var added = 0;
    // The server sends newest first; insert oldest first so the newest ends on top.
    data.updates.slice().reverse().forEach(function (update) {
      if (update.id <= latest || document.getElementById("update-" + update.id)) return;
      var holder = document.createElement("ol");
      holder.innerHTML = update.html; // rendered by the server from sanitised HTML
      var item = holder.firstElementChild;
      if (!item) return;
      list.insertBefore(item, list.firstChild);
      if (update.key_event) addKeyEvent(update, item);
      added += 1;
    });
    latest = Math.max(latest, data.latest || 0);
    if (added) {
      var none = document.getElementById("live-none");
      if (none) none.remove();
      announcer.textContent = added === 1 ? "1 new update" : added + " new updates";
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
    fetch(url + "?since=" + latest, { headers: headers, cache: "no-store", credentials: "omit" })
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
