// The question editor's tag choosers (templates/teach/_tag_chooser.html): a long list of tags
// is grouped by module, a <details> per module; this shows the filter box above the groups
// (hidden without JavaScript, where one opens a group and ticks) and keeps only the tags whose
// words hold every word typed ("guardduty agent" finds thinks-guardduty-needs-agents), in
// whichever group: a group with a match opens, one without hides; clearing the box puts every
// group back as it was, and opens any where a tag was ticked meanwhile. A ticked tag stays in
// view whatever the filter, so no choice is hidden from its author. The count goes to a polite
// status line. Enter in the box filters, it does not save the question.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().replace(/[-_,]+/g, " ").split(/\s+/).filter(Boolean);
  }

  function setUp(filter) {
    var input = filter.querySelector("input[type=search]");
    var status = filter.querySelector("[role=status]");
    var list = input && document.getElementById(input.getAttribute("aria-controls"));
    if (!list || !status) return;
    var items = Array.prototype.map.call(list.querySelectorAll("li"), function (li) {
      var label = li.querySelector("label");
      return {
        li: li,
        box: li.querySelector("input[type=checkbox]"),
        text: " " + words(label ? label.textContent : "").join(" "),
      };
    });
    var groups = Array.prototype.map.call(list.querySelectorAll("details"), function (details) {
      return { details: details, wasOpen: details.open };
    });
    var filtering = false;
    var total = items.length;

    function apply() {
      var wanted = words(input.value);
      var matches = 0;
      if (wanted.length && !filtering) {
        // The groups as the author left them, to put back when the box is cleared.
        groups.forEach(function (group) { group.wasOpen = group.details.open; });
      }
      items.forEach(function (item) {
        var hit = wanted.every(function (w) { return item.text.indexOf(w) !== -1; });
        if (hit) matches += 1;
        item.li.hidden = !hit && !(item.box && item.box.checked);
      });
      groups.forEach(function (group) {
        if (!wanted.length) {
          group.details.hidden = false;
          // As it was, or open if a box in it was ticked while filtering: never a tick folded away.
          if (filtering) group.details.open = group.wasOpen || !!group.details.querySelector("input:checked");
          return;
        }
        var shown = group.details.querySelectorAll("li:not([hidden])").length > 0;
        group.details.hidden = !shown;
        group.details.open = shown;
      });
      filtering = wanted.length > 0;
      if (!wanted.length) {
        status.textContent = "All " + total + " tags shown.";
      } else {
        status.textContent = matches + " of " + total + " tags " + (matches === 1 ? "matches." : "match.");
      }
    }

    input.addEventListener("input", apply);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    filter.hidden = false;
    if (input.value) apply(); // a value the browser restored (Back)
  }

  document.querySelectorAll("[data-tag-filter]").forEach(setUp);
})();
