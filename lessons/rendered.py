"""A lesson's rendered body, whatever the size of the course.

Rendering a lesson's Markdown and sanitizing it costs a few milliseconds; a process keeps only
the most recent few hundred bodies in memory, so with thousands of lessons a page would often
render again. Each rendering is therefore also stored (`RenderedBody`, one row per lesson,
keyed by a digest of its text and the renderer's version): a page renders Markdown only the
first time a body is shown after it changed. Memory first, then the stored row (one small
query), then rendering, which stores its result for every process.

Shorter texts (a question's prompt and explanation, a scenario's situation and explanation)
are stored rendered on their own row instead, written with it: `StoredMarkdown`, below.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from typing import Generic, NamedTuple, TypeVar

from django.db import DatabaseError, models, transaction
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown import RENDERER_VERSION, Rendered, render_markdown, render_markdown_uncached

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


# --- Markdown stored rendered on its own row --------------------------------------------------

ShownT = TypeVar("ShownT", bound=tuple)


class StoredMarkdown(Generic[ShownT]):
    """A model's Markdown fields rendered once, when a row is written, and stored on the row.

    Rendering costs up to ~6.5 µs a character (lessons/markdown.py): a page drawing a text
    as costly as its editor lets it be paid tens of milliseconds for it in each process, again
    whenever the process's cache let it go. So each text field `name` has a `name_html`
    beside it, and `rendered_from` holds a digest of the texts and the renderer's version
    (`source_of`), which says whether the stored copy is of the text now. The model's `save`
    calls `before_save`, its queryset is a `RenderedQuerySet` (its `bulk_create` and
    `bulk_update` fill the rows), and its pages read `shown`, which renders and stores only a
    row written around those (`update()`, raw SQL, a fixture without the copy): once, for every
    process. A change of `RENDERER_VERSION` comes with a migration that calls `refill` (with
    its `RENDERED_WITH`; a test checks each app with stored Markdown has one), so no page pays
    for it. The stored copy is no content: no form, export or audit entry holds it.

    `shown` is a NamedTuple class whose fields are the text fields, in the order they are
    digested."""

    def __init__(self, shown: type[ShownT], what: str) -> None:
        self.kind = shown
        self.what = what  # in the log: "question", "scenario"
        self.text_fields: tuple[str, ...] = tuple(shown._fields)  # type: ignore[attr-defined]
        self.html_fields = tuple(f"{name}_html" for name in self.text_fields)
        self.stored_fields = (*self.html_fields, "rendered_from")

    def writes_text(self, fields) -> bool:
        """Whether a write of `fields` (None: none named) writes one of the texts."""
        return fields is not None and any(name in self.text_fields for name in fields)

    def source_of(self, *texts: str) -> str:
        """What `rendered_from` holds when the stored copy is of these texts (each length but
        the last first, so no two texts run together into another set's digest)."""
        lengths = "".join(f"{len(text)}\n" for text in texts[:-1])
        return digest(lengths + "".join(texts))

    def fill(self, row) -> bool:
        """Render the row's texts into its stored fields unless they already hold them
        (nothing is saved here); whether it rendered."""
        texts = [getattr(row, name) or "" for name in self.text_fields]
        key = self.source_of(*texts)
        if row.rendered_from == key:
            return False
        # render_markdown keeps recent renderings: a save right after an editor's preview, or
        # of a copy, renders nothing again.
        for name, text in zip(self.html_fields, texts, strict=True):
            setattr(row, name, render_markdown(text).html)
        row.rendered_from = key
        return True

    def shown(self, row) -> ShownT:
        """The row's texts as a page shows them: the stored HTML, rendered and stored first
        only when it is not of the texts now."""
        was = row.rendered_from
        if self.fill(row) and row.pk is not None and not row._state.adding:
            self._store(row, was)
        # Sanitized by render_markdown (an allow-list) when it was stored: safe to mark safe.
        html = (mark_safe(getattr(row, name)) for name in self.html_fields)  # noqa: S308
        return self.kind(*html)

    def _store(self, row, was: str) -> None:
        """One UPDATE of the stored copy alone (no signal, no audit entry, no time of edit),
        and only where the row still holds the copy this view found: a save made meanwhile
        wrote its own."""
        values = {name: getattr(row, name) for name in self.stored_fields}
        try:
            # In its own savepoint: a failure inside a caller's transaction (a reindex at the
            # end of a load) leaves that transaction usable on PostgreSQL.
            with transaction.atomic():
                type(row)._default_manager.filter(pk=row.pk, rendered_from=was).update(**values)
        except DatabaseError:  # the page is still right; the next view tries again
            log.warning("could not store %s %s rendered", self.what, row.pk, exc_info=True)

    def before_save(self, row, update_fields):
        """The model's `save`: render the texts it writes, and write the stored copy with
        them; the `update_fields` to save."""
        writes = update_fields is None or self.writes_text(update_fields)
        if writes and self.fill(row) and update_fields is not None:
            update_fields = {*update_fields, *self.stored_fields}
        return update_fields

    def refill(self, model, batch: int = 100) -> int:
        """Render every row whose stored copy is not of its texts and this renderer, and store
        it, `batch` rows at a time (for a migration: `model` is its historical model). Says
        how many it rendered."""
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), batch):
            rows = list(
                model.objects.filter(pk__in=ids[start : start + batch]).only(
                    "pk", *self.text_fields, *self.stored_fields
                )
            )
            stale = [row for row in rows if self.fill(row)]
            if stale:
                model.objects.bulk_update(stale, list(self.stored_fields))
                done += len(stale)
        return done


class RenderedQuerySet(models.QuerySet):
    """The queryset of a model with stored Markdown (`Model.stored_markdown`): its bulk writes
    store the rendering too. `update(text=...)` cannot: its rows are rendered on their next
    view instead."""

    def bulk_create(self, objs, *args, **kwargs):
        stored = self.model.stored_markdown
        objs = list(objs)
        for row in objs:
            stored.fill(row)
        if stored.writes_text(kwargs.get("update_fields")):
            kwargs["update_fields"] = [*kwargs["update_fields"], *stored.stored_fields]
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        stored = self.model.stored_markdown
        objs = list(objs)
        if stored.writes_text(fields):
            for row in objs:
                stored.fill(row)
            fields = [*fields, *(f for f in stored.stored_fields if f not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


class ScenarioShown(NamedTuple):
    situation: SafeString
    explanation: SafeString


# A scenario's situation and explanation (`Scenario.shown`): the lesson's scenario cards, the
# sandbox's preset card, the search index.
SCENARIO = StoredMarkdown(ScenarioShown, "scenario")
