"""The result page at any length: the questions at a glance at its top, each linked to its card;
a "Missed only" switch that works as a plain link (`?show=missed`) and, with htmx, swaps the
questions alone and says what it shows; a right question's case folded, a missed one's open.
The shipped denial-of-service quiz's result was 61,000-71,000 px tall on a phone, its network
tables and policies shown in full beside every question's feedback."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from quizzes import attempts
from tests.conftest import page_queries
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response

pytestmark = pytest.mark.django_db


def _flow_response(question, *, right: bool) -> dict:
    key = question.kind.key(question)
    if right:
        return {"verdict": key["key"], "hop": key["hop"], "hop_label": key["hop_label"]}
    verdict = next(v for v in ("allowed", "reply_blocked") if v != key["key"])
    return {"verdict": verdict, "hop": "security_group:sg-none", "hop_label": "sg-none"}


@pytest.fixture
def result(client, learner):
    """A submitted attempt of six: 1 right and 2 not right (network flows), 3 right (single),
    4 not right (single), 5 partly right (multiple select: one of its two right choices),
    6 not answered. Returns the result's URL."""
    flow_right, flow_wrong = make_question("flow_decision"), make_question("flow_decision")
    single_right, single_wrong = make_question("single"), make_question("single")
    partly, skipped = make_question("multiple"), make_question("true_false")
    quiz = make_quiz(flow_right, flow_wrong, single_right, single_wrong, partly, skipped)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    first = partly.data["choices"][0]
    assert first["correct"]
    given = {
        flow_right: _flow_response(flow_right, right=True),
        flow_wrong: _flow_response(flow_wrong, right=False),
        single_right: right_response(single_right),
        single_wrong: wrong_response(single_wrong),
        partly: {"choices": [first["id"]], "texts": [first["text"]]},
    }
    for question, response in given.items():
        attempts.answer_save(attempt=attempt, question=question, response=response)
    attempts.attempt_submit(attempt=attempt)
    client.force_login(learner)
    return f"/quizzes/attempts/{attempt.pk}/result/"


def _soup(client, url, **headers) -> BeautifulSoup:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def _cards(soup) -> list[str]:
    return [li["id"] for li in soup.select("li.result-item")]


def _glance(soup) -> dict[str, list[tuple[str, str]]]:
    """Each group's heading words and its links: (text, href)."""
    return {
        group.h3.get_text(" ", strip=True): [
            (a.get_text(" ", strip=True), a["href"]) for a in group.select("a")
        ]
        for group in soup.select("nav.result-glance .glance-group")
    }


def test_every_question_by_default_each_linked_from_the_glance(client, result):
    soup = _soup(client, result)
    assert _cards(soup) == ["q-1", "q-2", "q-3", "q-4", "q-5", "q-6"]
    assert _glance(soup) == {
        "✗ Not right or not answered: 3": [
            ("Question 2", "#q-2"),
            ("Question 4", "#q-4"),
            ("Question 6", "#q-6"),
        ],
        "◐ Partly right: 1": [("Question 5", "#q-5")],
        "✓ Right: 2": [("Question 1", "#q-1"), ("Question 3", "#q-3")],
    }
    switch = soup.select_one(".result-filter")
    all_, missed = switch.select("a")
    assert (all_.get_text(), all_.get("aria-current")) == ("All (6)", "page")
    assert (missed.get_text(), missed.get("aria-current")) == ("Missed only (4)", None)
    assert missed["href"] == f"{result}?show=missed"  # a plain link: it works without script
    assert soup.title.get_text().startswith("Your result:")


