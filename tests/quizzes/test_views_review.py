"""The review page and the home page's due count."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes import review
from quizzes.models import ReviewCard
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_midday(midday):
    """ "Later today" needs room left in the day."""


@pytest.fixture
def missed(learner):
    question = make_question("true_false", prompt="Is the root user limited by IAM?")
    review.card_record(
        user=learner, question=question, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    return question


def test_the_review_page_needs_a_signed_in_learner(client):
    response = client.get(reverse("quizzes:review"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_review_page_shows_what_is_due_without_the_key(learner_client, missed):
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "1 question due now" in body
    assert "Is the root user limited by IAM?" in body
    assert missed.explanation not in body


def test_the_due_count_is_plain_text_kept_outside_what_an_answer_swaps(learner_client, missed):
    """The count stays in the page, outside the review body, and a swap sends its words out of
    band so it stays true. It is no live region: as a status line ("26 questions due now. 1
    more later today...") it was read out after every answer, on top of the verdict."""
    page = learner_client.get(reverse("quizzes:review")).content.decode()
    assert page.count('id="due-count"') == 1
    assert page.index('id="due-count"') < page.index('<div id="review-body"')
    assert re.search(r'<p id="due-count" class="due-count">1 question due now', page)
    swapped = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]),
        {"answer": "true"},
        headers={"HX-Request": "true"},
    ).content.decode()
    line = re.search(r'<p id="due-count"[^>]*>', swapped)[0]
    assert line == '<p id="due-count" class="due-count" hx-swap-oob="innerHTML">'
    assert 'role="status"' not in swapped and "aria-live" not in swapped


def test_a_right_answer_reschedules_the_card_further_out(learner_client, learner, missed):
    before = ReviewCard.objects.get().due
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]),
        {"answer": "true"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="review-body"')
    assert "Right." in body and missed.explanation in body
    card = ReviewCard.objects.get()
    assert card.due > before and card.reviews == 2 and card.lapses == 1


def test_a_wrong_answer_brings_it_back_soon(learner_client, missed):
    learner_client.post(reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "false"})
    card = ReviewCard.objects.get()
    assert card.lapses == 2
    assert card.due <= timezone.now() + timedelta(minutes=10)


def test_bad_input_is_a_message(learner_client, missed):
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "perhaps"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ReviewCard.objects.get().reviews == 1


def test_an_empty_answer_is_said_in_the_status_region(learner_client, missed):
    """The swap focuses the question's heading; the refusal beside the controls was not read."""
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert '<p id="live-status" hx-swap-oob="innerHTML">Not checked: Choose true or false.' in body
    assert ReviewCard.objects.get().reviews == 1


def test_another_learners_card_is_not_found(client, other_learner, missed):
    """Sent to the queue, told the question is not in theirs (as for a question that does not
    exist), nothing checked."""
    client.force_login(other_learner)
    response = client.post(reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"})
    assert response["Location"] == reverse("quizzes:review")
    queue = client.get(reverse("quizzes:review")).content.decode()
    assert (
        "That question is not in your review queue. The answer you sent was not checked." in queue
    )
    assert missed.prompt not in queue
    assert ReviewCard.objects.get().reviews == 1


def test_a_card_not_due_is_checked_but_not_counted(learner_client, missed):
    """A page drawn before the card was answered in another tab: its due date moved on."""
    due = timezone.now() + timedelta(days=3)
    ReviewCard.objects.update(due=due)
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    )
    assert "checked but not counted" in response.content.decode()
    assert (ReviewCard.objects.get().reviews, ReviewCard.objects.get().due) == (1, due)


def test_the_review_page_takes_no_post(learner_client, missed):
    assert learner_client.post(reverse("quizzes:review")).status_code == 405


# --- the session ends while a review question is open ---------------------------------------


