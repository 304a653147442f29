// "Created by (IAM user)" (request.federated_by) belongs to a federated user session only: as
// the principal is typed, show it for a federated user ARN (or while it holds something, so a
// value the engine refuses stays in sight beside its error) and hide it otherwise. The server
// draws it the same way (sandbox/state.py, shows_federated_by); the sandbox's live update swaps
// the result alone and the many-requests form is not redrawn as it is typed, so the page follows
// the typing here. Used by the sandbox, the policy-question editor and "Many requests".
(function () {
  "use strict";
  var FEDERATED = /^arn:[^:]+:sts::\d{12}:federated-user\/.+$/;
  function follow(principal) {
    var form = principal.form;
    var field = form && form.querySelector("[data-federated-by]");
    var input = field && field.querySelector("input");
    if (!input) return;
    var show = FEDERATED.test(principal.value.trim()) || input.value.trim() !== "";
    if (field.hidden === show) field.hidden = !show;
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.id === "principal") follow(target);
  });
})();
