"""From what a visitor typed to ranked results with highlighted snippets, on either database.

A visitor's text never reaches the full-text syntax of either database as it stands: it is cut
into words (letters and digits only), each word is quoted, and the words are ANDed, so an
unbalanced quote, `NEAR`, `*`, `-` or `OR` is a word to look for, never an operator or an error.
The last word also matches as a prefix, so results follow someone typing ("bound" finds
"boundary"), and as each indexed word it begins (`completions`): both databases index a word's
stem, which can be shorter than what was typed of it ("security" is kept as "secur"), so a
prefix alone found nothing for "securi" or "encrypti" until the word was whole.

The database marks each hit with private-use characters, and `excerpt` cuts the snippet around
them; everything is then escaped and only those characters become `<mark>`, so content can
never inject markup.

Addresses are made here, for the page's hits only, under the searching request's script prefix
and URLconf (`Source.address`): the index stores what they are made from, never an address.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.urls import NoReverseMatch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.rank import UNWEIGHTED, WORD, Ranking, fold, names
from search.sources import HEADINGS, MARK_END, MARK_START, SOURCES
from search.synonyms import compares, rewrite, singular

log = logging.getLogger(__name__)

MAX_QUERY = 200  # characters read from the query; the rest is ignored
MAX_TERMS = 8
MAX_TERM = 40  # characters in one word: longer is not a word anyone searches for
PREFIX_FROM = 3  # the last word is a prefix once it has this many characters
COMPLETIONS = 20  # indexed words the last word is also looked for as, shortest first
COMPLETIONS_READ = 500  # of them read, in code-point order, to choose those from
PER_PAGE = 20
MAX_PAGES = 20
SNIPPET_WORDS = 24  # words in a result's snippet
LEAD_IN = 3  # words of a snippet before its first hit, when there are any
SUGGEST_FROM = 5  # letters in a word typed before a "Did you mean" is looked for it
SUGGEST_READ = 3000  # indexed words read, per word typed, to find the closest in
SUGGEST_WORDS = 3  # words typed that no document holds, at most, corrected
RERANK = 2 * PER_PAGE  # matches of a search of several words with no title hit reordered
RERANK_TEXT = 12_000  # characters of each one's text weighed (the longest lesson's ~10,600)
RERANK_HITS = 400  # words typed counted in one text, at most (a lesson says one ~30 times)
HELD = 400  # characters of a heading, name or prompt read for the words typed it holds
NAMED_FROM = 0.5  # closeness of a name that counts when no title holds every word typed
PASTED = 5  # words saying what was typed, at least, for a prompt saying them to be pasted


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
    suggestion: str = ""  # when nothing matches: the words typed, a misspelt one corrected

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def terms(text: str) -> tuple[str, ...]:
    """The words to look for: letters and digits, at most MAX_TERMS of them, none too long, in
    the course's own words where a learner's differ (`search.synonyms`); of more, the
    function words (`FUNCTION_WORDS`) are left out first. Letters typed in a compatibility
    form are looked for as their plain one (NFKC): full-width "ＩＡＭ", as a Japanese or Chinese
    keyboard types it, and the ligature in "ﬁle" found nothing, where "IAM" finds the module."""
    text = unicodedata.normalize("NFKC", text[:MAX_QUERY])
    words = [singular(w).lower() for w in WORD.findall(text) if len(w) <= MAX_TERM]
    words = list(dict.fromkeys(rewrite(words)))
    if len(words) > MAX_TERMS:
        # A question pasted whole: its first eight words are mostly "which", "to", "as",
        # "of", and the ones saying what it is about came after them and were cut.
        words = [word for word in words if word not in FUNCTION_WORDS] or words
    return tuple(words[:MAX_TERMS])


def is_prefix(words: tuple[str, ...]) -> bool:
    """Whether the last word is looked for as a prefix too (it is long enough)."""
    return bool(words) and len(words[-1]) >= PREFIX_FROM


def completions(words: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed words (`search.models.Word`) the last word typed begins, the shortest
    first (those the stem of is likeliest to be shorter than what was typed), or none when it
    is not looked for as a prefix. One query reading at most COMPLETIONS_READ short rows
    through the words' index, whatever the course's size."""
    if not is_prefix(words):
        return ()
    last = words[-1]
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM (SELECT word FROM search_word "  # noqa: S608 - fixed SQL
            f"WHERE word{collate} >= %s AND word{collate} < %s ORDER BY word{collate} LIMIT %s) "
            f"AS begun ORDER BY length(word), word{collate} LIMIT %s",
            [last, _after(last), COMPLETIONS_READ, COMPLETIONS],
        )
        return tuple(row[0] for row in cursor.fetchall() if row[0] != last)