def _sign_in_again(client, response):
    """Sign in through the real form, at the address the refusal sent the learner to; returns
    where signing in sends them (its `next`)."""
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    sent = {"login": "ada", "password": "a-long-passphrase-1"}  # the `learner` fixture's
    signed_in = client.post(response["Location"], sent)
    assert signed_in.status_code == 302
    return signed_in["Location"]


def test_an_answer_sent_after_the_session_ended_is_filled_in_again_after_signing_in(
    client, learner, missed
):
    """The answer used to be lost: signing in led to the answer's POST-only address (a 405).
    Now the learner is back on the question with their answer chosen, not checked yet."""
    client.force_login(learner)
    page = client.get(reverse("quizzes:review")).content.decode()
    owner = re.search(r'name="owner" value="([^"]+)"', page)[1]  # whose page it is, signed
    client.logout()  # the session ends while the question is open
    url = reverse("quizzes:review-answer", args=[missed.pk])
    sent = client.post(url, {"answer": "false", "level": "foundational", "owner": owner})
    assert sent["Location"] == reverse("login") + "?" + urlencode({"next": url})
    back = _sign_in_again(client, sent)
    assert back == url
    page = client.get(back)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Is the root user limited by IAM?" in body
    assert "Your answer from before is filled in again; it is not checked yet." in body
    assert 'value="false" checked' in body and 'value="true" checked' not in body
    assert 'name="level" value="foundational"' in body  # the learner's filter is kept
    assert "field-error" not in body and "Right." not in body and "Not right" not in body
    assert ReviewCard.objects.get().reviews == 1  # filled in, not checked
    again = client.get(back).content.decode()  # kept for one showing only
    assert "filled in again" not in again and 'value="false" checked' not in again
    checked = client.post(url, {"answer": "false"}).content.decode()
    assert "Next review" in checked and ReviewCard.objects.get().reviews == 2


def test_with_htmx_an_ended_session_sends_the_whole_page_to_sign_in(client, learner, missed):
    """An htmx swap would have drawn the sign-in page inside the question: the browser is sent
    there instead (HX-Redirect), as the quiz page does, and the answer is kept the same way."""
    url = reverse("quizzes:review-answer", args=[missed.pk])
    owner = review.answer_owner_mark(learner.pk)
    sent = client.post(url, {"answer": "true", "owner": owner}, headers={"HX-Request": "true"})
    assert sent.status_code == 200
    assert sent["HX-Redirect"] == reverse("login") + "?" + urlencode({"next": url})
    client.force_login(learner)
    body = client.get(url).content.decode()
    assert 'value="true" checked' in body and "filled in again" in body
    sign_in = client.get(reverse("login")).content.decode()
    assert "Your session ended" not in sign_in  # said once, on the sign-in page it led to


