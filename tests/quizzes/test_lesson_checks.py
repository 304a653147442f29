"""Knowledge checks inside lessons (issue 13): predict a scenario first, answer a `::: check`
question in place; with and without htmx; recorded for signed-in learners only."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons import knowledge_checks
from lessons.models import KnowledgeCheck, Scenario
from quizzes.explain import case_statements
from quizzes.lesson_checks import predict
from tests.conftest import give_mfa, make_lesson, make_module, make_scenario, sign_in
from tests.quizzes.builders import make_question, make_quiz

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def lesson():
    return make_lesson(make_module(slug="iam"), slug="policies", body="## Policies\n\nWords.\n")


@pytest.fixture
def scenario(lesson):
    return make_scenario(
        lesson, slug="alice-reads", explanation="Allowed. Her identity policy allows it."
    )


@pytest.fixture
def question(lesson):
    """A single-choice question placed in the lesson with `::: check`."""
    q = make_question(slug="root-mfa", lesson=lesson, prompt="What protects the root user?")
    lesson.body += "\n::: check root-mfa\n:::\n"
    lesson.save()
    return q


def predict_url(scenario, lesson) -> str:
    return f"/learn/{lesson.module.slug}/{lesson.slug}/predict/{scenario.slug}/"


def check_url(question, lesson) -> str:
    return f"/learn/{lesson.module.slug}/{lesson.slug}/check/{question.slug}/"


def choice_id(question, *, correct: bool) -> str:
    return next(c["id"] for c in question.data["choices"] if c["correct"] is correct)


# --- predict first ------------------------------------------------------------------------


def test_the_lesson_asks_for_a_prediction_and_hides_the_answer(client, lesson, scenario):
    body = client.get(lesson.get_absolute_url()).content.decode()
    card = body[body.index('id="scenario-alice-reads"') :]
    card = card[: card.index("</article>")]
    assert "Predict first: what does AWS decide?" in card
    assert f'action="{predict_url(scenario, lesson)}#predict-alice-reads"' in card
    assert "The right answer" not in card and "Her identity policy allows it" not in card


@pytest.mark.usefixtures("template_context")
def test_a_scenario_on_the_page_keeps_djangos_model_check(client, lesson, scenario):
    """The prediction rides on its own attribute: one named `check` would hide Model.check."""
    response = client.get(lesson.get_absolute_url())
    [shown] = response.context["scenarios"]
    assert shown.prediction_check is not None
    assert "check" not in vars(shown) and shown.check() == []


def test_a_prediction_without_javascript_redraws_the_lesson_with_the_answer(
    learner_client, learner, lesson, scenario
):
    response = learner_client.post(predict_url(scenario, lesson), {"decision": "Allow"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and lesson.title in body  # the whole lesson, answer in place
    block = body[body.index('id="predict-alice-reads"') :]
    assert "Your prediction was right" in block
    assert "Her identity policy allows it" in block  # the explanation, revealed now
    row = KnowledgeCheck.objects.get(user=learner)
    assert (row.kind, row.ref, row.correct, row.lesson) == (
        "prediction",
        "alice-reads",
        True,
        lesson,
    )


def test_a_prediction_with_htmx_swaps_only_its_block(learner_client, lesson, scenario):
    response = learner_client.post(
        predict_url(scenario, lesson), {"decision": "ExplicitDeny"}, headers=HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="predict" id="predict-alice-reads">')
    assert "<html" not in body
    assert "Your prediction was not right" in body
    assert (
        "<h5>The right answer</h5>\n      <p><strong>Allowed</strong></p>" in body
    )  # the engine's
    # focus on the verdict, said in a few words in the page's status region; the block swapped
    # in is no live region of its own (it was read whole, or not at all)
    assert "autofocus" in body and "aria-live" not in body
    assert '<p id="live-status" hx-swap-oob="innerHTML">Your prediction was not right.</p>' in body
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_engine_decides_the_key_not_the_files_expect(scenario):
    """A prediction is graded by evaluating the case: change the policy and the key follows,
    whatever `expect` says (the loader separately refuses a disagreeing `expect`)."""
    case = {**scenario.case, "identity_policies": []}  # nothing allows it now
    changed = Scenario(slug="x", title="x", situation="x", case=case)
    assert case["expect"] == "Allow"
    *_, implicit = predict(changed, {"decision": "ImplicitDeny"})
    *_, allow = predict(changed, {"decision": "Allow"})
    assert implicit.correct and not allow.correct
    assert implicit.feedback["key"] == "ImplicitDeny"


def test_naming_the_deciding_statement_is_optional_and_graded(scenario):
    deciding = case_statements(scenario.case)[0][0]
    *_, both = predict(scenario, {"decision": "Allow", "statement": deciding})
    *_, wrong_statement = predict(scenario, {"decision": "Allow", "statement": "none"})
    *_, decision_only = predict(scenario, {"decision": "Allow"})
    assert both.correct and decision_only.correct
    assert wrong_statement.score == 0.5 and not wrong_statement.correct


def test_a_prediction_without_a_decision_asks_again_and_keeps_nothing(
    learner_client, lesson, scenario
):
    body = learner_client.post(predict_url(scenario, lesson), {}, headers=HTMX).content.decode()
    assert "Choose what AWS decides." in body
    assert "The right answer" not in body
    assert not KnowledgeCheck.objects.exists()
    # the refusal is said in the page's status region, and the button keeps the focus
    assert '<p id="live-status" hx-swap-oob="innerHTML">Not checked: Choose what AWS decides.' in (
        body
    )
    assert '<button type="submit" class="button" autofocus>Check my prediction</button>' in body


def test_the_first_prediction_is_the_one_that_counts(learner_client, learner, lesson, scenario):
    learner_client.post(predict_url(scenario, lesson), {"decision": "ImplicitDeny"})
    learner_client.post(predict_url(scenario, lesson), {"decision": "Allow"})
    row = KnowledgeCheck.objects.get(user=learner)
    assert (row.correct, row.tries, row.response["decision"]) == (False, 2, "ImplicitDeny")
    # Coming back, the learner sees their prediction and the answer, not a fresh form.
    body = learner_client.get(lesson.get_absolute_url()).content.decode()
    assert "Your prediction was not right" in body
    assert "Predict first: what does AWS decide?" not in body


def test_each_answered_predictions_flow_diagram_is_named_by_its_own_words(learner_client, lesson):
    """A lesson showing AWS's evaluation flow, and two predictions answered, each with its
    "How the engine decided" drawing: every drawing is named by its own title and description
    (the step that decided its request), not by the first figure's in the page, as they were
    when the three copies shared one set of ids."""
    lesson.body += "\n::: diagram policy-flow\n:::\n"
    lesson.save()
    allowed = make_scenario(lesson, slug="alice-reads")
    deny = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}
    case = allowed.case | {
        "identity_policies": [{"Version": "2012-10-17", "Statement": [deny]}],
        "expect": "ExplicitDeny",
    }
    denied = make_scenario(lesson, slug="alice-denied", case=case)
    for scenario in (allowed, denied):
        learner_client.post(predict_url(scenario, lesson), {"decision": "Allow"})
    page = BeautifulSoup(learner_client.get(lesson.get_absolute_url()).content, "html.parser")
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))
    said = {}
    for slug in ("alice-reads", "alice-denied"):
        drawings = page.select(f"#predict-{slug} svg[role=img]")
        assert len(drawings) == 2  # wide and narrow
        for svg in drawings:
            title_id, desc_id = svg["aria-labelledby"].split()
            assert svg.select_one(f"title#{title_id}") and svg.select_one(f"desc#{desc_id}")
        said[slug] = drawings[0].desc.get_text()
    assert "Highlighted:" in said["alice-denied"] and said["alice-reads"] != said["alice-denied"]
    # The lesson's own figure keeps its address.
    assert page.select_one(".prose > figure#diagram-policy-flow") is not None


def test_an_anonymous_prediction_gets_feedback_but_is_not_kept(client, lesson, scenario):
    body = client.post(predict_url(scenario, lesson), {"decision": "Allow"}).content.decode()
    assert "Your prediction was right" in body
    # A newcomer has no account to sign in to: the note offers both, and brings them back.
    assert "Not kept: create an account or sign in to have your predictions counted." in (
        " ".join(re.sub(r"<[^>]+>", "", body).split())
    )
    assert f'href="/accounts/signup/?next={lesson.get_absolute_url()}"' in body
    assert not KnowledgeCheck.objects.exists()
    assert "knowledge" not in "".join(client.session.keys())
    # Not kept anywhere: the next visit asks again.
    assert "Predict first" in client.get(lesson.get_absolute_url()).content.decode()


def test_only_a_scenario_of_the_lesson_can_be_predicted_there(client, lesson):
    other = make_scenario(make_lesson(), slug="elsewhere")
    assert client.post(predict_url(other, lesson), {"decision": "Allow"}).status_code == 404
    assert client.get(predict_url(other, lesson))["Location"].startswith(lesson.get_absolute_url())


def test_signing_in_after_answering_without_javascript_comes_back_to_the_lesson(
    client, learner, lesson, scenario, question
):
    """Without JavaScript an answer draws the lesson at the answer's own address (the form's
    POST), so the header's "Sign in" brought the learner back there with a GET, which was
    refused (405, an empty body: the browser's blank error page), and so was pressing Enter in
    the address bar. A GET of a prediction's or a check's address now opens the lesson at it."""
    answers = (
        (predict_url(scenario, lesson), "#predict-alice-reads", {"decision": "Allow"}),
        (
            check_url(question, lesson),
            "#check-root-mfa",
            {"choice": choice_id(question, correct=True)},
        ),
    )
    for url, anchor, data in answers:
        client.logout()
        body = client.post(url, data).content.decode()
        header = BeautifulSoup(body, "html.parser").select_one("header")
        back = unquote(header.select_one("a[href^='/accounts/login/']")["href"].split("next=")[1])
        assert back == url
        sign_in(client, learner)
        response = client.get(back)
        assert response.status_code == 302
        assert response["Location"] == lesson.get_absolute_url() + anchor


def test_a_draft_lessons_answer_addresses_open_nothing_for_learners(learner_client, scenario):
    draft = make_lesson(make_module(), published=False)
    scenario.lessons.add(draft)
    assert learner_client.get(predict_url(scenario, draft)).status_code == 404


def test_a_draft_lessons_scenarios_cannot_be_predicted_by_learners(learner_client, scenario):
    draft = make_lesson(make_module(), published=False)
    scenario.lessons.add(draft)
    response = learner_client.post(predict_url(scenario, draft), {"decision": "Allow"})
    assert response.status_code == 404


# --- checks inside a lesson ---------------------------------------------------------------


def test_a_check_is_drawn_where_the_lesson_places_it(client, lesson, question):
    body = client.get(lesson.get_absolute_url()).content.decode()
    prose = body[body.index('<div class="prose">') :]
    assert prose.index('id="check-root-mfa"') < prose.index("</article>")
    assert "What protects the root user?" in body
    assert f'action="{check_url(question, lesson)}#check-root-mfa"' in body
    assert "Because of reason" not in body  # the explanation waits for an answer


def test_answering_a_check_without_javascript_shows_feedback_in_place(
    learner_client, learner, lesson, question
):
    right = choice_id(question, correct=True)
    response = learner_client.post(check_url(question, lesson), {"choice": right})
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    block = body[body.index('id="check-root-mfa"') :]
    assert "Right." in block and question.explanation in block
    row = KnowledgeCheck.objects.get(user=learner)
    assert (row.kind, row.ref, row.correct, row.score) == ("question", "root-mfa", True, 1.0)


def test_answering_a_check_with_htmx_swaps_only_the_check(learner_client, lesson, question):
    wrong = choice_id(question, correct=False)
    response = learner_client.post(check_url(question, lesson), {"choice": wrong}, headers=HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card knowledge-check" id="check-root-mfa"')
    assert "<html" not in body and "Not right." in body


def test_a_check_leads_on_to_the_module_quiz(client, lesson, question):
    quiz = make_quiz(question, module=lesson.module, title="IAM quiz")
    body = client.get(lesson.get_absolute_url()).content.decode()
    block = body[body.index('id="check-root-mfa"') :]
    block = block[: block.index("</section>")]
    assert f'More questions like this: <a href="{quiz.get_absolute_url()}">IAM quiz</a>' in block
    answered = client.post(
        check_url(question, lesson), {"choice": choice_id(question, correct=True)}, headers=HTMX
    ).content.decode()
    assert quiz.get_absolute_url() in answered


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-javascript"])
def test_an_anonymous_answer_offers_an_account_that_brings_the_learner_back(
    client, lesson, question, headers
):
    """ "Sign in to have your answers counted." told a newcomer, who has no account yet, to sign
    in, with no link at all. Both ways are offered now, each back to the lesson; without
    JavaScript too (the whole lesson drawn again), where both links led home ("?next=")."""
    page = client.post(
        check_url(question, lesson), {"choice": choice_id(question, correct=True)}, headers=headers
    ).content.decode()
    answered = page[page.index('id="check-root-mfa"') :]
    answered = answered[: answered.index("</section>")]  # the check, not the page's other links
    text = " ".join(re.sub(r"<[^>]+>", "", answered).split())
    assert "Not kept: create an account or sign in to have your answers counted." in text
    back = lesson.get_absolute_url()
    assert f'href="/accounts/signup/?next={back}"' in answered
    assert f'href="/accounts/login/?next={back}"' in answered


def test_an_empty_answer_is_asked_again(learner_client, lesson, question):
    body = learner_client.post(check_url(question, lesson), {}, headers=HTMX).content.decode()
    assert 'class="field-error"' in body and "Right." not in body
    assert not KnowledgeCheck.objects.exists()
    # the swap lost the focus and said nothing: now the status region says why
    assert '<p id="live-status" hx-swap-oob="innerHTML">Not checked: ' in body
    assert '<button type="submit" class="button" autofocus>Check answer</button>' in body


def test_only_a_question_the_lesson_places_can_be_answered_there(client, lesson, question):
    """No way to grade any question of the bank through a lesson."""
    stranger = make_question(slug="not-here")
    assert client.post(check_url(stranger, lesson), {"choice": "x"}).status_code == 404
    question.archived = True
    question.save()
    assert client.post(check_url(question, lesson), {"choice": "x"}).status_code == 404


def test_over_the_answer_limit_the_check_says_so_in_place(
    learner_client, lesson, question, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60"}
    right = choice_id(question, correct=True)
    learner_client.post(check_url(question, lesson), {"choice": right}, headers=HTMX)
    response = learner_client.post(check_url(question, lesson), {"choice": right}, headers=HTMX)
    assert response.status_code == 429 and response["Retry-After"]
    block = BeautifulSoup(response.content, "html.parser").find(id="check-root-mfa-status")
    assert block.get_text().startswith("Too many answers in a short time: nothing was checked.")
    # without JavaScript: the page that says when to try again
    assert learner_client.post(check_url(question, lesson), {"choice": right}).status_code == 429


def test_a_lesson_page_costs_the_same_queries_however_many_checks_are_answered(
    learner_client, learner, lesson, scenario, question
):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert learner_client.get(lesson.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first view renders the lesson's Markdown once and keeps it (two queries)
    before = count()
    learner_client.post(predict_url(scenario, lesson), {"decision": "Allow"})
    learner_client.post(check_url(question, lesson), {"choice": choice_id(question, correct=True)})
    for n in range(3):
        make_scenario(lesson, slug=f"more-{n}")
    assert count() == before


# --- the module quiz ----------------------------------------------------------------------


def test_the_module_page_and_its_last_lesson_lead_to_the_module_quiz(client, lesson):
    first = make_lesson(lesson.module, slug="aaa-first", order=0)
    later_module = make_module(slug="zz-next", order=lesson.module.order + 1)
    after = make_lesson(later_module, slug="after", title="After the quiz")
    quiz = make_quiz(make_question(lesson=lesson), module=lesson.module, title="IAM quiz")
    make_quiz(make_question(lesson=lesson), module=lesson.module, published=False, title="Draft")

    module_page = client.get(lesson.module.get_absolute_url()).content.decode()
    assert f'href="{quiz.get_absolute_url()}">IAM quiz</a>' in module_page
    assert "Draft" not in module_page

    last = client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{quiz.get_absolute_url()}" rel="next"' in last  # Next offers the quiz
    assert f'href="{after.get_absolute_url()}">After the quiz</a>' in last  # then the module

    middle = client.get(first.get_absolute_url()).content.decode()
    assert f'href="{lesson.get_absolute_url()}" rel="next"' in middle
    assert quiz.get_absolute_url() not in middle


def test_a_draft_module_quiz_is_offered_to_staff_only(client, staff, lesson):
    draft = make_quiz(make_question(lesson=lesson), module=lesson.module, published=False)
    assert draft.get_absolute_url() not in client.get(lesson.get_absolute_url()).content.decode()
    client.force_login(staff)
    # Staff preview drafts once they have two-factor sign-in: a staff password alone reads none.
    assert draft.get_absolute_url() not in client.get(lesson.get_absolute_url()).content.decode()
    give_mfa(staff)
    assert draft.get_absolute_url() in client.get(lesson.get_absolute_url()).content.decode()


def test_the_module_quiz_offered_is_one_that_can_be_started(client, lesson):
    """A module's first quiz with nothing to ask (no questions, all archived, or a draw from an
    empty bank) cannot be started; the module page's box and its last lesson's Next named it
    all the same. They name the next one that can be, or none, as course progress counts it."""
    from quizzes.lesson_checks import module_quizzes

    archived = make_question(lesson=lesson, archived=True)
    make_quiz(module=lesson.module, order=1, title="No questions")
    make_quiz(archived, module=lesson.module, order=2, title="All archived")
    make_quiz(module=lesson.module, order=3, draw_category="empty-bank", draw_count=2)
    quiz = make_quiz(make_question(lesson=lesson), module=lesson.module, order=4, title="IAM quiz")
    module_page = client.get(lesson.module.get_absolute_url()).content.decode()
    assert f'test yourself: <a href="{quiz.get_absolute_url()}">IAM quiz</a>' in module_page
    last = client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{quiz.get_absolute_url()}" rel="next"' in last

    bare = make_module(slug="bare", order=lesson.module.order + 1)
    only = make_lesson(bare, slug="only")
    make_quiz(module=bare, title="Nothing to ask")
    assert "Module quiz" not in client.get(bare.get_absolute_url()).content.decode()
    assert "the module quiz" not in client.get(only.get_absolute_url()).content.decode()
    # Several modules at once (prepared SQL), and the plain query beside a module-less id.
    for ids in ([lesson.module.pk, bare.pk], [lesson.module.pk, bare.pk, None]):
        links = module_quizzes(user=AnonymousUser(), module_ids=ids)
        assert {m: link.title for m, link in links.items()} == {lesson.module.pk: "IAM quiz"}


def test_the_last_lesson_with_a_question_check_reads_the_module_quiz_once(client, question):
    # The check's "way on" and the page's Next both name the module's quiz: one query for it.
    lesson = question.lesson
    quiz = make_quiz(make_question(lesson=lesson), module=lesson.module, title="IAM quiz")
    client.get(lesson.get_absolute_url())  # renders and keeps the Markdown once
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="{quiz.get_absolute_url()}" rel="next"' in page
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "quizzes_quiz"' in q["sql"]]
    assert len(reads) == 1, reads


# --- what a progress page counts ----------------------------------------------------------


def test_knowledge_check_results_per_lesson_and_module(learner, other_learner, lesson, scenario):
    other_lesson = make_lesson(lesson.module)
    for ref, correct, where in [
        ("a", True, lesson),
        ("b", False, lesson),
        ("c", True, other_lesson),
    ]:
        knowledge_checks.record(
            user=learner,
            lesson=where,
            kind="question",
            ref=ref,
            response={},
            score=1.0 * correct,
            correct=correct,
        )
    knowledge_checks.record(
        user=other_learner,
        lesson=lesson,
        kind="question",
        ref="a",
        response={},
        score=1,
        correct=True,
    )
    by_lesson = knowledge_checks.tally_by_lesson(learner)
    assert by_lesson == {
        lesson.pk: knowledge_checks.Tally(answered=2, right=1),
        other_lesson.pk: knowledge_checks.Tally(answered=1, right=1),
    }
    assert knowledge_checks.tally_by_module(learner) == {
        lesson.module_id: knowledge_checks.Tally(answered=3, right=2)
    }
    assert [r.ref for r in knowledge_checks.results(learner, lesson_ids=[other_lesson.pk])] == ["c"]


def test_checks_per_module_are_counted_by_module_with_retries_counted_once(
    learner, other_learner, lesson
):
    # The home page's per-module count: each check once however often it was retried, right
    # by its first answer, the other learner's and other modules' answers kept apart.
    elsewhere = make_lesson(make_module(slug="kms"))
    for who, where, ref, correct in [
        (learner, lesson, "a", False),
        (learner, lesson, "a", True),  # a retry: another try of "a", still wrong first time
        (learner, lesson, "b", True),
        (learner, elsewhere, "c", True),
        (learner, elsewhere, "d", False),
        (learner, elsewhere, "e", True),
        (other_learner, lesson, "f", True),
    ]:
        knowledge_checks.record(
            user=who,
            lesson=where,
            kind="question",
            ref=ref,
            response={},
            score=1.0,
            correct=correct,
        )
    with CaptureQueriesContext(connection) as queries:
        tally = knowledge_checks.tally_by_module(learner)
    assert tally == {
        lesson.module_id: knowledge_checks.Tally(answered=2, right=1),
        elsewhere.module_id: knowledge_checks.Tally(answered=3, right=2),
    }
    assert len(queries) == 1
    assert knowledge_checks.tally_by_module(AnonymousUser()) == {}


def test_what_each_lesson_offers_counts_scenarios_and_checks(lesson, scenario, question):
    empty = make_lesson(lesson.module)
    assert knowledge_checks.offered_by_lesson([lesson.pk, empty.pk]) == {lesson.pk: 2, empty.pk: 0}


def test_answered_in_gives_this_learners_answers_in_this_lesson_as_recorded(
    learner, other_learner, lesson
):
    # The lesson page's recorded answers (their query compiled once: `_ANSWERED`): the same
    # rows, with their JSON, booleans and times, that the ORM would give.
    elsewhere = make_lesson(make_module(), slug="elsewhere")
    kept = {"decision": "Allow", "statement": 2}
    answers = [  # who, where, kind, ref, response, right
        (learner, lesson, "prediction", "s1", kept, True),
        (learner, lesson, "question", "q1", {"choice": 3}, False),
        (learner, elsewhere, "question", "q1", {}, True),
        (other_learner, lesson, "question", "q2", {}, True),
    ]
    for user, where, kind, ref, response, right in answers:
        knowledge_checks.record(
            user=user,
            lesson=where,
            kind=kind,
            ref=ref,
            response=response,
            score=float(right),
            correct=right,
        )
    found = knowledge_checks.answered_in(learner, lesson)
    assert set(found) == {("prediction", "s1"), ("question", "q1")}
    expected = {
        (r.kind, r.ref): r for r in KnowledgeCheck.objects.filter(user=learner, lesson=lesson)
    }
    fields = ("pk", "response", "correct", "score", "tries", "answered_at")
    for key, row in found.items():
        assert [getattr(row, f) for f in fields] == [getattr(expected[key], f) for f in fields]
    assert found[("prediction", "s1")].response == kept
    assert found[("question", "q1")].correct is False


# --- what a check says in the page's status region ------------------------------------------


def test_a_lesson_pages_checks_are_no_live_regions_of_their_own(client, lesson, scenario, question):
    """The page's one status region says a check's verdict; the checks' feedback and status
    lines are swapped with them, so as live regions they were read whole or not at all."""
    from tests.test_live_status import region_of

    soup = region_of(client.get(lesson.get_absolute_url()))
    for block in ("predict-alice-reads", "check-root-mfa"):
        part = soup.find(id=block)
        assert not part.has_attr("aria-live") and not part.select("[aria-live]"), block


def test_a_checks_verdict_is_said_and_replaces_an_earlier_refusal(
    learner_client, lesson, scenario, question
):
    from tests.test_live_status import said_within

    refused = learner_client.post(check_url(question, lesson), {}, headers=HTMX)
    assert said_within(refused) == "Not checked: Choose one answer."
    right = choice_id(question, correct=True)
    answered = learner_client.post(check_url(question, lesson), {"choice": right}, headers=HTMX)
    assert said_within(answered) == "Right."
    predicted = learner_client.post(
        predict_url(scenario, lesson), {"decision": "ImplicitDeny"}, headers=HTMX
    )
    assert said_within(predicted) == "Your prediction was not right."


def refused_after_an_empty_send(client, url: str, chosen: dict, settings):
    """An empty send ("Choose one answer."), then `chosen` sent over the answer limit."""
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60"}
    assert b'class="field-error"' in client.post(url, {}, headers=HTMX).content
    response = client.post(url, chosen, headers=HTMX)
    assert response.status_code == 429 and response["Retry-After"]
    return response


def test_a_check_refused_over_the_rate_limit_is_said_alone(
    learner_client, lesson, question, settings
):
    """The check comes back as it was sent, the refusal in its status line and said once in
    the page's status region: the choice stays, and the earlier "Choose one answer." (which
    stayed beside the refusal) is gone, as is the earlier verdict from the status region."""
    from tests.test_live_status import said_within

    wrong = choice_id(question, correct=False)
    url = check_url(question, lesson)
    response = refused_after_an_empty_send(learner_client, url, {"choice": wrong}, settings)
    said = said_within(response)
    assert said.startswith("Too many answers in a short time: nothing was checked. Try again in")
    soup = BeautifulSoup(response.content, "html.parser")
    soup.find(id="live-status").extract()
    block = soup.find(id="check-root-mfa")
    # the whole check is swapped, the block that held the old message with it
    assert "HX-Retarget" not in response and str(soup).lstrip().startswith("<section")
    assert block.find(id="check-root-mfa-status").get_text() == said
    assert "Choose one answer." not in block.get_text() and not block.select(".field-error")
    assert [r["value"] for r in block.select('input[name="choice"][checked]')] == [wrong]
    assert "Not right." not in block.get_text()  # nothing graded...
    assert not KnowledgeCheck.objects.exists()  # ...nor kept
    assert block.select_one('button[type="submit"]').has_attr("autofocus")  # the focus stays


def test_a_prediction_refused_over_the_rate_limit_keeps_the_choice_and_no_old_message(
    learner_client, lesson, scenario, settings
):
    from tests.test_live_status import said_within

    deciding = case_statements(scenario.case)[0][0]
    chosen = {"decision": "ImplicitDeny", "statement": deciding}
    url = predict_url(scenario, lesson)
    response = refused_after_an_empty_send(learner_client, url, chosen, settings)
    said = said_within(response)
    assert said.startswith("Too many answers in a short time: nothing was checked.")
    block = BeautifulSoup(response.content, "html.parser").find(id="predict-alice-reads")
    assert block.find(id="predict-alice-reads-status").get_text() == said
    assert "Choose what AWS decides." not in block.get_text()
    assert not block.select(".field-error")
    assert block.select_one('input[name="decision"][checked]')["value"] == "ImplicitDeny"
    assert block.select_one('select[name="statement"] option[selected]')["value"] == deciding
    assert "Your prediction was" not in block.get_text() and not KnowledgeCheck.objects.exists()
