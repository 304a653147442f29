"""Where the focus lands when a whole page comes back with a form refused.

A refused form is drawn again with its messages (each field in error `aria-invalid` and
described by its message: Django's own field rendering), but a page load puts the focus at the
top of the page, and a keyboard or screen-reader user had to hunt for what was wrong. The site's
one rule: the page opens on the first thing in the form that says what is wrong, in the page's
order: an error summary or a form-wide message if the form draws one (it links to or names the
fields), else the first field in error, whose label and message are then read. It is done with
HTML's `autofocus`, so it needs no script and holds under the strict CSP; a page has at most one
(the first in the page wins, and the pages whose buttons come back focused on a row, the
question editor's, leave the summary without it).

Pages swapped in by htmx manage their own focus (a verdict, a heading) and do not use this:
htmx honours `autofocus` in what it swaps, so a fragment must not carry it by accident.
A template builtin (settings.TEMPLATES).
"""

from __future__ import annotations

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BaseForm, BoundField
from django.utils.safestring import SafeString

register = template.Library()


def error_focus(form: BaseForm) -> str | None:
    """The name of the field a refused `form` focuses on its page; NON_FIELD_ERRORS when its
    form-wide message takes the focus; None when nothing was refused."""
    if not form.is_bound or not form.errors:
        return None
    if form.non_field_errors():
        return NON_FIELD_ERRORS
    for field in form.visible_fields():
        if field.errors:
            return field.name
    return None


@register.filter
def error_focused(field: BoundField) -> BoundField | SafeString:
    """`{{ field|error_focused }}`: the field's control, with `autofocus` if it is the one its
    refused form focuses (`error_focus`); as `{{ field }}` draws it otherwise."""
    if not isinstance(field, BoundField) or error_focus(field.form) != field.name:
        return field
    return SafeString(field.as_widget(attrs={"autofocus": True}))
