"""A lesson's rendered body, whatever the size of the course.

Rendering a lesson's Markdown and sanitizing it costs a few milliseconds; a process keeps only
the most recent few hundred bodies in memory, so with thousands of lessons a page would often
render again. Each rendering is therefore also stored (`RenderedBody`, one row per lesson,
keyed by a digest of its text and the renderer's version): a page renders Markdown only the
first time a body is shown after it changed. Memory first, then the stored row (one small
query), then rendering, which stores its result for every process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

from django.db import DatabaseError, transaction

from lessons.markdown import RENDERER_VERSION, Rendered, render_markdown_uncached

log = logging.getLogger(__name__)

KEPT_IN_MEMORY = 256

_lock = threading.Lock()
_recent: OrderedDict[str, Rendered] = OrderedDict()


def digest(text: str) -> str:
    return hashlib.blake2b(
        f"{RENDERER_VERSION}\n{text}".encode(), digest_size=32, usedforsecurity=False
    ).hexdigest()


def _remember(key: str, rendered: Rendered) -> None:
    with _lock:
        _recent[key] = rendered
        _recent.move_to_end(key)
        while len(_recent) > KEPT_IN_MEMORY:
            _recent.popitem(last=False)


def lesson_body(lesson) -> Rendered:
    """The lesson's body rendered and sanitized (`lessons.markdown.render_markdown`)."""
    from lessons.models import RenderedBody

    key = digest(lesson.body)
    with _lock:
        found = _recent.get(key)
        if found is not None:
            _recent.move_to_end(key)
            return found
    row = (
        RenderedBody.objects.filter(lesson_id=lesson.pk, source=key)
        .values_list("html", "headings", "checks")
        .first()
    )
    if row is not None:
        html, headings, checks = row
        rendered = Rendered(html, tuple(tuple(h) for h in headings), tuple(checks))
    else:
        rendered = render_markdown_uncached(lesson.body)
        _store(lesson, key, rendered)
    _remember(key, rendered)
    return rendered


def _store(lesson, key: str, rendered: Rendered) -> None:
    from lessons.models import RenderedBody

    row = RenderedBody(
        lesson_id=lesson.pk,
        source=key,
        html=rendered.html,
        headings=[list(h) for h in rendered.headings],
        checks=list(rendered.checks),
    )
    try:
        # One statement, safe when two workers render the same lesson at once; in its own
        # savepoint, so a failure inside a caller's transaction (a curriculum load's search
        # reindex reads bodies through here) leaves that transaction usable on PostgreSQL.
        with transaction.atomic():
            RenderedBody.objects.bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["lesson"],
                update_fields=["source", "html", "headings", "checks"],
            )
    except DatabaseError:  # the page is still right; the next view tries again
        log.warning("could not store the rendered body of lesson %s", lesson.pk, exc_info=True)
