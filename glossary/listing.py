"""Arranging terms for the pages: A to Z by letter, the lesson link, related terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons.reading_order import Entry, Order


@dataclass
class Letter:
    letter: str
    anchor: str
    items: list = field(default_factory=list)  # GlossaryTerm rows and CrossReferences


@dataclass(frozen=True)
class CrossReference:
    """An abbreviation listed under its own letter, pointing at the term (SCP → Service
    control policy), so a reader who knows only the abbreviation finds the entry."""

    alias: str
    term: object

    @property
    def sort_key(self) -> str:
        return self.alias.casefold()


def is_abbreviation(alias: str) -> bool:
    letters = [ch for ch in alias if ch.isalpha()]
    return 2 <= len(alias) <= 8 and bool(letters) and all(ch.isupper() for ch in letters)


def _letter(text: str) -> str:
    first = text[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def letters_for(terms: list) -> list[Letter]:
    """Terms grouped by first letter, A to Z (anything else under '#'), each group sorted
    without regard to case; abbreviations that start with another letter are listed too."""
    groups: dict[str, Letter] = {}
    for term in terms:
        items = [(term.term.casefold(), term)]
        items += [
            (alias.casefold(), CrossReference(alias, term))
            for alias in term.aliases
            if is_abbreviation(alias) and _letter(alias) != _letter(term.term)
        ]
        for key, item in items:
            letter = _letter(key)
            group = groups.setdefault(
                letter, Letter(letter, "letter-" + ("other" if letter == "#" else letter.lower()))
            )
            group.items.append((key, item))
    ordered = []
    for letter in sorted(groups, key=lambda x: (x == "#", x)):
        group = groups[letter]
        group.items = [item for _, item in sorted(group.items, key=lambda pair: pair[0])]
        ordered.append(group)
    return ordered


def taught_in(term, order: Order) -> Entry | None:
    """The lesson that teaches `term`, if this reader may open it."""
    if term.lesson_id is None:
        return None
    index = order.position.get(term.lesson_id)
    return None if index is None else order.entries[index]


def related_for(term, by_slug: dict) -> list:
    return [by_slug[slug] for slug in term.related if slug in by_slug]
