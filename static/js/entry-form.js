// Symptom entry form: small helps on top of a form that works without them.
(function () {
  "use strict";

  // "None of these" and the six screening questions exclude each other.
  function setUpScreening(group) {
    var none = group.querySelector(".screening-none input[type=checkbox]");
    var symptoms = Array.prototype.filter.call(
      group.querySelectorAll("input[type=checkbox]"),
      function (box) { return box !== none; }
    );
    if (!none) return;
    none.addEventListener("change", function () {
      if (none.checked) symptoms.forEach(function (box) { box.checked = false; });
    });
    symptoms.forEach(function (box) {
      box.addEventListener("change", function () {
        if (box.checked) none.checked = false;
      });
    });
  }

  // Dim the "worst" scores below the pain now, and say so if one of them is chosen.
  function setUpPain(form) {
    var nowGroup = form.querySelector("[data-pain-now]");
    var worstGroup = form.querySelector("[data-pain-worst]");
    var hint = form.querySelector("[data-pain-worst-hint]");
    if (!nowGroup || !worstGroup) return;

    function update() {
      var now = nowGroup.querySelector("input:checked");
      var nowValue = now ? Number(now.value) : null;
      var tooLow = false;
      worstGroup.querySelectorAll("input").forEach(function (radio) {
        var below = nowValue !== null && radio.value !== "" && Number(radio.value) < nowValue;
        var label = worstGroup.querySelector('label[for="' + radio.id + '"]');
        if (label) label.classList.toggle("pain-below", below);
        if (below && radio.checked) tooLow = true;
      });
      if (hint) hint.hidden = !tooLow;
    }
    nowGroup.addEventListener("change", update);
    worstGroup.addEventListener("change", update);
    update();
  }

  // "After my session" on a day without a session in the app: ask whether to go on.
  function setUpSessionCheck(form) {
    var question = form.querySelector("[data-no-session]");
    if (!question) return;
    var missing = question.dataset.noSession.split(" ");
    form.querySelectorAll("input[name=context]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        question.hidden = missing.indexOf(radio.value) === -1;
      });
    });
  }

  function setUp(root) {
    var forms = root.matches && root.matches(".entry-form") ? [root] : root.querySelectorAll(".entry-form");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.dataset.entryFormReady) return;
      form.dataset.entryFormReady = "true";
      form.querySelectorAll("[data-screening]").forEach(setUpScreening);
      setUpPain(form);
      setUpSessionCheck(form);
      // When the form comes back with errors, take the reader to the list of problems.
      var summary = form.querySelector("[data-error-summary]");
      if (summary) {
        summary.focus();
        summary.scrollIntoView({ block: "start" });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
})();
