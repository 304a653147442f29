"""“Start again from the given rules”: a question whose box starts filled with given text (the
network's rules to fix, a policy to repair) puts that text back, saved in place of the
learner's answer, with htmx and without; refused where the answer cannot change; and offered
only where the box starts filled (quizzes/views.py `answer_start_again`,
quizzes/attempts.py `answer_start_again`)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from quizzes import attempts
from quizzes.kinds.flow_fix import rules_of
from quizzes.models import Answer, Attempt
from tests.quizzes.builders import CHALLENGE, make_attempt, make_question, make_quiz, policy
from tests.test_live_status import said_within

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
MY_POLICY = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})  # right
WRONG_POLICY = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})
MY_RULES = json.dumps({"network_acls": [], "security_groups": []})


def start(client, quiz) -> Attempt:
    assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    return Attempt.objects.latest("pk")


def start_again_url(attempt: Attempt, position: int = 1) -> str:
    return reverse("quizzes:start-again", args=[attempt.pk, position])


def autosave(client, attempt: Attempt, position: int, **answer) -> None:
    url = reverse("quizzes:answer", args=[attempt.pk, position])
    response = client.post(url, {"action": "autosave", **answer}, headers=HTMX)
    assert "saved" in response.content.decode()


def box(response, name: str):
    return BeautifulSoup(response.content, "html.parser").find("textarea", attrs={"name": name})


def start_again_button(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find("button", string=lambda s: bool(s) and s.startswith("Replace my answer"))


def test_the_network_fix_goes_back_to_its_given_rules_and_keeps_them(learner_client):
    """Typed over (and autosaved), the rules come back as the question gave them, the saved
    answer with them: a reload shows them too. The swap says so in the status region and
    focuses the box, not the heading."""
    question = make_question("flow_fix")
    # As stored: PostgreSQL's jsonb keeps an object's keys in an order of its own, and the
    # page draws the rules from the stored question.
    question.refresh_from_db()
    given = rules_of(question.data["challenge"]["network"])
    attempt = start(learner_client, make_quiz(question))
    autosave(learner_client, attempt, 1, rules=MY_RULES)
    page = learner_client.get(attempt.get_absolute_url())
    assert box(page, "rules").get_text() == MY_RULES
    button = start_again_button(page)
    assert button.get_text() == "Replace my answer with the given rules"
    # A second step: the button is inside a fold whose summary names what it does.
    fold = button.find_parent("details")
    assert fold is not None and "open" not in fold.attrs
    assert fold.summary.get_text() == "Start again from the given rules"
    assert button["form"] == "start-again-form"

    response = learner_client.post(
        start_again_url(attempt), {"question": str(question.pk)}, headers=HTMX
    )
    assert response.status_code == 200
    assert box(response, "rules").get_text() == given
    assert (
        said_within(response)
        == "Started again from the given rules: your saved answer is replaced."
    )
    focused = BeautifulSoup(response.content, "html.parser").select("[autofocus]")
    assert [e.get("name") for e in focused] == ["rules"]
    assert Answer.objects.get(attempt=attempt).response == {"rules": given}
    assert box(learner_client.get(attempt.get_absolute_url()), "rules").get_text() == given


def test_without_javascript_the_policy_comes_back_on_the_question_page(learner_client):
    """A plain form post: back to the question, saying what happened at the page's top, the
    given policy in the box, which takes the focus."""
    question = make_question("least_privilege")
    attempt = start(learner_client, make_quiz(question))
    autosave(learner_client, attempt, 1, policy=MY_POLICY)

    response = learner_client.post(start_again_url(attempt), {"question": str(question.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"{attempt.get_absolute_url()}?q=1&again=1"
    page = learner_client.get(response["Location"])
    assert box(page, "policy").get_text() == CHALLENGE["start_policy"]
    assert box(page, "policy").has_attr("autofocus")
    assert "Started again from the given policy: your saved answer is replaced." in (
        page.content.decode()
    )
    assert Answer.objects.get(attempt=attempt).response == {"policy": CHALLENGE["start_policy"]}


def test_starting_again_keeps_everything_else_of_the_attempt(learner_client):
    """A try checked and not right stays counted, the flags stay, and the other questions'
    answers are left as they were."""
    fix = make_question("least_privilege")
    other = make_question("least_privilege")
    quiz = make_quiz(fix, other, feedback="immediate", tries=3)
    attempt = start(learner_client, quiz)
    position = attempt.question_ids.index(fix.pk) + 1
    other_position = 3 - position
    answer = reverse("quizzes:answer", args=[attempt.pk, position])
    learner_client.post(answer, {"action": "check", "policy": WRONG_POLICY}, headers=HTMX)
    autosave(learner_client, attempt, other_position, policy=MY_POLICY)
    for at in (position, other_position):
        flag = reverse("quizzes:flag", args=[attempt.pk, at])
        learner_client.post(flag, {"flagged": "1"}, headers=HTMX)
    before = Answer.objects.get(attempt=attempt, question=other)

    response = learner_client.post(start_again_url(attempt, position), headers=HTMX)
    assert response.status_code == 200
    # The try's hint stays beside the question, but the focus goes to the box, not to it.
    soup = BeautifulSoup(response.content, "html.parser")
    assert "try again" in soup.select_one(".feedback-region").get_text()
    assert [e.get("name") for e in soup.select("[autofocus]")] == ["policy"]
    mine = Answer.objects.get(attempt=attempt, question=fix)
    assert mine.response == {"policy": CHALLENGE["start_policy"]}
    assert mine.tries == 1 and mine.graded_at is None
    kept = Answer.objects.get(attempt=attempt, question=other)
    assert (kept.response, kept.saved_at) == (before.response, before.saved_at)
    attempt.refresh_from_db()
    assert sorted(attempt.flagged) == sorted([fix.pk, other.pk])
    assert Answer.objects.filter(attempt=attempt).count() == 2


def test_with_nothing_saved_yet_no_answer_is_made(learner):
    """The box already starts there: the question stays unanswered (an answer of the given
    rules would count it answered)."""
    question = make_question("flow_fix")
    attempt = make_attempt(make_quiz(question), user=learner)
    assert attempts.answer_start_again(attempt=attempt, question=question) is None
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_checked_answer_is_not_put_back(learner_client):
    """Checked and final (right, or out of tries): no control, and a post changes nothing and
    says the first answer stands."""
    question = make_question("least_privilege")
    attempt = start(learner_client, make_quiz(question, feedback="immediate"))
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    learner_client.post(answer, {"action": "check", "policy": MY_POLICY}, headers=HTMX)
    checked = Answer.objects.get(attempt=attempt)
    assert checked.is_graded
    assert start_again_button(learner_client.get(attempt.get_absolute_url())) is None

    response = learner_client.post(start_again_url(attempt), headers=HTMX)
    assert said_within(response).startswith("This question was already checked")
    assert Answer.objects.get(attempt=attempt).response == {"policy": MY_POLICY}
    with pytest.raises(attempts.AnswerLocked):
        attempts.answer_start_again(attempt=attempt, question=question)


def test_a_submitted_attempt_is_not_changed(learner_client):
    question = make_question("flow_fix")
    attempt = start(learner_client, make_quiz(question))
    autosave(learner_client, attempt, 1, rules=MY_RULES)
    attempts.attempt_submit(attempt=attempt)

    response = learner_client.post(start_again_url(attempt))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    assert Answer.objects.get(attempt=attempt).response == {"rules": MY_RULES}
    attempt.refresh_from_db()
    with pytest.raises(attempts.AttemptClosed):
        attempts.answer_start_again(attempt=attempt, question=question)


def test_another_learners_attempt_is_not_found(client, learner, other_learner):
    question = make_question("flow_fix")
    attempt = make_attempt(make_quiz(question), user=learner)
    attempts.answer_save(attempt=attempt, question=question, response={"rules": MY_RULES})
    client.force_login(other_learner)
    assert client.post(start_again_url(attempt)).status_code == 404
    assert client.post(start_again_url(attempt), headers=HTMX).status_code == 404
    assert Answer.objects.get(attempt=attempt).response == {"rules": MY_RULES}


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("least_privilege", {"challenge": {**CHALLENGE, "start_policy": ""}}),
        ("route_findings", None),
        ("single", None),
    ],
)
def test_a_box_that_starts_empty_has_no_control_and_a_post_changes_nothing(
    learner_client, kind, data
):
    question = make_question(kind, **({"data": data} if data else {}))
    attempt = start(learner_client, make_quiz(question))
    page = learner_client.get(attempt.get_absolute_url())
    assert start_again_button(page) is None
    assert 'id="start-again-form"' not in page.content.decode()
    if kind != "single":
        answer = {"policy": MY_POLICY} if kind == "least_privilege" else {"pattern": "{}"}
        autosave(learner_client, attempt, 1, **answer)
    before = list(Answer.objects.filter(attempt=attempt).values_list("response", flat=True))

    response = learner_client.post(start_again_url(attempt), headers=HTMX)
    assert said_within(response) == (
        "This question starts from an empty box: there is no given text to start again from. "
        "Nothing was changed."
    )
    assert list(Answer.objects.filter(attempt=attempt).values_list("response", flat=True)) == (
        before
    )
