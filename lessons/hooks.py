"""Extension points for apps built on lessons, which lessons itself never imports.

An app registers plain functions here from its `AppConfig.ready()`; with none registered the
lesson page shows its body exactly as rendered.

- **Body filters** rewrite a lesson's sanitized body HTML before its diagrams are inserted:
  `body_filter(html, *, lesson)` returns the new HTML (the glossary links first uses of its
  terms this way). A filter must keep the HTML safe: it receives sanitized HTML and may only
  add markup it built itself.
"""

from __future__ import annotations

from collections.abc import Callable

_body_filters: list[Callable[..., str]] = []


def register_body_filter(body_filter: Callable[..., str]) -> None:
    if body_filter not in _body_filters:  # ready() may run twice (tests, autoreload)
        _body_filters.append(body_filter)


def filter_body(html: str, *, lesson) -> str:
    for body_filter in _body_filters:
        html = body_filter(html, lesson=lesson)
    return html
