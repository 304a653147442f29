// A live update refused by the CSRF check (the page is older than a sign-in or sign-out in this
// browser): the server answers 403 with a notice retargeted at the page's alert region
// (srm_trainer/csrf_failure.py); one the labs refuse (too large: 400/413, too fast: 429) comes
// back as a message retargeted above their last result (netlab/views.py, `live_refusal`).
// htmx leaves 4xx answers unswapped, which left the old result on screen as if it applied and
// said nothing: swap these in (they carry X-Page-Stale), as a message, not an error.
// Capture phase, so django-htmx's debug helper never replaces the whole page with them.
(function () {
  "use strict";
  function stale(xhr) {
    return xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("X-Page-Stale") === "1";
  }
  window.addEventListener("htmx:beforeOnLoad", function (event) {
    if (stale(event.detail.xhr)) event.stopPropagation();
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (stale(event.detail.xhr)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
