// The colour palette. Without this script the OS preference decides (CSS alone). With it, the
// header's "Dark theme" toggle can pin light or dark; the choice is kept in localStorage and
// applied here, in <head> before the page is painted, so a pinned palette never flashes.
// Choosing what the OS already prefers clears the pin, so the page follows the OS again.
(function () {
  var KEY = "srm-theme";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function systemDark() { return !!(media && media.matches); }
  function pinned() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function pin(choice) {
    try {
      if (choice) { localStorage.setItem(KEY, choice); } else { localStorage.removeItem(KEY); }
    } catch (e) { /* storage refused (private mode): the choice lasts for this page only */ }
  }
  function apply(choice) {
    if (choice === "light" || choice === "dark") { root.setAttribute("data-theme", choice); }
    else { root.removeAttribute("data-theme"); }
  }
  function isDark() {
    var choice = root.getAttribute("data-theme");
    return choice ? choice === "dark" : systemDark();
  }

  apply(pinned());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) { return; }
    function show() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var dark = !isDark();
      var choice = dark === systemDark() ? null : (dark ? "dark" : "light");
      pin(choice);
      apply(choice);
      show();
    });
    if (media && media.addEventListener) { media.addEventListener("change", show); }
  });
})();
