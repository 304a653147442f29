"""From what a visitor typed to ranked results with highlighted snippets, on either database.

A visitor's text never reaches the full-text syntax of either database as it stands: it is cut
into words (letters and digits only), each word is quoted, and the words are ANDed, so an
unbalanced quote, `NEAR`, `*`, `-` or `OR` is a word to look for, never an operator or an error.
The last word also matches as a prefix, so results follow someone typing ("bound" finds
"boundary").

The database marks each hit with private-use characters, and `excerpt` cuts the snippet around
them; everything is then escaped and only those characters become `<mark>`, so content can
never inject markup.

Addresses are made here, for the page's hits only, under the searching request's script prefix
and URLconf (`Source.address`): the index stores what they are made from, never an address.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from django.db import connection
from django.urls import NoReverseMatch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.rank import Ranking
from search.sources import MARK_END, MARK_START, SOURCES

log = logging.getLogger(__name__)

MAX_QUERY = 200  # characters read from the query; the rest is ignored
MAX_TERMS = 8
MAX_TERM = 40  # characters in one word: longer is not a word anyone searches for
PREFIX_FROM = 3  # the last word is a prefix once it has this many characters
PER_PAGE = 20
MAX_PAGES = 20
_WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 24  # words in a result's snippet
LEAD_IN = 3  # words of a snippet before its first hit, when there are any


@dataclass(frozen=True)
class Hit:
    kind: str
    label: str
    url: str
    title: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class Results:
    query: str
    terms: tuple[str, ...] = ()
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    notice: str = ""  # why there is nothing to show, when that is not "no matches"

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def terms(text: str) -> tuple[str, ...]:
    """The words to look for: letters and digits, at most MAX_TERMS of them, none too long."""
    words = [w for w in _WORD.findall(text[:MAX_QUERY]) if len(w) <= MAX_TERM]
    return tuple(dict.fromkeys(w.lower() for w in words))[:MAX_TERMS]


def is_prefix(words: tuple[str, ...]) -> bool:
    """Whether the last word is looked for as a prefix too (it is long enough)."""
    return bool(words) and len(words[-1]) >= PREFIX_FROM


def fts5_query(words: tuple[str, ...], prefix: bool = True) -> str:
    """An FTS5 MATCH expression: each word an FTS5 string, all required, the last a prefix
    (unless `prefix` is false: every word whole, in any of its forms)."""
    parts = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix and is_prefix(words):
        parts[-1] += "*"
    return " AND ".join(parts)


def tsquery(words: tuple[str, ...], prefix: bool = True) -> str:
    """A `to_tsquery` expression: each word a quoted lexeme, all required, the last a prefix
    (unless `prefix` is false)."""
    parts = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in words]
    if prefix and is_prefix(words):
        parts[-1] += ":*"
    return " & ".join(parts)


def highlighted(text: str) -> SafeString:
    """Escape `text`, turning the database's hit markers (and only those) into <mark>s, always
    balanced."""
    out, open_ = [], False
    for part in re.split(f"([{MARK_START}{MARK_END}])", text or ""):
        if part == MARK_START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == MARK_END:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def excerpt(marked: str, words: int = SNIPPET_WORDS) -> str:
    """The run of `words` words of a body marked in full (each hit between MARK_START and
    MARK_END) that holds the most hits, the earliest of equals, led in by a few words; "…"
    where it was cut. Made here rather than by the database's own snippet function: SQLite's
    grows with the square of the hits in one body (a lesson of one word repeated held a
    worker for minutes), and this pass is one walk over the words."""
    tokens = (marked or "").split()
    hits = [i for i, token in enumerate(tokens) if MARK_START in token]
    start, best, last = 0, 0, 0
    for first, at in enumerate(hits):  # each hit as a window's first, counting the hits in it
        while last < len(hits) and hits[last] < at + words:
            last += 1
        if last - first > best:
            best, start = last - first, at
    if hits:
        start = max(0, min(start - LEAD_IN, len(tokens) - words))
    end = min(len(tokens), start + words)
    piece = " ".join(tokens[start:end])
    if _open_at_end(" ".join(tokens[:start])):  # a phrase the window's start cuts into
        piece = MARK_START + piece
    if _open_at_end(piece):  # ... or its end cuts short: closed before the "…"
        piece += MARK_END
    return ("… " if start else "") + piece + (" …" if end < len(tokens) else "")


def _open_at_end(text: str) -> bool:
    return text.rfind(MARK_START) > text.rfind(MARK_END)


def _snippet(kind: str, text: str) -> SafeString:
    """The body's best fragment; for some kinds only when it holds a hit (`opening_snippet`)."""
    if MARK_START not in (text or "") and not SOURCES[kind].opening_snippet:
        return mark_safe("")  # noqa: S308 - empty
    return highlighted(excerpt(text))


def _address(kind: str, target: str) -> str:
    """The hit's address for this request, or "" for a stored target no page takes (a row
    written before its slug was checked, say): left out of the page rather than a 500; the
    next reindex of that document replaces it."""
    try:
        return SOURCES[kind].address(target)
    except NoReverseMatch:
        log.warning("search: no address for %s %r", kind, target)
        return ""


