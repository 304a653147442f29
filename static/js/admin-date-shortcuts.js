// Django's date and time shortcuts (DateTimeShortcuts.js: "Today" and a calendar icon beside a
// date, "Now" and a clock icon beside a time, e.g. a user's "Last login" and "Date joined").
// The icons are links whose only content is an empty <span title="Choose a Date">, a name some
// screen readers find and some do not, and a page of two dates and two times had four of each,
// none saying which field it sets. Here each is named after its field as the field's own box
// is (srm_trainer/admin_names.py: "Date joined: date"): "Date joined: today", "Date joined:
// choose a date", "Date joined: now", "Date joined: choose a time".
//
// Keyboard: the calendar and the clock are drawn at the end of the page, so Tab from the icon
// went on through the form and never reached them. Opened, focus moves into them (the chosen
// day, else today, else the first day; the first time); closed by Cancel or Escape, it goes
// back to the icon that opened them (a choice puts it on the box it filled: Django's). Their month arrows "<" and ">" are "Previous month" and
// "Next month".
//
// Loaded deferred by templates/admin/base_site.html: DateTimeShortcuts draws the links on the
// window's load event, and this listener, registered after Django's, runs after it; a date in
// an inline row added later is drawn on "formset:added".
(function () {
  "use strict";

  // The field a box belongs to: its name less ": date"/": time", else its <label>'s words.
  function fieldOf(input) {
    var named = input.getAttribute("aria-label");
    if (named) {
      return named.replace(/: (date|time)$/, "");
    }
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim().replace(/:$/, "") : "";
  }

  function boxOf(link) {
    var match = /^(calendar|clock)link(\d+)$/.exec(link.id);
    if (!match) {
      return null;
    }
    var prefix = match[1] === "calendar" ? "calendarbox" : "clockbox";
    return document.getElementById(prefix + match[2]);
  }

  function isOpen(box) {
    return box && box.style.display !== "none";
  }

  // Into the box just opened, and back to the icon once it is closed.
  function focusInto(link) {
    var box = boxOf(link);
    if (!isOpen(box)) {
      return;
    }
    var target =
      box.querySelector("td.selected a") ||
      box.querySelector("td.today a") ||
      box.querySelector("td a") ||
      box.querySelector(".timelist a");
    if (!target) {
      return;
    }
    target.focus();
    // Closed by Cancel or Escape, focus was left on a hidden link: back to the icon. Closed by a
    // choice, Django has put it on the box filled; by a click elsewhere, it stays there.
    var back = function (event) {
      var elsewhere = event.currentTarget === document.documentElement;
      setTimeout(function () {
        if (isOpen(box)) {
          return;
        }
        var active = document.activeElement;
        var lost = !active || active === document.body || box.contains(active);
        if (lost && !elsewhere) {
          link.focus();
        }
        document.removeEventListener("keyup", back);
        box.removeEventListener("click", back);
        document.documentElement.removeEventListener("click", back);
      });
    };
    document.addEventListener("keyup", back);
    box.addEventListener("click", back);
    document.documentElement.addEventListener("click", back);
  }

  function nameShortcuts() {
    document.querySelectorAll(".datetimeshortcuts").forEach(function (span) {
      var input = span.previousElementSibling;
      if (!input || span.dataset.named) {
        return;
      }
      var field = fieldOf(input);
      var isDate = input.classList.contains("vDateField");
      var links = span.querySelectorAll("a");
      if (!field || links.length !== 2) {
        return;
      }
      span.dataset.named = "1";
      links[0].setAttribute("aria-label", field + (isDate ? ": today" : ": now"));
      links[1].setAttribute("aria-label", field + (isDate ? ": choose a date" : ": choose a time"));
      var icon = links[1].querySelector("span[title]");
      if (icon) {
        icon.setAttribute("aria-hidden", "true");
      }
      links[1].addEventListener("click", function () {
        setTimeout(function () { focusInto(links[1]); });
      });
      var box = boxOf(links[1]);
      if (box) {
        var previous = box.querySelector(".calendarnav-previous");
        var next = box.querySelector(".calendarnav-next");
        if (previous) previous.setAttribute("aria-label", "Previous month");
        if (next) next.setAttribute("aria-label", "Next month");
      }
    });
  }

  window.addEventListener("load", nameShortcuts);
  document.addEventListener("formset:added", function () { setTimeout(nameShortcuts); });
})();