def test_missed_only_shows_the_missed_under_their_own_numbers(client, result):
    soup = _soup(client, f"{result}?show=missed")
    assert _cards(soup) == ["q-2", "q-4", "q-5", "q-6"]
    # the list keeps each question's number: question 4 is drawn as 4, not as the second
    assert [li.get("value") for li in soup.select("li.result-item")] == ["2", "4", "5", "6"]
    assert soup.select_one("#q-4 h2").get_text(" ", strip=True).startswith("Question 4")
    glance = _glance(soup)
    # a right question, not on this page, is linked on the page of all of them
    assert glance["✓ Right: 2"] == [
        ("Question 1", f"{result}#q-1"),
        ("Question 3", f"{result}#q-3"),
    ]
    assert glance["◐ Partly right: 1"] == [("Question 5", "#q-5")]
    all_, missed = soup.select(".result-filter a")
    assert all_.get("aria-current") is None and missed.get("aria-current") == "page"
    assert all_["href"] == result
    assert soup.title.get_text().startswith("Missed questions: Your result:")


def test_anything_else_in_the_parameter_shows_every_question(client, result):
    assert len(_cards(_soup(client, f"{result}?show=wrongish"))) == 6


def test_the_switch_with_htmx_swaps_the_questions_and_says_what_it_shows(client, result):
    soup = _soup(client, f"{result}?show=missed", HTTP_HX_REQUEST="true")
    assert soup.find("html") is None and soup.select_one("header.page-header") is None
    assert soup.select_one("section#result-questions") is not None
    assert _cards(soup) == ["q-2", "q-4", "q-5", "q-6"]
    status = soup.select_one("#live-status")
    assert status["hx-swap-oob"] == "innerHTML"
    assert status.get_text() == "Showing the 4 questions you missed, of 6."
    assert soup.title.get_text().startswith("Missed questions:")
    back = _soup(client, f"{result}?show=all", HTTP_HX_REQUEST="true")
    assert back.select_one("#live-status").get_text() == "Showing all 6 questions."
    assert len(_cards(back)) == 6


def test_back_to_the_missed_only_page_gets_the_whole_page(client, result):
    """htmx restoring history (Back, with no page kept) replaces the whole body."""
    soup = _soup(
        client,
        f"{result}?show=missed",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert soup.select_one("header.page-header") is not None
    assert _cards(soup) == ["q-2", "q-4", "q-5", "q-6"]
    assert soup.select_one("main #live-status[hx-swap-oob]") is None


def test_a_right_questions_case_is_folded_and_a_missed_ones_open(client, result):
    soup = _soup(client, result)
    right, wrong = soup.select_one("#q-1"), soup.select_one("#q-2")
    for card, folded in ((right, True), (wrong, False)):
        case = card.select_one("details.case-fold")
        assert case.summary.get_text() == "The case: the connection and the network"
        assert case.select_one("table") is not None  # the network's tables, inside the fold
        assert case.has_attr("open") is not folded
        steps = card.select_one("details.engine-steps")
        assert steps.summary.get_text() == "How the engine traced it"
        assert steps.has_attr("open") is not folded
    # a question without a long case has nothing folded
    assert soup.select_one("#q-3 details") is None


def test_the_filter_costs_no_query_more(client, result):
    every, _ = page_queries(client, result, warm=True)
    missed, page = page_queries(client, f"{result}?show=missed", warm=True)
    assert len(re.findall(r'class="card result-item"', page)) == 4
    assert missed <= every


def test_nothing_missed_offers_no_switch_and_says_so_when_asked(client, learner):
    question = make_question("single")
    attempt = attempts.attempt_start(quiz=make_quiz(question), user=learner)
    attempts.answer_save(attempt=attempt, question=question, response=right_response(question))
    attempts.attempt_submit(attempt=attempt)
    client.force_login(learner)
    url = f"/quizzes/attempts/{attempt.pk}/result/"
    assert _soup(client, url).select_one(".result-filter") is None
    soup = _soup(client, f"{url}?show=missed")
    assert _cards(soup) == []
    assert "You missed none of the questions graded." in soup.get_text(" ", strip=True)
    assert soup.select_one(".result-filter a[aria-current]").get_text() == "Missed only (0)"
