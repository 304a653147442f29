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

// On a phone the menu is one row that scrolls sideways (site.css). Chromium scrolls a link Tab
// reaches into that row's view only when none of it shows: a link half past the edge stayed
// half hidden ("Compliance", "Sandbox" at 390 px). This brings the whole link into view.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var link = event.target;
    var nav = link.closest && link.closest(".site-nav");
    if (!nav || nav.scrollWidth <= nav.clientWidth) { return; }
    var box = link.getBoundingClientRect();
    var row = nav.getBoundingClientRect();
    if (box.left < row.left || box.right > row.right) {
      link.scrollIntoView({block: "nearest", inline: "nearest"});
    }
  });
})();
