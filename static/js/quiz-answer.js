// An autosave that found the answer valid (quizzes/views.py sends `answer-valid` with it): the
// messages a check or a save drew beside the question's controls ("Choose one answer.", a
// policy's JSON mistake) no longer apply, yet stayed beside "Answer saved." as if they did.
// Take them off, and the marks that pointed at them (aria-invalid, aria-describedby; a policy
// editor copies both onto its own text box), so a screen reader on a control no longer hears
// them. The page's status region already says the autosave's words in place of the old ones.
(function () {
  "use strict";
  document.addEventListener("answer-valid", function (event) {
    var form = event.target instanceof Element && event.target.closest("form");
    if (!form) return;
    var gone = [];
    form.querySelectorAll(".field-error, .form-error").forEach(function (message) {
      if (message.id) gone.push(message.id);
      message.remove();
    });
    form.querySelectorAll("[aria-invalid], [aria-describedby]").forEach(function (control) {
      control.removeAttribute("aria-invalid");
      var described = (control.getAttribute("aria-describedby") || "").split(/\s+/)
        .filter(function (id) { return id && gone.indexOf(id) === -1; });
      if (described.length) control.setAttribute("aria-describedby", described.join(" "));
      else control.removeAttribute("aria-describedby");
    });
  });
})();
