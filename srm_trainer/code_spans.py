"""Code spans (`s3:ListBucket`) in one-line texts written in the content files (a choice, an
item, a scenario's title): drawn as code where markup may go, without their backticks where it
may not (an <option>). Without this the backticks showed as typed, and were read out."""

from __future__ import annotations

import re

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def inline_code(text) -> SafeString:
    """Code spans as <code>, the rest escaped. Only code spans, not the whole of Markdown: these
    texts sit inside a label, a heading or a list item. Escaped first, so the text can add no
    markup of its own (escaping leaves backticks alone, so the spans survive it)."""
    escaped = str(conditional_escape("" if text is None else text))
    return mark_safe(_CODE_SPAN.sub(r"<code>\1</code>", escaped))  # noqa: S308


def without_backticks(text) -> str:
    """The text as read: each code span's backticks dropped (for an <option>, which holds no
    markup). Escaped by the template as usual."""
    return _CODE_SPAN.sub(r"\1", "" if text is None else str(text))
