// Exercise pages' small enhancements. Every page works without this file.
(function () {
  "use strict";

  // Print button on the printable plan: hidden until there is a script to make it work.
  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function markLightsSeen() {
    document.querySelectorAll(".traffic-light").forEach(function (light) {
      light.dataset.seen = "true";
    });
  }

  // After a dose is logged, move focus to its new traffic light so that it is seen and read out.
  document.addEventListener("htmx:afterSettle", function () {
    var light = document.querySelector(".traffic-light:not([data-seen])");
    if (light) {
      light.setAttribute("tabindex", "-1");
      light.focus();
    }
    markLightsSeen();
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpPrintButtons();
    markLightsSeen();
  });
})();
