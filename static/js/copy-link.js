// "Copy link" beside a link to the exact state (the sandbox, the network and WAF labs): a
// button with data-copy="#the-input" copies that read-only input's address. Delegated, so a
// button that a live update swaps in works as the first one did.
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
