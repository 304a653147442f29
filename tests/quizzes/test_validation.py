"""One validation, every door: the loader and the admin refuse the same broken content with
the same words, and a broken row already in the database never breaks a learner's page."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from django.urls import reverse

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from lessons.models import Scenario
from quizzes import kinds
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.models import Attempt, Question, ReviewCard
from srm_trainer.iam import evaluate
from tests.conftest import make_scenario
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.quizzes.builders import allow, make_question, make_quiz, policy

pytestmark = pytest.mark.django_db


# --- the registry: every kind validates, takes and grades its own question -----------------


def _right_post(question) -> dict:
    if question.type == "single":
        return {"choice": next(c["id"] for c in question.choices() if c["correct"])}
    if question.type == "multiple":
        return {"choices": [c["id"] for c in question.choices() if c["correct"]]}
    if question.type == "true_false":
        return {"answer": "true" if question.data["answer"] else "false"}
    if question.type == "ordering":
        return {f"pos_{i['id']}": str(n) for n, i in enumerate(question.items(), start=1)}
    if question.type == "categorize":
        return {f"cat_{i['id']}": i["category"] for i in question.items()}
    if question.type == "policy_decision":
        return {"decision": evaluate(question.scenario.case).decision}
    if question.type == "least_privilege":
        return {"policy": policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"))}
    if question.type == "flow_decision":
        return {"verdict": "reply_blocked", "hop": "network_acl:edge"}
    if question.type == "waf_rule":
        return {"rule": "rate"}
    if question.type == "flow_fix":
        return {"rules": question.data["reference"]}
    if question.type == "route_findings":
        return {"pattern": question.data["model"]}
    raise AssertionError(question.type)


@pytest.mark.parametrize("value", list(kinds.KINDS))
def test_every_kind_validates_takes_and_grades_its_own_question(value):
    from django.http import QueryDict

    question = make_question(value)
    assert question.problems() == []
    post = QueryDict(mutable=True)
    for name, v in _right_post(question).items():
        post.setlist(name, v if isinstance(v, list) else [v])
    form = AnswerForm(question, question.layout_ids(), post)
    assert form.is_valid(), form.errors
    result = grade(question, form.response())
    assert (result.score, result.correct) == (1.0, True)


def test_the_model_and_the_reader_take_their_types_from_the_registry():
    from curriculum.quiz_readers import TYPE_FIELDS

    assert Question._meta.get_field("type").choices == kinds.choices()
    assert [v for v, _ in kinds.choices()] == [
        "single",
        "multiple",
        "true_false",
        "ordering",
        "categorize",
        "policy_decision",
        "least_privilege",
        "flow_decision",
        "waf_rule",
        "flow_fix",
        "route_findings",
    ]
    assert TYPE_FIELDS["model"] == {"route_findings"}
    assert TYPE_FIELDS["items"] == {"ordering", "categorize"}
    assert TYPE_FIELDS["challenge"] == {"least_privilege", "flow_fix"}
    assert TYPE_FIELDS["case"] == {"flow_decision", "waf_rule"}


def test_every_kind_has_its_template_partials():
    from django.template.loader import get_template

    for kind in kinds.KINDS.values():
        get_template(kind.controls_template)
        get_template(kind.feedback_template)
        if kind.recap_template:
            get_template(kind.recap_template)


# --- the same bad content, refused by the loader and by the admin ---------------------------

BAD_SINGLE = """
    quiz:
      slug: q
      title: Q
      module: iam
    questions:
      - slug: no-right-choice
        type: single
        prompt: Which?
        explanation: None is right.
        lesson: iam/policies
        choices:
          - {text: One, correct: false}
          - {text: Two, correct: false}
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "modules.yaml", "- slug: iam\n  title: IAM\n")
    write(
        tmp_path,
        "iam/01-policies.md",
        "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n",
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    return tmp_path


# --- where a problem is: its path names the entry's field, not only its words --------------

ALICE = "arn:aws:iam::111122223333:user/alice"
OBJECT = "arn:aws:s3:::reports/q1.csv"


def _challenge(**changes) -> dict:
    challenge = {
        "principal": ALICE,
        "resource_account": "111122223333",
        "start_policy": "",
        "must_allow": [{"action": "s3:GetObject", "resource": OBJECT}],
        "must_deny": [{"action": "s3:DeleteObject", "resource": OBJECT}],
        "scope": ["arn:aws:s3:::reports/*"],
    }
    return challenge | changes


@pytest.mark.parametrize(
    "value,data,path",
    [
        ("single", {"choices": [{"id": "a", "text": "A", "correct": True},
                                {"id": "b", "text": " ", "correct": False}]},
         ("choices", 1, "text")),
        ("single", {"choices": [{"id": "a", "text": "A", "correct": True},
                                {"id": "b", "text": "A", "correct": False}]},
         ("choices", 1, "text")),
        ("multiple", {"choices": [{"id": "a", "text": "A", "correct": True},
                                  {"id": "b", "text": "B", "correct": "yes"}]},
         ("choices", 1, "correct")),
        ("single", {"choices": [{"id": "a", "text": "A", "correct": True},
                                {"id": "b", "text": "B", "correct": False, "feedback": 3}]},
         ("choices", 1, "feedback")),
        ("single", {"choices": [{"id": "a", "text": "A", "correct": True},
                                {"id": "b", "text": "B", "correct": False, "colour": 3}]},
         ("choices", 1, "colour")),
        ("single", {"choices": [{"id": "a", "text": "A", "correct": True},
                                {"id": "a", "text": "B", "correct": False}]},
         ("choices", 1, "id")),
        ("ordering", {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "x": 1}]},
         ("items", 1, "x")),
        ("categorize", {"categories": ["AWS", "You"],
                        "items": [{"id": "a", "text": "A", "category": "AWS"},
                                  {"id": "b", "text": "B", "category": "Them"}]},
         ("items", 1, "category")),
        ("categorize", {"categories": ["AWS", "You", "AWS"],
                        "items": [{"id": "a", "text": "A", "category": "AWS"},
                                  {"id": "b", "text": "B", "category": "You"}]},
         ("categories", 2)),
        ("least_privilege", {"challenge": _challenge(principal="")}, ("challenge", "principal")),
        ("least_privilege", {"challenge": _challenge(scope=["reports"])},
         ("challenge", "scope", 0)),
        ("least_privilege",
         {"challenge": _challenge(must_deny=[{"action": "s3:GetObject", "resource": OBJECT}])},
         ("challenge", "must_deny", 0)),
        ("least_privilege",
         {"challenge": _challenge(must_deny=[{"action": "s3:DeleteObject", "resource": ""}])},
         ("challenge", "must_deny", 0, "resource")),
        ("least_privilege",
         {"challenge": _challenge(must_allow=[{"action": "s3:GetObjekt", "resource": OBJECT}])},
         ("challenge", "must_allow", 0, "action")),
        ("least_privilege",
         {"challenge": _challenge(must_allow=[{"action": "s3:GetObject", "resource": OBJECT,
                                               "context": {"aws:username": {"a": 1}}}])},
         ("challenge", "must_allow", 0, "context")),
        ("least_privilege", {"challenge": _challenge(), "reference": "{"}, ("reference",)),
    ],
)  # fmt: skip
def test_a_problem_with_one_field_of_an_entry_names_that_field_in_its_path(value, data, path):
    """The question editor shows the message beside the field the path names, and the loader
    gives that field's line: neither reads the message for it."""
    problems = Question(type=value, data=data).problems()
    assert [p.path for p in problems] == [path], problems