@pytest.mark.parametrize("owner", ["ada's page", "no mark", "a forged mark"])
def test_an_answer_kept_in_a_shared_browser_is_filled_in_only_for_whose_page_it_was(
    client, learner, other_learner, missed, owner
):
    """The kept answer belongs to the browser until someone signs in: on a shared computer
    that may be another learner with the same question due. They get the question as it is,
    not the earlier learner's choice."""
    review.card_record(
        user=other_learner, question=missed, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    marks = {
        "ada's page": review.answer_owner_mark(learner.pk),
        "no mark": "",
        "a forged mark": review.answer_owner_mark(other_learner.pk)[:-2] + "xx",
    }
    url = reverse("quizzes:review-answer", args=[missed.pk])
    client.post(url, {"answer": "false", "owner": marks[owner]})
    client.force_login(other_learner)  # Grace signs in on the same browser
    body = client.get(url).content.decode()
    assert "Is the root user limited by IAM?" in body
    assert 'value="false" checked' not in body and "Your answer from before" not in body


def test_a_question_answered_since_sends_the_learner_to_the_queue_saying_why(
    client, learner, missed
):
    url = reverse("quizzes:review-answer", args=[missed.pk])
    sent = client.post(url, {"answer": "true", "owner": review.answer_owner_mark(learner.pk)})
    # Answered in another window meanwhile: due again later today, not now.
    ReviewCard.objects.update(due=timezone.now() + timedelta(minutes=30))
    back = _sign_in_again(client, sent)
    landed = client.get(back, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("quizzes:review")
    body = landed.content.decode()
    assert "That question was answered since: it comes back later today." in body
    assert "The answer you had sent was not checked." in body
    assert ReviewCard.objects.get().reviews == 1


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"due_in_days": 3}, "That question is not due for review now"),
        ({"repair": True}, "That question is being repaired"),
        ({"other": True}, "That question is not in your review queue."),
        ({"archive": True}, "That question has been taken out of use"),
    ],
)
def test_a_review_questions_address_opened_when_not_offered_goes_to_the_queue(
    client, learner, other_learner, missed, change, said
):
    """A GET of the answer's address never meets a 405: a question no longer offered sends the
    learner to the queue (filters kept) with why; another learner's card reads as no card."""
    if "due_in_days" in change:
        ReviewCard.objects.update(due=timezone.now() + timedelta(days=change["due_in_days"]))
    if "repair" in change:
        from quizzes.models import Question

        Question.objects.filter(pk=missed.pk).update(type="single", data={"choices": []})
    if "archive" in change:
        missed.archived = True
        missed.save()
    client.force_login(other_learner if "other" in change else learner)
    url = reverse("quizzes:review-answer", args=[missed.pk]) + "?level=advanced"
    landed = client.get(url)
    assert landed.status_code == 302
    assert landed["Location"] == reverse("quizzes:review") + "?level=advanced"
    assert said in client.get(landed["Location"]).content.decode()
    htmx = client.get(url, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("quizzes:review") + "?level=advanced"


def test_a_due_review_questions_address_draws_it(learner_client, missed):
    body = learner_client.get(reverse("quizzes:review-answer", args=[missed.pk])).content.decode()
    assert "Is the root user limited by IAM?" in body and "filled in again" not in body
    form_action = f'action="{reverse("quizzes:review-answer", args=[missed.pk])}"'
    assert form_action in body


def test_the_home_page_shows_the_due_count(learner_client, missed):
    body = learner_client.get("/").content.decode()
    assert "1 question due for review now" in body


def test_the_home_page_counts_several_due_questions_in_the_plural(learner_client, learner, missed):
    """The count is worked out lazily; the page still says "questions" for more than one."""
    review.card_record(
        user=learner,
        question=make_question("true_false", prompt="Second"),
        correct=False,
        now=timezone.now() - timedelta(hours=1),
    )
    body = learner_client.get("/").content.decode()
    assert "2 questions due for review now" in body


def test_a_retired_question_leaves_the_review_and_comes_back_when_put_back_in_use(
    learner_client, learner, missed
):
    """An archived question (retired by an instructor, or by a course update that dropped it,
    often because it was wrong) is not drilled again: the queue, its counts and the badge leave
    it out. Its card and schedule are kept, so it is due again once it is back in use."""
    kept = make_question("true_false", prompt="Still in use?")
    review.card_record(
        user=learner, question=kept, correct=False, now=timezone.now() - timedelta(hours=1)
    )
    missed.archived = True
    missed.save()
    page = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "1 question due now" in page
    assert "Still in use?" in page and missed.prompt not in page
    assert "1 question due for review now" in learner_client.get("/").content.decode()
    assert ": 1 due now</span>" in learner_client.get("/learn/srm/").content.decode()
    answered = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    )
    assert answered["Location"] == reverse("quizzes:review")  # saying why: test_changed_underfoot
    assert ReviewCard.objects.get(question=missed).reviews == 1

    missed.archived = False
    missed.save()
    assert "2 questions due for review now" in learner_client.get("/").content.decode()


