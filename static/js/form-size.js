// A form too large for its door, said before it is sent (templates/_form_size.html). The server
// refuses a body over its door's limit unread (srm_trainer/too_large.py) with its 400 page, and
// only the browser then has what was typed; here a form whose status line carries that limit
// (`data-max-body`, from the same table: teach_forms.max_body; on the line, not the <form>, on
// every page, since the admin's <form> tag is Django's: templates/admin/change_form.html) is
// measured as the browser would send it, and one over it is not sent: that line (beside its
// buttons, a status region) says how large it is, of how much, and which field is the
// largest, every field left as typed. A file input with `data-max-file` (the import's) is
// checked as it is chosen and again on submit, in the server's own words (`data-too-large`,
// "{kb}" its size). The server stays the authority: a form this under-counts is refused there
// as before. Without JavaScript nothing changes.
(function () {
  "use strict";

  var MB = 1024 * 1024;
  // What a browser's urlencoding leaves as itself: letters, digits, * - . _ and a space (+).
  var PLAIN = new Uint8Array(128);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._ ".split("").forEach(
    function (c) { PLAIN[c.charCodeAt(0)] = 1; });
  // Chromium's multipart boundary ("----WebKitFormBoundary" and 16 characters).
  var BOUNDARY = 38;

  // The bytes `text` takes in a body: escaped (%XX a byte) or raw UTF-8; a line break goes as
  // CR LF, as a browser sends it.
  function cost(text, escaped) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      var bytes;
      if (c === 10 || c === 13) {
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        n += escaped ? 6 : 2;
        continue;
      }
      if (c < 0x80) bytes = 1;
      else if (c < 0x800) bytes = 2;
      else if (c >= 0xd800 && c < 0xdc00) { bytes = 4; i++; }
      else bytes = 3;
      n += !escaped ? bytes : (c < 0x80 && PLAIN[c]) ? 1 : 3 * bytes;
    }
    return n;
  }

  function entries(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (error) { // a browser without FormData's submitter: add it by hand
      data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    }
    var list = [];
    data.forEach(function (value, name) { list.push([name, value]); });
    return list;
  }

  // The body's size and its largest field: [total, name, bytes].
  function measure(form, submitter) {
    var multipart = (form.enctype || "").toLowerCase() === "multipart/form-data";
    var total = multipart ? BOUNDARY + 6 : 0;
    var largest = ["", 0];
    entries(form, submitter).forEach(function (entry, index) {
      var name = entry[0];
      var value = entry[1];
      var isFile = typeof value !== "string";
      var bytes;
      if (!multipart) {
        bytes = cost(isFile ? value.name : value, true);
        total += cost(name, true) + 1 + bytes + (index ? 1 : 0);
      } else {
        bytes = isFile ? value.size : cost(value, false);
        // --boundary, Content-Disposition: form-data; name="…", the value and its CR LFs.
        total += BOUNDARY + 4 + 38 + cost(name, false) + 1 + 4 + bytes + 2;
        if (isFile) total += 12 + cost(value.name, false) + 1 + 16 + (value.type || "application/octet-stream").length;
      }
      if (bytes > largest[1]) largest = [name, bytes];
    });
    return [total, largest[0], largest[1]];
  }

  // A size in the unit the limit is said in ("945 KB", "1.51 MB"), rounded up, so a form just
  // over is never said to be the limit's own size.
  function said(size, inMB) {
    if (inMB) return (Math.ceil(size / MB * 100) / 100) + " MB";
    return Math.ceil(size / 1024).toLocaleString("en") + " KB";
  }

  function fieldName(form, name) {
    var field = form.elements.namedItem(name);
    if (field && !field.labels && field.length) field = field[0];
    var label = field && field.labels && field.labels[0];
    var words = label ? label.textContent : field && field.getAttribute("aria-label");
    // The admin's labels end in a colon ("Body:"): the field's name without it.
    return [field, (words || name).replace(/\s+/g, " ").trim().replace(/:$/, "")];
  }

  // `status`: the form's status line, which carries its door's limit.
  function setUp(form, status) {
    var limit = parseInt(status.getAttribute("data-max-body"), 10);
    var limitWords = status.getAttribute("data-max-body-words") || "";
    if (!limit || form.hasAttribute("data-size-watched")) return;
    form.setAttribute("data-size-watched", ""); // once, if a swap runs this script again
    var files = form.querySelectorAll("input[type=file][data-max-file]");
    var shown = false;
    var timer = null;

    function show(message, field) {
      var line = document.createElement("p");
      line.className = "check-bad";
      line.textContent = message[0];
      if (message.length > 1) {
        var link = document.createElement("a");
        link.textContent = message[1];
        if (field && field.id && field.offsetParent !== null) link.href = "#" + field.id;
        else link = document.createTextNode(message[1]);
        line.appendChild(link);
        line.appendChild(document.createTextNode(message[2]));
      }
      status.replaceChildren(line);
      shown = true;
    }

    function clear() {
      status.replaceChildren();
      shown = false;
      files.forEach(function (input) { input.removeAttribute("aria-invalid"); });
    }

    // The first chosen file over its limit, said in the server's words; else null.
    function fileTooLarge() {
      for (var i = 0; i < files.length; i++) {
        var input = files[i];
        var file = input.files && input.files[0];
        if (file && file.size > parseInt(input.getAttribute("data-max-file"), 10)) {
          input.setAttribute("aria-invalid", "true");
          var kb = Math.floor(file.size / 1024); // as the server says it: no separators
          return (input.getAttribute("data-too-large") || "").replace("{kb}", String(kb));
        }
      }
      return null;
    }

    // True if the form fits; else says why, and false.
    function check(submitter) {
      var file = fileTooLarge();
      if (file) { show([file]); return false; }
      var size = measure(form, submitter);
      if (size[0] <= limit) { if (shown) clear(); return true; }
      var inMB = /MB$/.test(limitWords);
      var named = fieldName(form, size[1]);
      show([
        "This form is " + said(size[0], inMB) + ", more than the " + limitWords +
          " this page can send at once, so it was not sent; everything you typed is still here. " +
          "The largest part is ",
        "“" + named[1] + "”",
        " (" + said(size[2], inMB) + "): shorten it and try again.",
      ], named[0]);
      return false;
    }

    form.addEventListener("submit", function (event) {
      if (!check(event.submitter)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
    files.forEach(function (input) {
      input.addEventListener("change", function () {
        var message = fileTooLarge();
        if (message) show([message]);
        else if (shown) clear();
      });
    });
    // Once said, the line follows the typing: gone when the form fits again.
    form.addEventListener("input", function () {
      if (!shown) return;
      clearTimeout(timer);
      timer = setTimeout(function () { if (check(null)) clear(); }, 300);
    });
  }

  document.querySelectorAll("[data-size-status][data-max-body]").forEach(function (line) {
    var form = line.closest("form");
    if (form) setUp(form, line);
  });
})();
