// The sandbox's script (and the policy-question editor's, which shares its case editor and
// live result): focus after a reshaping button, refusals shown, folds kept ("Copy link" is
// copy-link.js, shared with the labs). Everything else is htmx or a plain form.

// When a button reshapes the form (add or remove an editor), htmx replaces the whole form and
// with it the focused button. Put keyboard focus back somewhere sensible: the same control if
// it still exists, else the editor that was just added.
(function () {
  var remembered = null;
  var reshaping = null;  // the button whose request is on its way
  // Only a request an op button made counts: a live update that starts while one merely has
  // focus (Tab pressed within the update's delay) must not send focus back into an editor.
  function byButton(event) {
    var source = event.detail.requestConfig ? event.detail.requestConfig.elt : event.detail.elt;
    return source && source.name === "op" ? source : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = byButton(event);
    if (!button) return;
    remembered = { op: button.value, id: button.id };
    reshaping = button;
  });
  // Leaving a field for a button fires the field's change event, and the live update it starts
  // 100 ms later replaced (the editor's hx-sync) a button request still on its way: a key added
  // or removed right after typing was lost on a busy server. The button's request carries every
  // field and its answer redraws the result too, so an update while it is out is not sent.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (reshaping && elt !== reshaping && elt.contains(reshaping)) event.preventDefault();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (byButton(event) === reshaping) reshaping = null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!byButton(event)) return;
    // The sandbox's form, or the policy-question editor that reuses its case editor (teach).
    var form = document.querySelector("[data-case-editor]");
    if (!remembered || !form || !form.contains(document.activeElement) && document.activeElement !== document.body) return;
    var target = null;
    // Field names may carry a prefix (teach's "case-"), hence *= rather than ^=.
    var added = { "add-identity": 'textarea[name*="identity-"]', "add-context": '.context-row input[name$="-key"]',
                  "add-scp": 'textarea[name*="scp-"]', "add-rcp": 'textarea[name*="rcp-"]' };
    var removed = { "remove-identity": 'textarea[name*="identity-"]', "remove-context": '.context-row input[name$="-key"]' };
    var kind = remembered.op.split(":")[0].replace(/-level$/, "");
    // A key added by name (a suggestion, "Add aws:PrincipalTag/team") has its name already:
    // what is left to type is its value, so focus that, not the name it would be typed after.
    if (kind === "add-context" && remembered.op.indexOf(":") > 0) added[kind] = '.context-row input[name$="-value"]';
    if (added[kind]) {
      var found = form.querySelectorAll(added[kind]);
      target = found.length ? found[found.length - 1] : null;
    }
    if (!target) target = form.querySelector('button[name="op"][value="' + CSS.escape(remembered.op) + '"]');
    // The last editor or key removed: its "Remove" went with it. Go to the one now last of
    // its kind, else to the button that adds one (the first field was a hidden input, and
    // focus went back to the page's start).
    if (!target && removed[kind]) {
      var left = form.querySelectorAll(removed[kind]);
      target = left.length ? left[left.length - 1] : form.querySelector('button[name="op"][value="' + kind.replace("remove-", "add-") + '"]');
    }
    if (!target) target = form.querySelector('textarea, input:not([type="hidden"])');
    // A key added by a suggestion ("Add aws:SourceIp") lands in the context fold, closed on a
    // phone: open it, or focus would go nowhere and the new row be out of sight.
    var fold = target && target.closest("details");
    if (fold && !fold.open) fold.open = true;
    // A policy's textarea stands hidden behind its editor (policy-editor.bundle.js): focus that.
    if (target && !(window.policyEditorFocus && window.policyEditorFocus(target))) target.focus();
    remembered = null;
  });
})();

// A refused live update (too large: 400/413, too fast: 429) comes back as a message the server
// retargets above the last result. htmx leaves 4xx answers unswapped by default, which would
// leave the old decision on screen as if it applied: swap these in, as a message, not an error.
// Capture phase, so django-htmx's debug helper never replaces the whole page with them.
(function () {
  var REFUSAL = "#live-refusal";
  window.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget") === REFUSAL) {
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget") === REFUSAL) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      // The notes beside the editors are the last update's, about text changed since (and the
      // editors mark them, policy-editor.js, after the swap): the refusal stands alone.
      var form = event.detail.requestConfig && event.detail.requestConfig.elt.closest("form");
      if (form) form.querySelectorAll(".notes").forEach(function (notes) { notes.replaceChildren(); });
    }
  });
})();

// The folds (details[data-keep-open] with an id: the result's evaluation steps, diagram and
// every statement; the request's context keys) come back from the server as the page draws
// them, on every live update (the whole result is swapped) or reshaping button (the whole
// editor). Keep each as its reader left it: remembered before a swap, put back after it, and
// for a fold that comes back later (after an error had no steps to show). A fold marked
// data-fold-narrow starts closed on a phone, where the diagram under the step list was a
// screen and a half and the context keys most of one; its summary shows only there (site.css),
// so on a wider screen it opens. A fold in which an error appears opens (once: closed again by
// its reader, it stays closed until another error comes).
(function () {
  var KEPT = "details[data-keep-open][id]";
  var narrow = window.matchMedia("(max-width: 40rem)");
  var remembered = {};
  var erred = {};
  function restore() {
    document.querySelectorAll(KEPT).forEach(function (fold) {
      var open = Object.prototype.hasOwnProperty.call(remembered, fold.id) ? remembered[fold.id]
        : fold.hasAttribute("data-fold-narrow") && narrow.matches ? false : fold.open;
      if (fold.hasAttribute("data-fold-narrow") && !narrow.matches) open = true;
      var error = fold.querySelector(".note-error") !== null;
      if (error && !erred[fold.id]) open = true;
      erred[fold.id] = error;
      if (fold.open !== open) fold.open = open;
    });
  }
  document.addEventListener("htmx:beforeSwap", function () {
    document.querySelectorAll(KEPT).forEach(function (fold) { remembered[fold.id] = fold.open; });
  });
  document.addEventListener("htmx:afterSwap", restore);
  document.addEventListener("htmx:oobAfterSwap", restore);
  narrow.addEventListener("change", function () {
    remembered = {};
    restore();
  });
  restore();
})();

// A field whose notes hold an error (a policy that is not JSON, a malformed ARN) says so where a
// screen reader meets it, as the labs' fields do: aria-invalid on the field (and on the policy
// editor's text, which names the same notes), taken off when the error goes. Each live update
// swaps the notes in afresh; the fields themselves stay, so they are marked after every swap.
(function () {
  function erred(id) {
    var notes = /^notes-/.test(id) && document.getElementById(id);
    return Boolean(notes && notes.querySelector(".note-error"));
  }
  function mark() {
    document.querySelectorAll("[data-case-editor] [aria-describedby*='notes-']").forEach(function (field) {
      if (field.getAttribute("aria-describedby").split(/\s+/).some(erred)) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    });
  }
  document.addEventListener("htmx:afterSettle", mark);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
