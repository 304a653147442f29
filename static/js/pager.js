// A pager whose links swap their list in place (templates/_pager.html with a `target`: the
// question bank's, the search's). Its link is swapped out with the page it showed, and focus
// fell to the page's body: Tab went on from the footer, and the view stayed at the old page's
// foot, below the start of the new one. Once the new page is in, focus goes to the line that
// says which page is shown (the nav's data-pager-focus, an id; a status line, whose words are
// announced as they change) and it is brought into view above its list: where a plain pager's
// link opens its page, at its list. Without this script the links still page, focus as before.
// Loaded only by the pages that have such a pager (their head_extra block), not by every page.
(function () {
  "use strict";
  var ROOM = 16;
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var link = config && config.elt;
    var nav = link && link.closest ? link.closest("nav[data-pager-focus]") : null;
    var line = nav && document.getElementById(nav.getAttribute("data-pager-focus"));
    if (!line) { return; }
    if (!line.hasAttribute("tabindex")) { line.setAttribute("tabindex", "-1"); }
    line.focus({ preventScroll: true });
    // In view, a rem clear of the window's top, so its focus ring shows whole.
    var top = line.getBoundingClientRect().top;
    if (top < ROOM || top > window.innerHeight - line.offsetHeight) { window.scrollBy(0, top - ROOM); }
  });
})();
