"""Text typed into a textarea, counted as the person typing it saw it.

A browser counts a line break as one character against a textarea's `maxlength` but sends it as
two (CR LF), so text typed up to the limit with line breaks in it was refused as too long by the
server's `max_length`, with a count the person could not see. Every form's textareas use
`Textarea` below, which reads line breaks as LF before the field checks its length (and so
stores them as LF). The admin's use `AdminTextarea` (`use_in_every_admin`): saving a row there
stored CR LF in every text field, so content loaded from the files drifted from them and the
history listed fields as changed that nobody had touched."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import models


def without_nul(text: str) -> str:
    """`text` as PostgreSQL keeps it in a JSON document: a NUL as U+FFFD (jsonb refuses NUL's
    escape, a DataError, where SQLite's text keeps it). No one types NUL; a crafted post does,
    and a draft keeps what was sent whether or not it is valid."""
    return text.replace("\x00", "\ufffd")


def one_char_line_breaks(text: str) -> str:
    """CR LF and a lone CR as LF, as the browser counted them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _LineBreaksAsLF:
    """A textarea widget that reads what was typed with its line breaks as LF."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return one_char_line_breaks(value) if isinstance(value, str) else value


class Textarea(_LineBreaksAsLF, forms.Textarea):
    """A form's textarea, its limit said by the server alone: a `maxlength` made the browser
    cut a longer paste at the limit without a word (a pasted prompt, import or policy was
    sent without its end), where the field's `max_length` refuses it whole with its length."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)
        return context


class AdminTextarea(_LineBreaksAsLF, AdminTextareaWidget):
    pass


# What a field says of a text past its limit (a textarea's or a single line's): its length and
# the limit, and that the text came back whole.
TOO_LONG = (
    "This is %(show_value)s characters long; it takes at most %(limit_value)s. Nothing was "
    "cut: shorten it here."
)


class LimitsOnServer:
    """A form of the site's whose fields leave their length limit to the server: a `maxlength`
    on a single-line input (a choice's text, 500 characters; a scenario's title, 200; a
    cohort's name, a username) made the browser cut a longer paste at the limit without a word,
    and the server never saw its end. Here the field's `max_length` refuses the whole text
    with `TOO_LONG` (a field's own wording, such as a join code's, is kept), as `Textarea`
    does for boxes. Mixed into every form of the site's pages, before Django's form class (the
    admin keeps its own); `tests/test_paste_limits.py` finds a form without it.

    `browser_limits`: the fields whose `maxlength` stays, where the limit is the control's
    meaning and a refusal would say no more (none so far)."""

    browser_limits: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = getattr(self, "fields", {})
        for name, field in fields.items():
            if name in self.browser_limits:
                continue
            field.widget.attrs.pop("maxlength", None)
            if getattr(field, "max_length", None) is not None:
                field.error_messages.setdefault("max_length", TOO_LONG)


def use_in_every_admin() -> None:
    """Make `AdminTextarea` the admin's widget for `models.TextField`; as with the JSON field
    (`srm_trainer.admin_json_field`), before any admin is registered, and an admin's own
    `formfield_overrides` still win."""
    from django.contrib.admin.options import FORMFIELD_FOR_DBFIELD_DEFAULTS

    FORMFIELD_FOR_DBFIELD_DEFAULTS[models.TextField] = {"widget": AdminTextarea}


# Zero-width joiners shape some scripts' letters (and emoji); every other invisible or control
# character would let two names look alike while they differ, or (a direction override) make a
# name, and the text after it on its line, read backwards in every list that shows it.
_JOINERS = frozenset("\u200c\u200d")


def hidden_character(text: str) -> str | None:
    """The first invisible or control character of `text` (Unicode's category C: controls,
    format characters such as U+202E RIGHT-TO-LEFT OVERRIDE or U+200B ZERO WIDTH SPACE,
    unassigned code points), the zero-width joiners apart; None when it has none."""
    return next((ch for ch in text if _hidden(ch)), None)


def hidden_in_title(title: str) -> str | None:
    """The refusal of a title with a `hidden_character` in it (a quiz's, a lesson's, a
    module's: each is listed in menus and lists, where an override turns the rest of the line
    around and a zero-width space pasted from a web page makes two titles differ unseen)."""
    hidden = hidden_character(title or "")
    if hidden is None:
        return None
    return (
        f"'title' contains an invisible or control character (U+{ord(hidden):04X}), "
        "which learners could not read (a direction override turns the title, and "
        "what follows it in a list, backwards): type it again"
    )


def visible(text: str) -> str:
    """`text` as its author wrote it, with every character `hidden_character` would find (and
    a line or paragraph separator) written as its code point, "Q[U+202E]1": a message quoting
    a name shows what is there, without obeying a direction override and without a Python
    repr's escapes ('Q\\u202e1')."""
    return "".join(
        f"[U+{ord(ch):04X}]" if _hidden(ch) or unicodedata.category(ch) in ("Zl", "Zp") else ch
        for ch in text
    )


def quoted(value: Any) -> str:
    """A name or text someone wrote, quoted in a message as they wrote it: invisible and
    control characters named ("'Q[U+202E]1'"), never a Python repr ('Q\\u202e1'); a value
    that is not text as JSON (and YAML) write it (`null`, `true`, `2.5`)."""
    if not isinstance(value, str):
        return visible(json.dumps(value, ensure_ascii=False))
    return f"'{visible(value)}'"


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch).startswith("C") and ch not in _JOINERS
