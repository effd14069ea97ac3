// Dashboard enhancements; every page works without this file.
(function () {
  "use strict";
  function ready() {
    // The summary's Print button only exists for people with JavaScript; others use the
    // browser's own Print command, as the page says.
    document.querySelectorAll("[data-print-page]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
