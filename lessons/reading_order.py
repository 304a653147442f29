"""The course's reading order, held in memory until the course changes.

Home (module counts, "Continue"), and each lesson's Previous/Next, need every lesson's place
in the course but none of its text. Loading the lessons for that on every request made those
pages slower as the course grew (at 2,400 lessons, most of their time). Here the order is a
tuple of small entries, read once per process and reused until a lesson or module is saved
or deleted anywhere: that bumps a version number in the shared cache, which every process
checks (one cache read per request; `srm_trainer.versioned_cache`, which also says why
nothing read inside a transaction is kept). It holds no addresses: those depend on each
request's script prefix and URLconf, and are made from the slugs per request
(`Entry.get_absolute_url`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Value
from django.db.models.functions import Length, Replace

from lessons import hooks
from lessons.markdown import check_slugs
from lessons.models import Lesson
from srm_trainer.accounts.roles import sees_drafts
from srm_trainer.kept_urls import kept_reverse
from srm_trainer.prepared import PreparedQuery
from srm_trainer.versioned_cache import Kept, VersionedCache

VERSION_KEY = "lessons:reading-order"
# Slugs no lesson has, standing in for a lesson's in the one address reversed per script prefix
# and URLconf (`Entry.get_absolute_url`).
_SAMPLE = ("m0dule", "l3sson")


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
    check_slugs: tuple[str, ...] = ()  # the questions its `::: check` markers name, in order
    # What a module page's row shows, so listing a module reads no lesson rows at all.
    summary: str = ""
    level: str = ""
    minutes: int = 0
    lesson_published: bool = True  # the lesson's own flag (a draft badge for staff)

    def get_absolute_url(self) -> str:
        """The lesson's address under this request's script prefix and URLconf, which the
        order, kept for every request, cannot hold: a sample address reversed once under them
        (`kept_reverse`, kept by `kept_urls.links()`), its slugs replaced by this lesson's, so
        thousands of lessons cost no reverse() each. Split from the right: a prefix may hold
        anything, the part after the lesson's slug only a slash."""
        rest, _, end = kept_reverse("lesson", args=_SAMPLE).rpartition(_SAMPLE[1])
        head, _, between = rest.rpartition(_SAMPLE[0])
        return f"{head}{self.module_slug}{between}{self.slug}{end}"

    def get_level_display(self) -> str:
        from lessons.models import Level

        return Level(self.level).label if self.level in Level.values else self.level


@dataclass(frozen=True)
class Order:
    """Lessons in reading order, with each one's position for Previous/Next in O(1). What is
    derived from the entries (grouped by module, counted by level) is worked out once per
    order, that is once per version and process, not once per request."""

    entries: tuple[Entry, ...]
    position: dict[int, int] = field(compare=False)
    published_only: bool = False  # the modules it lists: published ones, or all (staff)
    # For the published order: the draft lessons of modules in it (lesson id -> module id), so
    # a learner's kept completion counts (drafts included) can be brought to published ones.
    drafts: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    # What pages derive from this order and keep while it lasts (a lesson page's rows: lessons/
    # pages.py). HTML drawn from it is kept by srm_trainer/kept_fragments.py, under its build.
    kept: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        entries: tuple[Entry, ...],
        *,
        published_only: bool = False,
        drafts: dict[int, int] | None = None,
    ) -> Order:
        return cls(
            entries,
            {entry.pk: index for index, entry in enumerate(entries)},
            published_only,
            drafts or {},
        )

    def modules(self) -> list:
        """The modules this order's reader may see, in course order (empty ones too). Read
        once per order (a saved module makes a new version); each caller gets its own copies,
        free to annotate."""
        return [copy.copy(module) for module in self._modules]

    def module(self, slug: str):
        """One module by slug (a copy), or None when there is none this reader may see."""
        found = self._module_by_slug.get(slug)
        return copy.copy(found) if found is not None else None

    def module_after(self, module_id: int):
        """The module a learner reads after `module_id` (a copy), or None after the last one or
        for a module this reader may not see: where a module quiz's result page sends them on."""
        ids = [module.pk for module in self._modules]
        if module_id not in ids or ids.index(module_id) + 1 == len(ids):
            return None
        return copy.copy(self._modules[ids.index(module_id) + 1])

    @cached_property
    def _modules(self) -> tuple:
        from lessons.models import Module

        rows = Module.objects.published() if self.published_only else Module.objects.all()
        return tuple(rows.order_by("order", "slug"))

    @cached_property
    def _module_by_slug(self) -> dict:
        return {module.slug: module for module in self._modules}

    def neighbours(self, pk: int) -> tuple[Entry | None, Entry | None]:
        """The lessons before and after `pk`, across module boundaries; (None, None) for a
        lesson not in this order (a draft that only staff can open)."""
        index = self.position.get(pk)
        if index is None:
            return None, None
        previous = self.entries[index - 1] if index > 0 else None
        following = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return previous, following

    def by_module(self) -> dict[int, tuple[Entry, ...]]:
        return self._grouped

    @cached_property
    def _grouped(self) -> dict[int, tuple[Entry, ...]]:
        grouped: dict[int, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.module_id, []).append(entry)
        return {module_id: tuple(entries) for module_id, entries in grouped.items()}

    def in_module(self, module_id: int, level: str = "") -> tuple[Entry, ...]:
        """A module's lessons in order, all of them or those of one level."""
        return self._by_level.get((module_id, level), ())

    @cached_property
    def _by_level(self) -> dict[tuple[int, str], tuple[Entry, ...]]:
        out: dict[tuple[int, str], list[Entry]] = {}
        for entry in self.entries:
            out.setdefault((entry.module_id, ""), []).append(entry)
            out.setdefault((entry.module_id, entry.level), []).append(entry)
        return {key: tuple(entries) for key, entries in out.items()}

    def scenarios_by_module(self) -> dict[int, int]:
        """Scenarios shown per module (a link of a scenario to one of this order's lessons
        counts once), counted once per order: a scenario saved, linked, unlinked or deleted
        makes a new order (lessons/apps.py). One query over the links alone, never the
        lessons."""
        return self._scenarios

    @cached_property
    def _scenarios(self) -> dict[int, int]:
        from lessons.models import Scenario

        out: dict[int, int] = {}
        for lesson_id in Scenario.lessons.through.objects.values_list("lesson_id", flat=True):
            index = self.position.get(lesson_id)
            if index is not None:
                module_id = self.entries[index].module_id
                out[module_id] = out.get(module_id, 0) + 1
        return out

    def checks_by_module(self) -> dict[int, int]:
        """`::: check` markers per module whose question a lesson page shows. The slugs are
        kept with the order; which of them can be shown is asked each time (one query, none
        without a check), as a question made, archived or mended changes it with no lesson
        saved, and a marker naming none shows nothing on the page."""
        shown = hooks.shown_check_counts(
            {e.pk: e.check_slugs for e in self.entries if e.check_slugs}
        )
        out: dict[int, int] = {}
        for entry in self.entries:
            out[entry.module_id] = out.get(entry.module_id, 0) + shown.get(entry.pk, 0)
        return out


