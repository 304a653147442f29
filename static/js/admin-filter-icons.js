// The admin's two-list choosers (`filter_horizontal`: Django's SelectFilter2, e.g. a question's
// tags) put a search icon inside each filter box's <label>: a <span> with an aria-label. A plain
// span has no role, and ARIA does not allow a name on one (axe: aria-prohibited-attr), so
// whether the filter box was named by it was up to each browser. As an image (role="img") the
// icon may carry that name, and the box is named "Type into this box to filter down the list
// of available tags." everywhere.
//
// Loaded deferred by templates/admin/base_site.html: SelectFilter2 draws the choosers on the
// window's load event, and this listener, registered after Django's, runs after it; a chooser
// in an inline row added later is drawn on "formset:added".
(function () {
  "use strict";

  function nameIcons() {
    document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach(
      function (icon) { icon.setAttribute("role", "img"); }
    );
  }

  window.addEventListener("load", nameIcons);
  document.addEventListener("formset:added", function () { setTimeout(nameIcons); });
})();
