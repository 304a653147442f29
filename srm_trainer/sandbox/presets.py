"""The scenarios the sandbox offers as presets, and its menu of them.

The menu is the same for every visitor and changes only when a scenario, a lesson or a module
is saved or deleted (a lesson published, a scenario linked to one): reading it on every page
cost a query joining scenarios to lessons, so it is kept per content version
(srm_trainer/versioned_cache.py); the models' signals call `changed()` (apps.py).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from lessons.models import Lesson, Scenario
from srm_trainer.versioned_cache import VersionedCache

VERSION_KEY = "sandbox:presets"


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
    offered is read from the kept menu (the same rule), sparing the query its join."""
    if not any(offered_slug == slug for offered_slug, _ in menu()):
        return None
    published = Lesson.objects.published().select_related("module")
    return (
        Scenario.objects.filter(slug=slug)
        .prefetch_related(Prefetch("lessons", queryset=published))
        .first()
    )


def menu() -> tuple[tuple[str, str], ...]:
    """(slug, title) of every preset, in the menu's order."""
    return _kept.get()


def changed() -> None:
    """Forget the menu everywhere (`VersionedCache.changed`)."""
    _kept.changed()


def _build() -> tuple[tuple[str, str], ...]:
    return tuple(offered().values_list("slug", "title"))


_kept = VersionedCache(VERSION_KEY, _build)
