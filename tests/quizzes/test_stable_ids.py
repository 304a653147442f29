"""Answers survive edits: choice and item ids are stored and kept when a file is edited."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from quizzes.attempts import answer_save, attempt_submit
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.kinds import keep_ids, same_entry, small_edit, text_id
from quizzes.models import Answer, Question, Quiz
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.curriculum.test_loader_quizzes import IAM_QUIZ, SRM_QUIZ, load
from tests.quizzes.builders import make_attempt, make_question

pytestmark = pytest.mark.django_db


def entries(*texts: str) -> list[dict]:
    return [{"id": text_id(t), "text": t} for t in texts]


# --- keep_ids -------------------------------------------------------------------------------


def test_a_typo_fix_keeps_the_id():
    old = [{"id": "a1", "text": "Turn on MFA"}, {"id": "b2", "text": "Share it"}]
    new = keep_ids(entries("Turn on MFA.", "Share it"), old, set())
    assert [e["id"] for e in new] == ["a1", "b2"]


def test_a_move_keeps_the_id_and_an_edit_elsewhere_does_not_steal_it():
    old = [{"id": "a1", "text": "A"}, {"id": "b2", "text": "B"}, {"id": "c3", "text": "Gama"}]
    new = keep_ids(entries("B", "A", "Gamma"), old, set())
    assert [e["id"] for e in new] == ["b2", "a1", "c3"]


def test_a_genuinely_new_choice_gets_a_new_id():
    old = [{"id": "a1", "text": "A"}, {"id": "b2", "text": "B"}]
    new = keep_ids(entries("A", "B", "C"), old, set())
    assert [e["id"] for e in new] == ["a1", "b2", text_id("C")]


def test_an_option_reworded_beyond_a_small_edit_is_a_new_one():
    """Its old id would put the new words on answers given to the old ones."""
    old = [{"id": "a1", "text": "The customer"}, {"id": "b2", "text": "AWS"}]
    new = keep_ids(entries("The customer", "Nobody: the guest OS patches itself"), old, set())
    assert [e["id"] for e in new] == ["a1", text_id("Nobody: the guest OS patches itself")]


def test_the_one_id_rule_keeps_a_rewording_only_when_its_author_says_so():
    """`same_entry`: the loader's `id:` and the editor's "Same choice, reworded" both say so;
    otherwise only a small edit keeps the id (the loader's position match uses it too)."""
    assert not same_entry("S3", "Amazon Simple Storage Service")
    assert same_entry("S3", "Amazon Simple Storage Service", said=True)
    assert same_entry("Teh customer", "The customer")
    old = [{"id": "a1", "text": "S3"}]
    assert keep_ids(entries("Amazon Simple Storage Service"), old, set())[0]["id"] != "a1"


@pytest.mark.parametrize(
    ("old", "new", "small"),
    [
        ("Teh customer", "The customer", True),  # a typo
        ("Turn on MFA", "turn on  MFA.", True),  # case, spacing, punctuation
        ("Identity policies", "Identity-based policies", True),
        ("Use it for daily work", "Use it for daily admin work", True),
        ("AWS", "You", False),  # short words: every letter counts
        ("AWS patches it", "The customer patches it", False),
        ("Turn on MFA for it", "Turn on MFA for the root user", False),  # a quarter new
        ("Share it with the team", "Keep it to yourself", False),
        ("Enable GuardDuty in every Region", "Enable Inspector in every Region", False),
        ("Keep logs for 90 days", "Keep logs for 30 days", False),  # a number changed
        (
            "The key policy can limit the root user",
            "The key policy cannot limit the root user",
            False,
        ),
        ("It is encrypted by default", "It isn't encrypted by default", False),  # negation
        ("It is encrypted at rest", "It is not encrypted at rest", False),
        ("x" * 3000, "x" * 2999 + "y", False),  # too long to compare: only the same text is
    ],
)
def test_a_small_edit_is_a_typo_fix_not_a_change_of_meaning(old, new, small):
    assert small_edit(old, new) is small


def test_an_id_written_in_the_file_wins():
    old = [{"id": "a1", "text": "A"}]
    given = [{"id": "mine", "text": "A"}, *entries("B")]
    assert [e["id"] for e in keep_ids(given, old, {0})] == ["mine", text_id("B")]


def test_a_new_id_never_repeats_an_old_one():
    old = [{"id": text_id("B"), "text": "A"}]  # "A" was once stored with B's hash
    new = keep_ids(entries("A", "B"), old, set())
    assert len({e["id"] for e in new}) == 2 and new[0]["id"] == text_id("B")


# --- load, answer, fix a typo, reload -------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "modules.yaml", "- slug: basics\n  title: Basics\n- slug: iam\n  title: IAM\n")
    write(
        tmp_path,
        "basics/01-first.md",
        "---\ntitle: First\n" + TWO_SOURCES + "\n---\n## Hi\nWords.\n",
    )
    write(
        tmp_path,
        "iam/01-policies.md",
        "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n",
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    write(tmp_path, "quizzes/iam-quiz.yaml", IAM_QUIZ)
    write(tmp_path, "quizzes/srm-quiz.yaml", SRM_QUIZ)
    return tmp_path


def _fix(content: Path, name: str, old: str, new: str) -> None:
    path = content / "quizzes" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_typo_fix_keeps_a_saved_answer_selected_and_right(content, learner):
    load(content)
    question = Question.objects.get(slug="root-user-mfa")
    attempt = make_attempt(Quiz.objects.get(slug="iam-quiz"), learner)
    right = next(c for c in question.choices() if c["correct"])
    answer_save(
        attempt=attempt, question=question, response={"choice": right["id"], "text": right["text"]}
    )

    _fix(content, "iam-quiz.yaml", "Turn on MFA for it", "Turn on MFA for it.")
    report = load(content)
    assert report.counts["questions"]["updated"] == 1

    question.refresh_from_db()
    assert question.choices()[0]["text"] == "Turn on MFA for it."
    saved = Answer.objects.get(attempt=attempt).response
    form = AnswerForm(question, attempt.layout.get(str(question.pk)), saved=saved)
    checked = [o["text"] for o in form.options() if o["checked"]]
    assert checked == ["Turn on MFA for it."]
    assert grade(question, saved).score == 1.0
    attempt, _ = attempt_submit(attempt=attempt)
    assert Answer.objects.get(attempt=attempt).score == 1.0


def test_a_typo_fix_in_an_ordering_item_keeps_the_answer_right(content, learner):
    load(content)
    question = Question.objects.get(slug="srm-order")
    # the right order is the items' stored order (the page shows them shuffled)
    right = [i["id"] for i in question.items()]
    response = {"order": right, "texts": [i["text"] for i in question.items()]}
    _fix(content, "srm-quiz.yaml", "Identity policies]", "Identity-based policies]")
    load(content)
    question.refresh_from_db()
    assert question.items()[2]["text"] == "Identity-based policies"
    assert grade(question, response).correct


def test_reordering_choices_in_the_file_keeps_their_ids(content):
    load(content)
    before = {c["text"]: c["id"] for c in Question.objects.get(slug="srm-multi").choices()}
    _fix(
        content,
        "srm-quiz.yaml",
        "- {text: Data, correct: true}\n      - {text: Access policies, correct: true}",
        "- {text: Access policies, correct: true}\n      - {text: Data, correct: true}",
    )
    load(content)
    after = {c["text"]: c["id"] for c in Question.objects.get(slug="srm-multi").choices()}
    assert after == before


def test_a_file_may_give_choice_ids(content):
    _fix(
        content,
        "iam-quiz.yaml",
        "{text: Turn on MFA for it,",
        "{id: mfa, text: Turn on MFA for it,",
    )
    load(content)
    assert Question.objects.get(slug="root-user-mfa").choices()[0]["id"] == "mfa"


def test_the_migration_gives_rows_without_ids_the_ids_answers_already_use(db):
    question = make_question(
        "single",
        data={
            "choices": [
                {"text": "Turn on MFA", "correct": True},
                {"id": "kept", "text": "Share it", "correct": False},
            ]
        },
    )
    migration = importlib.import_module("quizzes.migrations.0002_stable_choice_ids")
    migration.assign_ids(apps, None)
    question.refresh_from_db()
    assert [c["id"] for c in question.choices()] == [text_id("Turn on MFA"), "kept"]
    assert question.problems() == []


def test_ordering_items_may_carry_ids_in_the_file(content):
    _fix(
        content,
        "srm-quiz.yaml",
        "items: [Explicit deny, SCPs, Identity policies]",
        "items:\n      - {id: deny, text: Explicit deny}\n      - SCPs\n      - Identity policies",
    )
    load(content)
    question = Question.objects.get(slug="srm-order")
    assert [i["id"] for i in question.items()] == [
        "deny",
        text_id("SCPs"),
        text_id("Identity policies"),
    ]
    assert question.problems() == []