def _question_form(**overrides) -> dict:
    form = {
        "slug": "from-the-admin",
        "type": "single",
        "category": "iam",
        "module": "",
        "prompt": "Which?",
        "explanation": "Because.",
        "lesson": "",
        "misconceptions": "[]",
        "data": "{}",
        "scenario": "",
        "source": "authored",
    }
    form.update(overrides)
    return form


def test_the_loader_refuses_a_single_choice_question_without_a_right_choice(content):
    write(content, "quizzes/q.yaml", BAD_SINGLE)
    with pytest.raises(CurriculumError, match="exactly one correct choice, not 0"):
        read_quizzes(content, read_curriculum(content))


def test_the_admin_refuses_the_same_question_with_the_same_words(admin_client):
    data = {
        "choices": [
            {"id": "a", "text": "One", "correct": False},
            {"id": "b", "text": "Two", "correct": False},
        ]
    }
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _question_form(data=json.dumps(data))
    )
    assert response.status_code == 200
    assert "exactly one correct choice, not 0" in response.content.decode()
    assert not Question.objects.exists()


def test_the_admin_refuses_choices_without_ids(admin_client):
    data = {"choices": [{"text": "One", "correct": True}, {"text": "Two", "correct": False}]}
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _question_form(data=json.dumps(data))
    )
    assert response.status_code == 200
    assert "choice #1 has no id" in response.content.decode()
    assert not Question.objects.exists()


def test_the_admin_refuses_a_policy_question_without_a_scenario(admin_client):
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _question_form(type="policy_decision")
    )
    assert response.status_code == 200
    assert "a policy question needs a scenario" in response.content.decode()
    assert not Question.objects.exists()


