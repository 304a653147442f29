"""The engine's words for web pages: `srm_trainer.iam.words` with values as escaped `<code>`.

One table of sentences serves the CLI, the sandbox and quiz feedback; this module only decides
how a value looks in HTML. Links to lessons come from the website's topic table
(`lessons.engine_topics`), never from the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lessons.engine_topics import reason_lesson_url
from srm_trainer.iam import words


def _html_value(value: Any) -> SafeString:
    if isinstance(value, list | tuple):
        if not value:
            return format_html("<em>{}</em>", "nothing")
        return format_html_join(", ", "<code>{}</code>", ((v,) for v in value))
    return format_html("<code>{}</code>", value)


def reason_html(code: str, data: Mapping[str, Any] | None) -> SafeString:
    """One escaped sentence for a reason code; an unknown code is shown as itself, never dropped."""
    return words.reason_words(code, data, value=_html_value, render=_render)


def _render(template: str, **values: Any) -> SafeString:
    return format_html(template, **values) if values else format_html("{}", template)


def reason_lesson(code: str) -> str:
    return reason_lesson_url(code)
