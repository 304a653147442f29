"""Keep the index in step with the content: reindex a few documents, or rebuild them all.

Edits anywhere (the admin, /teach/, the loader, an import) mark the documents they touch;
the marks are applied once the transaction commits, each kind's keys in one delete and one
insert, so a load that saves hundreds of rows reindexes each document once, and a rolled-back
edit is never indexed. A failure to index is logged and never undoes (or fails) the edit:
`manage.py rebuild_search_index` puts everything right.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from search.models import Document, TitleWord, Word
from search.query import MAX_TERM, PREFIX_FROM
from search.rank import WORD, title_words
from search.sources import SOURCES, retitled_lessons

log = logging.getLogger(__name__)

_PENDING = "_search_pending"  # on the connection: {kind: {key, ...}} not yet reindexed
EVERY = "*"  # a key standing for every document of its kind
# A lesson key standing for the lessons whose title the glossary now abbreviates otherwise
# (`sources.retitled_lessons`), worked out when the marks are applied, after the commit.
RETITLED = "~retitled"


def reindex(kind: str, keys: Iterable[str]) -> int:
    """Replace these documents of one kind with what their source says now (a key whose row is
    gone, or no longer visible, leaves the index; `EVERY` replaces the whole kind). Returns how
    many documents were written."""
    keys = {str(k) for k in keys}
    if kind == "lesson" and RETITLED in keys:
        keys = (keys - {RETITLED}) | set(retitled_lessons())
    if not keys:
        return 0
    every = EVERY in keys
    entries = list(SOURCES[kind].entries(None if every else keys))
    with transaction.atomic():
        stale = Document.objects.filter(kind=kind)
        if not every:
            stale = stale.filter(key__in=keys)
        TitleWord.objects.filter(document__in=stale).delete()
        stale.delete()
        write(_documents(kind, entries))
    return len(entries)


def rebuild() -> int:
    """Every document of every kind, from scratch. Returns how many were written."""
    _pending().clear()
    with transaction.atomic():
        TitleWord.objects.all().delete()
        Word.objects.all().delete()
        Document.objects.all().delete()
        documents = [d for kind, s in SOURCES.items() for d in _documents(kind, s.entries(None))]
        written = len(write(documents))
    return written


def write(documents: list[Document]) -> list[Document]:
    """Save new documents with their titles' words (`TitleWord`, which the ranking reads; only
    for a kind whose title is a name, `Source.named`) and
    any word of theirs not yet in `Word` (which completes the last word typed, and corrects a
    misspelt one)."""
    Document.objects.bulk_create(documents, batch_size=200)
    Word.objects.bulk_create(
        (Word(word=word, rest=word[1:]) for word in sorted(words_of(documents))),
        batch_size=2000,
        ignore_conflicts=True,
    )
    TitleWord.objects.bulk_create(
        (
            TitleWord(
                document_id=document.pk,
                name=name,
                word=word,
                folded=folded,
                weighted=weighted,
                name_weight=weight,
            )
            for document in documents
            if document.kind in SOURCES and SOURCES[document.kind].named
            for name, word, folded, weighted, weight in title_words(document.title)
        ),
        batch_size=2000,  # six values each: well within either database's limit
    )
    return documents


# Characters of a body the index holds: every shipped text is under 12,000, and a search's cost
# per result grows with its body (marking the hits, cutting the snippet), so a body pasted at
# any length into the admin cannot make one search cost more than this much text per result.
INDEXED_BODY = 30_000


def words_of(documents: Iterable[Document]) -> set[str]:
    """The words of these documents' titles and texts a prefix typed could be completed to:
    in lower case, as a search splits what is typed (`search.query.terms`), longer than the
    shortest prefix (a shorter one is whole already) and no longer than a word searched for."""
    return {
        word
        for document in documents
        for text in (document.title, document.body)
        for word in map(str.lower, WORD.findall(text))
        if PREFIX_FROM < len(word) <= MAX_TERM
    }


def _documents(kind: str, entries) -> list[Document]:
    return [
        Document(
            kind=kind,
            key=e.key,
            title=e.title,
            target=e.target[:300],
            body=e.body[:INDEXED_BODY],
            headings=e.headings or None,
        )
        for e in entries
    ]


def _pending() -> dict[str, set[str]]:
    connection = connections[DEFAULT_DB_ALIAS]
    pending = getattr(connection, _PENDING, None)
    if pending is None:
        pending = defaultdict(set)
        setattr(connection, _PENDING, pending)
    return pending


def mark(kind: str, keys: Iterable) -> None:
    """Reindex these documents when the current transaction commits (at once outside one).

    Every mark registers the same flush; the first to run does all the work. A mark whose
    transaction rolled back stays pending until the next flush, which reindexes it from the
    database as it is then: harmless.
    """
    keys = {str(k) for k in keys if k is not None}
    if not keys:
        return
    _pending()[kind].update(keys)
    transaction.on_commit(flush)


def flush() -> None:
    pending = _pending()
    while pending:
        kind, keys = pending.popitem()
        try:
            reindex(kind, keys)
        except Exception:  # the edit is saved: a stale index must not turn it into an error
            log.exception("search: reindexing %s %s failed", kind, sorted(keys)[:20])
