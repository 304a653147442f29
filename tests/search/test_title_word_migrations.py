"""Migrations search 0005 and 0006, which rewrite the title words the ranking reads
(tests/search/test_ranking.py has the ranking). Apart from it because these tests commit: in
that module, whose searches share the shipped course in a transaction held for the whole
module, a committing test run with it alone (`pytest tests/search/test_ranking.py`, which
pytest-django orders after the others, inside that transaction) waited forever to copy the
database (SQLite's backup API retries while a write transaction is open)."""

from __future__ import annotations

import pytest

from tests import dbsetup


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_reads_no_questions_prompt_as_a_name():
    """Migration search/0005 removes the title words a question's prompt was given."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from search.models import TitleWord

    before, after = [("search", "0004_words")], [("search", "0005_question_titles_unnamed")]
    with dbsetup.migrated_back(forward=lambda: call_command("migrate", verbosity=0)):
        dbsetup.migrate_back(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Old, OldWord = old.get_model("search", "Document"), old.get_model("search", "TitleWord")
        for kind in ("question", "lesson"):
            document = Old.objects.create(kind=kind, key="1", title="KMS", target="t", body="")
            OldWord.objects.create(
                document=document, name=0, word="KMS", folded="kms", weighted=True, name_weight=1
            )
        MigrationExecutor(connection).migrate(after)
        assert list(TitleWord.objects.values_list("document__kind", flat=True)) == ["lesson"]


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_folds_its_title_words_again():
    """Migration search/0006 writes the title words afresh, folded as `fold` now folds them, so
    "rotating keys" finds the key-rotation term by its title without a rebuild; a question's
    prompt stays without title words."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from search.models import TitleWord

    before, after = (
        [("search", "0005_question_titles_unnamed")],
        [("search", "0006_title_words_stemmed")],
    )
    with dbsetup.migrated_back(forward=lambda: call_command("migrate", verbosity=0)):
        dbsetup.migrate_back(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        Old, OldWord = old.get_model("search", "Document"), old.get_model("search", "TitleWord")
        term = Old.objects.create(kind="glossary", key="1", title="Key rotation", target="t")
        Old.objects.create(kind="question", key="1", title="Rotation?", target="t", body="")
        for word in ("key", "rotation"):  # as 0003 folded them: plurals only
            OldWord.objects.create(
                document=term, name=0, word=word, folded=word, weighted=True, name_weight=2
            )
        MigrationExecutor(connection).migrate(after)
        assert sorted(TitleWord.objects.values_list("document__kind", "folded")) == [
            ("glossary", "key"),
            ("glossary", "rotat"),
        ]
