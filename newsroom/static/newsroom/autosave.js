// Autosave of the article form (articles/autosave.py).
//
// Every few seconds (data-interval, 30 by default) when something changed, and
// when the page is hidden or left (navigator.sendBeacon, the CSRF token as a form
// field), the form's own fields go to the user's autosave slot. On return the slot
// is offered back above the form: Restore fills the fields and the body editor,
// Discard deletes it. A leave-page warning guards unsaved edits until the form is
// really submitted. Inline rows (bylines, sources, quotes) are not autosaved.
(function () {
  "use strict";

  const root = document.getElementById("autosave");
  const form = document.getElementById("article_form");
  if (!root || !form) return;

  const url = root.dataset.url;
  const isNew = root.dataset.new === "1";
  const statusLine = document.getElementById("autosave-status");
  // Names that are not the article's own fields.
  const SKIP = new Set(["csrfmiddlewaretoken", "autosave_draft_key", "labels", "draft_key"]);

  let draftKey = "";
  let dirty = false; // edited since the page was loaded or restored: warn on leaving
  let pending = false; // edited since the last autosave
  let submitting = false;
  let held = false; // an offer is waiting for an answer: keep its slot as it is
  let lastSave = Date.now();
  let editor = null;

  // The body's rich-text editor (django-prose-editor, Tiptap) announces itself;
  // the textarea it replaces keeps the HTML in step on every change.
  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea.name === "body") editor = event.detail.editor;
  });

  function bodyEditor() {
    if (editor) return editor;
    const area = form.querySelector("textarea[name=body]");
    const view = area && area.closest(".prose-editor");
    const dom = view && view.querySelector(".ProseMirror[contenteditable]");
    return (dom && dom.editor) || null;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function keyInput() {
    let input = form.querySelector("input[name=autosave_draft_key]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "autosave_draft_key";
      form.append(input);
    }
    return input;
  }

  function useKey(key) {
    draftKey = key;
    keyInput().value = key;
  }

  function csrfToken() {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text) {
    if (statusLine) statusLine.textContent = text;
  }

  // The article's own fields as a form post: inline rows carry a "-" in their
  // names (bylines-0-author) and are left out, as are files and buttons.
  function collect() {
    const params = new URLSearchParams();
    const labels = {};
    for (const el of form.elements) {
      const name = el.name;
      if (!name || el.disabled || name.includes("-") || SKIP.has(name)) continue;
      if (name.startsWith("_") || ["file", "submit", "button", "reset"].includes(el.type)) {
        continue;
      }
      if (el.type === "checkbox") {
        params.append(name, el.checked ? "on" : "");
      } else if (el.type === "radio") {
        if (el.checked) params.append(name, el.value);
      } else if (el.tagName === "SELECT") {
        for (const option of el.selectedOptions) {
          params.append(name, option.value);
          (labels[name] = labels[name] || {})[option.value] = option.text;
        }
      } else {
        params.append(name, el.value);
      }
    }
    const body = bodyEditor();
    if (body && params.has("body")) {
      params.set("body", body.isEmpty ? "" : body.getHTML());
    }
    if (draftKey) params.set("draft_key", draftKey);
    params.set("labels", JSON.stringify(labels));
    return params;
  }

  function save() {
    if (held || submitting) return;
    const params = collect();
    pending = false;
    lastSave = Date.now();
    fetch(url, {
      method: "POST",
      body: params,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then((response) =>
        response.json().then((data) => ({ ok: response.ok, data: data }))
      )
      .then(({ ok, data }) => {
        say(ok ? "Autosaved at " + data.time + "." : data.detail);
        if (!ok) pending = true;
      })
      .catch(() => {
        pending = true;
        say("Not autosaved: the server did not answer; trying again soon.");
      });
  }

  // Leaving: one beacon with what changed since the last autosave. Browsers
  // refuse beacons over 64 kB; the timed autosave has kept such long drafts.
  function sendOnLeave() {
    if (held || submitting || !pending) return;
    const params = collect();
    params.set("csrfmiddlewaretoken", csrfToken());
    if (navigator.sendBeacon && navigator.sendBeacon(url, params)) pending = false;
  }

  function edited() {
    dirty = true;
    pending = true;
  }

  // Offers -------------------------------------------------------------------

  function showOffer(slot) {
    const template = document.getElementById("autosave-offer-template");
    const banner = template.content.firstElementChild.cloneNode(true);
    banner.querySelector(".autosave-message").textContent = slot.message;
    banner.querySelector(".autosave-restore").addEventListener("click", () => {
      restore(slot);
      banner.remove();
    });
    banner.querySelector(".autosave-discard").addEventListener("click", () => {
      discard(slot);
      banner.remove();
    });
    form.before(banner);
    // On a change form the slot is this article's one: typing now must not
    // overwrite what is offered before the writer has chosen.
    held = !isNew;
  }

  function discard(slot) {
    held = false;
    const target = isNew ? url + "?key=" + encodeURIComponent(slot.draft_key) : url;
    fetch(target, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(() => say("Autosaved changes discarded."));
  }

  function setSelect(select, values, labels) {
    const wanted = new Set(values.map(String));
    for (const option of select.options) option.selected = wanted.has(option.value);
    for (const value of wanted) {
      if (![...select.options].some((option) => option.value === value)) {
        const text = (labels && labels[value]) || value;
        select.append(new Option(text, value, true, true));
      }
    }
  }

  function restoreField(name, value, labels) {
    const el = form.elements.namedItem(name);
    if (!el || el instanceof RadioNodeList) return;
    if (el.type === "checkbox") {
      el.checked = Boolean(value);
    } else if (el.tagName === "SELECT") {
      setSelect(el, Array.isArray(value) ? value : value ? [value] : [], labels);
    } else if (name === "body") {
      el.value = value || "";
      const body = bodyEditor();
      if (body) body.commands.setContent(value || "");
    } else {
      el.value = value == null ? "" : value;
    }
    el.dispatchEvent(new Event("change", { bubbles: true }));
    // The admin's autocomplete (select2) listens through jQuery.
    if (el.tagName === "SELECT" && window.django && django.jQuery) {
      django.jQuery(el).trigger("change");
    }
  }

  function restore(slot) {
    held = false;
    for (const [name, value] of Object.entries(slot.fields)) {
      restoreField(name, value, slot.labels[name]);
    }
    if (isNew) useKey(slot.draft_key);
    // Keep the version the text was written on: a save after someone else's is
    // refused by the stale-save check instead of overwriting theirs.
    const base = form.querySelector("input[name=base_version]");
    if (base && slot.base_version) base.value = slot.base_version;
    edited();
    say(
      slot.stale
        ? "Your changes are back in the form; saving them will be refused as a conflict."
        : "Your changes from " + slot.time + " are back in the form. Save to keep them."
    );
  }

  function fetchOffer() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data && data.slot) showOffer(data.slot);
      })
      .catch(() => {});
  }

  // Start ----------------------------------------------------------------------

  if (isNew) useKey(root.dataset.draftKey || newKey());
  const submitRow = form.querySelector(".submit-row");
  if (statusLine && submitRow) submitRow.before(statusLine);

  form.addEventListener("input", edited);
  form.addEventListener("change", (event) => {
    if (event.isTrusted) edited();
  });
  if (window.django && django.jQuery) {
    // Autocomplete picks arrive as jQuery events only.
    django.jQuery(form).on("select2:select select2:unselect", edited);
  }
  form.addEventListener("submit", () => {
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") sendOnLeave();
  });
  window.addEventListener("pagehide", sendOnLeave);
  // Checked every second, so a test may shorten data-interval while the page is open.
  window.setInterval(() => {
    const every = Number(root.dataset.interval || 30) * 1000;
    if (pending && Date.now() - lastSave >= every) save();
  }, 1000);

  // A form sent back with errors already holds what was typed: offer nothing.
  if (!root.hasAttribute("data-resubmitted")) fetchOffer();
})();
