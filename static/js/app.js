// PT Tracker's small progressive enhancements. Every page works without this file.
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
