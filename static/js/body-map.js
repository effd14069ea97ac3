// Body map: tapping a region of the figure ticks the matching "Where do you feel it?" checkbox.
// Without this file the checkboxes are shown and work on their own.
(function () {
  "use strict";

  function setUp(map) {
    if (map.dataset.bodyMapReady) return;
    map.dataset.bodyMapReady = "true";
    var figure = map.querySelector("[data-body-map-figure]");
    var list = map.querySelector("[data-body-map-list]");
    var summary = map.querySelector("[data-body-map-summary]");
    var boxes = {};
    map.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      boxes[box.value] = box;
    });

    function labelOf(box) {
      var label = map.querySelector('label[for="' + box.id + '"]');
      return label ? label.textContent.trim() : box.value;
    }

    function show() {
      map.querySelectorAll("[data-region]").forEach(function (shape) {
        var box = boxes[shape.dataset.region];
        var on = Boolean(box && box.checked);
        shape.classList.toggle("is-selected", on);
        shape.setAttribute("aria-checked", on ? "true" : "false");
      });
      var chosen = Object.keys(boxes)
        .filter(function (value) { return boxes[value].checked; })
        .map(function (value) { return labelOf(boxes[value]); });
      summary.textContent = chosen.length
        ? summary.dataset.chosenPrefix + " " + chosen.join(", ")
        : summary.dataset.noneText;
    }

    function toggle(region) {
      var box = boxes[region];
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    figure.addEventListener("click", function (event) {
      var shape = event.target.closest("[data-region]");
      if (shape) toggle(shape.dataset.region);
    });
    figure.addEventListener("keydown", function (event) {
      var shape = event.target.closest("[data-region][role=checkbox]");
      if (shape && (event.key === " " || event.key === "Enter")) {
        event.preventDefault();
        toggle(shape.dataset.region);
      }
    });
    list.addEventListener("change", show);

    // Front or back: one view at a time, the other a tap away.
    var viewButtons = map.querySelectorAll("[data-body-map-view]");
    viewButtons.forEach(function (button) {
      button.addEventListener("click", function () {
        var side = button.dataset.bodyMapView;
        viewButtons.forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
        map.querySelectorAll("[data-body-map-side]").forEach(function (svg) {
          // An <svg> has no "hidden" property of its own: set the attribute.
          svg.toggleAttribute("hidden", svg.dataset.bodyMapSide !== side);
        });
      });
    });

    // The list of tick boxes stays one tap away: the same choices with larger targets.
    var listButton = map.querySelector("[data-body-map-toggle]");
    if (listButton) {
      listButton.addEventListener("click", function () {
        list.hidden = !list.hidden;
        listButton.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      });
    }

    // The hidden list still submits its ticked boxes with the form.
    figure.hidden = false;
    list.hidden = true;
    show();
  }

  function setUpAll(root) {
    if (root.matches && root.matches("[data-body-map]")) setUp(root);
    root.querySelectorAll("[data-body-map]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.detail.elt); });
})();
