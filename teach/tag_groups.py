"""The question editor's tags, grouped by topic: the shipped course alone uses ~100
misconception tags, too many to read as one list, and a tag's topic is the course module whose
questions use it. Plain functions over (tag, module, count) rows, so they are tested without a
page and the page reads nothing more than the counts it already read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

# The group of tags used on no question that has a module (or on none at all: a ticked tag
# only this question has, before it is saved).
NO_MODULE = "In no module"


@dataclass(frozen=True)
class TagGroup:
    """One module's tags, in the order offered. `open`: drawn unfolded, because it is the
    question's own module or holds a ticked tag (what the question has is never out of sight)."""

    module: int | None
    title: str
    tags: tuple[str, ...]
    open: bool


def totals(uses: Iterable[tuple[str, int | None, int]]) -> list[tuple[str, int]]:
    """(tag, how many questions use it) from (tag, module, count) rows, by tag."""
    counts: Counter[str] = Counter()
    for tag, _module, count in uses:
        counts[tag] += count
    return sorted(counts.items())


def home_modules(
    uses: Iterable[tuple[str, int | None, int]], order: Sequence[int]
) -> dict[str, int | None]:
    """Each tag's module: the one whose questions use it most; on a tie, the one first in the
    course's order (`order`, module keys), so a tag does not wander between equal homes.
    Questions without a module do not vote; a tag used only on those has no module (None)."""
    rank = {module: n for n, module in enumerate(order)}
    by_tag: dict[str, Counter[int]] = {}
    for tag, module, count in uses:
        counts = by_tag.setdefault(tag, Counter())
        if module is not None and module in rank:
            counts[module] += count
    return {
        tag: min(counts, key=lambda m: (-counts[m], rank[m])) if counts else None
        for tag, counts in by_tag.items()
    }


def group_tags(
    tags: Sequence[str],
    homes: Mapping[str, int | None],
    modules: Sequence[tuple[int, str]],
    *,
    first: int | None = None,
    ticked: Collection[str] = (),
) -> list[TagGroup]:
    """`tags` (in the order offered) by their home module (`homes`; a tag not in it has
    none): one group per module that has any, titled with the module's title, in the course's
    order (`modules`: (key, title) rows), the question's own module (`first`) at the top and
    the tags in no module last. The first module's group is open, and so is any group with a
    `ticked` tag."""
    titles = dict(modules)
    members: dict[int | None, list[str]] = {}
    for tag in tags:
        home = homes.get(tag)
        members.setdefault(home if home in titles else None, []).append(tag)
    order: list[int | None] = [key for key, _title in modules]
    if first in titles:
        order.remove(first)
        order.insert(0, first)
    order.append(None)
    chosen = set(ticked)
    return [
        TagGroup(
            module=key,
            title=NO_MODULE if key is None else titles[key],
            tags=tuple(members[key]),
            open=(key is not None and key == first) or any(t in chosen for t in members[key]),
        )
        for key in order
        if key in members
    ]
