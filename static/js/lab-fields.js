// A lab's live update swaps its result alone, and the field the result's error is about is
// outside it, in the form: mark it here as the server marks it on a page it draws whole
// (netlab/templatetags/netlab_fields.py), so a screen reader on the field hears what is wrong
// with it. The form names its result's message (data-error-message); the message names its
// field (data-field). Each update first takes the previous marks off. A refused update (its
// message in the result's #live-refusal, netlab/views.py `live_refusal`) leaves the last result
// greyed as from before the change: its error may no longer apply, so no field is marked with it.
(function () {
  "use strict";
  function tokens(element) {
    var value = element.getAttribute("aria-describedby");
    return value ? value.split(/\s+/).filter(Boolean) : [];
  }

  function unmark(field, message) {
    var rest = tokens(field).filter(function (id) { return id !== message; });
    field.removeAttribute("aria-invalid");
    if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
    else field.removeAttribute("aria-describedby");
  }

  function mark(field, message) {
    field.setAttribute("aria-invalid", "true");
    var rest = tokens(field).filter(function (id) { return id !== message; });
    field.setAttribute("aria-describedby", [message].concat(rest).join(" "));
  }

  function stale(message) {
    var panel = message.closest(".netlab-result");
    var refusal = panel && panel.querySelector("#live-refusal");
    return Boolean(refusal && refusal.firstElementChild);
  }

  function sync() {
    document.querySelectorAll("form[data-error-message]").forEach(function (form) {
      var id = form.getAttribute("data-error-message");
      Array.prototype.forEach.call(form.elements, function (field) {
        if (tokens(field).indexOf(id) !== -1) unmark(field, id);
      });
      var message = document.getElementById(id);
      var name = message && message.getAttribute("data-field");
      var field = name && document.getElementById(name);
      if (field && field.form === form && !stale(message)) mark(field, id);
    });
  }

  document.addEventListener("htmx:afterSettle", sync);
})();
