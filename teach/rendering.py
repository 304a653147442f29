"""A form renderer for the teaching pages that writes Django's own field, label, error and
widget HTML in Python instead of through their templates.

Why: the question editor draws 20-60 fields per request, and each field went through about ten
template renders (field.html, label.html, attrs.html, the widget's template and its includes):
about half of the page's CPU time. The HTML is the same byte for byte (labels tied to their
controls, help text and errors with their ids, `aria-describedby`, `aria-invalid`):
tests/teach/test_rendering.py renders every teaching form both ways and compares.

Only the templates below are written here, each exactly as Django 5.2 ships it (and our own
field group with a slot, `BETWEEN_TEMPLATE`, Django's with one addition); any other template
goes through the template engine as before, and so do these if the engine would not read them
from Django's own directory. Should a Django upgrade change one of them, that test
fails (the pages would otherwise keep the old markup).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from html import escape  # Django's `escape` is this, wrapped for lazy strings (not needed here)
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString

from teach.tag_groups import NO_MODULE, TagGroup

_PLAIN = Context()  # autoescape on, localisation as the settings say: a template's defaults


def _var(value) -> str:
    """`{{ value }}` in a template."""
    if type(value) is str:
        return escape(value)
    if isinstance(value, str):  # SafeString, or another str subclass
        return conditional_escape(value)
    return render_value_in_context(value, _PLAIN)


def _s(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = str(value)  # what "%s" makes of any value (the filter turns a tuple to str first)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    if not attrs:
        return ""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_var(name)}")
        else:
            out.append(f' {_var(name)}="{_s(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html, with its newline."""
    value = widget["value"]
    shown = f' value="{_s(value)}"' if value != None else ""  # noqa: E711 (the template's !=)
    return (
        f'<input type="{_var(widget["type"])}" name="{_var(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    """django/forms/widgets/input_option.html (a checkbox or radio of a group), newline kept."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    label_id = (widget.get("attrs") or {}).get("id")
    for_ = f' for="{_var(label_id)}"' if label_id else ""
    return f"<label{for_}>{_input(widget)} {_var(widget['label'])}</label>\n"


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html (the newline after the tag is the template's)."""
    value = widget["value"]
    text = _var(value) if value else ""
    return f'<textarea name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html, with its newline."""
    return (
        f'<option value="{_s(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_var(option['label'])}</option>\n"
    )


SELECT_OPTION = "django/forms/widgets/select_option.html"


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html; None (the engine draws it) for another option
    template."""
    out = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_var(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None
            out.append("\n  ")
            out.append(_option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _label(context: dict) -> str:
    """django/forms/label.html."""
    if not context["use_tag"]:
        return _var(context["label"])
    tag = _var(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_var(context['label'])}</{tag}>"


def _errors(context: dict) -> str:
    """django/forms/errors/list/ul.html (the default error list)."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = errors.field_id
    id_ = f' id="{_var(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_var(error)}</li>" for error in errors)
    return f'<ul class="{_var(context["error_class"])}"{id_}>{items}</ul>'


# Django's error list templates: both draw nothing for a list without errors.
_ERROR_LISTS = ("django/forms/errors/list/default.html", "django/forms/errors/list/ul.html")


def _field_errors(errors) -> str:
    """`{{ field.errors }}`: most fields have none, and an empty list drew nothing through a
    render of its template (a tenth of a field's cost)."""
    if not errors and errors.template_name in _ERROR_LISTS:
        return ""
    return _var(errors)


def _field(context: dict) -> str:
    """django/forms/field.html: label (or legend), help text, errors, the control; and
    teach/_field_group_between.html (`BETWEEN_TEMPLATE`), the same with `between` after the
    label (Django's context has no `between`: nothing is added)."""
    field = context["field"]
    label = field.label
    between = _var(context.get("between", ""))
    if field.use_fieldset:
        described = field.aria_describedby
        aria = f' aria-describedby="{_var(described)}"' if described else ""
        head = f"\n  <fieldset{aria}>\n  {_var(field.legend_tag()) if label else ''}{between}\n"
    else:
        head = f"\n  {_var(field.label_tag()) if label else ''}{between}\n"
    help_text = field.help_text
    if help_text:
        auto_id = field.auto_id
        id_ = f' id="{_var(auto_id)}_helptext"' if auto_id else ""
        help_html = f'<div class="helptext"{id_}>{help_text}</div>'
    else:
        help_html = ""
    tail = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n{help_html}\n{_field_errors(field.errors)}\n{_var(field)}{tail}\n"


def _div(context: dict) -> str:
    """django/forms/div.html: a whole form (`{{ form }}`), e.g. a formset's management form,
    which an editor draws once per list of rows."""
    errors, fields = context["errors"], context["fields"]
    hidden = "".join(_var(field) for field in context["hidden_fields"])
    out = [f"{_var(errors)}\n"]
    if errors and not fields:
        out.append(f"\n  <div>{hidden}</div>\n")
    out.append("\n")
    for n, (field, _errors) in enumerate(fields, start=1):
        classes = field.css_classes()
        class_ = f' class="{_var(classes)}"' if classes else ""
        out.append(f"\n  <div{class_}>\n    {_var(field.as_field_group())}\n    ")
        if n == len(fields):
            out.append(f"\n      {hidden}\n    ")
        out.append("\n</div>\n")
    out.append("\n")
    if not fields and not errors:
        out.append(f"\n  {hidden}\n")
    return "".join(out)


def _template(name: str) -> str:
    return f"django/forms/{name}"


_WIDGETS = "widgets/"
_INPUTS = ("text", "number", "email", "url", "password", "hidden", "checkbox", "search", "tel")

HANDLERS: dict[str, Callable[[dict], str | None]] = {
    _template("div.html"): _div,
    _template("field.html"): _field,
    _template("label.html"): _label,
    **{name: _errors for name in _ERROR_LISTS},
    _template(f"{_WIDGETS}input.html"): lambda c: _input(c["widget"]),
    **{_template(f"{_WIDGETS}{kind}.html"): lambda c: _input(c["widget"]) for kind in _INPUTS},
    _template(f"{_WIDGETS}textarea.html"): lambda c: _textarea(c["widget"]),
    _template(f"{_WIDGETS}select.html"): lambda c: _select(c["widget"]),
    _template(f"{_WIDGETS}checkbox_option.html"): lambda c: _input_option(c["widget"]),
    _template(f"{_WIDGETS}radio_option.html"): lambda c: _input_option(c["widget"]),
}

# What the handlers reproduce, their includes among them: if the engine would read any of these
# from elsewhere than Django's own directory, every template goes through the engine again.
REPRODUCED = {
    *HANDLERS,
    _template("attrs.html"),
    _template(f"{_WIDGETS}attrs.html"),
    SELECT_OPTION,
    _template(f"{_WIDGETS}input_option.html"),
}
DJANGO_TEMPLATES = Path(django.forms.__file__).parent / "templates"


class TeachFormRenderer(DjangoTemplates):
    """Django's default form renderer, with the common templates written in Python."""

    @cached_property
    def handlers(self) -> dict[str, Callable[[dict], str | None]]:
        for name in REPRODUCED:
            origin = getattr(self.engine.get_template(name), "origin", None)
            if origin is None or Path(origin.name) != DJANGO_TEMPLATES / name:
                return {}
        return HANDLERS

    def render(self, template_name, context, request=None) -> str:
        handler = self.handlers.get(template_name)
        html = handler(context) if handler is not None else None
        if html is None:
            return super().render(template_name, context, request)
        return SafeString(html.strip())


RENDERER = TeachFormRenderer()

# Django's field group with a slot after the label, `between` (Django's "reusable field group
# templates": `BoundField.render(template_name=...)`): what a question editor's row draws on its
# label's line comes before the control in the page (`teach_forms.field_group_with`).
BETWEEN_TEMPLATE = "teach/_field_group_between.html"


class PageTemplates(TemplatesSetting):
    """Form templates of our own, read through the project's template settings (the form
    renderer reads Django's and apps' directories only); `BETWEEN_TEMPLATE` written in Python
    as `_field` writes Django's field group, while `RENDERER` writes those (the template is the
    reference: tests/teach/test_rendering.py draws it both ways)."""

    def render(self, template_name, context, request=None) -> str:
        if template_name == BETWEEN_TEMPLATE and RENDERER.handlers:
            return SafeString(_field(context).strip())
        return super().render(template_name, context, request)


PAGE_TEMPLATES = PageTemplates()


# --- whole parts of the teaching pages, drawn as their templates draw them -------------------


def hidden_form(form) -> str | None:
    """`{{ form }}` for a form of hidden inputs only and no errors (a formset's management
    form, drawn once per list of rows): its inputs, side by side, as django/forms/div.html
    leaves them. Each went through a bound field, its widget's context and a render, about
    150 µs a formset. None (Django draws it) for any other form, or with the handlers off."""
    if not RENDERER.handlers or form.renderer is not RENDERER or form.errors:
        return None
    out = []
    for name, field in form.fields.items():
        widget = field.widget
        if type(widget) is not django.forms.HiddenInput or widget.attrs or field.disabled:
            return None
        bound = form[name]
        auto_id = widget.attrs.get("id") or bound.auto_id
        value = widget.format_value(bound.value())
        attrs = {"id": auto_id} if auto_id else {}
        out.append(
            _input({"type": "hidden", "name": bound.html_name, "value": value, "attrs": attrs})
        )
    return "".join(html.strip() for html in out)


CHECKBOX_OPTION = _template(f"{_WIDGETS}checkbox_option.html")

# A tag chooser lists its tags in the open while at most this many are not ticked; past that
# (the curriculum alone uses ~100 misconception tags: 9,220 px of page on a phone) they are
# grouped by module, each group a <details>, open for the question's module and for any group
# with a ticked tag.
SHOWN_WHOLE = 12


def folds(others: int) -> bool:
    """Whether a tag chooser with `others` tags not ticked groups them into folds."""
    return others > SHOWN_WHOLE


def box_groups(groups, values: list, ticked: list[bool]) -> list[tuple[TagGroup, list[int]]]:
    """The chooser's folds: each group with the positions of its boxes (`values`, the boxes'
    values in the offer's order; `ticked`, whether each is ticked). Each box is drawn once, in
    the first group naming it; a group is open if `tag_groups` opened it or it holds a ticked
    box, so nothing ticked is ever folded away; boxes no group names (a field offered without
    groups) make a last group of their own, and empty groups are left out."""
    found: list[tuple[TagGroup, list[int]]] = []
    where: dict[str, int] = {}
    for group in groups or ():
        for tag in group.tags:
            where.setdefault(tag, len(found))
        found.append((group, []))
    rest: list[int] = []
    for n, value in enumerate(values):
        if value in where:
            found[where[value]][1].append(n)
        else:
            rest.append(n)
    if rest:
        tags = tuple(str(values[n]) for n in rest)
        found.append((TagGroup(None, NO_MODULE, tags, open=False), rest))
    return [
        (replace(group, open=True) if any(ticked[n] for n in at) else group, at)
        for group, at in found
        if at
    ]


def tag_chooser(chosen, new) -> str | None:
    """templates/teach/_tag_chooser.html: the tags in use as checkboxes (`chosen`, a
    `TagChoiceField`) and a field for new ones (`new`). A tag's box and label went through a
    bound widget, the template's loop and a render each, about 30 µs a tag, and a teacher's
    bank offers dozens. The boxes are Django's own options (the widget's `optgroups`), drawn
    as its checkbox_option.html draws them. None (the template draws it) with the handlers
    off or a widget other than Django's checkboxes."""
    from teach.templatetags.teach_forms import field_group

    widget = chosen.field.widget
    if not RENDERER.handlers or type(widget) is not django.forms.CheckboxSelectMultiple:
        return None
    auto_id = _var(chosen.auto_id)
    errors = chosen.errors
    wrong = " has-error" if errors or new.errors else ""
    out = [
        f'\n<fieldset class="tag-chooser{wrong}" aria-describedby="{auto_id}_help">\n',
        f"  <legend>{_var(chosen.label)}</legend>\n",
        f'  <p class="help" id="{auto_id}_help">{_var(chosen.help_text)}</p>\n',
        f'  <div class="field-error" role="alert">{_var(errors)}</div>\n' if errors else "  \n",
    ]
    if chosen.field.choices:
        id_ = widget.attrs.get("id") or chosen.auto_id
        attrs = chosen.build_widget_attrs({"id": id_} if id_ else {})
        values: list = []
        ticked: list[bool] = []
        items: list[str] = []  # the box and its label, in offer order
        value = widget.format_value(chosen.value())  # as the widget's context has it: a list
        for _group, options, _index in widget.optgroups(chosen.html_name, value, attrs):
            for option in options:
                if option["template_name"] != CHECKBOX_OPTION:
                    return None
                for_ = _var(option["attrs"].get("id"))
                box = _input(option).strip()
                label = _var(option["label"])
                values.append(option["value"])
                ticked.append(option["selected"])
                items.append(f'<li>{box} <label for="{for_}">{label}</label></li>')
        if folds(ticked.count(False)):
            groups = box_groups(getattr(chosen.field, "groups", None), values, ticked)
            out.append(_grouped(chosen, auto_id, groups, items))
        else:
            boxes = "".join(items)
            out.append(f'  \n  <ul class="tag-choices">\n    {boxes}\n  </ul>\n  \n')
    else:
        out.append('  <p class="hint">None in use yet: type the first below.</p>\n')
    out.append(f"  {field_group(new)}\n</fieldset>\n")
    return "".join(out)


def _grouped(chosen, auto_id: str, groups, items: list[str]) -> str:
    """The grouped part of teach/_tag_chooser.html: a <details> per module, and the filter box
    over them all that static/js/tag-chooser.js shows (hidden without it)."""
    label = _var(str(chosen.label).lower())
    folds_ = []
    for n, (group, at) in enumerate(groups, start=1):
        opened = " open" if group.open else ""
        title_id = f"{auto_id}_group{n}"
        count = f"{len(at)} tag{'' if len(at) == 1 else 's'}"
        boxes = "".join(items[i] for i in at)
        folds_.append(
            f'<details class="tag-group"{opened}>\n'
            f'      <summary><span id="{title_id}">{_var(group.title)}</span> '
            f'<span class="tag-count">{count}</span></summary>\n'
            f'      <ul class="tag-choices" aria-labelledby="{title_id}">\n'
            f"        {boxes}\n"
            "      </ul>\n"
            "    </details>"
        )
    return (
        "  \n"
        '  <div class="tag-filter" data-tag-filter hidden>\n'
        f'    <label for="{auto_id}_filter">Filter the {label}</label>\n'
        f'    <input type="search" id="{auto_id}_filter" aria-controls="{auto_id}_groups"'
        ' autocomplete="off" spellcheck="false">\n'
        '    <p class="tag-filter-count" role="status"></p>\n'
        "  </div>\n"
        f'  <div class="tag-groups" id="{auto_id}_groups">\n'
        f"    {''.join(folds_)}\n"
        "  </div>\n  \n"
    )
