"""A small corpus for search: what learners can see about permissions boundaries, and what they
cannot (a draft lesson, an archived question, a question in no published quiz)."""

from __future__ import annotations

import pytest
from django.db import transaction

from search import index
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question, make_quiz

PHRASE = "permissions boundary"


@pytest.fixture
def corpus(corpus_of_module, db):
    """The corpus for a test that changes it (tests/search/test_index.py): built once for the
    module (`corpus_of_module`), each row read again for the test, so that the instances a test
    changes are its own, as its changes to the database are (rolled back with its savepoint).
    A build with its index was ~30 ms; reading the eight rows is ~2 ms. As the build's
    rebuild did, the test starts with no reindexing pending (marks an earlier test's rolled-back
    edits left behind), so a missing mark of its own is not made up for by a stale one."""
    index.flush()
    return {
        name: type(row)._default_manager.get(pk=row.pk) for name, row in corpus_of_module.items()
    }


@pytest.fixture(scope="module")
def corpus_of_module(django_db_setup, django_db_blocker):
    """The corpus built once for a test module whose tests only read it, in a transaction
    rolled back when the module ends (as tests/conftest.py's `shipped_course`); a module asks
    for it through its own `corpus` (or this file's), and each test runs in a savepoint inside
    it (`db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_corpus()
        transaction.set_rollback(True)


def build_corpus() -> dict:
    """The corpus's rows, indexed, by name."""
    module = make_module(slug="iam", title="IAM")
    titled = make_lesson(
        module,
        slug="boundaries",
        title="Permissions boundary basics",
        body="A limit on what an identity policy can grant.",
    )
    mentioned = make_lesson(
        module,
        slug="evaluation",
        title="Policy evaluation",
        body="## Order\n\nDeny first, then the **permissions boundary**, then session policies.",
    )
    draft = make_lesson(
        module, slug="draft", title="Draft", body="A permissions boundary draft.", published=False
    )
    quiz = make_quiz(slug="iam-quiz", title="IAM quiz")
    question = make_question(
        prompt="Can the developer create an admin role?",
        explanation="No: the *permissions boundary* caps every role they make.",
        lesson=titled,
    )
    archived = make_question(
        prompt="Old question", explanation="About a permissions boundary.", archived=True
    )
    orphan = make_question(prompt="Unused", explanation="A permissions boundary, orphaned.")
    make_quiz(question, archived, slug="iam-quiz-2", title="Second quiz")
    quiz.entries.create(question=question, order=1)
    scenario = make_scenario(
        titled, title="A boundary caps a developer", situation="The permissions boundary wins."
    )
    index.rebuild()
    return {
        "titled": titled,
        "mentioned": mentioned,
        "draft": draft,
        "quiz": quiz,
        "question": question,
        "archived": archived,
        "orphan": orphan,
        "scenario": scenario,
    }


@pytest.fixture(scope="module")
def shipped_index(django_db_setup, django_db_blocker):
    """The course as `load_curriculum` ships it, its quizzes too (a question pasted in is a
    search), indexed, for a module's tests of relevance (test_relevance.py), in a transaction
    rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        from auditlog.context import disable_auditlog

        from curriculum.quiz_loader import load_quizzes
        from tests.curriculum.shipped_quizzes import shipped_quizzes
        from tests.shipped import load_shipped

        with disable_auditlog():
            load_shipped()
            load_quizzes(shipped_quizzes(check_cases=False))
        index.rebuild()
        yield
        transaction.set_rollback(True)
