// A lab's live update swaps its result alone, and the fields the result's error is about are
// outside it, in the form: mark them here as the server marks them on a page it draws whole
// (netlab/templatetags/netlab_fields.py), so a screen reader on a field hears what is wrong
// with it. The form names its result's message (data-error-message); the message names its
// field (data-field), or, naming several problems, each of its items (#result-error-1 ...)
// names the field it is about, which it describes. Each update first takes the previous marks
// off. A refused update (its message in the result's #live-refusal, netlab/views.py
// `live_refusal`) leaves the last result greyed as from before the change, as does an answer
// that lands after the fields were edited again: its error may no longer apply, so no field is
// marked with it. The question editors' live checks in /teach/
// mark their boxes the same way (their list of problems, #check-error).
(function () {
  "use strict";
  function tokens(element) {
    var value = element.getAttribute("aria-describedby");
    return value ? value.split(/\s+/).filter(Boolean) : [];
  }

  // The message's id, or one of its items' (#result-error-2).
  function ours(id, message) {
    return id === message || id.indexOf(message + "-") === 0;
  }

  // The field, and what a keyboard reaches in its place: a textarea the policy editor took
  // over (policy-editor.js: hidden, its text edited in CodeMirror's content, which copied the
  // textarea's marks when it was made) is marked on both.
  function controls(field) {
    var editor = field.policyEditor;
    return editor && editor.contentDOM ? [field, editor.contentDOM] : [field];
  }

  function unmark(field, message) {
    controls(field).forEach(function (control) {
      var rest = tokens(control).filter(function (id) { return !ours(id, message); });
      control.removeAttribute("aria-invalid");
      if (rest.length) control.setAttribute("aria-describedby", rest.join(" "));
      else control.removeAttribute("aria-describedby");
    });
  }

  function mark(field, ids, message) {
    controls(field).forEach(function (control) {
      control.setAttribute("aria-invalid", "true");
      var rest = tokens(control).filter(function (id) { return !ours(id, message); });
      control.setAttribute("aria-describedby", ids.concat(rest).join(" "));
    });
  }

  function stale(message) {
    var panel = message.closest(".netlab-result");
    var refusal = panel && panel.querySelector("#live-refusal");
    // Outdated: it answers fields edited since (static/js/live-updates.js); the next one marks.
    return Boolean(refusal && refusal.firstElementChild || panel && panel.hasAttribute("data-live-outdated"));
  }

  function sync() {
    document.querySelectorAll("form[data-error-message]").forEach(function (form) {
      var id = form.getAttribute("data-error-message");
      Array.prototype.forEach.call(form.elements, function (field) {
        if (tokens(field).some(function (t) { return ours(t, id); })) unmark(field, id);
      });
      var message = document.getElementById(id);
      if (!message || stale(message)) return;
      // Each field, with the problems about it in the order they are listed.
      var found = {};
      var order = [];
      var carriers = [message].concat(Array.prototype.slice.call(message.querySelectorAll("[data-field]")));
      carriers.forEach(function (carrier) {
        var name = carrier.getAttribute("data-field");
        var field = name && document.getElementById(name);
        if (!field || field.form !== form || !carrier.id) return;
        if (!found[name]) { found[name] = []; order.push(field); }
        found[name].push(carrier.id);
      });
      order.forEach(function (field) { mark(field, found[field.id], id); });
    });
  }

  document.addEventListener("htmx:afterSettle", sync);
})();
