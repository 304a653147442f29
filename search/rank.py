"""The order of a search's results: the same rules on either database.

The database finds the matching documents and scores each (SQLite's `bm25`, PostgreSQL's
`ts_rank`); those two scores disagree in scale and detail, so they only break ties. What
decides the order is each result's kind and title, identically on both:

1. **The words are in the title.** A result whose title holds every word typed comes before
   one that holds them only in its text ("inspector" finds the lesson and terms named after
   Amazon Inspector before the lessons that mention it).
   Then a result that holds the last word typed whole (in any of its forms) comes before
   one that holds it only as the start of a longer word: the stemmer makes "stateful" the
   prefix "state", which "statement" begins, so the IAM lessons full of policy statements
   had come before the lessons on stateful filters (the database says which holds it whole).
2. **The kind of result.** A lesson teaches the thing, a glossary term defines it (and links
   to its lesson), a scenario practises it, a question tests it: on an equal title hit, the
   lesson comes first (`Source.priority`). A module teaches too, and ranks with the lessons:
   rule 3 puts the module named what was typed first, one named half of it after the lesson
   named for it ("kms": the AWS KMS lesson, then "Encryption and AWS KMS").
3. **How closely a name is what was typed.** The share of a name's words that are words
   typed: "Amazon Inspector" is all Inspector, "Amazon Inspector Classic" (an older service)
   and "Inspector score" half. "AWS", "Amazon" and small function words ("the", "and") do not
   count, as nobody types them to tell two services apart. A title's other names, in brackets
   after it ("Multi-factor authentication (MFA)", a glossary term's aliases), are names too:
   the closest one counts.
   Named as closely, a lesson comes before a module (`Source.tie`): the lesson named for what
   was typed teaches it, the module's page lists it ("shared responsibility model": the
   lesson on the model, then the module of that name).
4. The database's own score, then the document's id (so the order is total and stable).

A word typed matches a title's word if they are the same but for case and a plural ending
("groups" is "group", "policies" "policy"), or, for the last word typed, if it begins it
(the search treats that word as a prefix too). Only the documents the database already found
are ordered, so this never adds or drops a result.

The database applies these rules itself (`search.query`), in its ORDER BY, so a search reads
one page of results and a count however many documents match: each title's words are stored
beside its document (`title_words`, `search.models.TitleWord`), cut and folded here, once,
when it is indexed, and the query looks up only the words that hit. `Ranking` below is the
same rules in Python, the reference the database's order is tested against
(tests/search/test_ranking.py, on SQLite and PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")  # a word: letters and digits
_BRACKETS = re.compile(r"\(([^()]*)\)")
PREFIX_FROM = 3  # as search.query's: the last word is a prefix once it has this many letters

# Words that say nothing about which thing a name names: the vendor prefix of every service,
# and function words. They still count when someone types them.
UNWEIGHTED = frozenset(
    [
        "aws",
        "amazon",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "for",
        "in",
        "on",
        "to",
        "with",
        "by",
        "at",
        "from",
        "its",
        "your",
        "what",
        "how",
    ]
)


@lru_cache(maxsize=4096)
def fold(word: str) -> str:
    """A word without case, a plural ending or the commonest English endings of its other forms
    (-ing, -ed, -ion, a final e), so "Groups" is "group", and "rotating", "rotated", "rotate"
    and "rotation" are all "rotat". Light and predictable, not a full stemmer: each ending
    goes only if at least three letters stay (one a vowel, for -ing and -ed), so "string",
    "need" and "the" are whole. The same on both sides (title words when indexed, words
    when typed), so a stem that is not a word is harmless."""
    word = _plural(word.lower())
    if len(word) > 5 and word.endswith("ied"):
        return word[:-3] + "y"  # "denied": "deny", as "denies" is
    for ending in ("ing", "ed"):
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) >= 3
            and _VOWEL.search(stem)
            and not stem.endswith("e")  # "agreed", "seeing": leave them
        ):
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                stem = stem[:-1]  # "logging": "log", but "installed": "install"
            word = stem
            break
    if len(word) >= 7 and word.endswith(("tion", "sion")):
        word = word[:-3]  # "rotation": "rotat"; "encryption": "encrypt"
    if len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]  # "rotate": "rotat"; "share": "shar", as "shared" and "sharing"
    return word


_VOWEL = re.compile("[aeiouy]")


def _plural(word: str) -> str:
    """A word in lower case without a plural ending: "policies" is "policy"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def names(title: str) -> list[str]:
    """A title and its other names: what is outside brackets, and each comma-separated name
    inside them ("AWS KMS (AWS Key Management Service, KMS)" has three)."""
    found = [_BRACKETS.sub(" ", title)]
    for inside in _BRACKETS.findall(title):
        found.extend(part for part in inside.split(",") if part.strip())
    return found