def test_the_review_page_has_a_fixed_query_count(learner_client, learner, missed):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert learner_client.get(reverse("quizzes:review")).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(5):
        review.card_record(
            user=learner,
            question=make_question("policy_decision"),
            correct=False,
            now=timezone.now(),
        )
    assert count() == before


def test_a_card_just_missed_waits_for_its_learning_step(learner_client, learner):
    question = make_question("true_false", prompt="Just missed?")
    review.card_record(user=learner, question=question, correct=False, now=timezone.now())
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert "Nothing is due now. 1 more later today" in body
    assert "Just missed?" not in body
    assert "The next question is ready" in body  # in a minute: its first learning step


def test_a_review_session_ends_when_nothing_is_due_now(learner_client, learner, missed):
    """A right answer in the learning steps brings the card back later today, not now."""
    body = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    ).content.decode()
    assert "Nothing is due now. 1 more later today" in body
    assert "Next question" not in body
    assert "Next review: later today at" in body
    assert "due now</span>" not in learner_client.get("/").content.decode()


def test_times_follow_the_time_zone_the_browser_reports(learner_client, learner, missed):
    from lessons.models import Profile

    learner_client.cookies["tz"] = "Asia/Tokyo"
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    assert Profile.objects.get(user=learner).time_zone == "Asia/Tokyo"
    body = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    ).content.decode()
    assert "(Asia/Tokyo)" in body


def test_a_made_up_time_zone_is_ignored(learner_client, learner, missed):
    from lessons.models import Profile

    learner_client.cookies["tz"] = "Mars/Olympus_Mons"
    assert learner_client.get(reverse("quizzes:review")).status_code == 200
    assert not Profile.objects.filter(user=learner).exists()


def test_the_review_link_shows_what_is_due_now(learner_client, missed):
    body = learner_client.get("/learn/srm/").content.decode()
    assert ": 1 due now</span>" in body


def test_answering_a_card_reads_it_and_its_question_once(learner_client, missed):
    """The card the page read (with its question, lesson and module) is the one rescheduled
    and shown: neither read again."""
    with CaptureQueriesContext(connection) as ctx:
        response = learner_client.post(
            reverse("quizzes:review-answer", args=[missed.pk]),
            {"answer": "true"},
            headers={"HX-Request": "true"},
        )
    assert "Right." in response.content.decode()
    sql = [c["sql"] for c in ctx.captured_queries]
    cards = [s for s in sql if s.startswith("SELECT") and 'FROM "quizzes_reviewcard"' in s]
    assert len([s for s in cards if "COUNT(" not in s]) == 1, cards
    assert not [s for s in sql if 'FROM "quizzes_question"' in s or 'FROM "lessons_lesson"' in s]
    assert ReviewCard.objects.get().reviews == 2


def test_an_answer_another_tab_recorded_while_this_one_was_graded_is_kept(
    learner_client, learner, missed, monkeypatch
):
    """Two tabs answer the same card at once: both answers count."""
    from quizzes import views

    real_grade = views.grade

    def grade_while_the_other_tab_answers(question, response):
        review.card_record(user=learner, question=question, correct=False, now=timezone.now())
        return real_grade(question, response)

    monkeypatch.setattr(views, "grade", grade_while_the_other_tab_answers)
    response = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    )
    assert response.status_code == 200
    card = ReviewCard.objects.get()
    assert (card.reviews, card.lapses) == (3, 2)  # the first miss, the other tab's, this one


