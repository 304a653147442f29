// The admin's autocomplete fields (`autocomplete_fields`: Django's AutocompleteSelect, drawn by
// select2) named for their field. select2 names its combobox by the choice it shows alone
// (aria-labelledby points at that text), so a field left empty had no name at all and a chosen
// one said "sam", not "Owner"; the choice's text, a read-only textbox of its own, and the search
// box, once open, had none either. Here the combobox and that textbox are labelled by the
// field's <label> (in a tabular inline's row, its column's header) and then the choice, and the
// search box by the field.
//
// Open, the combobox also names the list it controls: select2 sets only aria-owns, and an
// expanded combobox without aria-controls is one axe (and ARIA 1.2) refuses. And the options
// the server sends get ids: select2 gives an id only to the options it reads from the page, so
// with the admin's searched-for ones, the arrow keys moved the highlight but no
// aria-activedescendant followed it (select2 sets that, and aria-expanded, from the id).
//
// Loaded deferred by templates/admin/base_site.html, so it runs after Django's autocomplete.js
// (a script of the page's head): its ready handler and its "formset:added" listener come after
// Django's, which have made the comboboxes by then.
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$) return; // a page without the admin's form scripts has no autocomplete field
  var made = 0;

  // Each searched-for option the id select2 gives the options of a page's <select>. Django's
  // AutocompleteSelect sets no `processResults` of its own, so this default is the one used.
  var amd = $.fn.select2 && $.fn.select2.amd;
  var Ajax = amd && amd.require("select2/data/ajax");
  if (Ajax) {
    var processResults = Ajax.prototype.processResults;
    Ajax.prototype.processResults = function (data, params) {
      var processed = processResults.call(this, data, params);
      var adapter = this;
      ((processed && processed.results) || []).forEach(function (item) {
        if (item._resultId == null && item.id != null && adapter.container) {
          item._resultId = adapter.generateResultId(adapter.container, item);
        }
      });
      return processed;
    };
  }

  // The element that names the field of `select`, with an id to point at.
  function fieldName(select) {
    var name = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    var table = select.closest("table");
    if (!name && table && select.dataset.fieldName) {
      name = table.querySelector("thead th.column-" + CSS.escape(select.dataset.fieldName));
    }
    if (name && !name.id) name.id = "autocomplete-name-" + ++made;
    return name;
  }

  // The combobox select2 drew beside `select` (none for the empty form's template row).
  function comboboxOf(select) {
    var container = select.nextElementSibling;
    return container && container.querySelector(".select2-selection[role=combobox]");
  }

  function nameCombobox(select) {
    var combobox = comboboxOf(select);
    var name = combobox && fieldName(select);
    if (!name) return;
    var shown = combobox.querySelector(".select2-selection__rendered");
    var ids = [name.id, shown && shown.id].filter(Boolean).join(" ");
    combobox.setAttribute("aria-labelledby", ids);
    if (shown) shown.setAttribute("aria-labelledby", ids);
  }

  function nameAll(root) {
    $(root).find("select.admin-autocomplete").each(function () {
      nameCombobox(this); // the template row's is not drawn yet: nothing to name
    });
  }

  $(function () {
    nameAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    nameAll(event.target);
  });
  $(document).on("select2:open", "select.admin-autocomplete", function () {
    var name = fieldName(this);
    var open = $(".select2-container--open");
    open.find(".select2-search__field").attr("aria-labelledby", name && name.id);
    var listbox = open.find(".select2-results__options[role=listbox]")[0];
    var box = comboboxOf(this);
    if (box && listbox && listbox.id) box.setAttribute("aria-controls", listbox.id);
  });
  // Closed, the list leaves the page (select2 detaches it): nothing for the id to point at.
  $(document).on("select2:close", "select.admin-autocomplete", function () {
    var box = comboboxOf(this);
    if (box) box.removeAttribute("aria-controls");
  });
})();