def test_the_admin_refuses_an_answer_typed_into_a_policy_questions_data(admin_client):
    """Its answer is the engine's: `{"decision": "Allow"}` was saved, read by nothing."""
    question = make_question("policy_decision")
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    form = _question_form(
        slug=question.slug,
        type="policy_decision",
        scenario=question.scenario.pk,
        data=json.dumps({"decision": "Allow"}),
    )
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "a policy decision keeps nothing in its data ({})" in response.content.decode()
    question.refresh_from_db()
    assert question.data == {}
    response = admin_client.post(url, {**form, "data": "{}"})
    assert response.status_code == 302


def test_the_admin_refuses_a_policy_question_on_a_scenario_without_a_valid_case(admin_client):
    scenario = make_scenario()
    Scenario.objects.filter(pk=scenario.pk).update(case={"expect": "Allow"})
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        _question_form(type="policy_decision", scenario=scenario.pk),
    )
    assert response.status_code == 200
    assert f"scenario &#x27;{scenario.slug}&#x27;: invalid case" in response.content.decode()
    assert not Question.objects.exists()


def test_the_admin_refuses_a_change_that_breaks_a_question(admin_client):
    question = make_question("true_false")
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    form = _question_form(
        slug=question.slug, type="true_false", data=json.dumps({"answer": "maybe"})
    )
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "&#x27;answer&#x27; must be true or false" in response.content.decode()
    question.refresh_from_db()
    assert question.data == {"answer": True}