def fts5_query(words: tuple[str, ...], prefix: bool = True, completed: tuple[str, ...] = ()) -> str:
    """An FTS5 MATCH expression: each word an FTS5 string, all required but function words
    before the last (below), the last a prefix
    or any of the words it was `completed` to (unless `prefix` is false: every word whole, in
    any of its forms)."""
    parts = ['"' + w.replace('"', '""') + '"' for w in words]
    # Function words other than the last need not be there, as PostgreSQL's English
    # configuration drops them ("what is the shared responsibility model").
    kept = [n for n, w in enumerate(words[:-1]) if w not in FUNCTION_WORDS] + [len(words) - 1]
    if prefix and is_prefix(words):
        parts[-1] += "*"
        if completed:
            either = [parts[-1], *('"' + w.replace('"', '""') + '"' for w in completed)]
            parts[-1] = "(" + " OR ".join(either) + ")"
    return " AND ".join(parts[n] for n in kept) if words else ""


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(words: tuple[str, ...], prefix: bool = True, completed: tuple[str, ...] = ()) -> str:
    """A `to_tsquery` expression: each word a quoted lexeme, all required, the last a prefix
    or any of the words it was `completed` to (unless `prefix` is false)."""
    parts = [_lexeme(w) for w in words]
    if prefix and is_prefix(words):
        parts[-1] += ":*"
        if completed:
            parts[-1] = "(" + " | ".join([parts[-1], *map(_lexeme, completed)]) + ")"
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
    first, then by kind (lessons first), then by how closely a name is what was typed. The
    database orders the matches and hands back the page's ids and their count, then marks the
    page's hits: two queries and a page's worth of rows, whatever the course's size
    (`Backend.page`), after one for the last word's `completions` when it is a prefix; two more
    only for a page past the last, to show the last."""
    text = (text or "")[:MAX_QUERY]
    words = terms(text)
    if not words:
        if not text.strip():
            notice = "Type a word or two to search for."
        elif WORD.search(text):  # words, every one too long to be looked for (`terms`)
            notice = (
                f"Nothing to search for there: a word is at most {MAX_TERM} letters or digits long."
            )
        else:
            notice = "Nothing to search for there: try words made of letters or digits."
        return Results(query=text, notice=notice)
    backend = _BACKENDS.get(connection.vendor)
    if backend is None:
        return Results(query=text, terms=words, notice="Search is not available here.")
    page = min(max(1, page), MAX_PAGES)
    completed = completions(words)
    offset = (page - 1) * PER_PAGE
    # Several words: if no title holds them, the text decides, the same on both databases,
    # from the first RERANK matches' texts, which the page's query reads then.
    texts = len(words) > 1 and offset < RERANK
    ids, total, titled, head = backend.counted_page(
        words, offset=offset, completed=completed, texts=texts
    )
    if total and offset >= total and page > 1:  # past the last page: show the last
        page = -(-total // PER_PAGE)
        offset = (page - 1) * PER_PAGE
        texts = len(words) > 1 and offset < RERANK
        ids, total, titled, head = backend.counted_page(
            words, offset=offset, completed=completed, texts=texts
        )
    if not total:
        return Results(query=text, terms=words, suggestion=suggestion(backend, words))
    if head:
        compared = compares([word.lower() for word in WORD.findall(text)])
        ids = reranked(words, completed, head, compared=compared)[offset : offset + PER_PAGE]
    pages = min(MAX_PAGES, -(-total // PER_PAGE))
    rows = backend.marked(words, ids, completed) if ids else []
    hits = [
        Hit(kind, SOURCES[kind].label, url, highlighted(title), _snippet(kind, snippet))
        for kind, target, title, snippet in rows
        if kind in SOURCES and (url := _address(kind, target))
    ]
    return Results(query=text, terms=words, hits=hits, total=total, page=page, pages=pages)


def reranked(
    words: tuple[str, ...], completed: tuple[str, ...], head: list[tuple], *, compared: bool = False
) -> list[int]:
    """The ids of a search's first matches (`Backend.counted_page`'s `texts`: none with every
    word in its title), the same order on either database for the same matches: the last word
    whole; a question pasted in (its prompt says PASTED or more of the words typed, in order);
    the kind; how closely a name half or more typed is what was typed (NAMED_FROM: not a title
    sharing one word of a longer name); a heading or name holding every word typed (before
    the name when two things are `compared`: "key policy vs iam policy"); a text saying more
    of the words; a lesson's module's title holding more of them (the topic it teaches
    within: the last element of a row, when there); then,
    where the databases' scores would decide (`bm25` and `ts_rank` disagree), by how much of
    what these matches say of the words typed each one says (`together_in`: for each word, its
    share of the word's occurrences in them all, multiplied, so a word every text repeats
    weighs little and a text must say each word to come first), by how near together it says
    them, then the id. Function words (`FUNCTION_WORDS`) count in none of these."""
    weigh, held, in_order = _weighers(words, completed)
    weighed_words = _weighed(words)
    # the words typed that weigh, one for each that fold alike ("account", "accounts")
    weighed_numbers = set({fold(w): n for n, w in enumerate(words) if w in weighed_words}.values())
    weighed = {row[0]: weigh(f"{row[4]}\n{row[5] or ''}") for row in head}
    totals = [sum(counts[n] for counts, _ in weighed.values()) or 1 for n in range(len(words))]
    last = len(SOURCES)

    def together(kind: str, title: str, headings: str | None) -> bool:
        """Whether one heading or one name of the title holds every word typed (two or more,
        function words aside): a section or a page named for what was typed, not for one of
        its words ("Stateful and stateless" for "stateful vs stateless")."""
        if len(weighed_numbers) < 2:
            return False
        lines = (headings or "").split("\n")
        if kind in SOURCES and SOURCES[kind].named:  # a question's prompt is not a name
            lines += names(title) if "(" in title else [title]
        return any(held(line) >= weighed_numbers for line in lines)

    def title_held(title: str) -> set[int]:
        """The words typed that weigh which the title's names hold."""
        found: set[int] = set()
        for name in names(title) if "(" in title else [title]:
            found |= held(name)
        return found & weighed_numbers

    def pasted(kind: str, title: str) -> bool:
        """A question pasted in: its prompt (a title no rule reads) holds the PASTED or more
        words that say what was typed, in the order typed."""
        if len(weighed_numbers) < PASTED or (kind in SOURCES and SOURCES[kind].named):
            return False
        said = iter(in_order(title))
        return all(number in said for number in sorted(weighed_numbers))

    def key(row):
        ident, kind, whole, closeness, title, _, headings, *context = row
        priority = SOURCES[kind].priority if kind in SOURCES else last
        counts, span = weighed[ident]
        shares = [count / total for count, total in zip(counts, totals, strict=True)]
        said = [share for n, share in enumerate(shares) if n in weighed_numbers and share]
        share = sum(map(math.log, said))  # the shares multiplied: each word must be said
        named = together(kind, title, headings)
        # the words typed its module's title holds: a lesson within the topic typed
        topic = held(context[0]) & weighed_numbers if context and context[0] else set()
        within = len(topic)
        # a name half or more typed ("MFA", "The root user" for "mfa root"); not one that
        # shares a word ("Shared, inherited and customer-specific controls")
        closeness = float(closeness or 0.0)
        closeness = closeness if closeness >= NAMED_FROM else 0.0
        if closeness and topic and title_held(title) <= topic:
            # a lesson named only for its module's topic ("Security of and in the cloud
            # (shared responsibility model, SRM)" for "shared responsibility s3"): no closer
            # than the lessons beside it, which `within` weighs alike
            closeness = 0.0
        return (
            not whole,
            not pasted(kind, title),
            priority,
            # two things compared ("key policy vs iam policy"): a section or name holding
            # both before a page named for one of them
            not (compared and named),
            -closeness,
            not named,
            -len(said),
            -within,
            -round(share, 9),
            span,
            ident,
        )

    return [row[0] for row in sorted(head, key=key)]


