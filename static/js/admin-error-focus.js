// A refused admin form opens on its first error, as the site's own forms do
// (srm_trainer/error_focus.py): the page came back with the focus at its top, and a keyboard or
// screen-reader user had to hunt for what was wrong below "Please correct the errors below."
// The same rule: the first thing in the page's order that says what is wrong, a form-wide
// message (the form's own, an inline row's or an inline group's: they name what clashes), else
// the first field in error, which Django marks `aria-invalid` and describes by its message, so
// its label and message are read. A message takes the focus with tabindex="-1"; Tab goes on to
// the fields after it. The site's pages do this with `autofocus`; the admin draws its fields
// itself, and its own change_form.js focuses an add page's first field, so here it is a script.
//
// Loaded deferred by templates/admin/base_site.html on every admin page (a file: the CSP allows
// no inline script). It acts on the window's load event, after Django's change_form.js (async:
// it runs before load) and the widgets drawn then (select2, the two-list choosers), and not at
// all once the person has pressed a key or the pointer on the page: their place wins.
// static/css/admin-focus.css draws the ring.
(function () {
  "use strict";
  var moved = false;
  function personMoved() { moved = true; }
  document.addEventListener("keydown", personMoved, true);
  document.addEventListener("pointerdown", personMoved, true);

  var MESSAGES = ".errorlist.nonfield, .errorlist.nonform";
  var FIRST = MESSAGES + ", [aria-invalid='true']";

  function shown(element) {
    return element.getClientRects().length > 0 &&
      !element.classList.contains("select2-hidden-accessible");
  }

  // What a person reaches for a control in error: the control, or the widget drawn over it
  // (select2 hides the <select> and draws a combobox after it).
  function reachable(control) {
    if (shown(control)) return control;
    var drawn = control.nextElementSibling;
    var combobox = drawn && drawn.classList.contains("select2") &&
      drawn.querySelector(".select2-selection");
    return combobox || null;
  }

  function firstError(content) {
    var candidates = content.querySelectorAll(FIRST);
    for (var i = 0; i < candidates.length; i++) {
      var candidate = candidates[i];
      var details = candidate.closest("details");
      if (details) details.open = true; // a collapsed fieldset (Django opens those in error)
      if (candidate.matches(MESSAGES)) return candidate;
      var control = reachable(candidate);
      if (control) return control;
    }
    // Nothing said beside a field or the form (an error drawn elsewhere): the summary.
    return content.querySelector(".errornote");
  }

  function focusFirstError() {
    document.removeEventListener("keydown", personMoved, true);
    document.removeEventListener("pointerdown", personMoved, true);
    var content = document.getElementById("content");
    if (moved || !content || !content.querySelector(".errornote, .errorlist")) return;
    var target = firstError(content);
    if (!target) return;
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  window.addEventListener("load", focusFirstError);
})();
