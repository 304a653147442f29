"""What is counted over an instructor's own questions (their misconception tags for the
question editors, their banks for the dashboard and the bank) is kept between requests for
that instructor (`teach.bank.OWN_COUNTS`): taking the lists of 5,200 questions apart on every
editor was 12 of its ~19 ms at 100 times the course. Each write that changes them shows on
the next read, and only the writer's owner is counted again; a transaction rolled back
changes nothing kept. Committed rows (a kept value is kept only outside a transaction)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from lessons.models import Module, Source
from quizzes.models import Question
from teach import bank
from tests.conftest import make_module
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db(transaction=True)


def mine(owner, *names: str, **fields) -> Question:
    fields = {"lesson": None, **fields}
    return make_question(owner=owner, source=Source.AUTHORED, misconceptions=list(names), **fields)


def misconceptions(user) -> dict[str, int]:
    return dict(bank.question_offers(user).misconceptions)


def banks(user) -> dict[str, tuple[int, int]]:
    return {row["category"]: (row["count"], row["mine"]) for row in bank.bank_summaries(user)}


@pytest.fixture
def builds(monkeypatch) -> list:
    """The owners whose counts were built (not taken as kept)."""
    made: list = []

    def counting(owner_id):
        made.append(owner_id)
        return bank.OwnCounts(owner_id)

    monkeypatch.setattr(bank.OWN_COUNTS, "_build", counting)
    bank.OWN_COUNTS._members.clear()
    return made


def test_a_teachers_counts_are_kept_and_counted_again_after_their_own_save_alone(
    instructor, other_instructor, builds
):
    question = mine(instructor, "thinks-a", "thinks-b", category="iam")
    mine(other_instructor, "thinks-theirs")
    assert misconceptions(instructor) == {"thinks-a": 1, "thinks-b": 1}
    assert banks(instructor) == {"iam": (1, 1)}
    assert builds == [instructor.pk]  # the banks came with the same kept counts
    mine(other_instructor, "thinks-theirs-too")
    assert misconceptions(instructor) == {"thinks-a": 1, "thinks-b": 1}
    assert builds == [instructor.pk]  # another teacher's save leaves them be
    question.misconceptions = ["thinks-a", "thinks-c"]
    question.category = "s3"
    question.save()
    assert misconceptions(instructor) == {"thinks-a": 1, "thinks-c": 1}
    assert banks(instructor) == {"s3": (1, 1)}
    assert builds == [instructor.pk, instructor.pk]


def test_a_deleted_or_archived_question_is_no_longer_counted(instructor, builds):
    kept, archived = mine(instructor, "thinks-kept"), mine(instructor, "thinks-gone")
    assert misconceptions(instructor) == {"thinks-kept": 1, "thinks-gone": 1}
    assert banks(instructor) == {"iam": (2, 2)}
    archived.archived = True
    archived.save()
    assert banks(instructor) == {"iam": (1, 1)}  # archived: in no bank
    archived.delete()
    assert misconceptions(instructor) == {"thinks-kept": 1}
    kept.delete()
    assert misconceptions(instructor) == {} and banks(instructor) == {}


def test_a_question_given_to_another_teacher_leaves_one_count_for_the_other(
    instructor, other_instructor, builds
):
    """As the admin changes an owner: the question read, its owner changed, saved."""
    mine(instructor, "thinks-given")
    assert misconceptions(instructor) == {"thinks-given": 1}
    assert misconceptions(other_instructor) == {}
    question = Question.objects.get()
    question.owner = other_instructor
    question.save()
    assert misconceptions(instructor) == {}
    assert misconceptions(other_instructor) == {"thinks-given": 1}


def test_a_module_deleted_moves_the_teachers_counts_to_no_module(instructor, builds):
    module = make_module()
    mine(instructor, "thinks-in-module", module=module)
    assert bank.question_offers(instructor).misconception_uses == [
        ("thinks-in-module", module.pk, 1)
    ]
    Module.objects.filter(pk=module.pk).delete()
    assert bank.question_offers(instructor).misconception_uses == [("thinks-in-module", None, 1)]


def test_a_rolled_back_transaction_changes_nothing_kept(instructor, builds):
    question = mine(instructor, "thinks-before")
    assert misconceptions(instructor) == {"thinks-before": 1}
    version = bank.OWN_COUNTS.current(instructor.pk).version
    with transaction.atomic():
        question.misconceptions = ["thinks-rolled-back"]
        question.save()
        assert misconceptions(instructor) == {"thinks-rolled-back": 1}  # its own writes
        transaction.set_rollback(True)
    assert misconceptions(instructor) == {"thinks-before": 1}
    # Other processes were told nothing: what they keep is still right.
    assert cache.get(f"{bank.OWN_COUNTS.prefix}:{instructor.pk}") == version
    with transaction.atomic():
        question.refresh_from_db()
        question.misconceptions = ["thinks-committed"]
        question.save()
    assert misconceptions(instructor) == {"thinks-committed": 1}


def test_the_curriculums_banks_are_kept_beside_the_teachers_own(instructor, builds):
    shipped = make_question(owner=None, source=Source.FILE, lesson=None, category="iam")
    mine(instructor, category="iam")
    mine(instructor, category="mine")
    assert banks(instructor) == {"iam": (2, 1), "mine": (1, 1)}
    shipped.category = "shipped"
    shipped.save()
    assert banks(instructor) == {"iam": (1, 1), "mine": (1, 1), "shipped": (1, 0)}
