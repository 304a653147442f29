// The admin's autocomplete fields (`autocomplete_fields`: Django's AutocompleteSelect, drawn by
// select2) named for their field. select2 names its combobox by the choice it shows alone
// (aria-labelledby points at that text), so a field left empty had no name at all and a chosen
// one said "sam", not "Owner"; the choice's text, a read-only textbox of its own, and the search
// box, once open, had none either. Here the combobox and that textbox are labelled by the
// field's <label> (in a tabular inline's row, its column's header) and then the choice, and the
// search box by the field.
//
// Loaded deferred by templates/admin/base_site.html, so it runs after Django's autocomplete.js
// (a script of the page's head): its ready handler and its "formset:added" listener come after
// Django's, which have made the comboboxes by then.
(function () {
  "use strict";
  var $ = window.django && window.django.jQuery;
  if (!$) return; // a page without the admin's form scripts has no autocomplete field
  var made = 0;

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

  function nameCombobox(select) {
    var container = select.nextElementSibling;
    var combobox = container && container.querySelector(".select2-selection[role=combobox]");
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
    $(".select2-container--open .select2-search__field").attr("aria-labelledby", name && name.id);
  });
})();
