"""The admin's field for every `models.JSONField`: readable JSON in, located errors out.

Django's `forms.JSONField` catches only `JSONDecodeError`: text nested a few thousand levels
deep raised `RecursionError` (a 500, and everything typed lost), and every other mistake said
only "Enter a valid JSON." with no place. It also wrote stored JSON as one compact line, so a
place would always have been "line 1". Values no database takes (NaN, Infinity, a number too
large for a float, the NUL character; nothing, for a column that refuses NULL) passed the form
and failed in the database, again a 500. This field:

- reads text with `load_json`, the engine's reader, which turns every way `json.loads` can
  fail (syntax, nesting, a number too long, NaN, Infinity or a number past a float's range, a
  lone surrogate escape) into a message with a line and column, and refuses nesting deeper
  than `MAX_DEPTH`;
- refuses a key written twice in one object at its second place, as the question import and
  the question editor's JSON boxes do (`json.loads` keeps the last one without a word: an
  admin who pasted a second `"choices"` saved only that one);
- refuses the NUL character, with its line and column;
- shows stored JSON indented by two spaces in a monospace box as tall as the text
  (`JSONTextarea`), and shows text sent back exactly as it was typed;
- takes an empty box (or `null`) as the field's default (`[]`, `{}`), which is what the model
  gives a new row, instead of a NULL its column refuses.

Every admin form uses it: `srm_trainer.admin_site.AdminConfig` (named in INSTALLED_APPS in place
of "django.contrib.admin") makes it the admin's default for `models.JSONField` before the admin
modules are read, so each admin and inline, including one added later, gets it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput, JSONString

from srm_trainer.iam.errors import PolicyError
from srm_trainer.iam.json_mistakes import located
from srm_trainer.iam.jsontext import line_col, load_json, repeated_keys
from srm_trainer.typed_text import quoted

# Far deeper than shipped content nests (a whole content file, its cases and policies within,
# is 12 levels), as deep as the question file format allows (teach/transfer/json_format), and
# far below the depth at which `json` exhausts Python's recursion limit.
MAX_DEPTH = 64

# The box's height in lines: the text's lines and one to type on, within these bounds.
MIN_ROWS, MAX_ROWS = 4, 40

# One JSON string (escapes included): outside strings, JSON text holds no quote.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_ESCAPE = re.compile(r"\\(u0000|.)", re.S)


def _worded(message: str, line: int | None, column: int | None) -> ValidationError:
    """The project's wording for a JSON mistake and its place, as every JSON box says it:
    "Line 3, column 9: A comma is probably missing at the end of line 2." (`located`)."""
    said = located(message, line, column)
    return ValidationError(said if said.endswith((".", "?")) else f"{said}.", code="invalid")


def read_json(text: str) -> Any:
    """`text` as data, or a `ValidationError` that says what is wrong and where."""
    try:
        data = load_json(text, what="JSON", max_depth=MAX_DEPTH, keys_once=True)
    except PolicyError as exc:
        if exc.code == "duplicate_key":
            raise _repeated_key(text) from None
        raise _worded(exc.message, exc.line, exc.column) from None
    if not _storable(data):
        raise _unstorable(text)
    return data


def _repeated_key(text: str) -> ValidationError:
    """The key written twice, placed at its second place and worded as the question import and
    the question editor's boxes word it ("The key 'choices' appears twice in one object.")."""
    found = next(repeated_keys(text), None)
    if found is None:  # pragma: no cover - the decoder has just met one
        return _worded("An object of the JSON writes one key twice", None, None)
    _path, key, _first, again = found
    line, column = line_col(text, again)
    return _worded(f"The key {quoted(key)} appears twice in one object", line, column)


