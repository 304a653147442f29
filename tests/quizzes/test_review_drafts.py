"""The review page keeps an answer typed or chosen there and not checked yet, as the quiz page
keeps a draft: on the learner's card, filled in again on a reload, let go once checked
(quizzes/views.py `_review_autosave`, quizzes/review.py `draft_keep`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.models import ReviewCard
from quizzes.views import ANSWERED_SINCE, DRAFT_BACK, DRAFT_KEPT, MAX_KEPT_ANSWER
from tests.quizzes.builders import CHALLENGE, allow, choices, make_question, policy
from tests.test_live_status import said_within

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MINE = policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))
HALF = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'  # typing: not JSON yet


@pytest.fixture(autouse=True)
def _at_midday(midday):
    """ "Later today" needs room left in the day."""


def missed(user, kind: str = "least_privilege", **fields):
    question = make_question(kind, **fields)
    review.card_record(
        user=user, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    return question


def answer_url(question) -> str:
    return reverse("quizzes:review-answer", args=[question.pk])


def autosave(client, question, **fields):
    return client.post(answer_url(question), {"action": "autosave", **fields}, headers=HTMX)


def box(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("textarea", attrs={"name": "policy"}).get_text()


def status_line(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find(id="answer-status").get_text()


def test_a_policy_typed_and_not_checked_comes_back_on_a_reload(learner_client, learner):
    """The autosave keeps it on the card, checks and counts nothing, and says so in the status
    line and the status region; the page drawn again has it in the box, unchecked (no
    message about its JSON), saying it is filled in again."""
    question = missed(learner)
    fresh = learner_client.get(reverse("quizzes:review"))
    assert box(fresh) == CHALLENGE["start_policy"]
    assert 'hx-vals=\'{"action": "autosave"}\'' in fresh.content.decode()

    kept = autosave(learner_client, question, policy=HALF)
    assert kept.status_code == 200
    assert kept.content.decode().startswith(DRAFT_KEPT)
    assert said_within(kept) == DRAFT_KEPT
    assert "HX-Trigger" not in kept  # not valid yet: an earlier check's message still applies
    card = ReviewCard.objects.get()
    assert (card.reviews, card.draft["policy"]) == (1, [HALF])

    again = learner_client.get(reverse("quizzes:review"))
    assert box(again) == HALF
    assert status_line(again) == DRAFT_BACK
    assert "field-error" not in again.content.decode()
    # htmx's "Next question" draws it the same way
    assert box(learner_client.get(reverse("quizzes:review"), headers=HTMX)) == HALF
    # and at the question's own address
    assert box(learner_client.get(answer_url(question))) == HALF


def test_a_valid_answer_kept_takes_an_earlier_checks_messages_off(learner_client, learner):
    question = missed(learner)
    kept = autosave(learner_client, question, policy=MINE)
    assert json.loads(kept["HX-Trigger"]) == {"answer-valid": {}}
    assert ReviewCard.objects.get().reviews == 1  # kept, not checked


def test_checking_the_answer_lets_its_draft_go(learner_client, learner):
    question = missed(learner)
    autosave(learner_client, question, policy=HALF)
    learner_client.post(answer_url(question), {"policy": MINE}, headers=HTMX)
    card = ReviewCard.objects.get()
    assert (card.reviews, card.draft) == (2, None)


def test_an_autosave_that_read_the_card_before_another_tabs_check_keeps_nothing(
    learner_client, learner, monkeypatch
):
    """Two tabs: this one's autosave reads the card, then the other tab's check is recorded
    before the autosave writes. The draft it would keep is an answer to a question already
    checked, and filled in again when the question came back; it keeps nothing and says why."""
    question = missed(learner)
    read = review.answered_card

    def read_then_other_tab_checks(**kwargs):
        card = read(**kwargs)
        review.card_record(user=learner, question=question, correct=True, now=timezone.now())
        return card

    monkeypatch.setattr(review, "answered_card", read_then_other_tab_checks)
    saved = autosave(learner_client, question, policy=HALF)
    assert ReviewCard.objects.get().draft is None
    assert said_within(saved) == f"{ANSWERED_SINCE} What you type here is not kept."


def test_a_check_lets_go_of_a_draft_another_tab_kept_while_it_ran(learner_client, learner):
    """The check read the card without a draft; another tab's autosave kept one before the
    check was recorded. The checked question keeps no draft to fill in when it comes back."""
    question = missed(learner)
    record = review.card_record

    def other_tab_keeps_then_record(**kwargs):
        ReviewCard.objects.filter(question=question).update(draft={"policy": [HALF]})
        return record(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(review, "card_record", other_tab_keeps_then_record)
        learner_client.post(answer_url(question), {"policy": MINE}, headers=HTMX)
    card = ReviewCard.objects.get()
    assert (card.reviews, card.draft) == (2, None)


def test_without_javascript_an_answer_refused_by_its_check_is_kept(learner_client, learner):
    """The one post a page without JavaScript sends is the check: refused (its JSON does not
    parse), what was sent is kept, and the queue shows it again later."""
    question = missed(learner)
    refused = learner_client.post(answer_url(question), {"policy": HALF})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    assert box(learner_client.get(reverse("quizzes:review"))) == HALF
    assert ReviewCard.objects.get().reviews == 1


def test_the_choices_come_back_chosen_and_in_the_order_they_were_shown(learner_client, learner):
    data = {"choices": choices(("One", False), ("Two", True), ("Three", False), ("Four", False))}
    question = missed(learner, "single", data=data)
    one, two, three, four = (choice["id"] for choice in data["choices"])
    shown = [four, two, one, three]
    autosave(learner_client, question, choice=two, shown=shown)
    page = BeautifulSoup(learner_client.get(reverse("quizzes:review")).content, "html.parser")
    radios = page.select("input[type=radio][name=choice]")
    assert [r["value"] for r in radios] == shown
    assert [r["value"] for r in radios if r.has_attr("checked")] == [two]


def test_a_learner_keeps_one_draft_the_last_one(learner_client, learner):
    """Bounded by one form's fields, however many cards: keeping one lets go of the other."""
    first, second = missed(learner), missed(learner)
    autosave(learner_client, first, policy=HALF)
    autosave(learner_client, second, policy=MINE)
    drafts = dict(ReviewCard.objects.values_list("question_id", "draft"))
    assert drafts == {first.pk: None, second.pk: {"policy": [MINE]}}


