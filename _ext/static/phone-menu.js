/* The chapter menu (☰) on narrow screens; loaded by _ext/page_layout.py.
 *
 * sphinx-book-theme 1.3 puts its own ".primary-toggle" button in the article header, beside the
 * one pydata-sphinx-theme 0.17 puts in the (hidden) site header. The theme wires only the first
 * one it finds to the phone menu (a <dialog>), and sphinx-book-theme's handles wide screens only,
 * so on a phone the visible button showed a tooltip and nothing else (pydata-sphinx-theme#2451).
 * Here every other ".primary-toggle" forwards a narrow-screen click to the wired one.
 */
(function () {
  "use strict";
  function wire() {
    var toggles = document.querySelectorAll(".primary-toggle");
    if (toggles.length < 2) { return; }
    var wired = toggles[0];
    for (var i = 1; i < toggles.length; i++) {
      toggles[i].addEventListener("click", function (event) {
        if (window.matchMedia("(min-width: 992px)").matches) { return; }  // the theme's own case
        event.preventDefault();
        event.stopImmediatePropagation();
        wired.click();
      }, true);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
