"""Finding lessons by a few typed words, for the forms that choose lessons (a cohort
assignment's lessons, a question's lesson). Those forms drew every lesson of the course, which
grows with it (2,700 lessons at 100×: 520 KB and 167 ms per page); a search returns at most
`MATCHES`, so the form costs the same at any size."""

from __future__ import annotations

from collections.abc import Iterable

from lessons.models import Lesson
from srm_trainer import finder as shared
from srm_trainer.finder import MATCHES, MAX_QUERY  # this chooser's limits, as before

MAX_KEYS = 60  # lesson ids read from a form (chosen ones), so a crafted form stays bounded
# What a lesson's line shows and a search reads: never the Markdown body.
COLUMNS = ("pk", "slug", "title", "order", "module__slug", "module__title", "module__order")
SEARCHED = ("title", "slug", "module__title", "module__slug")
WORDING = shared.Wording(
    one="lesson",
    many="lessons",
    empty="Type a word of a lesson's title or module to find it.",
    first="The course's first {n} lessons; type a word of a title or module to find others.",
    every="All {count} of the course.",
    no_match="No lesson to add matches “{typed}”.",
)


class Found(shared.Found):
    """One search's lessons, and whether more matched than are shown."""

    @property
    def lessons(self) -> list[Lesson]:
        return self.rows


def lessons():
    """Published lessons (of published modules), in reading order, read without their body:
    a draft is never offered."""
    return Lesson.objects.published().in_reading_order().only(*COLUMNS)


def keys(values: Iterable[object]) -> list[int]:
    """The plain lesson ids among posted values, at most `MAX_KEYS`, in order, without repeats."""
    out: list[int] = []
    for value in values:
        text = str(value)
        if text.isascii() and text.isdigit() and len(text) <= 18 and int(text) not in out:
            out.append(int(text))
            if len(out) >= MAX_KEYS:
                break
    return out


def find(query: str, *, leave_out: Iterable[object] = ()) -> Found:
    """At most `MATCHES` published lessons whose title, module title or slugs hold every typed
    word (case aside; "iam/roles", an address, is two words), in reading order; `leave_out`:
    ids already chosen, not offered again. An empty search lists the course's first lessons."""
    query = query[:MAX_QUERY]
    found = shared.matching(lessons(), query, SEARCHED, separators="/")
    left = keys(leave_out)
    if left:
        found = found.exclude(pk__in=left)
    rows, more = shared.first(found, MATCHES)
    return Found(query, rows, more, WORDING)


def chosen(values: Iterable[object]) -> list[Lesson]:
    """The published lessons with these ids (or these lessons' ids), in reading order: at most
    `MAX_KEYS`, one query. A draft's id, posted by hand, names nothing."""
    wanted = keys(getattr(value, "pk", value) for value in values)
    if not wanted:
        return []
    return list(lessons().filter(pk__in=wanted))
