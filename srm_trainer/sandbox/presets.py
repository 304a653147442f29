"""The scenarios the sandbox offers as presets, and its menu of them.

The menu is the same for every visitor and changes only when a scenario, a lesson or a module
is saved or deleted (a lesson published, a scenario linked to one): reading it on every page
cost a query joining scenarios to lessons, so it is kept per content version
(srm_trainer/versioned_cache.py). Those are exactly the changes the course's reading order
follows, so the menu shares its version (`reading_order.VERSION_KEY`, bumped by the signals in
lessons/apps.py) rather than wiring the same signals to a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string

from lessons.models import Lesson, Scenario
from lessons.reading_order import VERSION_KEY
from srm_trainer.prepared import PreparedQuery
from srm_trainer.versioned_cache import VersionedCache


def offered() -> QuerySet[Scenario]:
    """Scenarios taught in a published lesson, or in none (made in the admin to share): one
    linked only to draft lessons is not shown until a lesson teaching it is published."""
    return (
        Scenario.objects.filter(owner__isnull=True)  # an instructor's own scenario stays theirs
        .filter(Q(lessons__in=Lesson.objects.published()) | Q(lessons__isnull=True))
        .distinct()
        .order_by("order", "slug")
    )


def find(slug: str) -> Scenario | None:
    """The one preset a page opens, with the published lessons that teach it. Whether it is
    offered is read from the kept menu (the same rule), sparing the query its join; each
    offered preset is read once per content version (`_opened`, the menu's version), as the
    menu is: a scenario, lesson or module saved makes them all be read again."""
    if slug not in menu().slugs:
        return None
    opened = _opened.get()
    if slug not in opened:
        published = Lesson.objects.published().select_related("module")
        opened[slug] = (
            Scenario.objects.filter(slug=slug)
            .prefetch_related(Prefetch("lessons", queryset=published))
            .first()
        )
    return opened[slug]


@dataclass(frozen=True)
class Menu:
    """The offered presets as (slug, title) in the menu's order, and their <option>s
    (`options`), drawn once per version and preset selected (sandbox.html#preset_options):
    ~35 options cost ~0.2 ms to draw on every page."""

    entries: tuple[tuple[str, str], ...]
    slugs: frozenset[str] = field(init=False)
    _options: dict[str, str] = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slugs", frozenset(slug for slug, _ in self.entries))

    def options(self, selected: str = "") -> str:
        """The <option>s with the preset `selected` selected ("": none). At most one drawing
        per preset offered (and one with none), kept with the menu they belong to."""
        drawn = self._options.get(selected)
        if drawn is None:
            context = {"presets": self.entries, "current": selected}
            drawn = render_to_string("sandbox/sandbox.html#preset_options", context)
            if selected in self.slugs or not selected:
                self._options[selected] = drawn
        return drawn


def menu() -> Menu:
    return _kept.get()


def changed() -> None:
    """Forget the menu (and the reading order, which shares its version) everywhere: for a
    write that sends no signals."""
    _kept.changed()


# The menu's query, compiled to SQL once per connection (srm_trainer/prepared.py): inside a
# transaction (a test's) the menu is built on every request, and compiling the query was
# nearly all of a build's ~0.5 ms.
_OFFERED = PreparedQuery(Scenario, [], lambda: offered().values_list("slug", "title"))


def _build() -> Menu:
    # DISTINCT with ORDER BY selects the ordering column too: the first two are the entry.
    return Menu(tuple((row[0], row[1]) for row in _OFFERED.rows()))


_kept = VersionedCache(VERSION_KEY, _build)
# The presets opened since the version changed, by slug (at most the menu's): read-only for
# the pages that share them.
_opened: VersionedCache[dict[str, Scenario | None]] = VersionedCache(VERSION_KEY, dict)
