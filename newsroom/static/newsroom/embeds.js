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

  document.querySelectorAll("figure.embed[data-embed-frame]").forEach(function (figure) {
    var button = figure.querySelector(".embed-load");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      load(figure, button);
    });
  });
})();
