// allauth's security-key scripts (adding a key, signing in or confirming with one) report a
// refused or failed browser prompt only as an `allauth.error` event, then in the console: the
// page said nothing, and the button seemed to do nothing. Say what happened in the page's alert
// region (#page-alert, base.html), and keep the focus on the button so it can be tried again.
(function () {
  "use strict";
  var SAID = {
    NotAllowedError: "No security key was used: the browser's prompt was cancelled or timed " +
      "out, or it found no key it could use. Try again and follow the browser's prompt.",
    AbortError: "The security key prompt was stopped before it finished. Try again.",
    InvalidStateError: "This security key is already on your account: nothing was added.",
    SecurityError: "The browser refused to use a security key on this address: keys work only " +
      "on the site's own name, over https. Use your authenticator app or a recovery code instead.",
    NotSupportedError: "This browser cannot use security keys. Use your authenticator app or a " +
      "recovery code instead."
  };
  document.addEventListener("allauth.error", function (event) {
    var detail = event.detail || {};
    if ((detail.tags || []).indexOf("webauthn") === -1) return;
    var region = document.getElementById("page-alert");
    if (!region) return;
    event.preventDefault();
    var name = (detail.exception && detail.exception.name) || "";
    var note = document.createElement("p");
    note.className = "note note-error";
    note.setAttribute("role", "alert");
    note.textContent = SAID[name] || (
      "The security key did not work" + (name ? " (" + name + ")" : "") + ". Try again, or " +
      "use your authenticator app or a recovery code instead.");
    region.replaceChildren(note);
  });
})();
