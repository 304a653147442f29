// A live update refused by the CSRF check (the page is older than a sign-in or sign-out in this
// browser): the server answers 403 with a notice retargeted at the page's alert region
// (srm_trainer/csrf_failure.py). htmx leaves 4xx answers unswapped, which left the old result
// on screen as if it applied and said nothing: swap this one in, as a message, not an error.
// Capture phase, so django-htmx's debug helper never replaces the whole page with it.
(function () {
  "use strict";
  function stale(xhr) {
    return xhr.status === 403 && xhr.getResponseHeader("X-Page-Stale") === "1";
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