def together_in(words: tuple[str, ...], completed: tuple[str, ...] = ()):
    """`_weighers`' weighing of a text."""
    return _weighers(words, completed)[0]


def _weighers(words: tuple[str, ...], completed: tuple[str, ...] = ()):
    """Two functions: one weighing how a text holds the words typed (how many times it says each,
    the fewest characters of it that hold one of each it says), `FUNCTION_WORDS` left out. A
    word of the text is a word typed if they fold alike (`search.rank.fold`: "rotating",
    "rotation") or nearly (`_alike`), or begins with the last word typed (or is one of its
    `completions`) when that is looked for as a prefix. One pass of a regular expression over
    the text, finding only the words that begin as a word typed does, and stopping at the
    RERANK_HITS-th: bounded work per text whatever it says; and two saying which words typed a
    short line holds (`held`: a heading, a name), and in what order (`in_order`), alike."""
    weighed = _weighed(words)
    stems = {fold(word): number for number, word in enumerate(words) if word in weighed}
    prefix = words[-1] if is_prefix(words) and words[-1] in weighed else None
    last = len(words) - 1
    begins = {_beginning(stem) for stem in stems}
    begins |= {prefix, *completed} if prefix else set()
    pattern = re.compile(
        r"\b(?:" + "|".join(map(re.escape, sorted(begins, key=len, reverse=True))) + r")\w*"
    )

    @lru_cache(maxsize=1024)  # a text says the same words again and again
    def which(token: str) -> int | None:
        folded = fold(token)
        number = stems.get(folded)
        if number is None:
            number = next((n for stem, n in stems.items() if _alike(stem, folded)), None)
        if number is None and prefix and (token.startswith(prefix) or token in completed):
            number = last
        return number

    def weigh(text: str) -> tuple[list[int], int]:
        seen: list[tuple[int, int]] = []  # (where, which word typed)
        for match in pattern.finditer(text.lower()):
            number = which(match.group())
            if number is not None:
                seen.append((match.start(), number))
                if len(seen) == RERANK_HITS:
                    break
        counts = [0] * len(words)
        for _, number in seen:
            counts[number] += 1
        return counts, _span(seen, sum(1 for count in counts if count))

    def in_order(line: str) -> list[int]:
        """The words typed a short line (a heading, a name, a prompt) says, in its order: its
        first HELD characters looked at."""
        tokens = WORD.findall(line.lower()[:HELD])
        return [n for token in tokens if (n := which(token)) is not None]

    def held(line: str) -> set[int]:
        """Which words typed a short line holds (`in_order`)."""
        return set(in_order(line))

    return weigh, held, in_order


# Words that say how, not what ("who is responsible for patching EC2"): every text says them,
# so `together_in` leaves them out, unless they are all that was typed. Neither database
# requires a text to hold them (PostgreSQL's English configuration drops its stop words, and
# `fts5_query` all but the last), so a text that does not say "what is" is still found.
FUNCTION_WORDS = UNWEIGHTED | frozenset([
    "is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "who", "whom", "whose",
    "which", "that", "this", "these", "those", "it", "as", "i", "me", "my", "we", "our", "you",
    "they", "them", "their", "there", "if", "then", "than", "so", "but", "not", "no", "can",
    "could", "should", "would", "will", "may", "might", "must", "when", "where", "why", "about",
    "into", "out", "up", "all", "any", "each",
])  # fmt: skip
ALIKE = 6  # letters two folded words begin with alike, at least, to count as one word
ALIKE_REST = 5  # letters of the longer of two such words after what they share, at most


