"""Moodle's GIFT: the choice kinds round-trip; escapes, comments, titles, feedback, weights and
categories are read as the format defines them; what GIFT cannot hold is named, not lost
silently; a bad block is refused with its line."""

from __future__ import annotations

import pytest

from lessons.models import Source
from quizzes.models import Question
from teach.transfer import gift, importer
from teach.transfer.drafts import TransferError
from tests.quizzes.builders import choices, make_question

pytestmark = pytest.mark.django_db


def _choice_questions(owner) -> list[Question]:
    single = make_question(
        "single",
        slug="root-mfa",
        category="iam-basics",
        owner=owner,
        lesson=None,
        prompt="What protects the root user {best}?\n\nPick one: = or ~ or # are fine.",
        explanation="MFA: a second factor.\nSee the lesson \\ notes.",
        data={
            "choices": [
                {"id": "a1", "text": "Turn on MFA", "correct": True, "feedback": "Yes: MFA."},
                {"id": "b2", "text": "Share it", "correct": False, "feedback": "Never."},
                {"id": "c3", "text": "Use it daily", "correct": False, "feedback": ""},
            ]
        },
    )
    multiple = make_question(
        "multiple",
        slug="aws-layers",
        category="iam-basics",
        owner=owner,
        lesson=None,
        data={"choices": choices(("Hypervisor", True), ("Facilities", True), ("Your data", False))},
    )
    true_false = make_question(
        "true_false", slug="s3-private", category="s3", owner=owner, lesson=None
    )
    return [single, multiple, true_false]


def test_the_choice_kinds_round_trip(instructor):
    first = gift.export(_choice_questions(instructor)).text
    Question.objects.all().delete()

    result = importer.run(first, "gift", owner=instructor)

    again = gift.export(result.questions).text
    assert again == first
    single = Question.objects.get(slug="root-mfa")
    assert single.prompt == "What protects the root user {best}?\n\nPick one: = or ~ or # are fine."
    assert single.explanation == "MFA: a second factor.\nSee the lesson \\ notes."
    assert [(c["text"], c["correct"], c["feedback"]) for c in single.choices()] == [
        ("Turn on MFA", True, "Yes: MFA."),
        ("Share it", False, "Never."),
        ("Use it daily", False, ""),
    ]
    assert Question.objects.get(slug="s3-private").category == "s3"
    assert all(q.source == Source.AUTHORED and q.owner == instructor for q in result.questions)


def test_a_single_choice_answer_that_starts_with_a_percent_comes_back_as_written(instructor):
    """GIFT reads `%50%` at an answer's start as a weight: "=%PATH% is set" was refused on
    import and "~%50% of users" came back as "of users". Such an answer is written with its
    weight, which the reader takes off again."""
    make_question(
        "single",
        slug="percent-answers",
        owner=instructor,
        lesson=None,
        data={
            "choices": choices(
                ("%PATH% is searched first", True), ("%50% of users", False), ("Neither", False)
            )
        },
    )
    text = gift.export(Question.objects.all()).text
    Question.objects.all().delete()

    result = importer.run(text, "gift", owner=instructor)

    assert [(c["text"], c["correct"]) for c in result.questions[0].choices()] == [
        ("%PATH% is searched first", True),
        ("%50% of users", False),
        ("Neither", False),
    ]
    assert result.warnings == []


def test_multiple_select_is_written_with_weights_moodle_accepts(instructor):
    text = gift.export(_choice_questions(instructor)).text
    assert "~%50%Hypervisor" in text
    assert "~%-100%Your data" in text


SAMPLE = r"""// A bank written by hand.
// Comments and blank lines are ignored.

$CATEGORY: $course$/top/Shared Responsibility

::Who patches the guest OS?::[markdown]On EC2, who patches the **guest** OS\?{
  ~AWS #No\: AWS stops at the hypervisor.
  =The customer #Right.
  ~Nobody
  ####The customer owns everything above the hypervisor.
}

// Weights, no "=": a multiple select.
::AWS's part:: Which are AWS's job? {
~%50%Physical security
~%50%The hypervisor # yes, AWS's
~%-100%Your IAM policies
####AWS secures the cloud itself.
}

Is 1 \+ 1 \= 2 \{really\} a sum\: {TRUE####Yes \# it is.}

$CATEGORY: iam
::Partial:: Pick one {=Right ~%50%Half right ~Wrong####Only one counts here.}
"""


def test_a_hand_written_file_is_read_as_gift_defines_it(instructor):
    bundle = gift.parse(SAMPLE)
    first, second, third, fourth = bundle.questions

    assert (first.slug, first.type, first.category) == (
        "who-patches-the-guest-os",
        "single",
        "shared-responsibility",
    )
    assert first.prompt == "On EC2, who patches the **guest** OS\\?"  # \? is no GIFT escape
    assert [(c["text"], c["correct"], c["feedback"]) for c in first.data["choices"]] == [
        ("AWS", False, "No: AWS stops at the hypervisor."),
        ("The customer", True, "Right."),
        ("Nobody", False, ""),
    ]
    assert first.explanation == "The customer owns everything above the hypervisor."
    assert first.line == 6

    assert (second.slug, second.type) == ("awss-part", "multiple")
    assert [(c["text"], c["correct"]) for c in second.data["choices"]] == [
        ("Physical security", True),
        ("The hypervisor", True),
        ("Your IAM policies", False),
    ]
    assert second.data["choices"][1]["feedback"] == "yes, AWS's"

    assert third.type == "true_false" and third.data == {"answer": True}
    assert third.prompt == "Is 1 \\+ 1 = 2 {really} a sum:"
    assert third.explanation == "Yes # it is."
    assert third.category == "shared-responsibility"

    assert fourth.category == "iam"
    assert [c["correct"] for c in fourth.data["choices"]] == [True, False, False]
    assert any("partial credit (50%)" in w for w in bundle.warnings)


