/* The article screen's side panel: Ctrl+S (Cmd+S) saves as "Save draft", the
   word count and the publish checks the form can answer follow the typing,
   and the dangerous buttons ask before they go. The server runs every check
   again on save (articles/checks.py); this script only shows them early. */
"use strict";
(function () {
  const WORDS_PER_MINUTE = 230;
  const NEEDS_SOURCES = ["news", "interview"];

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function value(form, name) {
    const field = form.elements.namedItem(name);
    return field && "value" in field ? String(field.value || "").trim() : "";
  }

  function deleted(form, prefix) {
    const box = form.elements.namedItem(prefix + "-DELETE");
    return Boolean(box && box.checked);
  }

  // The inline rows of a formset, as name prefixes ("quotes-0"), without the template.
  function rows(form, formset, field) {
    const found = [];
    for (const element of form.querySelectorAll(`[name^="${formset}-"][name$="-${field}"]`)) {
      const prefix = element.name.slice(0, -field.length - 1);
      if (!prefix.includes("__prefix__") && !deleted(form, prefix)) {
        found.push(prefix);
      }
    }
    return found;
  }

  function bodyText(form) {
    const editor = form.querySelector(".prose-editor .ProseMirror[contenteditable=true]");
    if (editor) return editor.innerText;
    const body = form.elements.namedItem("body");
    if (!body) return null;
    const scratch = document.createElement("div");
    scratch.innerHTML = body.value;
    return scratch.textContent;
  }

  function countWords(panel, form) {
    const text = bodyText(form);
    if (text === null) return;
    const words = text.split(/\s+/).filter(Boolean).length;
    panel.querySelector("#word-count").textContent = String(words);
    panel.querySelector("#reading-time").textContent = String(Math.ceil(words / WORDS_PER_MINUTE));
  }

  function show(panel, key, problems) {
    const item = panel.querySelector(`.check[data-check="${key}"]`);
    if (!item) return;
    const failing = problems.length > 0;
    item.classList.remove("check-ok", "check-fail", "check-pending");
    item.classList.add(failing ? "check-fail" : "check-ok");
    item.querySelector(".check-mark").textContent = failing ? "✗" : "✓";
    item.querySelector(".check-state").textContent = failing ? "fails" : "passes";
    let list = item.querySelector(".check-problems");
    if (list) list.remove();
    if (failing) {
      list = document.createElement("ul");
      list.className = "check-problems";
      for (const problem of problems) {
        const line = document.createElement("li");
        line.textContent = problem;
        list.append(line);
      }
      item.append(list);
    }
  }

  function pending(panel, key) {
    const item = panel.querySelector(`.check[data-check="${key}"]`);
    if (!item || item.classList.contains("check-pending")) return;
    item.classList.remove("check-ok", "check-fail");
    item.classList.add("check-pending");
    item.querySelector(".check-mark").textContent = "…";
    item.querySelector(".check-state").textContent = "checked again on save";
    const list = item.querySelector(".check-problems");
    if (list) list.remove();
  }

  function check(panel, form) {
    const kindField = form.elements.namedItem("kind");
    if (!kindField) return; // a read-only article: the server's checks stand
    const kind = kindField.value;
    const kindLabel = kindField.selectedOptions[0] ? kindField.selectedOptions[0].text : kind;

    const sources = [];
    const cited = rows(form, "citations", "source").filter((p) => value(form, p + "-source"));
    if (NEEDS_SOURCES.includes(kind) && cited.length === 0) {
      sources.push(`${kindLabel} pieces must cite at least one source.`);
    }
    show(panel, "sources", sources);

    const quotes = [];
    for (const prefix of rows(form, "quotes", "words")) {
      const words = value(form, prefix + "-words");
      if (!words) continue;
      const start = words.slice(0, 40);
      if (!value(form, prefix + "-speaker") && !value(form, prefix + "-speaker_name")) {
        quotes.push(`The quote “${start}…” has no speaker.`);
      }
      if (!value(form, prefix + "-source")) {
        quotes.push(`The quote “${start}…” has no source.`);
      }
    }
    show(panel, "quotes", quotes);

    const unconfirmed = form.elements.namedItem("unconfirmed");
    const labelled = kind === "rumour_roundup" || Boolean(unconfirmed && unconfirmed.checked);
    // The picture's alt text and the claims' status are in the library, not in
    // this form: the panel asks the admin's checks view about a new choice.
    const image = value(form, "lead_image");
    const claimList = selected(form, "claims");
    if (image !== known.image || claimList !== known.claimList) ask(panel, image, claimList);
    if (image === "") show(panel, "image", []);
    else if (image !== known.image) pending(panel, "image");
    else if (known.imageProblems) show(panel, "image", known.imageProblems);
    if (claimList === "") show(panel, "claims", []);
    else if (claimList !== known.claimList) pending(panel, "claims");
    else if (known.claimProblems) show(panel, "claims", known.claimProblems);
    if (labelled || claimList === "") {
      show(panel, "label", []);
    } else if (claimList === known.claimList && known.needsLabel !== undefined) {
      show(panel, "label", known.needsLabel ? [
        "The article asserts rumoured or disputed claims but does not carry the reader-visible “Unconfirmed” label.",
      ] : []);
    } else {
      pending(panel, "label");
    }
  }

  // What the server last said about a picture and a set of claims.
  const known = { image: "", claimList: "", imageProblems: null, claimProblems: null, needsLabel: undefined };
  let asking = null;

  function ask(panel, image, claimList) {
    const key = `${image}|${claimList}`;
    const url = panel.dataset.checksUrl;
    if (!url || asking === key) return;
    asking = key;
    const query = new URLSearchParams();
    if (image) query.append("image", image);
    for (const pk of claimList ? claimList.split(",") : []) query.append("claims", pk);
    fetch(`${url}?${query}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((data) => {
        if (asking !== key) return; // a newer choice is being asked about
        Object.assign(known, {
          image,
          claimList,
          imageProblems: data.image,
          claimProblems: data.claims,
          needsLabel: data.needs_label,
        });
        document.getElementById("article_form").dispatchEvent(new Event("change"));
      })
      .catch(() => {
        asking = null; // checked on save instead
      });
  }

  function selected(form, name) {
    const field = form.elements.namedItem(name);
    if (!field || !field.options) return "";
    return Array.from(field.selectedOptions).map((o) => o.value).sort().join(",");
  }

  // The widgets the admin builds in script (the rich-text editor, select2's
  // boxes) come without a name; give each the label of the field it stands for.
  function labelFor(id) {
    const label = document.querySelector(`label[for="${id}"]`);
    if (!label) return null;
    if (!label.id) label.id = `${id}-label`;
    return label;
  }

  function labelWidgets(form) {
    const body = labelFor("id_body");
    const editor = form.querySelector(".prose-editor .ProseMirror[contenteditable=true]");
    if (body && editor && !editor.hasAttribute("aria-labelledby")) {
      editor.setAttribute("aria-labelledby", body.id);
    }
    for (const select of form.querySelectorAll("select.admin-autocomplete")) {
      const label = select.id && labelFor(select.id);
      const widget = select.nextElementSibling;
      if (!label || !widget || !widget.classList.contains("select2")) continue;
      const box = widget.querySelector(".select2-selection[role=combobox]");
      if (box && !box.dataset.named) {
        const shown = box.getAttribute("aria-labelledby");
        box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown}` : label.id);
        box.dataset.named = "1";
      }
      const name = label.textContent.replace(/:\s*$/, "");
      const rendered = widget.querySelector(".select2-selection__rendered[role=textbox]");
      if (rendered && !rendered.hasAttribute("aria-label")) rendered.setAttribute("aria-label", name);
      const search = widget.querySelector(".select2-search__field");
      if (search && !search.hasAttribute("aria-label")) {
        search.setAttribute("aria-label", name);
      }
    }
    // The tabular inlines' empty header cells (row marker, delete column) head nothing.
    for (const cell of form.querySelectorAll(".tabular thead th")) {
      if (!cell.textContent.trim()) {
        const plain = document.createElement("td");
        plain.className = cell.className;
        cell.replaceWith(plain);
      }
    }
  }

  ready(function () {
    const panel = document.getElementById("article-panel");
    const form = document.getElementById("article_form");
    if (!form) return;
    labelWidgets(form);
    new MutationObserver(() => labelWidgets(form)).observe(form, { subtree: true, childList: true });
    if (!panel) return;
    known.image = value(form, "lead_image");
    known.claimList = selected(form, "claims");
    if (panel.dataset.needsLabel !== undefined) known.needsLabel = panel.dataset.needsLabel === "1";
    const update = () => {
      countWords(panel, form);
      check(panel, form);
    };

    // Ctrl+S / Cmd+S: save as the "Save draft" button would, not the browser's "Save page".
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        const save = document.getElementById("panel-save");
        if (!save) return;
        event.preventDefault();
        form.requestSubmit(save);
      }
    });

    for (const button of panel.querySelectorAll("[data-confirm]")) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    document.addEventListener("formset:added", update);
    document.addEventListener("formset:removed", update);
    // The admin's autocomplete (select2) announces its picks through jQuery only.
    if (window.django && window.django.jQuery) window.django.jQuery(form).on("change", update);
    // The rich-text editor types into its own element; watch it for words.
    const body = form.querySelector(".field-body");
    if (body) new MutationObserver(update).observe(body, { subtree: true, childList: true, characterData: true });
    update();
  });
})();