def test_the_loader_and_the_admin_refuse_a_scenario_the_engine_contradicts(content, admin_client):
    path = content / "scenarios/iam.yaml"
    path.write_text(path.read_text().replace("expect: Allow", "expect: ExplicitDeny"))
    words = "the case expects ExplicitDeny but the engine decides Allow"
    with pytest.raises(CurriculumError, match=words):
        read_curriculum(content)
    good = make_scenario()
    case = dict(good.case, expect="ExplicitDeny")
    response = admin_client.post(
        reverse("admin:lessons_scenario_change", args=[good.pk]),
        {
            "slug": good.slug,
            "title": good.title,
            "situation": good.situation,
            "case": json.dumps(case),
            "order": 0,
            "source": "authored",
        },
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    good.refresh_from_db()
    assert good.case["expect"] == "Allow"


# --- a broken row already in the database ---------------------------------------------------


@pytest.fixture
def broken_quiz():
    no_ids = make_question(
        "single",
        slug="no-ids",
        data={"choices": [{"text": "A", "correct": True}, {"text": "B", "correct": False}]},
    )
    no_scenario = make_question("policy_decision", slug="no-scenario", scenario=None)
    good = make_question("true_false", slug="fine")
    # Saved around the checks (as rows from before them were): objects.create skips clean().
    Question.objects.filter(pk=no_scenario.pk).update(scenario=None)
    return make_quiz(no_ids, no_scenario, good, title="Partly broken")


def test_a_learner_takes_a_quiz_with_broken_questions_without_them(client, broken_quiz, caplog):
    with caplog.at_level(logging.WARNING, logger="quizzes.models"):
        response = client.post(reverse("quizzes:start", args=[broken_quiz.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert attempt.question_ids == [Question.objects.get(slug="fine").pk]
    assert "no-ids is broken and skipped" in caplog.text
    assert "no-scenario is broken and skipped" in caplog.text
    page = client.get(attempt.get_absolute_url())
    assert page.status_code == 200
    assert "Question 1 of 1" in page.content.decode()


def test_the_quiz_page_and_the_list_count_only_the_questions_an_attempt_gets(client, broken_quiz):
    """Two of the three are broken: the pages said "Questions 3" and "3 questions" where
    Start gives one."""
    page = client.get(broken_quiz.get_absolute_url()).content.decode()
    assert "<dt>Questions</dt><dd>1</dd>" in page
    listing = client.get(reverse("quizzes:list")).content.decode()
    assert "1 question&nbsp;·&nbsp;pass mark" in listing and "3 questions" not in listing


def test_a_question_broken_after_the_start_is_skipped_not_a_500(client, broken_quiz):
    good = Question.objects.get(slug="fine")
    client.post(reverse("quizzes:start", args=[broken_quiz.slug]))
    attempt = Attempt.objects.get()
    Question.objects.filter(pk=good.pk).update(data={"answer": "maybe"})
    assert client.get(attempt.get_absolute_url()).status_code == 404
    response = client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 0.0
    assert client.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200


def test_usability_is_checked_once_per_content_and_again_after_any_change(monkeypatch, caplog):
    """Question.is_usable keeps its answer by the question's type, data and (for a policy
    question) its scenario's case: asked again it runs no check, and any change to what the
    check reads, saved by any path, is checked afresh; a broken question is logged each time."""
    single = make_question("single")
    question = make_question("policy_decision")
    kind = question.kind
    real = type(kind).problems
    ran = []
    monkeypatch.setattr(
        type(kind), "problems", lambda self, q, **kw: ran.append(q.pk) or real(self, q, **kw)
    )
    # the same content, read again as another page would
    assert Question.objects.get(pk=question.pk).is_usable() and question.is_usable()
    assert single.is_usable() and ran == [question.pk]
    case = question.scenario.case
    Scenario.objects.filter(pk=question.scenario_id).update(case={**case, "expect": "Maybe"})
    changed = Question.objects.select_related("scenario").get(pk=question.pk)
    with caplog.at_level(logging.WARNING, logger="quizzes.models"):
        assert not changed.is_usable() and not changed.is_usable()
    assert ran == [question.pk] * 2 and caplog.text.count("is broken and skipped") == 2
    Scenario.objects.filter(pk=question.scenario_id).update(case=case)
    assert Question.objects.select_related("scenario").get(pk=question.pk).is_usable()
    Question.objects.filter(pk=single.pk).update(data={"choices": []})
    assert not Question.objects.get(pk=single.pk).is_usable()


def test_a_quiz_of_only_broken_questions_says_so(client, broken_quiz):
    Question.objects.filter(slug="fine").update(data={})
    response = client.post(reverse("quizzes:start", args=[broken_quiz.slug]), follow=True)
    assert response.status_code == 200
    assert "no questions to ask at the moment" in response.content.decode()


def test_staff_see_the_broken_questions_on_the_quiz_page_and_in_the_admin(
    admin_client, broken_quiz
):
    from django.test import Client

    learner_view = Client().get(broken_quiz.get_absolute_url()).content.decode()
    assert "no-ids" not in learner_view
    body = admin_client.get(broken_quiz.get_absolute_url()).content.decode()
    assert "2 questions in this quiz are broken" in body
    assert "no-ids</a>: choice #1 has no id" in body
    assert "no-scenario</a>: a policy question needs a scenario" in body
    listing = admin_client.get(reverse("admin:quizzes_question_changelist") + "?broken=yes")
    text = listing.content.decode()
    assert "no-ids" in text and "no-scenario" in text and ">fine<" not in text


def test_a_broken_question_in_the_review_queue_is_left_out(learner_client, learner):
    question = make_question("single", data={"choices": []})
    ReviewCard.objects.create(user=learner, question=question, card={}, due="2020-01-01T00:00:00Z")
    response = learner_client.get(reverse("quizzes:review"))
    assert response.status_code == 200
    assert "Nothing is due now" in response.content.decode()
    answer = learner_client.post(reverse("quizzes:review-answer", args=[question.pk]), {})
    assert answer["Location"] == reverse("quizzes:review")  # saying it is being repaired
    assert "being repaired" in learner_client.get(answer["Location"]).content.decode()


def test_a_scenario_row_reports_its_problem(db):
    scenario = make_scenario()
    assert scenario.problem() is None
    Scenario.objects.filter(pk=scenario.pk).update(case={"expect": "Allow"})
    scenario.refresh_from_db()
    assert "invalid case" in scenario.problem()


def test_the_admin_refuses_quiz_settings_the_loader_refuses(admin_client):
    response = admin_client.post(
        reverse("admin:quizzes_quiz_add"),
        {
            "title": "Review",
            "slug": "review",
            "pass_mark": 150,
            "attempts_allowed": 0,
            "feedback": "immediate",
            "draw_category": "",
            "draw_count": 0,
            "order": 0,
            "published": "on",
            "source": "authored",
            "entries-TOTAL_FORMS": 0,
            "entries-INITIAL_FORMS": 0,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is taken by a page (/quizzes/review/)" in body
    assert "is a percent (0-100), not 150" in body


@pytest.mark.parametrize("value", list(kinds.KINDS))
def test_every_kind_is_drawn_checked_and_shown_in_the_result(client, value):
    question = make_question(value)
    quiz = make_quiz(question)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    page = client.get(attempt.get_absolute_url()).content.decode()
    for name in _right_post(question):
        assert f'name="{name}"' in page
    checked = client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {**_right_post(question), "action": "check"},
        follow=True,
    ).content.decode()
    assert "Right." in checked
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "100%" in result and "badge-right" in result


def test_a_stored_display_layout_orders_the_choices_and_new_ones_follow():
    question = make_question("single")
    ids = [c["id"] for c in question.choices()]
    question.data["layout"] = [ids[2], "gone", ids[0]]
    assert question.layout_ids() == [ids[2], ids[0], ids[1]]
    assert question.problems() == []
