"""A question's prompt and explanation rendered once, when the question is written.

Rendering Markdown costs up to ~6.5 µs a character (lessons/markdown.py): a question as costly
as the editor lets one be (5,000 characters of prompt, 10,000 of explanation) cost ~0.1 s on
each page that drew it in each process, again whenever the process's cache had let it go. So,
as lesson bodies are (lessons/rendered.py, whose `digest` this uses), the rendering is stored,
keyed by a digest of the text and the renderer's version; here on the question's own row,
written with it: `Question.save` (the editors, the loader, an import, a copy, the admin) and
the question queryset's `bulk_create` and `bulk_update` call `fill`.

A page reads the stored HTML (`shown`, `Question.shown`). A row whose stored copy is not of
its text now (written by `update()` or raw SQL, loaded from a fixture without it) is rendered
on that view and stored for every process, one question at a time and at most once per edit,
each bounded by the editors' length limits. A change of `RENDERER_VERSION` comes with a
migration that renders every question again (`refill`, as 0014 does), so no page pays for it.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from django.db import DatabaseError, transaction
from django.utils.safestring import SafeString, mark_safe

from lessons.markdown import render_markdown
from lessons.rendered import digest

log = logging.getLogger(__name__)

TEXT_FIELDS = ("prompt", "explanation")
# The stored copy: on the question's row, never in a form, the audit or an export.
STORED_FIELDS = ("prompt_html", "explanation_html", "rendered_from")


def writes_text(fields) -> bool:
    """Whether a write of `fields` (None: none named) writes the prompt or the explanation."""
    return fields is not None and any(name in TEXT_FIELDS for name in fields)


class Shown(NamedTuple):
    prompt: SafeString
    explanation: SafeString


def source_of(prompt: str, explanation: str) -> str:
    """What `rendered_from` holds when the stored copy is of this text (the prompt's length
    first, so no prompt and explanation run together into another pair's digest)."""
    return digest(f"{len(prompt)}\n{prompt}{explanation}")


def fill(question) -> bool:
    """Render the question's text into its stored fields unless they already hold it (nothing
    is saved here); whether it rendered."""
    prompt, explanation = question.prompt or "", question.explanation or ""
    key = source_of(prompt, explanation)
    if question.rendered_from == key:
        return False
    # render_markdown keeps recent renderings: a save right after the editor's preview, or of a
    # copy, renders nothing again.
    question.prompt_html = render_markdown(prompt).html
    question.explanation_html = render_markdown(explanation).html
    question.rendered_from = key
    return True


def shown(question) -> Shown:
    """The question's prompt and explanation as a page shows them: the stored HTML, rendered
    and stored first only when it is not of the text now."""
    was = question.rendered_from
    if fill(question) and question.pk is not None and not question._state.adding:
        _store(question, was)
    # Sanitized by render_markdown (an allow-list) when it was stored: safe to mark safe.
    return Shown(mark_safe(question.prompt_html), mark_safe(question.explanation_html))  # noqa: S308


def _store(question, was: str) -> None:
    """One UPDATE of the stored copy alone (no signal, no audit entry, `updated_at` as it was),
    and only where the row still holds the copy this view found: a save made meanwhile wrote
    its own."""
    from quizzes.models import Question

    values = {name: getattr(question, name) for name in STORED_FIELDS}
    try:
        # In its own savepoint: a failure inside a caller's transaction (a reindex at the end of
        # a load) leaves that transaction usable on PostgreSQL.
        with transaction.atomic():
            Question.objects.filter(pk=question.pk, rendered_from=was).update(**values)
    except DatabaseError:  # the page is still right; the next view tries again
        log.warning("could not store question %s rendered", question.pk, exc_info=True)


def refill(question_model, batch: int = 100) -> int:
    """Render every question whose stored copy is not of its text and this renderer, and store
    it, `batch` rows at a time (for a migration: `question_model` is its historical model).
    Says how many it rendered."""
    ids = list(question_model.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), batch):
        rows = list(
            question_model.objects.filter(pk__in=ids[start : start + batch]).only(
                "pk", *TEXT_FIELDS, *STORED_FIELDS
            )
        )
        stale = [row for row in rows if fill(row)]
        if stale:
            question_model.objects.bulk_update(stale, list(STORED_FIELDS))
            done += len(stale)
    return done
