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

// A tool's live form (`{% live_form %}`, srm_trainer/live_status.py: the sandbox and the network,
// WAF and findings labs) sends an update at each pause in typing, one at a time and in order.
// Two things more keep its requests few and what it shows honest:
// - An update started by typing (an `input` or `change` event) is not sent when the fields are
//   those the result on screen answers: leaving a field after a pause fired its `change`, which
//   sent the same fields a second time (a port typed as "443" and left went twice), and so did
//   a key typed and deleted again. A button pressed (Enter, "Trace", "Evaluate") always goes.
//   A field marked data-live-ignore (the network lab's whole-case JSON, which only its own
//   button opens) is not part of what a result answers.
// - An answer that lands after the fields were edited again (a slow or busy server: the newer
//   edit's update waits for it, hx-sync) is shown as from before the last change, greyed as a
//   refused update's old result is (data-live-outdated, aria-busy on the result), and its
//   sentence is not said in the status region: the update for the fields as they now are
//   follows at once, and says its own.
(function () {
  "use strict";
  var TYPING = { input: true, change: true };
  var answered = new WeakMap(); // form → its fields as the result on screen answers them
  var sent = new WeakMap(); // a request's config → its form's fields when it went

  // The live form a request is the form's own or one of its buttons' (not a field's own, such
  // as the sandbox's action suggestions), or null.
  function liveForm(element) {
    var button = (element instanceof HTMLButtonElement || element instanceof HTMLInputElement) &&
      element.type === "submit";
    var form = element instanceof HTMLFormElement ? element : button ? element.form : null;
    return form && form.hasAttribute("data-live-form") ? form : null;
  }

  // The form's fields as one string (a file by its name and size), without data-live-ignore's.
  function fields(form) {
    var ignored = {};
    form.querySelectorAll("[data-live-ignore][name]").forEach(function (field) { ignored[field.name] = true; });
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (ignored[name]) return;
      if (typeof value !== "string") value = value.name + "\u0000" + value.size;
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return parts.join("&");
  }

  function resultOf(form) {
    var selector = form.getAttribute("hx-target");
    return selector ? document.querySelector(selector) : null;
  }

  function mark(form, outdated) {
    var shown = form && resultOf(form);
    if (!shown) return;
    if (outdated) {
      shown.setAttribute("data-live-outdated", "");
      shown.setAttribute("aria-busy", "true");
    } else {
      shown.removeAttribute("data-live-outdated");
      shown.removeAttribute("aria-busy");
    }
  }

  // A page (or a form a button redrew, with its result) is drawn for the fields it shows.
  function drawn(root) {
    if (!root || !root.querySelectorAll) return;
    var forms = Array.prototype.slice.call(root.querySelectorAll("form[data-live-form]"));
    if (root.matches && root.matches("form[data-live-form]")) forms.push(root);
    forms.forEach(function (form) { answered.set(form, fields(form)); });
  }

  document.addEventListener("htmx:confirm", function (event) {
    var form = liveForm(event.detail.elt);
    var started = event.detail.triggeringEvent;
    if (!form || form !== event.detail.elt || !started || !TYPING[started.type]) return;
    if (answered.get(form) === fields(form)) {
      event.preventDefault();
      mark(form, false); // an answer marked as outdated answers these fields after all
    }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var form = liveForm(event.detail.elt);
    if (form) sent.set(event.detail, fields(form));
  });
  // Whether an answer is the result's, and outdated, is decided before its swap (the fields
  // compared with those it was sent for), and marked after it on the result it drew (afterSwap
  // comes once for each element swapped in, the status region's words included).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var form = config && liveForm(config.elt);
    if (!form || !sent.has(config)) return;
    var status = event.detail.xhr.status;
    if (status < 200 || status >= 300 || !event.detail.shouldSwap) {
      answered.delete(form); // refused or not shown: the result on screen answers nothing newer
    } else if (config.target !== resultOf(form)) {
      answered.delete(form); // a button that redraws the form: htmx:load below says what it shows
    } else {
      answered.set(form, sent.get(config));
      config.liveResult = true;
      config.liveOutdated = fields(form) !== sent.get(config); // also read by the status region's rule
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var config = event.detail.requestConfig;
    if (config && config.liveResult) mark(liveForm(config.elt), config.liveOutdated);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = liveForm(event.detail.elt);
    if (form) answered.delete(form);
  });
  document.addEventListener("htmx:load", function (event) { drawn(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawn(document); });
  } else {
    drawn(document);
  }
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
  var outdated = false; // whether it answers fields edited since (the live form's rule above)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var started = config && config.triggeringEvent;
    typed = Boolean(started && TYPING[started.type]);
    outdated = Boolean(config && config.liveOutdated);
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (outdated && target.id === "live-status") {
      event.detail.shouldSwap = false;
      return;
    }
    var statusLine = target.getAttribute("role") === "status";
    if (!statusLine && !(typed && target.id === "live-status")) return;
    var words = event.detail.fragment ? event.detail.fragment.textContent : "";
    if (words.trim() === target.textContent.trim()) event.detail.shouldSwap = false;
  });
})();
