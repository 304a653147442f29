// The assignment form's lessons (templates/cohorts/_lesson_picker.html): each module's fold says
// how many of its lessons are ticked ("4 lessons, 1 ticked"); this keeps that count right as
// boxes are ticked, so a closed fold still shows what it holds. The form works without it.
(function () {
  "use strict";

  function count(details) {
    var shown = details.querySelector("[data-lesson-count]");
    if (!shown) return;
    var total = Number(shown.getAttribute("data-total"));
    var ticked = details.querySelectorAll("input[type=checkbox]:checked").length;
    var lessons = total + (total === 1 ? " lesson" : " lessons");
    shown.textContent = ticked ? lessons + ", " + ticked + " ticked" : lessons;
  }

  document.querySelectorAll("[data-lesson-picker]").forEach(function (picker) {
    picker.addEventListener("change", function (event) {
      var details = event.target.closest && event.target.closest("details");
      if (details) count(details);
    });
    // Boxes the browser restored (Back) may differ from what the server drew.
    picker.querySelectorAll("details").forEach(count);
  });
})();