def test_a_draft_is_bounded_and_kept_as_the_database_takes_it(learner_client, learner):
    """Cut at MAX_KEPT_ANSWER characters, as an answer kept when a session ends; a NUL (which
    PostgreSQL's jsonb refuses) kept as U+FFFD. Neither is a 500."""
    question = missed(learner)
    long = "a\x00b" + "x" * 19_000
    response = autosave(learner_client, question, policy=[long, long])
    assert response.status_code == 200
    draft = ReviewCard.objects.get().draft
    assert draft["policy"] == ["a\ufffdb" + "x" * 19_000]  # the second is past the bound
    assert sum(len(k) + sum(map(len, v)) for k, v in draft.items()) <= MAX_KEPT_ANSWER


@pytest.mark.parametrize("draft", [["policy"], {"policy": "not a list"}, "text", 3])
def test_a_draft_of_a_shape_no_form_sends_is_left_out(learner_client, learner, draft):
    """The admin can edit a card's draft: one no review form could have sent draws the
    question as it starts, not a 500."""
    missed(learner)
    ReviewCard.objects.update(draft=draft)
    page = learner_client.get(reverse("quizzes:review"))
    assert page.status_code == 200 and box(page) == CHALLENGE["start_policy"]


def test_another_learners_question_keeps_nothing(client, learner, other_learner):
    question = missed(learner)
    client.force_login(other_learner)
    response = autosave(client, question, policy=MINE)
    assert response.status_code == 200
    assert "not in your review queue" in response.content.decode()
    assert "not kept" in said_within(response)
    assert ReviewCard.objects.get().draft is None


def test_a_question_answered_in_another_tab_keeps_nothing_more(learner_client, learner):
    """Its due date moved on: what this older page types is not kept for when it comes back."""
    question = missed(learner)
    ReviewCard.objects.update(due=timezone.now() + timedelta(hours=1))
    response = autosave(learner_client, question, policy=MINE)
    assert "answered since" in response.content.decode()
    assert ReviewCard.objects.get().draft is None


def test_an_autosave_over_the_rate_limit_says_so_in_the_status_line(
    learner_client, learner, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60"}
    question = missed(learner)
    autosave(learner_client, question, policy=HALF)
    refused = autosave(learner_client, question, policy=MINE)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused["HX-Retarget"] == "#answer-status"
    assert "nothing was saved" in refused.content.decode()
    assert ReviewCard.objects.get().draft == {"policy": [HALF]}


def test_an_autosave_after_the_session_ended_says_so_where_the_learner_types(client, learner):
    """Not a move to the sign-in page while typing: the status line says the session ended,
    with the way to sign in; what was sent is kept for after (as a check's is)."""
    question = missed(learner)
    mark = review.answer_owner_mark(learner.pk)
    response = autosave(client, question, policy=HALF, owner=mark)
    assert response.status_code == 200 and "HX-Redirect" not in response
    link = BeautifulSoup(response.content, "html.parser").find("a")
    assert link["href"].startswith(reverse("login"))
    assert "Your session has ended" in response.content.decode()
    client.force_login(learner)
    assert box(client.get(answer_url(question))) == HALF


def test_the_download_of_my_data_holds_the_draft(learner, learner_client):
    from srm_trainer.accounts import export

    question = missed(learner)
    autosave(learner_client, question, policy=HALF)
    cards = export.export_data(learner)["review_cards"]
    assert [card["draft"] for card in cards] == [{"policy": [HALF]}]
