// A box that can scroll sideways (a wide table's `.table-scroll`, a diagram's `.diagram-scroll`,
// the network and WAF labs' `.netlab-figure`, a code block's `pre`) comes from the server as a
// keyboard stop, the boxes named "… (scrolls sideways)", so a keyboard can scroll what a mouse or
// a finger would. Most of the time the box does not overflow (every lesson table on a desktop, a
// diagram drawn narrow for a phone, a short policy), and then the stop is one more Tab that does
// nothing and the name promises a scroll there is not. This keeps the stop and the words only
// while the box overflows, checked again when the box or what it holds changes size and when a
// swap brings boxes in. Without this script (or without ResizeObserver) every box stays a stop:
// the safe way round.
(function () {
  // A code block the server made a stop is remembered by `data-code-stop`: once its tabindex is
  // taken, `pre[tabindex]` would no longer find it when it overflows again.
  var CODE = 'pre[tabindex="0"], pre[data-code-stop]';
  var BOXES = ".table-scroll, .diagram-scroll, .netlab-figure, " + CODE;
  var SUFFIX = " (scrolls sideways)";
  if (!window.ResizeObserver || !window.MutationObserver || !document.body) { return; }

  function said(label) { return label.slice(-SUFFIX.length) === SUFFIX; }

  // A code block reads as its own text, so the server names none; a stop needs a name a screen
  // reader can say before the code, so one that overflows is named here, after what it shows
  // where the page says (its <details>' summary, its <dt>): "Code: Your policy (scrolls
  // sideways)". Taken away again with the stop, so a block that fits stays plain text.
  var named = new WeakSet();

  function codeName(pre) {
    var parent = pre.parentElement;
    var title = null;
    if (parent && parent.tagName === "DETAILS") { title = parent.querySelector(":scope > summary"); }
    if (parent && parent.tagName === "DD") {
      title = parent.previousElementSibling;
      if (title && title.tagName !== "DT") { title = null; }
    }
    var words = title ? title.textContent.replace(/\s+/g, " ").trim() : "";
    return (words ? "Code: " + words : "Code") + SUFFIX;
  }

  function nameCode(pre, wide) {
    if (wide && !pre.hasAttribute("aria-label")) {
      pre.setAttribute("role", "group");
      pre.setAttribute("aria-label", codeName(pre));
      named.add(pre);
    } else if (!wide && named.has(pre)) {
      pre.removeAttribute("role");
      pre.removeAttribute("aria-label");
      named.delete(pre);
    }
  }

  function mark(box, wide) {
    var label = box.getAttribute("aria-label");
    var code = box.tagName === "PRE";
    if (wide) {
      if (box.getAttribute("tabindex") !== "0") { box.setAttribute("tabindex", "0"); }
      if (code) { nameCode(box, true); }
      else if (label !== null && !said(label)) { box.setAttribute("aria-label", label + SUFFIX); }
    } else if (box !== document.activeElement) {
      // The box with focus keeps its stop until focus leaves it (below): taking the tabindex from
      // a focused element would drop focus to the page's start.
      if (box.hasAttribute("tabindex")) { box.removeAttribute("tabindex"); }
      if (code) { nameCode(box, false); }
      else if (label !== null && said(label)) { box.setAttribute("aria-label", label.slice(0, -SUFFIX.length)); }
    }
  }

  // Every width first, then every change: one layout for the lot.
  function update(boxes) {
    var wide = boxes.map(function (box) { return box.scrollWidth > box.clientWidth; });
    boxes.forEach(function (box, i) { mark(box, wide[i]); });
  }

  // A box's own width changes with the page's, its scroll width with what it holds (a table
  // widened by a font, the diagram's other drawing shown), so both are watched.
  var resized = new ResizeObserver(function (entries) {
    var boxes = [];
    entries.forEach(function (entry) {
      var box = entry.target.closest(BOXES);
      if (box && boxes.indexOf(box) === -1) { boxes.push(box); }
    });
    update(boxes);
  });

  function observe(box) {
    resized.observe(box);
    for (var child = box.firstElementChild; child; child = child.nextElementSibling) {
      resized.observe(child);
    }
  }

  // Watch the boxes there are now (forgetting those a swap took away, taking up the ones it
  // brought or whose content it replaced), and mark them now rather than at the next frame.
  function refresh() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(BOXES));
    boxes.forEach(function (box) {
      if (box.tagName === "PRE" && !box.hasAttribute("data-code-stop")) { box.setAttribute("data-code-stop", ""); }
    });
    resized.disconnect();
    boxes.forEach(observe);
    update(boxes);
  }

  function holdsBox(node) {
    return node.nodeType === 1 && (node.matches(BOXES) || !!node.querySelector(BOXES));
  }

  // htmx's live fragments (the labs' results, the sandbox's analysis), in or out of band: a
  // change inside a box, or one that brings or takes boxes. The policy editor's typing is neither.
  new MutationObserver(function (records) {
    var touched = records.some(function (record) {
      return record.target.nodeType === 1 && !!record.target.closest(BOXES)
        || Array.prototype.some.call(record.addedNodes, holdsBox)
        || Array.prototype.some.call(record.removedNodes, holdsBox);
    });
    if (touched) { refresh(); }
  }).observe(document.body, { childList: true, subtree: true });

  document.addEventListener("focusout", function (event) {
    var box = event.target;
    if (box.nodeType === 1 && box.matches(BOXES)) {
      setTimeout(function () { update([box]); }, 0);  // once focus has moved on
    }
  });

  refresh();
})();
