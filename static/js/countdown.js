// A visible countdown for a timed quiz attempt (progressive enhancement: without it the page
// still says when the attempt ends, and the server submits it at the deadline either way).
// Reads the seconds left by the server's clock from data-seconds-left, so a wrong clock on
// this computer does not move the deadline. Announces 5 minutes and 1 minute left through a
// polite live region. At zero it saves the answer being given, waits the server's grace, then
// reloads: the server submits the attempt and shows the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) return;
  var secondsLeft = parseInt(box.getAttribute("data-seconds-left"), 10);
  var grace = parseInt(box.getAttribute("data-grace-seconds"), 10) || 0;
  var reloadUrl = box.getAttribute("data-reload-url") || window.location.href;
  if (isNaN(secondsLeft)) return;
  var end = Date.now() + secondsLeft * 1000;
  var clock = box.querySelector(".countdown-clock");
  var line = box.querySelector(".countdown");
  var announce = box.querySelector("[data-countdown-announce]");
  var said = {};
  var done = false;
  if (line) line.hidden = false;
  // "in about N minutes" was written when the page loaded; htmx moves between questions
  // without drawing it again, so it fell behind the clock. The clock says it now.
  var about = line && box.querySelector(".minutes-left");
  if (about) about.hidden = true;

  function format(total) {
    var h = Math.floor(total / 3600);
    var m = Math.floor((total % 3600) / 60);
    var s = total % 60;
    var mm = (m < 10 ? "0" : "") + m;
    var ss = (s < 10 ? "0" : "") + s;
    return h > 0 ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  function say(key, text) {
    if (said[key] || !announce) return;
    said[key] = true;
    announce.textContent = text;
  }

  function saveCurrentAnswer() {
    // The answer form autosaves on "change" (htmx); fire it so the last edit is kept.
    var status = document.getElementById("answer-status");
    var form = status && status.closest("form");
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    if (clock) clock.textContent = format(left);
    if (left <= 300 && left > 60 && secondsLeft > 300) say("five", "5 minutes left.");
    if (left <= 60 && left > 0 && secondsLeft > 60) say("one", "1 minute left.");
    if (left === 0 && !done) {
      done = true;
      box.classList.add("is-time-up");
      say("zero", "Time is up: your attempt is being submitted.");
      saveCurrentAnswer();
      window.setTimeout(function () { window.location.assign(reloadUrl); }, (grace + 1) * 1000);
      return;
    }
    window.setTimeout(tick, 250);
  }
  tick();
})();
