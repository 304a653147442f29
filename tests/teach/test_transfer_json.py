"""Our JSON format: a quiz with one question of every kind survives export → import into an
empty database → export byte for byte; a bad file is refused whole, with its line."""

from __future__ import annotations

import json

import pytest

from lessons.models import Scenario, Source
from quizzes import kinds
from quizzes.models import Question, Quiz, QuizQuestion
from teach import services
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.conftest import make_lesson, make_module, make_scenario, scenery
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _every_kind_quiz(owner) -> Quiz:
    module = make_module(slug="iam")
    lesson = make_lesson(module, slug="root-user")
    scenario = make_scenario(
        slug="alice-reads",
        title="Alice reads a report",
        explanation="Her policy allows the read and nothing denies it.",
    )
    questions = []
    for value in kinds.KINDS:
        extra = {"scenario": scenario, "ask_statement": True} if value == "policy_decision" else {}
        questions.append(
            make_question(
                value,
                slug=f"every-{value.replace('_', '-')}",
                owner=owner,
                source=Source.AUTHORED,
                module=module,
                lesson=lesson,
                prompt=f"A {value} question: what about “ünïcode” and a\nsecond line?",
                **extra,
            )
        )
    first = questions[0]
    first.data["choices"][0]["feedback"] = "Right: MFA protects it."
    first.data["layout"] = [c["id"] for c in reversed(first.data["choices"])]
    first.save()
    services.question_set_tags(question=first, tags=["mfa", "root-user"])
    return make_quiz(
        *questions,
        slug="every-kind",
        title="Every kind",
        description="One of each.",
        module=module,
        pass_mark=80,
        attempts_allowed=3,
        shuffle_choices=True,
        feedback="end",
        time_limit=25,
        owner=owner,
        source=Source.AUTHORED,
    )


@scenery  # clears the stage for an import; the deletions are not what these tests check
def _empty_the_content() -> None:
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    Scenario.objects.all().delete()


def test_a_quiz_of_every_kind_round_trips_byte_for_byte(instructor):
    quiz = _every_kind_quiz(instructor)
    first = json_format.export_quiz(quiz)
    _empty_the_content()

    result = importer.run(first, "json", owner=instructor)

    again = json_format.export_quiz(Quiz.objects.get())
    assert again == first
    assert result.warnings == []
    assert Question.objects.count() == len(kinds.KINDS)
    assert Scenario.objects.get().slug == "alice-reads"
    assert Quiz.objects.get().time_limit == 25
    tagged = Question.objects.get(slug="every-single")
    assert sorted(tag.slug for tag in tagged.tags.all()) == ["mfa", "root-user"]
    imported = Quiz.objects.get()
    assert (imported.owner, imported.source, imported.published) == (
        instructor,
        Source.AUTHORED,
        False,
    )
    assert set(Question.objects.values_list("owner", "source")) == {
        (instructor.pk, Source.AUTHORED)
    }


def test_the_file_says_what_it_is_and_keeps_choice_ids(instructor):
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    assert (document["format"], document["version"], document["kind"]) == (
        "srm-trainer-questions",
        1,
        "quiz",
    )
    single = document["questions"][0]
    stored = Question.objects.get(slug="every-single")
    assert [c["id"] for c in single["data"]["choices"]] == [c["id"] for c in stored.data["choices"]]
    policy = next(q for q in document["questions"] if q["type"] == "policy_decision")
    assert policy["scenario"]["case"]["expect"] == "Allow"
    assert policy["scenario"]["explanation"] == "Her policy allows the read and nothing denies it."


def test_an_import_into_a_database_that_has_the_slugs_renames_and_says_so(instructor):
    quiz = _every_kind_quiz(instructor)
    text = json_format.export_quiz(quiz)
    result = importer.run(text, "json", owner=instructor)
    assert result.quiz.slug == "every-kind-2"
    assert {q.slug for q in result.questions} == {
        f"every-{v.replace('_', '-')}-2" for v in kinds.KINDS
    }
    assert any("'every-single' is taken" in w for w in result.warnings)
    # The scenario is the same, so it is used again rather than copied.
    assert Scenario.objects.count() == 1
    assert result.reused_scenarios[0].slug == "alice-reads"


def test_a_scenario_whose_explanation_differs_is_a_new_scenario_that_keeps_it(instructor):
    document = json.loads(json_format.export_quiz(_every_kind_quiz(instructor)))
    policy = next(q for q in document["questions"] if q["type"] == "policy_decision")
    policy["scenario"]["explanation"] = "Rewritten after the review."
    importer.run(json_format.dump(document), "json", owner=instructor)
    assert Scenario.objects.count() == 2
    assert Scenario.objects.exclude(slug="alice-reads").get().explanation == (
        "Rewritten after the review."
    )