@pytest.mark.parametrize(
    ("seconds", "says"),
    [
        (None, "ready in less than a minute"),  # due 30 s from now
        (0, "ready at {minute}"),
        (20, "ready at {next_minute}"),
    ],
)
def test_the_time_to_come_back_is_never_already_past(learner_client, learner, seconds, says):
    """The page shows hours and minutes: a question due at 17:12:40 read "the first at 17:12
    … Check again then" at 17:12:10, when nothing was due. It says the minute it is ready by."""
    question = make_question("true_false", prompt="Soon?")
    now = timezone.now()
    review.card_record(user=learner, question=question, correct=False, now=now)
    minute = timezone.localtime(now + timedelta(minutes=5)).replace(second=0, microsecond=0)
    due = now + timedelta(seconds=30) if seconds is None else minute + timedelta(seconds=seconds)
    ReviewCard.objects.filter(user=learner, question=question).update(due=due)
    body = learner_client.get(reverse("quizzes:review")).content.decode()
    next_minute = minute + timedelta(minutes=1)
    assert says.format(minute=f"{minute:%H:%M}", next_minute=f"{next_minute:%H:%M}") in body
    # said once: the status line counts what is to come, the page says when (it said both)
    assert "Nothing is due now. 1 more later today.</p>" in body
    assert "the first at" not in body and "the first in less than a minute" not in body
    if seconds is None:
        assert "ready at" not in body


def test_an_answers_verdict_is_said_and_the_next_question_empties_it(
    learner_client, learner, missed
):
    """The result's block is swapped with the question, so it is no live region: the verdict is
    said in the page's status region with what comes next, and drawing the next question
    leaves nothing said there."""
    from tests.test_live_status import region_of, said_within

    review.card_record(
        user=learner,
        question=make_question("true_false"),
        correct=False,
        now=timezone.now() - timedelta(hours=1),
    )
    page = learner_client.get(reverse("quizzes:review"))
    assert not region_of(page).find(id="review-body").select("[aria-live]")
    url = reverse("quizzes:review-answer", args=[missed.pk])
    htmx = {"HX-Request": "true"}
    said = said_within(learner_client.post(url, {"answer": "true"}, headers=htmx))
    assert said == "Right. The next question is ready."
    assert said_within(learner_client.get(reverse("quizzes:review"), headers=htmx)) == ""


def _said_after(client, question, answer: str, **fields) -> str:
    from tests.test_live_status import said_within

    url = reverse("quizzes:review-answer", args=[question.pk])
    return said_within(
        client.post(url, {"answer": answer, **fields}, headers={"HX-Request": "true"})
    )


def test_the_last_answer_says_its_verdict_and_that_nothing_is_left_not_the_counts(
    learner_client, missed
):
    """The words said after an answer are the verdict and what comes next, nothing of the due
    count's sentence (how many due, later today, answered in this sitting)."""
    said = _said_after(learner_client, missed, "false")
    assert said == "Not right. That is all for now."


def test_the_answer_that_ends_a_sitting_says_so(learner_client, learner, missed, settings):
    settings.REVIEW_SESSION_SIZE = 1
    review.card_record(
        user=learner,
        question=make_question("true_false"),
        correct=False,
        now=timezone.now() - timedelta(hours=1),
    )
    said = _said_after(learner_client, missed, "true")
    assert said == "Right. That is the end of this sitting: keep going or take a break."


def test_the_last_answer_in_one_module_says_other_modules_have_questions_due(
    learner_client, learner, missed
):
    review.card_record(
        user=learner,
        question=make_question("true_false"),
        correct=False,
        now=timezone.now() - timedelta(hours=1),
    )
    module = missed.lesson.module
    said = _said_after(learner_client, missed, "true", module=module.slug)
    assert (
        said == f"Right. That is all for {module.title} for now; other modules have questions due."
    )


