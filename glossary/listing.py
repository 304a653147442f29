"""Arranging terms for the pages: A to Z by letter, the lesson link, related terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons.reading_order import Entry, Order


@dataclass
class Letter:
    letter: str
    anchor: str
    items: list = field(default_factory=list)  # GlossaryTerm rows and CrossReferences
    page: int = 1  # the page of the listing its heading is first on (`split_pages`)


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


# Entries (terms and cross-references) on one page of the A to Z listing. The shipped glossary
# (~240 entries) is one page, as it always was; a glossary a hundred times larger was one page
# of 15 MB, so past this it is cut into pages, each letter's heading repeated where it goes on.
PAGE_SIZE = 400


def split_pages(letters: list[Letter]) -> list[list[Letter]]:
    """The letters cut into pages of at most PAGE_SIZE entries, in order. Each term and each
    letter is given `page`, the number of the page its entry (its first part) is on, so a link
    to it from another page names that page."""
    pages: list[list[Letter]] = [[]]
    room = PAGE_SIZE
    for group in letters:
        items = group.items
        first = True
        while items:
            if room == 0:
                pages.append([])
                room = PAGE_SIZE
            if first:
                group.page, first = len(pages), False
            part, items = items[:room], items[room:]
            pages[-1].append(Letter(group.letter, group.anchor, part, group.page))
            room -= len(part)
            for item in part:
                if not isinstance(item, CrossReference):
                    item.page = len(pages)
    return pages


def page_numbers(letters: list[Letter]) -> dict[str, int]:
    """{slug: the page its entry is on}, as `split_pages` cuts them."""
    split_pages(letters)
    return {
        item.slug: item.page
        for group in letters
        for item in group.items
        if not isinstance(item, CrossReference)
    }


def taught_in(term, order: Order) -> Entry | None:
    """The lesson that teaches `term`, if this reader may open it."""
    if term.lesson_id is None:
        return None
    index = order.position.get(term.lesson_id)
    return None if index is None else order.entries[index]


def related_for(term, by_slug: dict) -> list:
    return [by_slug[slug] for slug in term.related if slug in by_slug]
