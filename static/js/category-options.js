// The categorize editor's item category boxes suggest the categories typed above the rows
// (templates/teach/editors.html, a <datalist> the server draws on each round trip): this keeps
// that list in step as the categories are typed, so an item can be given a category added a
// moment ago without a save or a row button first. Each line is one category, trimmed, once.
(function () {
  "use strict";

  function setUp(list) {
    var source = document.getElementById(list.getAttribute("data-lines-of"));
    if (!source) return;
    function refill() {
      var seen = {};
      var options = [];
      source.value.split(/\r?\n/).forEach(function (line) {
        var name = line.trim();
        if (!name || Object.prototype.hasOwnProperty.call(seen, name)) return;
        seen[name] = true;
        var option = document.createElement("option");
        option.value = name;
        options.push(option);
      });
      list.replaceChildren.apply(list, options);
    }
    source.addEventListener("input", refill);
  }

  document.querySelectorAll("datalist[data-lines-of]").forEach(setUp);
})();
