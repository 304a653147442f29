"""How much of a teacher's banks and tags one page draws, whatever they hold.

A teacher's own questions fill at most `bank.MAX_OWN_BANKS` banks and carry at most
`bank.MAX_OWN_TAGS` bank tags and `bank.MAX_OWN_MISCONCEPTIONS` misconception tags of their own,
checked when a question is saved or imported. A teacher may still hold more: from before the
ceilings, or given by staff (the admin, a hand-over of another teacher's questions). Staff's
pages read everyone's. Every page that lists them draws at most these many, the most recently
edited or the most used first, and says when there are more and where they are: the
dashboard's lists a page at a time, each entry a link to its questions in the bank
(docs/limits.md, "Past a ceiling").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from teach import tag_groups
from teach.bank import MAX_OWN_BANKS, MAX_OWN_MISCONCEPTIONS, MAX_OWN_TAGS, BankFilterForm

# A page of banks, and the most a bank menu or a category box's suggestions list: a teacher's
# 100 at most and the course's own (8), with room; staff's hold everyone's.
BANKS_SHOWN = MAX_OWN_BANKS + 50
# The most bank tags a page lists or the question editor offers as boxes: a teacher's 200 at
# most, and the course's (none today), with room.
TAGS_SHOWN = MAX_OWN_TAGS + 100
# The most misconception tags the question editor offers an instructor: their own 200 at most
# and the course's (155 today), with room. Staff's editor offers every teacher's, drawn whole.
MISCONCEPTIONS_SHOWN = MAX_OWN_MISCONCEPTIONS + 300


def banks_page(banks: list[dict], number) -> Page:
    """The page `number` (`?banks=`) of `banks` (`bank.bank_summaries`, by category): the
    dashboard's and the import page's tables, `BANKS_SHOWN` rows a page."""
    return Paginator(banks, BANKS_SHOWN).get_page(number)


def tags_page(tags: list[tuple[str, int]], number) -> Page:
    """The page `number` (`?tags=`) of `tags` ((tag, how many questions), by tag): the
    dashboard's tag list, `TAGS_SHOWN` a page."""
    return Paginator(tags, TAGS_SHOWN).get_page(number)


@dataclass(frozen=True)
class Menu:
    """What a menu or a list of suggestions offers, and how many it leaves out."""

    entries: list[str]
    left_out: int


def bank_menu(banks: Sequence[dict], chosen: str = "") -> Menu:
    """The banks a menu offers, by category: the `BANKS_SHOWN` edited most recently, and
    `chosen` (a link's or a quiz's) if it is one of `banks`, so the filter it names still
    applies."""
    if len(banks) <= BANKS_SHOWN:
        return Menu([row["category"] for row in banks], 0)
    recent = sorted(banks, key=lambda row: row["last_edited"], reverse=True)[:BANKS_SHOWN]
    names = {row["category"] for row in recent}
    if chosen and chosen not in names and any(row["category"] == chosen for row in banks):
        names.add(chosen)
    return Menu(sorted(names), len(banks) - len(names))


def tag_uses_menu(uses: list[tuple[str, int | None, int]], chosen: str = "") -> tuple[list, int]:
    """The rows of `uses` ((tag, module, count), `bank.tag_uses`) of the `TAGS_SHOWN` tags most
    used, and `chosen` if it is one, for the bank's Tag menu; and how many tags are left out."""
    totals = tag_groups.totals(uses)
    if len(totals) <= TAGS_SHOWN:
        return uses, 0
    kept = {tag for tag, _n in sorted(totals, key=lambda kv: (-kv[1], kv[0]))[:TAGS_SHOWN]}
    if chosen and any(tag == chosen for tag, _n in totals):
        kept.add(chosen)
    return [row for row in uses if row[0] in kept], len(totals) - len(kept)


def menu_note(left_out: int, what: str) -> str:
    """The sentence a menu that leaves some out says below itself."""
    lists = "edited most recently" if what == "banks" else "used most"
    return (
        f"It lists the {what} {lists}; {left_out:,} more are on your teaching dashboard, "
        "a page at a time, each a link to its questions here."
    )


def bank_filter_form(data, *, banks: Sequence[dict], uses: list) -> BankFilterForm:
    """The bank's search and filters (`bank.BankFilterForm`) over `data` (a GET, or None),
    their Bank and Tag menus bounded (`bank_menu`, `tag_uses_menu`), each saying below itself
    when it leaves some out."""
    chosen = data or {}
    menu = bank_menu(banks, str(chosen.get("category", "")))
    tags, tags_left_out = tag_uses_menu(uses, str(chosen.get("tag", "")))
    form = BankFilterForm(data, categories=menu.entries, tags=tags)
    for name, left_out in (("category", menu.left_out), ("tag", tags_left_out)):
        if left_out:
            what = "banks" if name == "category" else "tags"
            form.fields[name].help_text = menu_note(left_out, what)
    return form


def suggested_categories(box, banks: Sequence[dict]) -> list[str]:
    """The banks a category box (`box`, a bound field) suggests as it is typed in (its
    <datalist>): `bank_menu`'s, with the bank it holds, its help saying when some are left
    out."""
    menu = bank_menu(banks, str(box.value() or ""))
    if menu.left_out:
        said = (
            f"{box.help_text} It suggests the {BANKS_SHOWN:,} banks edited most recently; "
            f"any of the {menu.left_out:,} others may be typed whole."
        ).strip()
        box.help_text = box.field.help_text = said  # the bound field copied it when made
    return menu.entries
