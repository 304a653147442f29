// A live update (a form's `input` or `change` trigger) never carries a button's value; only a
// real press of the button does: a click on it (Enter or Space on it included) or a submit it
// is the submitter of. htmx takes for a form's submitter the submit button last clicked or
// focused in it, and appends its name and value to the form's next request, whatever started
// it: leaving a field by Tab focuses the button after it ("Remove context key 1", a quick
// principal, "Open this case"), and the update the field's change started acted as that press.
// That value is the last of its name htmx sends, after the form's own fields' (htmx-2.js,
// getInputValues): it is taken off again here, before the request goes.
(function () {
  "use strict";
  function isSubmit(element) {
    return (element instanceof HTMLButtonElement || element instanceof HTMLInputElement) &&
      (element.type === "submit" || element.type === "image");
  }

  // The button the event that started the request pressed, if it pressed one of the form's.
  function pressed(event, form) {
    if (!event) return null;
    var button = null;
    if (event.type === "submit") button = event.submitter;
    else if (event.type === "click" && event.target instanceof Element) {
      button = event.target.closest("button, input");
    }
    return button && isSubmit(button) && button.form === form ? button : null;
  }

  // Drops `button`'s value if it is the one htmx appended; true if it was.
  function dropAppended(data, own, button) {
    var values = data.getAll(button.name);
    var last = values.length - 1;
    if (last < 0 || values[last] !== button.value || values.length <= own.getAll(button.name).length) {
      return false;
    }
    data.delete(button.name);
    values.slice(0, last).forEach(function (value) { data.append(button.name, value); });
    return true;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!(form instanceof HTMLFormElement)) return; // htmx adds a submitter to a form's requests only
    var data = event.detail.formData;
    var keep = pressed(event.detail.triggeringEvent, form);
    if (keep && keep.name && data.getAll(keep.name).slice(-1)[0] === keep.value) return; // it was pressed
    var own = new FormData(form); // the form's fields, without any button
    Array.prototype.some.call(form.elements, function (button) {
      return isSubmit(button) && button.name && dropAppended(data, own, button); // one at most
    });
  });
})();

// The page's status region (srm_trainer/live_status.py) is told only what changed while typing:
// an update started by typing (an `input` or `change` event) whose sentence is the one the region
// already says leaves it alone. The sandbox sends an update at every pause in typing, and each
// put the same "Decision: Allowed" in the region afresh, which a screen reader read out again
// every time, between the keys. A button pressed still says its result, the same words or not.
// A page's own status line sent again out of band (role=status, such as the question bank's "12
// questions match.") is left alone whenever its words are the same, whatever started the
// update: it states a fact, and the same fact is no news after a button either.
(function () {
  "use strict";
  var TYPING = { input: true, change: true, keyup: true, search: true };
  var typed = false; // whether the response being swapped answers typing
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var started = config && config.triggeringEvent;
    typed = Boolean(started && TYPING[started.type]);
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var statusLine = target.getAttribute("role") === "status";
    if (!statusLine && !(typed && target.id === "live-status")) return;
    var words = event.detail.fragment ? event.detail.fragment.textContent : "";
    if (words.trim() === target.textContent.trim()) event.detail.shouldSwap = false;
  });
})();