def _storable(data: Any) -> bool:
    """Whether no string or key holds NUL (`load_json` refused NaN, Infinity and numbers past a
    float's range; iterative: `data` is at most `MAX_DEPTH` deep, but may be wide)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _unstorable(text: str) -> ValidationError:
    """The first value `_storable` refuses, placed in the text (only on this failure path)."""

    def at(message: str, offset: int) -> ValidationError:
        return _worded(message, *line_col(text, offset))

    for match in _STRING.finditer(text):
        token = match.group()
        if "\\u0000" not in token:
            continue
        for escape in _ESCAPE.finditer(token):
            if escape.group(1) == "u0000":
                return at(
                    "The JSON holds \\u0000, the NUL character, which the database cannot store",
                    match.start() + escape.start(),
                )
    return _worded("The JSON holds a value the database cannot store", None, None)


class JSONTextarea(forms.Textarea):
    """A monospace box (admin-json.css), as tall as its text within `MIN_ROWS`..`MAX_ROWS`
    lines, that leaves the text's lines as they are (no wrapping: a line and column in an error
    is the line and column on screen)."""

    class Media:
        css = {"all": ["css/admin-json.css"]}

    def __init__(self, attrs: dict | None = None) -> None:
        base = {
            "class": "vLargeTextField json-text",
            "spellcheck": "false",
            "autocapitalize": "off",
            "autocomplete": "off",
        }
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        text = context["widget"]["value"] or ""
        lines = text.count("\n") + 2
        context["widget"]["attrs"]["rows"] = str(max(MIN_ROWS, min(MAX_ROWS, lines)))
        return context


class AdminJSONField(forms.JSONField):
    """Django's JSON field, reading with `read_json` and showing JSON indented (see the
    module's docstring). What it saves is what it shows: indenting changes no value, and a
    string value (a policy kept as text for its line numbers) stays the same string."""

    widget = JSONTextarea

    def to_python(self, value):
        if self.disabled:
            return value
        if isinstance(value, list | dict | int | float | JSONString):
            return value
        data = None if value in self.empty_values or not value.strip() else read_json(value)
        if data is None:
            return self.default()
        return JSONString(data) if isinstance(data, str) else data

    def default(self) -> Any:
        """The model field's default (`[]`, `{}`), which the model passes as `initial`, for an
        empty box or `null`: the column refuses NULL (a 500). Without a default, None: a
        required field then says so."""
        return self.initial() if callable(self.initial) else self.initial

    def bound_data(self, data, initial):
        """Text sent back is shown as it was typed, valid or not: its lines are the ones an
        error names, and nothing typed is lost or reformatted."""
        if self.disabled:
            return initial
        return None if data is None else InvalidJSONInput(data)

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def has_changed(self, initial, data):
        """Compared as data, keys in any order (True is not 1), reading the text once."""
        if self.disabled:
            return False
        try:
            value = self.to_python(data)
        except ValidationError:
            return True
        return json.dumps(initial, sort_keys=True, cls=self.encoder) != json.dumps(
            value, sort_keys=True, cls=self.encoder
        )


def refuse_deep_json_in_every_form() -> None:
    """Django's own `forms.JSONField` (allauth's security-key forms: the credential a browser
    posts when a key is added or used) raised `RecursionError` for text nested a few thousand
    levels deep, reading it and again drawing it back, a 500 for anyone signed in: that text is
    "Enter a valid JSON." as any other it cannot read, and drawn back as sent. (`AdminJSONField`
    reads with its own depth limit.)"""
    to_python, bound_data = forms.JSONField.to_python, forms.JSONField.bound_data

    def read(self, value):
        try:
            return to_python(self, value)
        except RecursionError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": ""}
            ) from None

    def drawn(self, data, initial):
        try:
            return bound_data(self, data, initial)
        except RecursionError:
            return InvalidJSONInput(data)

    forms.JSONField.to_python = read  # type: ignore[method-assign]
    forms.JSONField.bound_data = drawn  # type: ignore[method-assign]


def use_in_every_admin() -> None:
    """Make `AdminJSONField` the admin's form field for `models.JSONField`. A `ModelAdmin`
    copies these defaults when it is made, so this runs before any admin is registered; an
    admin's own `formfield_overrides` still win."""
    from django.contrib.admin.options import FORMFIELD_FOR_DBFIELD_DEFAULTS

    FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {"form_class": AdminJSONField}
