// Click-to-load embeds (articles/embeds.py): the page loads nothing from the
// provider until the reader presses the button; then the provider's embed page
// takes the placeholder's place. The CSP's frame-src allows exactly those hosts.
"use strict";
(function () {
  function load(figure, button) {
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed-frame");
    frame.title = figure.getAttribute("data-embed-title") || "Embedded content";
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-popups allow-presentation"
    );
    frame.className = "embed-frame";
    var box = button.parentNode;
    box.replaceChildren(frame);
    figure.classList.add("embed--loaded");
    frame.focus();
  }

  // Show the buttons of the placeholders under root (the page, or updates a
  // live blog adds later: newsroom/static/newsroom/liveblog.js).
  function reveal(root) {
    root.querySelectorAll("figure.embed[data-embed-frame] .embed-load").forEach(
      function (button) {
        button.hidden = false;
      }
    );
  }

  // One listener for every placeholder, present now or added later.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".embed-load");
    if (!button) return;
    var figure = button.closest("figure.embed[data-embed-frame]");
    if (figure) load(figure, button);
  });
  reveal(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.querySelectorAll) reveal(node);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