def _counts() -> tuple[int, ...]:
    return (
        Quiz.objects.count(),
        Question.objects.count(),
        QuizQuestion.objects.count(),
        Scenario.objects.count(),
    )


def test_one_bad_question_changes_nothing_and_names_its_line(instructor):
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    _empty_the_content()
    document["questions"][1]["data"]["choices"][2]["correct"] = "yes"  # multiple select
    text = json_format.dump(document)
    before = _counts()

    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)

    assert _counts() == before
    lines = text.splitlines()
    error = caught.value.errors[0]
    assert "'correct' must be true or false" in error.message
    # The line and column point at the bad choice's "correct" key, not at its object.
    assert lines[error.line - 1][error.column - 1 :] == '"correct": "yes",'


def _drop_key(key):
    def change(data: dict) -> None:
        del data["case"]["flow"][key]

    return change


def _set_in(value, *path):
    def change(data: dict) -> None:
        *parents, last = path
        for step in parents:
            data = data[step]
        data[last] = value

    return change


# (kind, a change to its data, the text the error must point at, its words). The place is the
# first character of that text in the file, which must be there exactly once; "{ " before it
# stands for the "{" of the object that holds it.
PLACES = [
    (  # a nested field: the second choice's "text" key, not the choice's object
        "single",
        _set_in("", "choices", 1, "text"),
        '"text": ""',
        "choice #2: 'text' must be non-empty text",
    ),
    (  # a list item that is an object: its "{"
        "single",
        _set_in("", "choices", 1, "id"),
        '{ "id": ""',
        "choice #2 has no id",
    ),
    (  # a list item that is a text has no place of its own: its list's key
        "categorize",
        _set_in(["AWS", "Customer", "AWS"], "categories"),
        '"categories": [',
        "the category 'AWS' appears twice",
    ),
    (  # categories differing only in capitals: refused in a file too, not only in the editor
        "categorize",
        _set_in(["AWS", "Customer", "Aws"], "categories"),
        '"categories": [',
        "the categories 'AWS' and 'Aws' differ only in capitals",
    ),
    (  # the kind's path goes under `expect` (the engine's result differs there)
        "flow_decision",
        _set_in({"reply": "allowed", "request": "allowed"}, "case", "expect"),
        '"reply": "allowed"',
        "case: your expected answer says the reply gets back, but the network blocks it",
    ),
    (  # the path names a key the data does not have: the deepest key it does have
        "flow_decision",
        _drop_key("protocol"),
        '"flow": {',
        "case: Flow: needs a protocol",
    ),
]


@pytest.mark.parametrize(("kind", "change", "at", "words"), PLACES, ids=[p[3] for p in PLACES])
def test_a_problem_is_placed_at_the_line_and_column_of_its_field(
    instructor, kind, change, at, words
):
    question = make_question(kind, owner=instructor, source=Source.AUTHORED, lesson=None)
    document = json.loads(json_format.export_bank([question], "b"))
    change(document["questions"][0]["data"])
    Question.objects.all().delete()
    text = json_format.dump(document)
    marker = at.removeprefix("{ ")
    assert text.count(marker) == 1
    offset = text.index(marker)
    if marker != at:
        offset = text.rindex("{", 0, offset)
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)

    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)

    [error] = caught.value.errors
    assert words in error.message
    assert (error.line, error.column) == (line, column)


def test_an_unknown_type_is_said_once_at_its_key_with_the_types_there_are(instructor):
    """It was said twice: "unknown type 'essay'" at the question's first key, then Django's
    "'type': Value 'essay' is not a valid choice." at the "type" key."""
    question = make_question("single", owner=instructor, source=Source.AUTHORED, lesson=None)
    document = json.loads(json_format.export_bank([question], "b"))
    document["questions"][0]["type"] = "essay"
    Question.objects.all().delete()
    text = json_format.dump(document)
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    [error] = caught.value.errors
    assert "unknown type 'essay' (expected one of: single, multiple, true_false" in error.message
    assert text.splitlines()[error.line - 1][error.column - 1 :] == '"type": "essay"'


def test_a_key_written_twice_is_refused_at_its_second_place(instructor):
    text = '{"format": "srm-trainer-questions",\n "version": 1,\n "version": 1}'
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    [error] = caught.value.errors
    assert "the key 'version' appears twice in one object" in error.message
    assert (error.line, error.column) == (3, 2)


