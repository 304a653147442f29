"""`{% field_group field %}`: one form field of the teaching pages, in its wrapper; and the
parts of the question editor drawn in Python (`teach.rendering`): a formset's management form
and a tag chooser."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString

from lessons import finder
from lessons.markdown import markdown_summary, markdown_text
from srm_trainer.error_focus import error_focus
from srm_trainer.too_large import in_units, limit_for
from teach import rendering

register = template.Library()


@register.filter
def kind_name(label: str) -> str:
    """A kind's label inside a sentence ("New: single choice"): its first letter lower-cased,
    unless its first word is an acronym ("New: WAF rule", never "waf rule")."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


@register.filter
def summary(text, limit: int = 90) -> SafeString:
    """A question's Markdown prompt as one line of a list (`lessons.markdown.markdown_summary`)."""
    return SafeString(markdown_summary(str(text or ""), int(limit)))


@register.filter
def summary_text(text, limit: int = 90) -> str:
    """The same as plain text, escaped by the template as usual (for hidden words, a title)."""
    return markdown_text(str(text or ""), int(limit))


@register.simple_tag
def field_group(field, more: str = "", focus_error: bool = False, between: str = "") -> str:
    """Label, control, help text and errors tied together (Django's field group), in a
    `div.field` marked for a checkbox and for errors (and with the classes `more`). A tag, not
    an included template: the question editor draws 20-60 fields, and an include per field
    cost more than the field's own HTML (`teach.rendering`). With `focus_error`, for a page
    of one form without an error summary, its control takes the focus if it is the refused
    form's first field in error (`srm_trainer.error_focus`). `between`: HTML drawn between
    the label and the control, through a field group template of our own with a slot there
    (`rendering.BETWEEN_TEMPLATE`)."""
    if not isinstance(field, BoundField):
        return SafeString('<div class="field"></div>')  # as a template draws a missing field
    classes = f"field {more}" if more else "field"
    if getattr(field.field.widget, "input_type", "") in ("checkbox", "radio"):
        classes += " field-check"
    focused = False
    if field.errors:
        classes += " has-error"
        focused = focus_error and error_focus(field.form) == field.name
    html = _autofocused(field, between) if focused else _group(field, between)
    return SafeString(f'<div class="{classes}">{html}</div>')


def _group(field: BoundField, between: str) -> str:
    """The field's group: Django's, or ours with `between` after the label."""
    if not between:
        return field.as_field_group()
    context = {**field.get_context(), "between": conditional_escape(between)}
    return field.render(rendering.BETWEEN_TEMPLATE, context, renderer=rendering.PAGE_TEMPLATES)


@register.tag
def field_group_with(parser, token):
    """`{% field_group_with field "more" %}…{% endfield_group_with %}`: `field_group`, with
    what the block draws between the field's label and its control. A question editor's row
    draws "Correct" and "Remove" on its label's line, above its text: after the text in the
    page, Tab reached them after it, against the order they are seen in (WCAG 2.4.3)."""
    bits = token.split_contents()[1:]
    if not 1 <= len(bits) <= 2:
        raise template.TemplateSyntaxError("field_group_with takes a field and its classes")
    nodelist = parser.parse(("endfield_group_with",))
    parser.delete_first_token()
    return _FieldGroupWith([parser.compile_filter(bit) for bit in bits], nodelist)


class _FieldGroupWith(template.Node):
    def __init__(self, args, nodelist) -> None:
        self.args, self.nodelist = args, nodelist

    def render(self, context) -> str:
        field, *more = (arg.resolve(context) for arg in self.args)
        classes = str(more[0]) if more else ""
        return field_group(field, classes, between=self.nodelist.render(context))


def _autofocused(field: BoundField, between: str) -> str:
    """The field's group with `autofocus` on its control: the widget's own attributes, for
    this one render (each form has its own copy of its widgets)."""
    widget = field.field.widget
    attrs = widget.attrs
    widget.attrs = {**attrs, "autofocus": True}
    try:
        return _group(field, between)
    finally:
        widget.attrs = attrs


@register.simple_tag
def row_field(form, name: str) -> str:
    """`{% field_group form.<name> %}` if the row's form has that field, else nothing: the
    kinds' rows differ (a choice has `correct` and `feedback`, an item may have `category`).
    Asked in the template (`{% if row.correct %}`), a present field built its subwidgets (a
    widget context) to say it was there, and a missing one raised three exceptions before
    the lookup gave up: a quarter of the rows' cost beside their own fields."""
    if name not in form.fields:
        return ""
    return field_group(form[name])


