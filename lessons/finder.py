"""Finding lessons by a few typed words, for the forms that choose lessons (a cohort
assignment's lessons, a question's lesson). Those forms drew every lesson of the course, which
grows with it (2,700 lessons at 100×: 520 KB and 167 ms per page); a search returns at most
`MATCHES`, so the form costs the same at any size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from lessons.models import Lesson

MATCHES = 30  # lessons shown for one search (the shipped course has 27)
MAX_QUERY = 100  # characters of a search read
MAX_WORDS = 6  # words of a search read (each is one more LIKE per lesson)
MAX_KEYS = 60  # lesson ids read from a form (chosen ones), so a crafted form stays bounded
# What a lesson's line shows and a search reads: never the Markdown body.
COLUMNS = ("pk", "slug", "title", "order", "module__slug", "module__title", "module__order")


@dataclass(frozen=True)
class Found:
    """One search's lessons, and whether more matched than are shown."""

    query: str
    lessons: list[Lesson]
    more: bool

    @property
    def said(self) -> str:
        """What the polite status line says of it."""
        n = len(self.lessons)
        if not self.query.strip():
            return (
                "Type a word of a lesson's title or module to find it."
                if not n
                else (
                    f"The course's first {n} lessons; type a word of a title or module to find others."
                    if self.more
                    else f"All {n} lesson{'' if n == 1 else 's'} of the course."
                )
            )
        if not n:
            return f"No lesson to add matches “{self.query.strip()}”."
        if self.more:
            return f"The first {n} lessons matching “{self.query.strip()}”; type more to narrow."
        return f"{n} lesson{'' if n == 1 else 's'} match{'es' if n == 1 else ''} “{self.query.strip()}”."


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
    word (case aside; "iam/roles", an address, is two words), in reading order; `leave_out`: ids already chosen, not offered again.
    An empty search lists the course's first lessons."""
    query = query[:MAX_QUERY]
    found = lessons()
    for word in query.replace("/", " ").split()[:MAX_WORDS]:
        found = found.filter(
            Q(title__icontains=word)
            | Q(slug__icontains=word)
            | Q(module__title__icontains=word)
            | Q(module__slug__icontains=word)
        )
    left = keys(leave_out)
    if left:
        found = found.exclude(pk__in=left)
    rows = list(found[: MATCHES + 1])
    return Found(query, rows[:MATCHES], len(rows) > MATCHES)


def chosen(values: Iterable[object]) -> list[Lesson]:
    """The published lessons with these ids (or these lessons' ids), in reading order: at most
    `MAX_KEYS`, one query. A draft's id, posted by hand, names nothing."""
    wanted = keys(getattr(value, "pk", value) for value in values)
    if not wanted:
        return []
    return list(lessons().filter(pk__in=wanted))
