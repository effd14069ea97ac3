// "Print" buttons (site.js bundles this file). Every page works without it.
(function () {
  "use strict";
  // A "Print" button (such as the recovery codes'): shown only where printing can be started.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
