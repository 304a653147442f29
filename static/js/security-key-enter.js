// Enter in the key's name field is how a keyboard user finishes the form, but allauth's Add
// button is not a submit button (its script runs the browser's prompt, then posts the form):
// Enter posted the form with no key, and the page reloaded saying nothing. Enter presses Add.
// allauth's own post after the prompt (`form.submit()`) fires no submit event.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var add = document.getElementById("mfa_webauthn_add");
    if (!add || add.form !== event.target) return;
    event.preventDefault();
    add.click();
  });
})();