@dataclass(frozen=True)
class Orders:
    """One build of the course: every lesson (staff) and the published ones (everyone else)."""

    everything: Order
    published: Order

    def visible_to(self, user) -> Order:
        """What this person may read: staff who passed the admin's two-factor rule preview
        drafts (`sees_drafts`), everyone else sees published lessons of published modules (the
        same rule as `Lesson.objects.visible_to`)."""
        return self.everything if sees_drafts(user) else self.published


def changed() -> None:
    """Forget the order everywhere (`VersionedCache.changed`)."""
    _kept.changed()


CHECK_MARK = "::: check "


def _rows():
    """Every lesson's place and row summary, in reading order: a fixed-shape read, so its SQL
    is compiled once per connection (`PreparedQuery`). Compiling it was three quarters of a
    build's CPU, paid on every new version (and, inside a transaction, where nothing is kept,
    on every request: every test's)."""
    marks = (Length("body") - Length(Replace("body", Value(CHECK_MARK), Value("")))) / len(
        CHECK_MARK
    )
    return (
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
            "summary",
            "level",
            "minutes",
        )
    )


_ROWS = PreparedQuery(Lesson, [], _rows)


def _read() -> tuple[Entry, ...]:
    """The rows, once per version. `::: check` markers are counted here, by the database, so
    progress pages can count a lesson's checks without its text (the lessons with one are read
    again for their slugs); a lesson saved anywhere makes a new version, so the count follows
    edits."""
    rows = _ROWS.rows()
    # The slugs of the lessons with a marker, read from their bodies alone (none without).
    marked = [row[0] for row in rows if row[8]]
    slugs = (
        {
            pk: check_slugs(body)
            for pk, body in Lesson.objects.filter(pk__in=marked).values_list("pk", "body")
        }
        if marked
        else {}
    )
    return tuple(
        Entry(
            pk=row[0],
            slug=row[1],
            title=row[2],
            module_id=row[3],
            module_slug=row[4],
            module_title=row[5],
            published=row[6] and row[7],
            check_slugs=slugs.get(row[0], ()),
            summary=row[9],
            level=row[10],
            minutes=row[11],
            lesson_published=row[6],
        )
        for row in rows
    )


def _build() -> Orders:
    entries = _read()
    published = tuple(entry for entry in entries if entry.published)
    in_course = {entry.module_id for entry in published}
    drafts = {
        entry.pk: entry.module_id
        for entry in entries
        if not entry.published and entry.module_id in in_course
    }
    return Orders(Order.of(entries), Order.of(published, published_only=True, drafts=drafts))


_kept = VersionedCache(VERSION_KEY, _build)


def _orders() -> Orders:
    return _kept.get()


def kept() -> Kept[Orders]:
    """The course as this process keeps it: a new object whenever the course changes (not
    `lasting` inside a transaction), so what is drawn from it can be kept under it
    (srm_trainer/kept_fragments.py)."""
    return _kept.current()


def everything() -> tuple[Entry, ...]:
    """Every lesson, drafts included, in reading order."""
    return _orders().everything.entries


def checking(slugs) -> list[Entry]:
    """The lessons, drafts too, whose `::: check` markers name any of the question `slugs`,
    in reading order: where a question deleted or archived leaves a check showing nothing (and
    the lesson's next save refused for it: `lessons.markdown.body_problems`). Read from the
    kept order, which holds each lesson's check slugs: no lesson's text is read again."""
    wanted = set(slugs)
    return [entry for entry in everything() if wanted.intersection(entry.check_slugs)]


def published() -> Order:
    """What learners read: published lessons of published modules."""
    return _orders().published


def visible_to(user) -> Order:
    """What this person may read (`Orders.visible_to`)."""
    return _orders().visible_to(user)
