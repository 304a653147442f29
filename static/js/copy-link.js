// "Copy link" beside a link to the exact state (the sandbox, the network and WAF labs): a
// button with data-copy="#the-input" copies that read-only input's address. Delegated, so a
// button that a live update swaps in works as the first one did.
// A button drawn `hidden` (a cohort's join link: without this script it would do nothing) is
// shown here.
document.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
  button.hidden = false;
});
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var input = document.querySelector(button.getAttribute("data-copy"));
  if (!input) return;
  input.select();
  // The button says "Copied" for a moment (its own words kept, so a second click within the
  // moment does not make "Copied" stick), and the page's status region says it to a screen
  // reader, emptied first so that a second copy is said again.
  var done = function () {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = "Copied";
    clearTimeout(button.copiedTimer);
    button.copiedTimer = setTimeout(function () { button.textContent = button.dataset.label; }, 1500);
    var region = document.getElementById("live-status");
    if (region) {
      region.textContent = "";
      setTimeout(function () { region.textContent = "Link copied."; }, 50);
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});

// The address bar follows the link to the exact state (the input marked data-keep-address),
// replaced rather than pushed after each live update: Reload, or Back from another page, opens
// what was on screen, not the page's first values (the fields are autocomplete="off", so the
// browser kept nothing, and a learner's policies were gone). A case too large for a link leaves
// the address as it was.
document.addEventListener("htmx:afterSettle", function () {
  var input = document.querySelector("input[data-keep-address]");
  if (!input || !input.value) return;
  var url;
  try { url = new URL(input.value, location.href); } catch (e) { return; }
  if (url.pathname !== location.pathname) return;
  var address = url.pathname + url.search + location.hash;
  if (address !== location.pathname + location.search + location.hash) {
    history.replaceState(history.state, "", address);
  }
});