def test_a_nul_in_a_text_is_refused_at_its_place_and_an_escaped_backslash_is_not(instructor):
    """PostgreSQL's text and jsonb hold no NUL: a prompt with `\\u0000` passed the preview
    and its confirm was a 500 there (SQLite kept it). A backslash before "u0000" is text."""
    document = json.loads(json_format.export_quiz(_every_kind_quiz(instructor)))
    document["questions"][0]["prompt"] = "Written \\u0000 in JSON."
    document["questions"][0]["data"]["choices"][1]["feedback"] = "a\x00b"
    text = json_format.dump(document)
    _empty_the_content()
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    [error] = caught.value.errors
    assert "U+0000 (NUL" in error.message
    assert text.splitlines()[error.line - 1][error.column - 1 :].startswith("\\u0000b")
    assert Question.objects.count() == 0

    document["questions"][0]["data"]["choices"][1]["feedback"] = "ab"
    importer.run(json_format.dump(document), "json", owner=instructor)
    assert Question.objects.get(slug="every-single").prompt == "Written \\u0000 in JSON."


def test_a_scenario_that_the_engine_contradicts_is_refused(instructor):
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    policy = next(q for q in document["questions"] if q["type"] == "policy_decision")
    policy["scenario"]["case"]["expect"] = "ExplicitDeny"
    before = _counts()
    with pytest.raises(TransferError) as caught:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert "engine decides Allow" in str(caught.value)
    assert _counts() == before


def test_a_quiz_title_with_a_direction_override_is_refused_at_its_line(instructor):
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    document["quiz"]["title"] = "\u202eEvery kind"
    with pytest.raises(TransferError) as caught:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert "U+202E" in str(caught.value) and "'title'" in str(caught.value)


@pytest.mark.parametrize(
    ("broken", "words"),
    [
        ({"expect": "ExplicitDeny"}, "engine decides Allow"),
        (
            {"identity_policies": [{"name": "P", "document": '{"Statement": [,]}'}]},
            "Expected a value here",
        ),
    ],
)
def test_a_broken_scenario_is_said_once(instructor, broken, words):
    """A new scenario is checked on its own and again by its question's kind: the teacher
    read the same sentence twice, at the same line and column."""
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    policy = next(q for q in document["questions"] if q["type"] == "policy_decision")
    policy["scenario"]["case"].update(broken)
    with pytest.raises(TransferError) as caught:
        importer.run(json_format.dump(document), "json", owner=instructor)
    lines = caught.value.lines()
    assert any(words in line for line in lines), lines
    assert len(lines) == len(set(lines)), lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"format": "srm-trainer-questions",\n  "version": 1,\n  "kind": "quiz",,}', "line 3"),
        ('{"format": "moodle", "version": 1}', "not a question file"),
        ('{"format": "srm-trainer-questions", "version": 9, "kind": "bank"}', "newer version"),
        ('{"format": "srm-trainer-questions", "version": 1, "version": 1}', "appears twice"),
        ("[" * 200 + "]" * 200, "levels deep"),
        (
            '{"format": "srm-trainer-questions", "version": 1, "kind": "bank", "questions": []}',
            "no questions",
        ),
    ],
)
def test_a_broken_file_is_refused_with_where_and_why(instructor, text, expected):
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    assert expected in "\n".join(caught.value.lines())


def test_a_field_this_version_does_not_know_is_a_warning_not_an_error(instructor):
    question = make_question("true_false", owner=instructor, source=Source.AUTHORED, lesson=None)
    document = json.loads(json_format.export_bank([question], "iam"))
    document["questions"][0]["colour"] = "blue"
    Question.objects.all().delete()
    result = importer.preview(json_format.dump(document), "json", owner=instructor)
    assert "'colour'" in result.warnings[0]
    assert Question.objects.count() == 0  # a preview writes nothing


def test_a_bank_adds_its_questions_to_a_chosen_quiz(instructor, owned):
    quiz, _ = owned
    questions = [make_question("true_false", lesson=None, slug=f"tf-{n}") for n in range(2)]
    text = json_format.export_bank(questions, "iam")
    result = importer.run(text, "json", owner=instructor, into=quiz)
    assert [e.question.slug for e in quiz.entries.order_by("order")][-2:] == [
        q.slug for q in result.questions
    ]


