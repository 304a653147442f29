"""The last word typed is also looked for as each indexed word it begins (`search.models.Word`,
`search.query.completions`): both databases index a word's stem, which can be shorter than
what was typed of it ("security" is kept as "secur"), so results vanished while a word was
being typed ("securi", "encrypti") and came back once it was whole."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search import index
from search.models import Document, Word
from search.query import COMPLETIONS, PREFIX_FROM, completions, search
from tests import dbsetup

# Words whose stem (Porter's on SQLite, Snowball's on PostgreSQL) is shorter than a prefix
# of them a learner types on the way to the whole word.
TYPED_WORDS = ["security", "encryption", "stateful", "boundaries", "policies", "responsibility"]


def _index(*bodies: str) -> None:
    index.write(
        [
            Document(kind="glossary", key=str(n), title=f"Term {n}", target=f"t{n}", body=body)
            for n, body in enumerate(bodies)
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("word", TYPED_WORDS)
def test_every_prefix_typed_on_the_way_to_a_word_finds_it(word):
    _index(f"A sentence about {word} and nothing else.", "An unrelated sentence.")
    for end in range(PREFIX_FROM, len(word) + 1):
        results = search(word[:end])
        assert results.total == 1, word[:end]
        # and the word found is marked in the snippet, as a prefix's hit is
        assert f"<mark>{word}</mark>" in str(results.hits[0].snippet).lower(), word[:end]


@pytest.mark.django_db
def test_a_completed_word_ands_with_the_words_before_it():
    _index("Encryption at rest with KMS keys.", "Encryption in transit with TLS.")
    assert search("kms encrypti").total == 1
    assert search("tls encrypti").total == 1
    assert search("kangaroo encrypti").total == 0


@pytest.mark.django_db
def test_completions_are_the_shortest_indexed_words_the_prefix_begins():
    longer = [f"secure{'x' * n}ly" for n in range(2, 30)]  # longer than "security"
    _index("secure securing security " + " ".join(longer), "sec second")
    found = completions(("secur",))
    assert found[:3] == ("secure", "securing", "security")
    assert len(found) == COMPLETIONS
    assert completions(("se",)) == ()  # too short to be a prefix: looked for whole
    assert completions(("kangaroo",)) == ()
    assert completions(("security",)) == ()  # the word itself is no completion of it


@pytest.mark.django_db
def test_words_are_kept_as_a_search_splits_them():
    _index("IAM_Access-Analyzer's findings; naïve S3Express, 東京タワー x1y2 and abc")
    assert set(Word.objects.values_list("word", flat=True)) == {
        "access",
        "analyzer",
        "findings",
        "naïve",
        "term",  # of the title, "Term 0"
        "s3express",
        "東京タワー",
        "x1y2",
    }  # not "iam", "abc" nor "s": no longer than the shortest prefix, each is whole already


@pytest.mark.django_db
def test_a_rebuild_forgets_words_no_document_holds():
    _index("An obsolete word: frobnicate.")
    Document.objects.all().delete()
    assert Word.objects.filter(word="frobnicate").exists()  # a reindex leaves it: harmless
    call_command("rebuild_search_index", verbosity=0)
    assert not Word.objects.filter(word="frobnicate").exists()


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_completes_words_without_a_reindex():
    """Migration search/0004 writes the words of the documents already indexed."""
    before, after = [("search", "0003_title_words")], [("search", "0004_words")]
    dbsetup.migrate_back(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        old.get_model("search", "Document").objects.create(
            kind="glossary", key="1", title="Shared Responsibility", target="t", body="Security."
        )
        MigrationExecutor(connection).migrate(after)
        assert {"shared", "responsibility", "security"} <= set(
            Word.objects.values_list("word", flat=True)
        )
        assert search("responsi").total == 1
    finally:
        MigrationExecutor(connection).loader.build_graph()
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_corrects_a_misspelt_first_letter_without_a_reindex():
    """Migration search/0007 gives the words already indexed their `rest` (all but the first
    letter), which "Did you mean" looks a misspelt first letter up by."""
    before, after = [("search", "0006_title_words_stemmed")], [("search", "0007_word_rest")]
    dbsetup.migrate_back(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        old.get_model("search", "Document").objects.create(
            kind="glossary", key="1", title="Amazon GuardDuty", target="t", body="Findings."
        )
        old.get_model("search", "Word").objects.create(word="guardduty")
        MigrationExecutor(connection).migrate(after)
        assert Word.objects.get(word="guardduty").rest == "uardduty"
        assert search("fuardduty").suggestion == "guardduty"
    finally:
        MigrationExecutor(connection).loader.build_graph()
        call_command("migrate", verbosity=0)