@register.simple_tag
def row_fold(form, name: str, summary: str) -> str:
    """A row's optional field (a choice's feedback, a request's context) folded into a
    <details> under `summary`, so an empty one takes a line, not a box: open when the field
    holds text or an error, so nothing typed or refused is out of sight. Nothing if the
    row's form has no such field. The summary says which row it opens ("Feedback for
    choice 2"), as the field's own label does."""
    if name not in form.fields:
        return ""
    field = form[name]
    value = field.value()
    opened = " open" if (isinstance(value, str) and value.strip()) or field.errors else ""
    row = escape(str(getattr(form, "row_name", "")).lower())
    whose = f'<span class="visually-hidden"> for {row}</span>' if row else ""
    return SafeString(
        f'<details class="row-more"{opened}><summary>{escape(summary)}{whose}</summary>'
        f"{field_group(field)}</details>"
    )


@register.simple_tag
def management_form(formset) -> str:
    """`{{ formset.management_form }}`, its hidden inputs written directly when Django's own
    templates would draw them (`rendering.hidden_form`)."""
    form = formset.management_form
    html = rendering.hidden_form(form)
    return SafeString(html) if html is not None else str(form)


@register.simple_tag
def tag_chooser(chosen, new) -> str:
    """teach/_tag_chooser.html for these two fields, in Python when its boxes are Django's
    own (`rendering.tag_chooser`); the template stays the reference, and draws it otherwise."""
    html = rendering.tag_chooser(chosen, new)
    if html is None:
        html = render_to_string("teach/_tag_chooser.html", {"chosen": chosen, "new": new})
    return SafeString(html)


@register.simple_tag
def tag_boxes(chosen) -> dict:
    """A tag chooser's boxes for teach/_tag_chooser.html: whether the list folds (past
    `rendering.SHOWN_WHOLE` not ticked) and its groups, each with its title, whether it is
    open and its boxes (`rendering.box_groups`; `rendering.tag_chooser` draws the same in
    Python)."""
    boxes = list(chosen)
    ticked = [bool(box.data["selected"]) for box in boxes]
    values = [box.data["value"] for box in boxes]
    groups = rendering.box_groups(getattr(chosen.field, "groups", None), values, ticked)
    return {
        "folded": rendering.folds(ticked.count(False)),
        "groups": [
            {"title": group.title, "open": group.open, "boxes": [boxes[n] for n in at]}
            for group, at in groups
        ],
    }


# The question form's tags: each kind's ticked boxes and its box for new ones.
TAG_FIELDS = (("misconceptions", "new_misconceptions"), ("tags", "new_tags"))


@register.simple_tag
def tags_fold(form) -> dict:
    """Whether the question form's tags fold ("Where it belongs") is open, and its summary.
    Most questions have no tag and both choosers are half a phone's screen: closed then, the
    summary saying so; open when a tag is ticked or typed (what the question has is in view)
    or a tag field is refused (its message in view)."""
    chosen = 0
    refused = False
    for ticked, typed in TAG_FIELDS:
        if ticked not in form.fields:
            continue
        boxes, new = form[ticked], form[typed]
        chosen += len([value for value in boxes.value() or () if value])
        chosen += len([tag for tag in str(new.value() or "").split(",") if tag.strip()])
        refused = refused or bool(boxes.errors or new.errors)
    words = f"{chosen} chosen" if chosen else "none chosen"
    return {
        "open": bool(chosen or refused),
        "summary": f"Misconception tags and bank tags: {words}",
    }


@register.simple_tag
def lesson_options(field: BoundField) -> finder.Found:
    """The question editor's lesson suggestions as the page is drawn: those matching the
    lesson it has or was typed (its address, `lessons.finder`), at most `finder.MATCHES`."""
    value = field.value()
    shown = field.field.prepare_value(value) if value not in (None, "") else ""
    return finder.find(str(shown))


@register.simple_tag(takes_context=True)
def max_body(context, name: str = "") -> SafeString:
    """A form's door's limit for whoever the page is drawn for, as attributes of its status
    line (`data-max-body`, in bytes, and in words; `templates/_form_size.html`, on our forms
    and the admin's alike): `static/js/form-size.js` says a form over it before it is sent,
    from the same table (`srm_trainer.too_large._doors`) that the server refuses it by.
    `name`: the view the form posts to, if not the page's own."""
    request = context.get("request")
    name = name or getattr(getattr(request, "resolver_match", None), "view_name", "")
    if request is None or not name:
        return SafeString("")  # drawn outside a request: the server's refusal alone
    limit = limit_for(request, name)
    return format_html(' data-max-body="{}" data-max-body-words="{}"', limit, in_units(limit))
