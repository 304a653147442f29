// A lab's rule and request tables end in one empty row: "fill the empty row to add one". A
// live update swaps the result alone, so once that row was filled no other came until the page
// was drawn again: a learner could add one rule to a table, then found no row for a second.
// When the last row's key field (a rule's number, a security-group rule's peer, a request's IP)
// gets a value, an empty copy of the row is added below it, named and labelled as the next
// row, up to the table's limit (data-rows-max), as the server draws one on a page it draws
// whole (netlab/state.py `rows`, waf_state.texts_of). The server reads the rows by name.
(function () {
  "use strict";
  var ATTRIBUTES = ["id", "name", "for", "aria-describedby"];

  function renamed(value, prefix, index) {
    var from = prefix + "-" + index + "-";
    return value.split(from).join(prefix + "-" + (index + 1) + "-");
  }

  function emptied(row, prefix, index) {
    var copy = row.cloneNode(true);
    copy.querySelectorAll("*").forEach(function (element) {
      ATTRIBUTES.forEach(function (name) {
        var value = element.getAttribute(name);
        if (value) element.setAttribute(name, renamed(value, prefix, index));
      });
      // The marks of an error about the row copied (lab-fields.js) are not the new row's.
      element.removeAttribute("aria-invalid");
      if (element.tagName === "LABEL") {
        // "..., rule row 4, Ports", "IP of request 4": the row's number, one up.
        element.textContent = element.textContent.replace(/\b(row|request) (\d+)\b/, function (_, word, n) {
          return word + " " + (Number(n) + 1);
        });
      } else if (element.tagName === "SELECT") {
        var chosen = element.querySelector("option[selected]");
        element.value = chosen ? chosen.value : element.options[0].value;
      } else if (element.tagName === "INPUT") {
        element.value = "";
      }
    });
    return copy;
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    var body = field.closest && field.closest("tbody[data-rows-max]");
    if (!body || !field.value.trim()) return;
    var rows = body.querySelectorAll("tr[data-row]");
    var last = rows[rows.length - 1];
    var prefix = body.getAttribute("data-rows-key");
    var index = rows.length - 1;
    if (field.closest("tr") !== last || rows.length >= Number(body.getAttribute("data-rows-max"))) return;
    if (field.name !== prefix + "-" + index + "-" + body.getAttribute("data-rows-field")) return;
    last.after(emptied(last, prefix, index));
  });
})();