def search(text: str, *, page: int = 1) -> Results:
    """Ranked results for one page (PER_PAGE of them), in `search.rank`'s order: title hits
    first, then by kind (lessons first), then by how closely a name is what was typed."""
    text = (text or "")[:MAX_QUERY]
    words = terms(text)
    if not words:
        notice = (
            "Type a word or two to search for."
            if not text.strip()
            else ("Nothing to search for there: try words made of letters or digits.")
        )
        return Results(query=text, notice=notice)
    backend = _BACKENDS.get(connection.vendor)
    if backend is None:
        return Results(query=text, terms=words, notice="Search is not available here.")
    ranked = ranked_ids(words, backend.matches(words))
    total = len(ranked)
    pages = min(MAX_PAGES, -(-total // PER_PAGE))
    page = min(max(1, page), max(1, pages))
    ids = ranked[(page - 1) * PER_PAGE : page * PER_PAGE]
    rows = backend.marked(words, ids) if ids else []
    hits = [
        Hit(kind, SOURCES[kind].label, url, highlighted(title), _snippet(kind, snippet))
        for kind, target, title, snippet in rows
        if kind in SOURCES and (url := _address(kind, target))
    ]
    return Results(query=text, terms=words, hits=hits, total=total, page=page, pages=pages)


def ranked_ids(words: tuple[str, ...], matches: list[tuple]) -> list[int]:
    """The ids of the matching documents, (id, kind, title, score, whole) each, best first:
    one order for both databases (`search.rank`). Kinds no longer registered go last. `whole`:
    the document holds the last word whole, not only as the start of a longer word (the
    stemmer cuts "stateful", looked for as a prefix, to "state"*, which "statement" begins)."""
    last = len(SOURCES)
    ranking = Ranking(words)

    def key(row):
        ident, kind, title, score, whole = row
        priority = SOURCES[kind].priority if kind in SOURCES else last
        in_title, *rest = ranking.key(priority, title, float(score or 0.0), ident)
        return (in_title, not whole, *rest)

    return [row[0] for row in sorted(matches, key=key)]


# --- the two databases ---------------------------------------------------------------------


class _SQLite:
    """FTS5: every match with its `bm25` (the title worth ten times the body; negated, so
    higher is better) and whether it holds the last word whole, for `search.rank` to order;
    the hits marked by `highlight` (one pass over the text; `excerpt` cuts the snippet), only
    for the page's rows."""

    def matches(self, words) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.title, -bm25(search_document_fts, 10.0, 1.0), "
                "d.id IN (SELECT rowid FROM search_document_fts "
                "WHERE search_document_fts MATCH %s) "
                "FROM search_document_fts JOIN search_document d "
                "ON d.id = search_document_fts.rowid "
                "WHERE search_document_fts MATCH %s",
                [fts5_query(words, prefix=False), fts5_query(words)],
            )
            return list(cursor.fetchall())

    def marked(self, words, ids: list[int]) -> list[tuple]:
        marks = [MARK_START, MARK_END]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.target, "
                "highlight(search_document_fts, 0, %s, %s), "
                "highlight(search_document_fts, 1, %s, %s) "
                "FROM search_document_fts JOIN search_document d "
                "ON d.id = search_document_fts.rowid "
                "WHERE search_document_fts MATCH %s "
                "AND search_document_fts.rowid IN (SELECT value FROM json_each(%s))",
                [*marks, *marks, fts5_query(words), json.dumps(ids)],
            )
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        return [found[i] for i in ids if i in found]


class _PostgreSQL:
    """`tsvector` @@ `to_tsquery`: every match with its `ts_rank` over the weighted vector
    (title A, body B) and whether it holds the last word whole, for `search.rank` to order; `ts_headline` only for the page's rows (it
    re-parses the text, so it is the costly part), marking every hit, for `excerpt` to cut."""

    _TITLE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
    # The whole body marked, as SQLite's `highlight` gives it, for `excerpt` to cut: choosing
    # fragments (MaxFragments) searches the text for covers of the query, work that grows
    # faster than the text.
    _BODY = _TITLE

    def matches(self, words) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.title, ts_rank(d.vector, q.query), "
                "d.vector @@ to_tsquery('english'::regconfig, %s) "
                "FROM search_document d, to_tsquery('english'::regconfig, %s) AS q(query) "
                "WHERE d.vector @@ q.query",
                [tsquery(words, prefix=False), tsquery(words)],
            )
            return list(cursor.fetchall())

    def marked(self, words, ids: list[int]) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.target, "
                "ts_headline('english'::regconfig, d.title, q.query, %s), "
                "ts_headline('english'::regconfig, d.body, q.query, %s) "
                "FROM search_document d, to_tsquery('english'::regconfig, %s) AS q(query) "
                "WHERE d.id = ANY(%s)",
                [self._TITLE, self._BODY, tsquery(words), list(ids)],
            )
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        return [found[i] for i in ids if i in found]


_BACKENDS = {"sqlite": _SQLite(), "postgresql": _PostgreSQL()}