class Ranking:
    """The rules for one search's words, worked out once and applied to each match."""

    def __init__(self, words: Sequence[str]):
        self.typed = frozenset(fold(w) for w in words)
        last = words[-1].lower() if words else ""
        self.prefix = last if len(last) >= PREFIX_FROM else None
        self.prefix_folded = fold(last)

    def _match(self, token: str, folded: str) -> str | None:
        """The word typed (folded) that this title word (`folded`: as `fold` gives it) is, if
        any."""
        if folded in self.typed:
            return folded
        if self.prefix is not None and token.lower().startswith(self.prefix):
            return self.prefix_folded
        return None

    def assess(self, title: str) -> tuple[bool, float]:
        """Whether the title (with its bracketed names) holds every word typed, and how
        closely its closest name is what was typed: the largest share of a name's words that
        are words typed (`UNWEIGHTED` words left out unless typed). One pass over its words."""
        found: set[str] = set()
        best = 0.0
        for name in names(title) if "(" in title else (title,):
            counted = hits = 0
            for token in WORD.findall(name):
                folded = fold(token)
                match = self._match(token, folded)
                if match is not None:
                    found.add(match)
                if folded not in UNWEIGHTED or folded in self.typed:
                    counted += 1
                    hits += match is not None
            if counted:
                best = max(best, hits / counted)
        return found >= self.typed, best

    def key(self, priority: int, title: str, score: float, ident: int, tie: int = 0) -> tuple:
        """Sort key of one result (smallest first): see the module's docstring. `score` is
        the database's, higher for a better match; `priority` the kind's, lower first; `tie`
        the kind's place among results of that priority named as closely (a module's 1 puts
        it after a lesson)."""
        in_title, closeness = self.assess(title)
        return (not in_title, priority, -closeness, tie, -score, ident)


def closeness(title: str, words: Sequence[str]) -> float:
    """`Ranking.assess`'s closeness of one title, for a caller with one title to weigh."""
    return Ranking(words).assess(title)[1]


def in_title(title: str, words: Sequence[str]) -> bool:
    """Does this title hold every word typed (`Ranking.assess`)?"""
    return Ranking(words).assess(title)[0]


def order_key(words: Sequence[str], priority: int, title: str, score: float, ident: int):
    """One result's sort key (`Ranking.key`); a search ranks its matches with one `Ranking`."""
    return Ranking(words).key(priority, title, score, ident)


def title_words(title: str) -> list[tuple[int, str, str, bool, int]]:
    """What the database needs of a title to apply the rules itself, one row per word of each
    name (`names`): (which name, the word in lower case, `fold`ed, whether it counts towards
    closeness when not typed (not `UNWEIGHTED`), how many of its name's words so count). A
    word typed hits a row if it is the row's folded word, or, the last word typed, begins it."""
    rows = []
    for number, name in enumerate(names(title) if "(" in title else (title,)):
        tokens = WORD.findall(name)
        folded = [fold(token) for token in tokens]
        weighted = [f not in UNWEIGHTED for f in folded]
        weight = sum(weighted)
        rows.extend(
            (number, token.lower(), f, w, weight)
            for token, f, w in zip(tokens, folded, weighted, strict=True)
        )
    return rows