def _weighed(words: tuple[str, ...]) -> list[str]:
    """The words typed that say what is looked for: not `FUNCTION_WORDS`, unless that is all."""
    return [word for word in words if word not in FUNCTION_WORDS] or list(words)


def _beginning(stem: str) -> str:
    """What every word `_alike` a folded word typed begins with."""
    return stem[:ALIKE] if len(stem) > ALIKE else stem.removesuffix("y") or stem


def _alike(a: str, b: str) -> bool:
    """Two folded words are forms of one word, as the databases' stemmers would have them,
    though `fold` does not say so ("responsible", "responsibility"): they begin with the
    same ALIKE letters or more, and differ in no more than the last three of the shorter and
    the last ALIKE_REST of the longer (not "response" and "responsibility", which share
    seven letters: a heading "Automated response with … Lambda" was taken for one saying
    "lambda responsibility")."""
    same = len(os.path.commonprefix([a, b]))
    return (
        same >= ALIKE
        and same >= min(len(a), len(b)) - 3
        and same >= max(len(a), len(b)) - ALIKE_REST
    )


def _span(seen: list[tuple[int, int]], wanted: int) -> int:
    """The fewest characters from one place in `seen` to another that hold `wanted` different
    words typed (`seen` in order of place); a large number when there are none."""
    best = 1 << 30
    inside: dict[int, int] = {}
    start = 0
    for where, number in seen:
        inside[number] = inside.get(number, 0) + 1
        while len(inside) == wanted and wanted:
            first, word = seen[start]
            best = min(best, where - first)
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
            start += 1
    return best


def suggestion(backend: Backend, words: tuple[str, ...]) -> str:
    """For a search that matched nothing: the words typed with each one no document holds
    replaced by the indexed word (`search.models.Word`) closest to it in spelling, when one is
    close enough ("guardudty": "guardduty"), and only if that search matches something; else
    "". At most SUGGEST_WORDS words are corrected, each from at most 2 × SUGGEST_READ indexed
    words (`closest`: those of its first letter, then, only if none is near, those a misspelt
    first letter would hide), compared only if their length is near: at most four short
    queries and a bounded loop, whatever was typed."""
    unknown = [w for w in words if len(w) >= SUGGEST_FROM and not w.isdigit()]
    if not unknown:
        return ""
    with connection.cursor() as cursor:
        among = ", ".join(["%s"] * len(unknown))
        cursor.execute(f"SELECT word FROM search_word WHERE word IN ({among})", unknown)  # noqa: S608
        known = {row[0] for row in cursor.fetchall()}
    fixed = closest([w for w in unknown if w not in known][:SUGGEST_WORDS])
    if not fixed:
        return ""
    corrected = tuple(dict.fromkeys(fixed.get(w, w) for w in words))
    _, total = backend.page(corrected, offset=0, limit=1, completed=completions(corrected))
    return " ".join(corrected) if total else ""


