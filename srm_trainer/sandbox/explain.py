"""The engine's words for web pages: `srm_trainer.iam.words` with values as escaped `<code>`.

One table of sentences serves the CLI, the sandbox and quiz feedback; this module only decides
how a value looks in HTML. Links to lessons come from the website's topic table
(`lessons.engine_topics`), never from the engine.

Every statement that did not apply is worded (a live update words dozens): the values are
escaped with `conditional_escape`, as `format_html` escapes them, without its per-call
wrapping, and a topic's lesson address is reversed once per script prefix and URLconf. The
sentences are kept by what they say (`_worded`): a live update words the same reasons as the
update before for every policy but the one being typed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from lessons.engine_topics import lesson_url
from srm_trainer.iam import words
from srm_trainer.iam.memo import Memo
from srm_trainer.iam.reasons import Topic
from srm_trainer.kept_urls import links


def _html_value(value: Any) -> SafeString:
    if isinstance(value, list | tuple):
        if not value:
            return mark_safe("<em>nothing</em>")
        return mark_safe(", ".join([f"<code>{conditional_escape(v)}</code>" for v in value]))  # noqa: S308
    return mark_safe(f"<code>{conditional_escape(value)}</code>")  # noqa: S308 - escaped just above


def reason_html(code: str, data: Mapping[str, Any] | None) -> SafeString:
    """One escaped sentence for a reason code; an unknown code is shown as itself, never dropped."""
    key = _reason_key(code, data)
    if key is None:
        return words.reason_words(code, data, value=_html_value, render=_render)
    worded = _worded.get(key)
    if worded is None:
        worded = words.reason_words(code, data, value=_html_value, render=_render)
        _worded.put(key, worded)
    return worded


# Sentences worded lately, weighed by their length: ~2 MB of them, their keys about as much
# (the values a sentence shows are in both).
_worded: Memo[SafeString] = Memo(2_000_000, weigh=len)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _reason_key(code: str, data: Mapping[str, Any] | None) -> tuple | None:
    """A reason as a key: its code and its values with their types (True is not 1, a list of
    one text is not the text); None for values of other types (not kept, worded each time)."""
    items: list[tuple] = []
    for name, value in (data or {}).items():
        kind = type(value)
        if kind in _SCALARS:
            items.append((name, kind, value))
        elif kind is list or kind is tuple:
            kinds = tuple(map(type, value))
            if not _SCALARS.issuperset(kinds):
                return None
            items.append((name, kind, tuple(value), kinds))
        else:
            return None
    return code, tuple(items)


def _render(template: str, **values: Any) -> SafeString:
    return format_html(template, **values) if values else format_html("{}", template)


def reason_lesson(code: str) -> str:
    return topic_lesson(words.reason_topic(code))


def topic_lesson(topic: Topic | str | None) -> str:
    """`lessons.engine_topics.lesson_url`, kept: the address depends only on the topic, the
    script prefix and the URLconf, all in the key (`kept_urls.links`: read once per request; a
    live update asks ~150 times)."""
    return _lesson(topic, *links())


@lru_cache(maxsize=64)  # the engine's topics (8) and none, for each prefix a server runs under
def _lesson(topic: Topic | str | None, prefix: str, urlconf: Any) -> str:
    return lesson_url(topic)
