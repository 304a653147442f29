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

// A typed answer is saved 1.5 s after the typing stops (templates/quizzes/take.html; the review
// page keeps it the same way, unchecked: templates/quizzes/review.html). Leaving
// the question before then, by the question navigation, "Flag to come back to", "Review and
// submit" or any other link, dropped that last edit with the status line it waited on: a
// policy pasted and followed by a click on the next question's number was not kept. An edit
// still waiting is saved first: before another htmx request on the page is sent (which waits
// for it), and, when the page itself is left, by a beacon that outlives the page.
(function () {
  "use strict";
  var pending = null; // the answer form whose typed edit has not been sent yet

  function statusOf(form) { return form && form.querySelector("#answer-status"); }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLTextAreaElement)) return;
    var form = box.closest("form");
    if (statusOf(form)) pending = form;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (pending && (elt === pending || elt === statusOf(pending))) pending = null; // it is sent
  });

  document.addEventListener("htmx:confirm", function (event) {
    var form = pending;
    var elt = event.detail && event.detail.elt;
    var status = statusOf(form);
    if (!form || !status || !document.body.contains(form)) return;
    if (elt === form || elt === status || form.contains(elt)) return;
    event.preventDefault(); // the save goes first, then this request
    var went = false;
    function go() {
      if (went) return;
      went = true;
      document.removeEventListener("htmx:afterRequest", saved);
      event.detail.issueRequest(true);
    }
    function saved(done) { if (done.detail && done.detail.elt === status) go(); }
    document.addEventListener("htmx:afterRequest", saved);
    window.setTimeout(go, 5000); // a save that never answers does not hold the page
    form.dispatchEvent(new Event("change", { bubbles: true })); // the autosave's own trigger
  });

  window.addEventListener("beforeunload", function () {
    var form = pending;
    if (!form || !document.body.contains(form) || !navigator.sendBeacon) return;
    pending = null;
    var data = new FormData(form);
    data.set("action", "autosave");
    navigator.sendBeacon(form.getAttribute("action"), data);
  });
})();

// A flag or "Start again" refused over the rate limit leaves "Too many… Try again in N seconds"
// in the page's alert region (quizzes/views.py, _too_many_changes; data-until-success). Once a
// later request from the page goes through (2xx: a 429 swaps in too, so htmx counts it a success),
// the note no longer applies, yet it stayed as if the page still refused. Take it off: the status
// region has already said the refusal once, and says the new request's words in its place.
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status < 200 || xhr.status > 299) return;
    document.querySelectorAll("#page-alert [data-until-success]").forEach(function (note) {
      note.remove();
    });
  });
})();
