"""Finding rows by a few typed words: what the choosers that replaced a menu of every row share
(a cohort assignment's lessons and quiz, a question's lesson, a policy question's scenario).
A menu grows with the course (2,700 lessons, 3,500 scenarios, 1,400 quizzes at 100×); a search
returns at most `MATCHES`, so its form costs the same at any size. Each chooser says which rows
it searches (its access rule is its queryset), which columns the words are looked for in, and
how its status line words a result (`Wording`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from srm_trainer.converters import IdConverter

MATCHES = 30  # rows shown for one search
MAX_QUERY = 100  # characters of a search read
MAX_WORDS = 6  # words of a search read (each is one more LIKE per row)
# A row's id typed or sent instead of its name (a page drawn before, a script): the digits an
# `<id:...>` URL takes, so what a chooser reads as an id is what an address could name.
PLAIN_KEY = re.compile(rf"^{IdConverter.regex}\Z")


def typed_text(value: object) -> str:
    """What a finder's field was sent, as the text looked up: stripped, a NUL as U+FFFD (the
    character a browser shows for one it cannot read). No name holds either, and PostgreSQL's
    text refuses NUL: a hand-made post's `a%00b` was DataError there, a 500; now it names
    nothing, said as any name not found."""
    return str(value if value is not None else "").replace("\x00", "\ufffd").strip()


def words(query: str, *, separators: str = "") -> list[str]:
    """The words of a search: at most `MAX_WORDS` of its first `MAX_QUERY` characters, split at
    spaces and at `separators` (an address such as "iam/roles" or "iam-quiz" is its words).
    A NUL is U+FFFD, as in `typed_text`."""
    text = str(query)[:MAX_QUERY].replace("\x00", "\ufffd")
    for separator in separators:
        text = text.replace(separator, " ")
    return text.split()[:MAX_WORDS]


def matching(rows: QuerySet, query: str, columns: Sequence[str], *, separators: str = ""):
    """`rows` holding every word of `query` (case aside) in one of `columns`."""
    for word in words(query, separators=separators):
        match = Q()
        for column in columns:
            match |= Q(**{f"{column}__icontains": word})
        rows = rows.filter(match)
    return rows


def first(rows: QuerySet, limit: int = MATCHES) -> tuple[list, bool]:
    """The first `limit` rows, and whether there were more (one query)."""
    found = list(rows[: limit + 1])
    return found[:limit], len(found) > limit


@dataclass(frozen=True)
class Wording:
    """How a chooser's polite status line words a search's result. `one`/`many`: what it finds
    ("lesson", "lessons"); the rest are for nothing typed, and may name `{n}` (how many are
    shown), `{count}` ("1 lesson", "3 lessons") and, for `no_match`, `{typed}`."""

    one: str
    many: str
    empty: str  # nothing typed, nothing to offer
    first: str  # nothing typed, more than are shown
    every: str  # nothing typed, all of them shown
    no_match: str  # something typed, nothing found

    def count(self, n: int) -> str:
        return f"{n} {self.one if n == 1 else self.many}"

    def said(self, query: str, n: int, more: bool) -> str:
        typed = str(query).strip()
        if not typed:
            template = self.empty if not n else (self.first if more else self.every)
            return template.format(n=n, count=self.count(n))
        if not n:
            return self.no_match.format(typed=typed)
        if more:
            return f"The first {n} {self.many} matching “{typed}”; type more to narrow."
        return f"{self.count(n)} match{'es' if n == 1 else ''} “{typed}”."


@dataclass(frozen=True)
class Found:
    """One search's rows (what the chooser draws of each), and whether more matched than are
    shown."""

    query: str
    rows: list[Any]
    more: bool
    wording: Wording

    @property
    def said(self) -> str:
        """What the polite status line says of it."""
        return self.wording.said(self.query, len(self.rows), self.more)


def too_many_said(retry_after: int) -> str:
    """A finder's status line over the `search` rate limit (what was typed or ticked stays)."""
    wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
    return f"That was a lot of searches in a short time: try again in {wait}."


def typed_input(options_id: str, **attrs: Any) -> forms.TextInput:
    """A chooser's text box: its suggestions are the datalist `options_id`, asked for (htmx)
    when typing pauses, a newer ask replacing one still in flight; `attrs` adds the rest
    (`hx-get`, `autocapitalize`...). No `maxlength`: a longer paste was cut by the browser
    without a word; the field refuses it whole as naming nothing (`typed_text.LimitsOnServer`)."""
    return forms.TextInput(
        attrs={
            "list": options_id,
            "autocomplete": "off",
            "spellcheck": "false",
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{options_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            **attrs,
        }
    )
