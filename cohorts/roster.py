"""A cohort's learners in the order a teacher reads a class list, and found by a few letters
of their name, for the gradebook, the people page and both CSVs.

The database ordered usernames by code point: "Zoë" and every capitalised name came before
"ana", "Émilie" and "Łukasz" after "zoë", so in a class of 250 a learner was not where the
teacher looked. And with 10 pages of 25 there was no way to find one but paging. Both are done
on the cohort's (membership, username) pairs, read in one query: a few hundred short strings,
folded once (`fold`), well under a millisecond, and the page's own rows are then read by id.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cohorts import sorting
from cohorts.models import Cohort, Membership
from lessons import shown_names
from srm_trainer.finder import words

# Latin letters Unicode does not decompose into a base letter and a mark (so NFKD keeps them
# whole): read as the letter a class list files them under.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ŧ": "t"}
)


def fold(text: str) -> str:
    """`text` as it is compared: case and accents aside ("Émilie" is "emilie", "Łukasz"
    "lukasz"), so it sorts and is found where a reader expects it. ASCII, most usernames, is
    only lower-cased (what the whole fold gives it): the fold letter by letter was most of a
    3,000-learner gradebook's time, on every page of it."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.translate(_LETTERS)


def sort_key(username: str) -> tuple[str, str]:
    """Folded first; on a tie ("Ana" and "ana") by the name itself, so the order is total."""
    return fold(username), username


@dataclass(frozen=True)
class Roster:
    """The membership ids of a cohort's learners in name order, those matching `query` only
    (every word typed, case and accents aside, anywhere in the username or the name the
    learner chose to show their instructors, `lessons.shown_names`); `total` is the
    cohort's whole count, whatever was typed."""

    ids: list[int]
    total: int
    query: str

    @property
    def searched(self) -> bool:
        return bool(self.query)


def roster(cohort: Cohort, query: str = "", sort: sorting.Sort | None = None) -> Roster:
    """One query: the cohort's learners' usernames, sorted and filtered here (see the module);
    `sort` another order than by name, its keys read in the same query (`cohorts.sorting`)."""
    keys = sorting.keys(sort, cohort) if sort else {}
    # The name each learner chose to show their instructors last (`sorting.ordered` reads
    # the keys by position after the username): found by it too, never sorted by it.
    rows = list(
        Membership.objects.filter(cohort=cohort)
        .annotate(**keys)
        .values_list("pk", "user__username", *keys, shown_names.VALUE)
    )
    typed = [fold(word) for word in words(query)]
    total = len(rows)
    if typed:  # found first, so only what was found is sorted
        rows = [row for row in rows if all(w in _findable(row) for w in typed)]
    rows.sort(key=lambda row: sort_key(row[1]))
    if sort:
        rows = sorting.ordered(rows, sort)
    return Roster(ids=[row[0] for row in rows], total=total, query=" ".join(words(query)))


def _findable(row: tuple) -> str:
    """A roster row's username and chosen name, folded, as a typed word is looked for in it."""
    shown = row[-1]
    return fold(f"{row[1]} {shown}" if shown else row[1])


def memberships(ids: list[int]) -> list[Membership]:
    """The memberships `ids` names, with their users and the names they chose to show their
    instructors, in that order (one query)."""
    read = Membership.objects.filter(pk__in=ids).select_related("user", shown_names.RELATED)
    found = read.in_bulk()
    return [found[pk] for pk in ids if pk in found]


def in_order(members: list[Membership]) -> list[Membership]:
    """Memberships already read (with their users), in name order."""
    return sorted(members, key=lambda m: sort_key(m.user.get_username()))