def closest(words: list[str]) -> dict[str, str]:
    """Each word's nearest indexed word in spelling (one letter added, dropped, changed, or two
    swapped, counts one; at most one such edit for a word of up to seven letters, two for a
    longer one), the fewest edits first, then the nearest length, then the first in order;
    left out when none is that near. Looked for among the indexed words of its first letter (at
    most SUGGEST_READ of them), then, for the words with none near, among those a misspelt
    first letter would hide (`first_letter_typos`: at most SUGGEST_READ again): two short
    queries at most, for all the words together."""
    found = _begun_with([("word", word[0]) for word in words], SUGGEST_READ)
    fixed = {word: _nearest(word, near) for word, near in zip(words, found, strict=True)}
    missing = [word for word in words if not fixed[word] and len(word) >= SUGGEST_FROM]
    typos = [first_letter_typos(word) for word in missing]
    found = _begun_with([r for ranges in typos for r in ranges], SUGGEST_READ // TYPO_RANGES)
    for number, word in enumerate(missing):
        ranges = found[number * TYPO_RANGES : (number + 1) * TYPO_RANGES]
        fixed[word] = _nearest(word, [w for words_in in ranges for w in words_in])
    return {word: near for word, near in fixed.items() if near}


TYPO_RANGES = 4  # `first_letter_typos`' ranges of the index for a word


def first_letter_typos(word: str) -> list[tuple[str, str]]:
    """Where in the index (`Word.word` or `Word.rest`, and how it begins) the word `word` would
    be if its first letter were the typo: that letter changed ("fuardduty": the rest begins
    "uar"), dropped ("ncryption": the rest begins "ncr"), added ("xguardduty": the word begins
    "guar") or swapped with the second ("ugardduty": the word begins "guar"). TYPO_RANGES
    narrow ranges whatever was typed (none for a word too short to be corrected)."""
    if len(word) < SUGGEST_FROM:
        return []
    return [
        ("rest", word[1:4]),
        ("rest", word[:3]),
        ("word", word[1:5]),
        ("word", word[1] + word[0] + word[2:4]),
    ]


def _begun_with(ranges: list[tuple[str, str]], each: int) -> list[list[str]]:
    """The indexed words in each range (a column, `word` or `rest`, and how it begins), at most
    `each` of each in code-point order: one query through the columns' indexes, none for no
    ranges."""
    if not ranges:
        return []
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    columns = {"word": "word", "rest": "rest"}  # the only names formatted in
    # Only placeholders, fixed SQL and those names are formatted in: every value is a parameter.
    sql = " UNION ALL ".join(
        f"SELECT * FROM (SELECT {n} AS part, word FROM search_word "  # noqa: S608
        f"WHERE {columns[column]}{collate} >= %s AND {columns[column]}{collate} < %s "
        f"ORDER BY {columns[column]}{collate} LIMIT %s) AS begun{n}"
        for n, (column, _) in enumerate(ranges)
    )
    params = [value for _, begun in ranges for value in (begun, _after(begun), each)]
    found: list[list[str]] = [[] for _ in ranges]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, word in cursor.fetchall():
            found[part].append(word)
    return found


def _nearest(word: str, found: list[str]) -> str:
    """The word of `found` nearest `word`, as `closest` orders them, or ""."""
    most = 1 if len(word) <= 7 else 2
    near = [w for w in found if abs(len(w) - len(word)) <= most]
    scored = [(d, abs(len(w) - len(word)), w) for w in near if (d := edits(word, w, most)) <= most]
    return min(scored)[2] if scored else ""


def edits(a: str, b: str, most: int) -> int:
    """The edits that make `a` into `b` (a letter added, dropped or changed, or two beside each
    other swapped: the optimal string alignment distance), or `most` + 1 once it is more than
    `most` (it stops there)."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > most:
            return most + 1
        before, row = row, current
    return min(row[-1], most + 1)


def ranked_ids(words: tuple[str, ...], matches: list[tuple]) -> list[int]:
    """The ids of the matching documents, (id, kind, title, score, whole) each, best first, by
    `search.rank` in Python: the reference the database's own order (`Backend.ranked`,
    `Backend.page`) is tested against. Kinds no longer registered go last. `whole`: the
    document holds the last word whole, not only as the start of a longer word (the stemmer
    cuts "stateful", looked for as a prefix, to "state"*, which "statement" begins)."""
    last = len(SOURCES)
    ranking = Ranking(words)

    def key(row):
        ident, kind, title, score, whole = row
        priority = SOURCES[kind].priority if kind in SOURCES else last
        tie = SOURCES[kind].tie if kind in SOURCES else 0
        title = title if kind in SOURCES and SOURCES[kind].named else ""  # no title words
        in_title, *rest = ranking.key(priority, title, float(score or 0.0), ident, tie)
        return (in_title, not whole, *rest)

    return [row[0] for row in sorted(matches, key=key)]


# --- the ranking, in SQL -------------------------------------------------------------------


def _after(prefix: str) -> str:
    """The first string in code-point order after every string that begins with `prefix`: a
    word begins with it if and only if prefix <= word < _after(prefix). (A word's characters
    are letters or digits, never U+10FFFF; a surrogate is skipped, as UTF-8 cannot hold one.)"""
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:
        following = 0xE000
    return prefix[:-1] + chr(following)


def title_rules(words: tuple[str, ...], vendor: str) -> tuple[str, list]:
    """Two CTEs, `names` and `titles`, and their parameters: for each document with a title
    word that hits (`search.rank.Ranking._match`, looked up by index), whether its title holds
    every word typed (`in_title`, 1 or 0) and its closest name's closeness, exactly as
    `search.rank.Ranking.assess` works them out. A document with no word that hits has
    neither: no title hit, closeness 0 (a name's share of words typed)."""
    typed = sorted({fold(w) for w in words})
    last = words[-1].lower()
    prefix = last if len(last) >= PREFIX_FROM else None
    collate = ' COLLATE "C"' if vendor == "postgresql" else ""
    among = ", ".join(["%s"] * len(typed))
    begins = f"(w.word{collate} >= %s AND w.word{collate} < %s)"
    bounds = [prefix, _after(prefix)] if prefix else []
    found, found_params = [], []
    for word in typed:
        if prefix is not None and word == fold(last):
            # begun, by a word that is not itself another word typed (that one it is)
            found.append(
                f"MAX(CASE WHEN w.folded = %s OR ({begins} AND w.folded NOT IN ({among})) "
                f"THEN 1 ELSE 0 END) AS f{len(found)}"
            )
            found_params += [word, *bounds, *typed]
        else:
            found.append(f"MAX(CASE WHEN w.folded = %s THEN 1 ELSE 0 END) AS f{len(found)}")
            found_params.append(word)
    hit = f"w.folded IN ({among})" + (f" OR {begins}" if prefix else "")
    # Only placeholders and fixed SQL are formatted in: every value is a parameter.
    sql = (
        "names AS (SELECT w.document_id, w.name, "  # noqa: S608
        # a word that hits counts unless it is unweighted and was not typed (begun only)
        f"SUM(CASE WHEN w.weighted OR w.folded IN ({among}) THEN 1 ELSE 0 END) AS hits, "
        # the name's weighted words, and its unweighted ones that were typed
        "MAX(w.name_weight) + "
        f"SUM(CASE WHEN w.weighted THEN 0 WHEN w.folded IN ({among}) THEN 1 ELSE 0 END) "
        f"AS counted, {', '.join(found)} "
        f"FROM search_titleword w WHERE {hit} GROUP BY w.document_id, w.name), "
        "titles AS (SELECT document_id, "
        f"CASE WHEN {' + '.join(f'MAX(f{i})' for i in range(len(typed)))} = {len(typed)} "
        "THEN 1 ELSE 0 END AS in_title, "
        "MAX(CASE WHEN counted > 0 THEN CAST(hits AS DOUBLE PRECISION) / counted ELSE 0.0 END) "
        "AS closeness FROM names GROUP BY document_id)"
    )
    return sql, [*typed, *typed, *found_params, *typed, *bounds]


def _priority(alias: str) -> tuple[str, list]:
    """Each kind's `Source.priority` as SQL; kinds no longer registered go last."""
    cases = " ".join("WHEN %s THEN %s" for _ in SOURCES)
    params = [value for kind, source in SOURCES.items() for value in (kind, source.priority)]
    return f"CASE {alias}.kind {cases} ELSE {len(SOURCES)} END", params


def _tie(alias: str) -> tuple[str, list]:
    """Each kind's `Source.tie` as SQL: 1 for a kind that comes after the others of its
    priority named as closely (a module after its equal lesson), else 0."""
    tied = [kind for kind, source in SOURCES.items() if source.tie]
    if not tied:
        return "0", []
    return f"CASE WHEN {alias}.kind IN ({', '.join(['%s'] * len(tied))}) THEN 1 ELSE 0 END", tied


# --- the two databases ---------------------------------------------------------------------


class Backend:
    """One database's full-text search, in pieces the queries below are made of: where the
    matches are (`FROM`, `WHERE`, a text query's one parameter), each one's score (`SCORE`,
    higher better, and whether it takes that parameter too), and how a page's hits are marked.

    `page` (one query) orders in one of two ways, both `search.rank`'s order exactly, and
    counts every match (the full-text index alone answers that):

    - while the page ends within the title hits (the matches whose title holds every word
      typed, found through the title words' index), only those are scored and ordered: a
      common word's first pages are all title hits, and the score is most of a match's cost;
    - past them, every match is scored and ordered, as `ranked` (the whole order, which the
      tests compare with `search.rank` in Python) does.
    """

    vendor = ""
    FROM = WHERE = SCORE = COUNT_FROM = ""
    WHOLE = ""  # 1 if a match also matches a text query of one parameter (`_whole`), else 0
    TITLED_FROM = ""  # FROM joined to the `titles` whose title holds every word typed
    SCORE_TAKES_QUERY = False
    # PostgreSQL would otherwise carry each match's whole row (its `tsvector`) through the
    # count and the sort, and work out its score there: twice as slow at 9,700 matches.
    MATERIALIZED = ""

    def text_query(self, words, prefix: bool = True, completed: tuple[str, ...] = ()) -> str:
        """The text query's one parameter: `completed`, the last word's `completions`."""
        raise NotImplementedError

    def _whole(self, words) -> tuple[str, list]:
        """Whether a match holds the last word whole (1), not only as the start of a longer
        word (0), as SQL and its parameters: a second text query, every word whole; 1 for
        every match when the last word is not looked for as a prefix."""
        if not is_prefix(words):
            return "1", []
        return self.WHOLE, [self.text_query(words, prefix=False)]

    def _scored(
        self, query: str, whole: tuple[str, list], extra: str = "", source: str = ""
    ) -> tuple[str, list]:
        """Every match's id, kind, `extra` columns, `whole` (`_whole`) and score, as SQL and
        its parameters (`extra`'s own come before them); from `source` if given (`FROM`
        joined to more)."""
        sql = (
            f"SELECT d.id, d.kind, {extra}{whole[0]} AS whole, "  # noqa: S608 - fixed SQL
            f"{self.SCORE} AS score FROM {source or self.FROM} WHERE {self.WHERE}"
        )
        return sql, [*whole[1], *([query] if self.SCORE_TAKES_QUERY else []), query]

    def page(
        self,
        words,
        *,
        offset: int,
        limit: int = PER_PAGE,
        score_order: str = "DESC",
        completed: tuple[str, ...] = (),
    ):
        """One page of ids in `search.rank`'s order from `offset`, and how many match."""
        ids, total, _, _ = self.counted_page(
            words, offset=offset, limit=limit, score_order=score_order, completed=completed
        )
        return ids, total

    def counted_page(
        self,
        words,
        *,
        offset: int,
        limit: int = PER_PAGE,
        score_order: str = "DESC",
        completed: tuple[str, ...] = (),
        texts: bool = False,
    ) -> tuple[list[int], int, int, list[tuple]]:
        """`page`, how many matches are title hits, and, with `texts`, when none is, the first
        RERANK matches with what `reranked` weighs instead of the page: (id, kind, whole,
        closeness, title, the first RERANK_TEXT characters of its text, its headings or None).
        One query, which orders only the title hits (`block`) while the page ends within them,
        or every match (`matches`, scored only then) when it goes past them."""
        query, whole = self.text_query(words, completed=completed), self._whole(words)
        titles, titles_params = title_rules(words, self.vendor)
        priority, priority_params = _priority("d")
        tie, tie_params = _tie("d")
        order = {"DESC": "DESC", "ASC": "ASC"}[score_order]  # ASC: the test of the rules alone
        block, block_params = self._scored(
            query,
            whole,
            extra=f"{priority} AS priority, t.closeness, {tie} AS tie, ",
            source=self.TITLED_FROM,
        )
        matches, matches_params = self._scored(
            query, whole, extra=f"{priority} AS priority, {tie} AS tie, "
        )
        within = "(SELECT titled >= %s OR titled = total FROM counts)"
        materialized = self.MATERIALIZED
        sql = (
            f"WITH {titles}, block AS {materialized}({block}), "  # noqa: S608 - fixed SQL
            f"counts AS (SELECT (SELECT count(*) FROM {self.COUNT_FROM} WHERE {self.WHERE}) "
            "AS total, (SELECT count(*) FROM block) AS titled), "
            f"matches AS {materialized}({matches}), "
            # Each branch's condition is a constant within it, which both databases test
            # once, before reading anything: only one branch is ever worked out.
            "shown AS (SELECT * FROM ("
            "SELECT 1 AS in_title, whole, priority, closeness, tie, score, id FROM block "
            f"WHERE {within} "
            "ORDER BY whole DESC, priority, closeness DESC, tie, "
            f"COALESCE(score, 0.0) {order}, id "
            "LIMIT %s OFFSET %s) AS first "
            "UNION ALL SELECT * FROM ("
            "SELECT COALESCE(t.in_title, 0) AS in_title, m.whole, m.priority, "
            "COALESCE(t.closeness, 0.0) AS closeness, m.tie, m.score, m.id "
            f"FROM matches m LEFT JOIN titles t ON t.document_id = m.id WHERE NOT {within} "
            f"ORDER BY 1 DESC, 2 DESC, 3, 4 DESC, 5, COALESCE(m.score, 0.0) {order}, m.id "
            f"{self._REST_LIMIT if texts else 'LIMIT %s OFFSET %s'}) AS rest) "
            "SELECT c.total, s.id, c.titled"
            f"{self._TEXTS.format(module_title=self.MODULE_TITLE) if texts else ''} "
            "FROM counts c LEFT JOIN shown s ON 1 = 1 "
            f"{self._TEXTS_FROM.format(module_from=self.MODULE_FROM) if texts else ''}"
            "ORDER BY s.in_title DESC, s.whole DESC, s.priority, s.closeness DESC, s.tie, "
            f"COALESCE(s.score, 0.0) {order}, s.id"
        )
        end = offset + limit
        params = [
            *titles_params,
            *priority_params,
            *tie_params,
            *block_params,
            query,
            *priority_params,
            *tie_params,
            *matches_params,
            *(end, limit, offset, end),
            *((RERANK, limit, offset, RERANK_TEXT, HEADINGS) if texts else (limit, offset)),
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        total, titled = rows[0][0], rows[0][2]
        if texts and not titled:
            head = [row[1:2] + row[3:] for row in rows if row[1] is not None]
            return [row[0] for row in head], total, titled, head
        return [row[1] for row in rows if row[1] is not None], total, titled, []

    # With `texts`: when no match is a title hit, the first RERANK matches rather than the
    # page, each with its kind, title, text and headings, only then read (the join's condition
    # is false otherwise): what `reranked` weighs, without scoring every match a second time.
    _REST_LIMIT = (
        "LIMIT (SELECT CASE WHEN titled = 0 THEN %s ELSE %s END FROM counts) "
        "OFFSET (SELECT CASE WHEN titled = 0 THEN 0 ELSE %s END FROM counts)"
    )
    # A lesson's module's title too: the module whose target is the slug before the "/" of the
    # lesson's, the topic it teaches within, which `reranked` weighs after what the text says.
    # Found by equality, each database its own way (`MODULE_TITLE`, `MODULE_FROM`): a join on
    # "begins with" made SQLite read every module for every match (20 ms more at 100 times the
    # course), and on PostgreSQL a lookup per row was costed high enough to be compiled (JIT,
    # 0.7 s), where a join is not.
    _TEXTS = (
        ", d.kind, s.whole, s.closeness, d.title, substr(d.body, 1, %s), substr(d.headings, 1, %s)"
        ", {module_title}"
    )
    _TEXTS_FROM = "LEFT JOIN search_document d ON d.id = s.id AND c.titled = 0 {module_from}"
    MODULE_TITLE = MODULE_FROM = ""

    def ranked(
        self,
        words,
        *,
        offset: int,
        limit: int,
        score_order: str = "DESC",
        completed: tuple[str, ...] = (),
    ):
        """One page of every match in `search.rank`'s order, and how many match (0 for a page
        past the last)."""
        query = self.text_query(words, completed=completed)
        titles, titles_params = title_rules(words, self.vendor)
        priority, priority_params = _priority("m")
        tie, tie_params = _tie("m")
        matches, matches_params = self._scored(query, self._whole(words))
        order = {"DESC": "DESC", "ASC": "ASC"}[score_order]  # ASC: the test of the rules alone
        sql = (
            f"WITH matches AS {self.MATERIALIZED}({matches}), {titles} "  # noqa: S608
            "SELECT m.id, COUNT(*) OVER () FROM matches m "
            "LEFT JOIN titles t ON t.document_id = m.id "
            f"ORDER BY COALESCE(t.in_title, 0) DESC, m.whole DESC, {priority}, "
            f"COALESCE(t.closeness, 0.0) DESC, {tie}, COALESCE(m.score, 0.0) {order}, m.id "
            "LIMIT %s OFFSET %s"
        )
        params = [*matches_params, *titles_params, *priority_params, *tie_params, limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [row[0] for row in rows], (rows[0][1] if rows else 0)

    def matches(self, words, completed: tuple[str, ...] = ()) -> list[tuple]:
        """Every match's (id, kind, title, score, whole): for the reference order,
        `ranked_ids`."""
        query = self.text_query(words, completed=completed)
        sql, params = self._scored(query, self._whole(words), extra="d.title, ")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(i, kind, title, score, whole) for i, kind, title, whole, score in cursor]

    def marked(self, words, ids: list[int], completed: tuple[str, ...] = ()) -> list[tuple]:
        raise NotImplementedError


class _SQLite(Backend):
    """FTS5: each match's `bm25` (the title worth ten times the body; negated, so higher is
    better); the hits marked by `highlight` (one pass over the text; `excerpt` cuts the
    snippet), only for the page's rows. Every match is counted in the full-text index alone:
    its rows are the documents' (kept in step by the triggers of migration 0001)."""

    vendor = "sqlite"
    # a lookup only for a lesson's row, among the modules (`search_document_once`'s kind)
    MODULE_TITLE = (
        "CASE WHEN d.kind = 'lesson' THEN (SELECT mo.title FROM search_document mo "
        "WHERE mo.kind = 'module' AND mo.target = substr(d.target, 1, instr(d.target, '/') - 1) "
        "LIMIT 1) END"
    )
    FROM = "search_document_fts JOIN search_document d ON d.id = search_document_fts.rowid"
    WHERE = "search_document_fts MATCH %s"
    SCORE = "-bm25(search_document_fts, 10.0, 1.0)"
    # the inner query is read once, for every match to be looked up in
    WHOLE = "d.id IN (SELECT rowid FROM search_document_fts WHERE search_document_fts MATCH %s)"
    COUNT_FROM = "search_document_fts"
    # In this order (CROSS JOIN keeps it): the full-text index read once, each match looked up
    # in the title hits. Left to itself, SQLite started from the title hits and ran the
    # full-text query again for each (2.3 s for "policy" at 100 times the course).
    TITLED_FROM = (
        "search_document_fts CROSS JOIN titles t "
        "ON t.document_id = search_document_fts.rowid AND t.in_title = 1 "
        "CROSS JOIN search_document d ON d.id = search_document_fts.rowid"
    )

    def text_query(self, words, prefix: bool = True, completed: tuple[str, ...] = ()) -> str:
        return fts5_query(words, prefix, completed)

    def marked(self, words, ids: list[int], completed: tuple[str, ...] = ()) -> list[tuple]:
        """The page's rows with their hits marked. With the last word a prefix, the matches
        are read once and the page's ids picked from them (`+rowid`): looked up by id, FTS5
        works the prefix out again for each one, its every word's list of documents merged
        (at 100 times the course, 0.3 ms an id for "policy": its page marked in 6.4 ms, against
        1.9 ms in one pass). A query of whole words is looked up by id, which seeks in its lists."""
        marks = [MARK_START, MARK_END]
        scan = "+" if is_prefix(words) else ""  # a unary plus: rowid not used to look up
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.target, "  # noqa: S608 - fixed SQL
                "highlight(search_document_fts, 0, %s, %s), "
                "highlight(search_document_fts, 1, %s, %s) "
                "FROM search_document_fts JOIN search_document d "
                "ON d.id = search_document_fts.rowid "
                "WHERE search_document_fts MATCH %s "
                f"AND {scan}search_document_fts.rowid IN (SELECT value FROM json_each(%s))",
                [*marks, *marks, fts5_query(words, completed=completed), json.dumps(ids)],
            )
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        return [found[i] for i in ids if i in found]


class _PostgreSQL(Backend):
    """`tsvector` @@ `to_tsquery`: each match's `ts_rank` over the weighted vector (title A,
    body B); `ts_headline` only for the page's rows (it re-parses the text, so it is the
    costly part), marking every hit, for `excerpt` to cut."""

    vendor = "postgresql"
    MODULE_TITLE = "mo.title"
    MODULE_FROM = (
        "LEFT JOIN search_document mo ON d.kind = 'lesson' AND mo.kind = 'module' "
        "AND mo.target = split_part(d.target, '/', 1) "
    )
    FROM = COUNT_FROM = "search_document d"
    TITLED_FROM = "search_document d JOIN titles t ON t.document_id = d.id AND t.in_title = 1"
    WHERE = "d.vector @@ to_tsquery('english'::regconfig, %s)"
    SCORE = "ts_rank(d.vector, to_tsquery('english'::regconfig, %s))"
    WHOLE = "CASE WHEN d.vector @@ to_tsquery('english'::regconfig, %s) THEN 1 ELSE 0 END"
    SCORE_TAKES_QUERY = True
    MATERIALIZED = "MATERIALIZED "
    _TITLE = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
    # The whole body marked, as SQLite's `highlight` gives it, for `excerpt` to cut: choosing
    # fragments (MaxFragments) searches the text for covers of the query, work that grows
    # faster than the text.
    _BODY = _TITLE

    def text_query(self, words, prefix: bool = True, completed: tuple[str, ...] = ()) -> str:
        return tsquery(words, prefix, completed)

    def marked(self, words, ids: list[int], completed: tuple[str, ...] = ()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT d.id, d.kind, d.target, "
                "ts_headline('english'::regconfig, d.title, q.query, %s), "
                "ts_headline('english'::regconfig, d.body, q.query, %s) "
                "FROM search_document d, to_tsquery('english'::regconfig, %s) AS q(query) "
                "WHERE d.id = ANY(%s)",
                [self._TITLE, self._BODY, tsquery(words, completed=completed), list(ids)],
            )
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        return [found[i] for i in ids if i in found]


_BACKENDS: dict[str, Backend] = {"sqlite": _SQLite(), "postgresql": _PostgreSQL()}