def test_too_many_challenges_are_refused_before_the_engine_runs(instructor, monkeypatch):
    from teach.transfer import importer as module

    monkeypatch.setattr(module, "MAX_CHALLENGES", 2)
    questions = [make_question("least_privilege", lesson=None, slug=f"lp-{n}") for n in range(3)]
    text = json_format.export_bank(questions, "lp")
    Question.objects.all().delete()
    ran = []
    monkeypatch.setattr(Question, "problems", lambda self, **kw: ran.append(self) or [])
    with pytest.raises(TransferError, match="at most 2"):
        importer.preview(text, "json", owner=instructor)
    assert ran == []


def test_references_missing_here_are_dropped_with_a_warning(instructor):
    from lessons.models import Module

    text = json_format.export_quiz(_every_kind_quiz(instructor))
    _empty_the_content()
    Module.objects.all().delete()  # lessons go with it
    result = importer.run(text, "json", owner=instructor)
    assert result.quiz.module is None
    assert any("no module 'iam' here" in w for w in result.warnings)
    assert any("no lesson 'iam/root-user' here" in w for w in result.warnings)
    assert Question.objects.filter(module=None, lesson=None).count() == len(kinds.KINDS)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("tags", ["Not A Slug"], "the bank tag 'Not A Slug' must be lowercase"),
        ("tags", [f"t{n}" for n in range(21)], "at most 20 bank tags"),
        ("tags", "mfa", "'tags' must be a list of bank tags"),
    ],
)
def test_bad_bank_tags_are_refused_and_nothing_is_written(instructor, field, value, expected):
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    _empty_the_content()
    document["questions"][0][field] = value
    with pytest.raises(TransferError) as refused:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert expected in str(refused.value)
    assert Question.objects.count() == 0


TOO_LONG = [  # (where in the question, the most the editor takes, how the message names it)
    (("prompt",), 5000, "'prompt' is 5,001 characters; the question editor takes at most 5,000"),
    (("explanation",), 10_000, "'explanation' is 10,001 characters; the question editor takes"),
    (("scenario", "situation"), 5000, "its scenario's 'situation' is 5,001 characters"),
    (("scenario", "explanation"), 5000, "its scenario's 'explanation' is 5,001 characters"),
]


@pytest.mark.parametrize(("path", "most", "words"), TOO_LONG, ids=[t[2][:24] for t in TOO_LONG])
def test_markdown_longer_than_the_editor_takes_is_refused_at_its_line(
    instructor, path, most, words
):
    """An import took a prompt of any length up to the file's 512 KB, which the editor limits
    to 5,000 characters: rendering such Markdown costs CPU on every page showing it (a
    learner's quiz), seconds for 500 KB of `[`. A text at the limit is taken."""
    quiz = _every_kind_quiz(instructor)
    document = json.loads(json_format.export_quiz(quiz))
    _empty_the_content()
    [question] = [q for q in document["questions"] if q["type"] == "policy_decision"]
    *parents, key = path
    place = question
    for step in parents:
        place = place[step]
    place[key] = "x" * most
    importer.preview(json_format.dump(document), "json", owner=instructor)  # at the limit: taken

    place[key] = "x" * (most + 1)
    text = json_format.dump(document)
    with pytest.raises(TransferError) as refused:
        importer.run(text, "json", owner=instructor)

    [error] = refused.value.errors
    assert words in error.message and question["slug"] in error.message
    assert error.line == text.count("\n", 0, text.index('"' + "x" * most)) + 1
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "'time_limit' is in minutes, from 1"), ("ten", "'time_limit' must be whole minutes")],
)
def test_a_bad_time_limit_is_refused(instructor, value, expected):
    document = json.loads(json_format.export_quiz(_every_kind_quiz(instructor)))
    _empty_the_content()
    document["quiz"]["time_limit"] = value
    with pytest.raises(TransferError) as refused:
        importer.run(json_format.dump(document), "json", owner=instructor)
    assert expected in str(refused.value)
    assert Quiz.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"questions": []}', "'format' must be \"srm-trainer-questions\", but it is missing"),
        ('{"format": null}', "'format' must be \"srm-trainer-questions\", not null"),
        ('{"format": "srm-trainer-questions", "version": true}', "whole number, not true"),
        ('{"format": "srm-trainer-questions", "version": 1}', '"bank", but it is missing'),
        ('{"format": "srm-trainer-questions", "version": 1, "kind": "Quiz"}', 'not "Quiz"'),
    ],
)
def test_a_wrong_header_is_said_in_the_files_own_words(instructor, text, words):
    """Whoever wrote the file reads the message: JSON's null, true and "text", or "missing",
    never Python's None, True and 'text'."""
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    [error] = caught.value.errors
    assert words in error.message
    assert "None" not in error.message and "True" not in error.message
