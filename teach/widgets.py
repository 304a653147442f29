"""Widgets and labels the question editor shares between its forms."""

from __future__ import annotations

from html import escape

from django import forms
from django.utils.safestring import SafeString

from srm_trainer.typed_text import Textarea

# About as many characters as a line of a textarea holds between a phone (~35) and a desktop
# (~85): the row count is a first guess the browser corrects where it can (site.css sizes the
# editor's textareas to their content with `field-sizing`).
LINE = 60


def line_count(text: str, width: int = LINE) -> int:
    """How many lines `text` takes wrapped at `width` characters (an empty line is one)."""
    return sum(max(1, -(-len(line) // width)) for line in (text or "").split("\n"))


class FittedTextarea(Textarea):
    """A textarea as tall as its text, between `fewest` and `most` rows: four empty feedback
    boxes of a fixed height were a fifth of the editor on a phone, and a long prompt in five
    rows scrolled inside its box. Without the browser's own sizing the count comes from the
    text; with it, site.css lets the box follow the text as it is typed."""

    def __init__(self, attrs=None, *, fewest: int = 2, most: int = 12) -> None:
        super().__init__(attrs)
        self.fewest, self.most = fewest, most

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = self.format_value(value) or ""
        rows = max(self.fewest, min(self.most, line_count(text)))
        context["widget"]["attrs"]["rows"] = str(rows)
        return context


def named(shown: str, said: str) -> SafeString:
    """A label that shows `shown` and is read as `said`, which holds it: a row's "Correct"
    box is read as "Choice 2 is correct", so it says which choice it ticks when reached alone,
    without a second visible line per row."""
    return SafeString(
        f'<span aria-hidden="true">{escape(shown)}</span>'
        f'<span class="visually-hidden">{escape(said)}</span>'
    )


class OneOfRows(forms.CheckboxInput):
    """A row's yes/no drawn as one radio button of a group that every row of its formset
    shares: a single-choice question's "Correct", where ticking a second choice must untick
    the first. The browser then keeps one chosen, arrow keys move between them, and a screen
    reader says "radio button, 2 of 4". Each row's field is still its own boolean: the group
    posts the chosen row's number (`rows-correct=2`), read back here as row 2's "on". A row's
    own field (`rows-2-correct=on`, what the checkboxes posted and a script may still post) is
    read as before, so two rows marked that way still reach the kind's "only one" check."""

    input_type = "radio"

    @staticmethod
    def group(name: str) -> tuple[str, str]:
        """("rows-correct", "2") for the field named "rows-2-correct"."""
        head, index, field = name.rsplit("-", 2)
        return f"{head}-{field}", index

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        group, index = self.group(name)
        context["widget"]["name"] = group
        context["widget"]["value"] = index
        return context

    def value_from_datadict(self, data, files, name) -> bool:
        group, index = self.group(name)
        chosen = data.getlist(group) if hasattr(data, "getlist") else [data.get(group)]
        return index in chosen or super().value_from_datadict(data, files, name)
