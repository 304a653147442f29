"""The course's reading order, held in memory until the course changes.

Home (module counts, "Continue"), and each lesson's Previous/Next, need every lesson's place
in the course but none of its text. Loading the lessons for that on every request made those
pages slower as the course grew (at 2,400 lessons, most of their time). Here the order is a
tuple of small entries, read once per process and reused until a lesson or module is saved
or deleted anywhere: that bumps a version number in the shared cache, which every process
checks (one cache read per request; `srm_trainer.versioned_cache`, which also says why
nothing read inside a transaction is kept).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from srm_trainer.versioned_cache import VersionedCache

VERSION_KEY = "lessons:reading-order"


@dataclass(frozen=True, slots=True)
class Entry:
    """One lesson's place in the course: what links and progress counts need."""

    pk: int
    slug: str
    title: str
    module_id: int
    module_slug: str
    module_title: str
    published: bool  # the lesson and its module are both published
    checks: int = 0  # its `::: check` markers (knowledge checks besides its scenarios)

    def get_absolute_url(self) -> str:
        return reverse("lesson", args=[self.module_slug, self.slug])


@dataclass(frozen=True)
class Order:
    """Lessons in reading order, with each one's position for Previous/Next in O(1)."""

    entries: tuple[Entry, ...]
    position: dict[int, int]

    @classmethod
    def of(cls, entries: tuple[Entry, ...]) -> Order:
        return cls(entries, {entry.pk: index for index, entry in enumerate(entries)})

    def neighbours(self, pk: int) -> tuple[Entry | None, Entry | None]:
        """The lessons before and after `pk`, across module boundaries; (None, None) for a
        lesson not in this order (a draft that only staff can open)."""
        index = self.position.get(pk)
        if index is None:
            return None, None
        previous = self.entries[index - 1] if index > 0 else None
        following = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return previous, following

    def by_module(self) -> dict[int, list[Entry]]:
        grouped: dict[int, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.module_id, []).append(entry)
        return grouped


@dataclass(frozen=True)
class _Orders:
    everything: Order
    published: Order


def changed() -> None:
    """Forget the order everywhere (`VersionedCache.changed`)."""
    _kept.changed()


CHECK_MARK = "::: check "


def _read() -> tuple[Entry, ...]:
    """The rows, once per version. `::: check` markers are counted here, by the database, so
    progress pages can count a lesson's checks without its text; a lesson saved anywhere makes a
    new version, so the count follows edits."""
    from django.db.models import Value
    from django.db.models.functions import Length, Replace

    from lessons.models import Lesson

    marks = (Length("body") - Length(Replace("body", Value(CHECK_MARK), Value("")))) / len(
        CHECK_MARK
    )
    rows = (
        Lesson.objects.in_reading_order()
        .annotate(marks=marks)
        .values_list(
            "pk",
            "slug",
            "title",
            "module_id",
            "module__slug",
            "module__title",
            "published",
            "module__published",
            "marks",
        )
        .iterator(chunk_size=2000)
    )
    return tuple(Entry(*row[:6], row[6] and row[7], row[8] or 0) for row in rows)


def _build() -> _Orders:
    entries = _read()
    published = tuple(entry for entry in entries if entry.published)
    return _Orders(Order.of(entries), Order.of(published))


_kept = VersionedCache(VERSION_KEY, _build)


def _orders() -> _Orders:
    return _kept.get()


def everything() -> tuple[Entry, ...]:
    """Every lesson, drafts included, in reading order."""
    return _orders().everything.entries


def visible_to(user) -> Order:
    """What this person may read: staff preview drafts, everyone else sees published lessons
    of published modules (the same rule as `Lesson.objects.visible_to`)."""
    kept = _orders()
    return kept.everything if getattr(user, "is_staff", False) else kept.published
