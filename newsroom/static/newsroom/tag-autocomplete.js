// Suggest existing tags for the last comma-separated entry of a tag field.
"use strict";
(function () {
  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const url = input.dataset.tagSuggestions;
    if (!list || !url) return;
    let pending = null;
    input.addEventListener("input", function () {
      const parts = input.value.split(",");
      const last = parts.pop().trim();
      const head = parts.map((p) => p.trim()).filter(Boolean);
      if (pending) pending.abort();
      if (!last) { list.replaceChildren(); return; }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(last), { signal: pending.signal, credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : { tags: [] }))
        .then((data) => {
          list.replaceChildren(...data.tags
            .filter((tag) => !head.includes(tag))
            .map((tag) => {
              const option = document.createElement("option");
              option.value = head.concat([tag]).join(", ");
              return option;
            }));
        })
        .catch(() => {});
    });
  }
  function init() {
    document.querySelectorAll("input[data-tag-suggestions]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
