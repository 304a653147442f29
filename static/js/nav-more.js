// The header's "More" (a <details> in templates/base.html, where the role's menu does not fit
// its row) opens and closes without this script, but only from its own summary: open, its
// links hang over the page until then. This closes it as a menu would: on Escape (focus back
// on the summary when it was inside), on a click or a tap elsewhere, and when Tab leaves it (its
// list would hang over what Tab reached). Without this script it works as before.
(function () {
  "use strict";
  var OPEN = ".nav-more details[open]";

  function close(details, refocus) {
    details.open = false;
    if (refocus) { details.querySelector("summary").focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) { return; }
    var details = document.querySelector(OPEN);
    var active = document.activeElement;
    // Only when focus is in it, or nowhere (Safari does not focus a clicked summary): Escape
    // in another widget is that widget's.
    var inside = !!details && details.contains(active);
    if (!details || !(inside || !active || active === document.body)) { return; }
    close(details, inside);
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var details = document.querySelector(OPEN);
    if (details && !details.contains(event.target)) { close(details, false); }
  });

  document.addEventListener("focusout", function (event) {
    var details = event.target.closest && event.target.closest(OPEN);
    // Focus going nowhere (the window left, a click on the page's background) is the click's
    // to decide, not this.
    if (details && event.relatedTarget && !details.contains(event.relatedTarget)) {
      close(details, false);
    }
  });
})();

