// The assignment form's lessons (templates/cohorts/_lesson_picker.html): the matches of a
// search follow typing (htmx, teach:lesson-find); a match ticked meanwhile is moved into the
// "Chosen" list before the next search replaces the matches, so nothing ticked is lost, and
// the "None yet" line follows the list. Enter in the search box searches at once rather than
// sending the form. The form works without this: its "Find" button draws the page again.
(function () {
  "use strict";

  function setUp(picker) {
    var chosen = picker.querySelector("[data-lesson-chosen]");
    var found = picker.querySelector("[data-lesson-found]");
    var query = picker.querySelector("[data-lesson-query]");
    var none = picker.querySelector("[data-lesson-none]");
    if (!chosen || !found || !query) return;

    function keepTicked() {
      found.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
        var item = box.closest("li");
        if (item) chosen.appendChild(item);
      });
      if (none) none.hidden = chosen.querySelector("li") !== null;
    }

    found.addEventListener("htmx:beforeSwap", keepTicked);
    query.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(query, "search");
    });
  }

  document.querySelectorAll("[data-lesson-picker]").forEach(setUp);
})();