def test_the_hand_written_file_imports(instructor):
    result = importer.run(SAMPLE, "gift", owner=instructor)
    assert len(result.questions) == 4
    assert Question.objects.filter(owner=instructor).count() == 4


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("::a:: Fine {=x ~y####e}\n\n::b:: Who? {=Grant =grant####e}\n", 3, "short-answer"),
        ("::a:: When? {#1822:5####e}\n", 1, "numerical"),
        ("::a:: Match {=a -> b =c -> d####e}\n", 1, "matching"),
        ("\n\n::a:: Write about it {}\n", 3, "essay"),
        ("::a:: Just a description\n", 1, "no answer block"),
        ("::a:: Open {=x ~y\n####e\n", 1, "not closed"),
        ("::a:: Fine {=x ~y}\n", 1, "no general feedback"),
        ("::a:: Weights {\n~%abc%x\n~y\n####e}\n", 2, "weight"),
        ("::a:: Two right {=x =y ~z####e}\n", 1, "Mark only one choice as correct"),
        ("::a:: A {T####e}\n::b:: B {F####e}\n", 2, "blank line missing"),
    ],
)
def test_a_bad_block_is_refused_with_its_line(instructor, text, line, reason):
    before = Question.objects.count()
    with pytest.raises(TransferError) as caught:
        importer.run(text, "gift", owner=instructor)
    error = caught.value.errors[0]
    assert (error.line, reason in error.message) == (line, True), str(error)
    assert Question.objects.count() == before


def test_a_gift_block_the_question_checks_refuse_is_told_in_the_editors_words(instructor):
    """A GIFT author never sees our file's keys or the ids made from each answer's text: a
    repeated answer is said as the question editor says it, once, not as "two choices share
    the id '2d71…'" beside "the choice 'x' appears twice"."""
    with pytest.raises(TransferError) as caught:
        importer.run("::a:: Pick {=x ~x####e}\n", "gift", owner=instructor)
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (1, "question 'a': Choice 2 repeats “x”: give each choice its own text.")
    ]


def test_every_bad_block_is_named_at_once(instructor):
    """A file is refused with every block's problem, not the first one only: a Moodle export
    without general feedback came back once per question."""
    text = (
        "::a:: First? {=x ~y}\n\n"
        "::b:: Fine {=x ~y####e}\n\n"
        "::c:: Third? {T}\n\n"
        "$CATEGORY: $course$/\n\n"
        "::d:: When? {#1822:5####e}\n"
    )
    with pytest.raises(TransferError) as caught:
        importer.run(text, "gift", owner=instructor)
    found = [(e.line, e.message) for e in caught.value.errors]
    assert [line for line, _ in found] == [1, 5, 7, 9]
    assert "no general feedback" in found[0][1] and "no general feedback" in found[1][1]
    assert "has no name" in found[2][1] and "numerical" in found[3][1]
    assert not Question.objects.filter(owner=instructor).exists()


def test_exporting_a_kind_gift_cannot_hold_names_what_was_left_out(instructor):
    questions = _choice_questions(instructor)
    ordering = make_question("ordering", slug="steps", owner=instructor, lesson=None)
    exported = gift.export([*questions, ordering])
    assert exported.left_out == [ordering]
    assert exported.text.startswith("// Left out, GIFT has no such kind: steps (Put in order)")
    assert "::steps::" not in exported.text
    # The comment does not stop the file importing.
    Question.objects.all().delete()
    assert len(importer.run(exported.text, "gift", owner=instructor).questions) == 3


def test_a_nul_in_a_gift_file_is_refused_with_its_line(instructor):
    """An uploaded file is not checked for NUL as a pasted text is, and PostgreSQL's text
    holds none: the question passed the preview and its confirm was a 500 there."""
    text = "::a:: A? {=x ~y####e}\n\n::b:: B\x00? {=x ~y####e}\n"
    with pytest.raises(TransferError) as caught:
        importer.run(text, "gift", owner=instructor)
    [error] = caught.value.errors
    assert (error.line, "U+0000 (NUL)" in error.message) == (3, True)
    assert not Question.objects.exists()


def test_titles_that_collide_get_free_slugs(instructor):
    text = "::Same:: A? {=x ~y####e}\n\n::Same:: B? {=x ~y####e}\n"
    result = importer.run(text, "gift", owner=instructor)
    assert [q.slug for q in result.questions] == ["same", "same-2"]
    assert any("'same' is taken" in w for w in result.warnings)


HUGE_ANSWER_BLOCK = (
    "::big:: Pick {" + "\n".join(f"~answer {n}" for n in range(20_000)) + "\n####e}\n"
)


def test_a_huge_answer_block_is_refused():
    """How quickly (linear, not quadratic, in the block's size) is checked by `make bench`
    (tests/bench/test_bounded_work_bench.py)."""
    with pytest.raises(TransferError, match="at most 6 choices"):
        gift.parse(HUGE_ANSWER_BLOCK)
