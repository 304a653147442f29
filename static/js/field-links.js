// A link to a form field (the question editor's summary of problems links each one to the
// field it is said beside) reaches the field even where a script stands in for it: a policy's
// textarea is hidden behind its editor (policy-editor.bundle.js), and a browser scrolls to and
// focuses nothing hidden, so the link did nothing. Here it brings the editor into view and
// focuses it. Other links, and every link without this script, are the browser's own.
(() => {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    if (!link || link.hash.length < 2) return;
    let target;
    try {
      target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    } catch (_) {
      return; // a malformed escape: leave it to the browser
    }
    if (!target || !target.hidden || !target.policyEditor || !window.policyEditorFocus) return;
    event.preventDefault();
    const standIn = target.nextElementSibling || target.parentElement;
    standIn.scrollIntoView({ block: "center" });
    window.policyEditorFocus(target);
    if (location.hash !== link.hash) history.pushState(null, "", link.hash);
  });
})();