def test_a_review_answer_over_the_rate_limit_is_drawn_as_sent_with_the_refusal_alone(
    learner_client, learner, missed, settings
):
    """Sent with nothing chosen ("Choose true or false."), then chosen and refused over the
    limit: the question comes back with the choice as sent and the refusal in its status line,
    said in the page's status region; the earlier message stayed beside the refusal."""
    from bs4 import BeautifulSoup
    from django.core.cache import cache

    from tests.test_live_status import said_within

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60"}
    url = reverse("quizzes:review-answer", args=[missed.pk])
    htmx = {"HX-Request": "true"}
    assert b'class="field-error"' in learner_client.post(url, {}, headers=htmx).content
    due = ReviewCard.objects.get(user=learner).due
    response = learner_client.post(url, {"answer": "true"}, headers=htmx)
    assert response.status_code == 429 and response["Retry-After"]
    said = said_within(response)
    assert said.startswith("Too many answers in a short time: nothing was saved.")
    body = BeautifulSoup(response.content, "html.parser").find(id="review-body")
    assert "HX-Retarget" not in response and body is not None  # the whole question swapped
    assert body.find(id="answer-status").get_text() == said
    assert not body.select(".field-error") and "Choose true or false." not in body.get_text()
    assert [r["value"] for r in body.select('input[name="answer"][checked]')] == ["true"]
    assert "Right." not in body.get_text()
    assert ReviewCard.objects.get(user=learner).due == due  # not answered


def test_next_review_names_the_minute_the_card_is_ready_as_the_counts_do(learner_client, missed):
    """A card due at 12:11:40 is not ready at 12:11: "Next review" rounds up to 12:12, as
    "the first at" and "ready at" say it, so the page never names two minutes for one card."""
    body = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}
    ).content.decode()
    due = timezone.localtime(ReviewCard.objects.get().due)  # its next learning step
    assert due.second or due.microsecond  # (a clock ticking from noon: never a whole minute)
    ready = due.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert f"Next review: later today at {ready:%H:%M}" in body


def test_a_wrong_answer_comes_back_in_a_minute_in_words(learner_client, missed):
    body = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "false"}
    ).content.decode()
    assert "Next review: in less than a minute." in body


@pytest.mark.parametrize("htmx", [False, True])
def test_the_last_answer_of_a_session_says_when_the_next_question_is_ready(
    learner_client, missed, htmx
):
    """Nothing left now, "1 more later today": under the answer the page says when to come
    back, as the queue's own page does, not only when the card just answered is due."""
    headers = {"HX-Request": "true"} if htmx else {}
    body = learner_client.post(
        reverse("quizzes:review-answer", args=[missed.pk]), {"answer": "true"}, headers=headers
    ).content.decode()
    ready = review.ready_at(ReviewCard.objects.get().due, timezone.now())
    assert ready is not None
    assert (
        f"That is all for now. The next question is ready at {timezone.localtime(ready):%H:%M}"
        in body
    )
    assert "Next question</a>" not in body


def test_a_question_answered_in_another_tab_is_checked_but_not_counted_again(
    learner_client, missed
):
    """The same question open in two tabs: the first answer reschedules it (later today); the
    second, a moment later, is checked but leaves the card and the sitting as they were (two
    right answers seconds apart had pushed it days out)."""
    url = reverse("quizzes:review-answer", args=[missed.pk])
    learner_client.post(url, {"answer": "true"})
    card = ReviewCard.objects.get()
    again = learner_client.post(url, {"answer": "true"}).content.decode()
    assert "Right." in again and "checked but not counted" in again
    assert ReviewCard.objects.get().card == card.card and ReviewCard.objects.get().reviews == 2
    assert learner_client.session[review.SESSION_KEY]["done"] == 1


def test_a_card_ready_only_at_midnight_is_not_said_to_be_back_later_today():
    # Due at 23:59:30, it is ready at 00:00 by the minute the page names: "later today at
    # 00:00" named tomorrow's first minute as today's.
    from datetime import UTC, datetime

    now = datetime(2026, 12, 7, 23, 57, 45, tzinfo=UTC)
    with timezone.override("UTC"):
        assert not review.back_today(datetime(2026, 12, 7, 23, 59, 30, tzinfo=UTC), now)
        assert review.back_today(datetime(2026, 12, 7, 23, 58, 30, tzinfo=UTC), now)
        assert review.back_today(
            datetime(2026, 12, 7, 23, 0, tzinfo=UTC) + timedelta(minutes=58, seconds=50), now
        )
        assert not review.back_today(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), now)
