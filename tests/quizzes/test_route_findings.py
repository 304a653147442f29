"""Route the findings: the learner's EventBridge pattern graded by the findings engine over the
question's sample findings; the question's own checks; the loader; a learner taking one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curriculum.quiz_readers import TYPE_FIELDS
from quizzes.grading import grade
from quizzes.kinds.route_findings import KIND, MAX_PATTERN_CHARS
from quizzes.models import Answer, Attempt, Question
from tests.quizzes.builders import ROUTE_DATA, ROUTE_MODEL, make_question, make_quiz, page_text

pytestmark = pytest.mark.django_db


def question(**data) -> Question:
    return Question(type="route_findings", data={**ROUTE_DATA, **data})


def graded(pattern: str, **data):
    return KIND.grade(question(**data), {"pattern": pattern})


# --- grading ---------------------------------------------------------------------------------


def test_the_model_pattern_is_right_with_every_sample_as_wanted():
    result = graded(ROUTE_MODEL)
    assert (result.score, result.correct) == (1.0, True)
    assert [(r["slug"], r["want"], r["got"], r["ok"]) for r in result.feedback["rows"]] == [
        ("ec2-bitcoin-dns", True, "sent", True),
        ("ec2-port-probe", False, "not sent", True),
        ("iam-credential-exfiltration", False, "not sent", True),
    ]
    assert result.feedback["reasons"] == []


def test_one_extra_match_is_wrong_and_says_the_engines_reason():
    # High severity, but no resource type: the credential finding (8.0, an access key) is sent.
    result = graded(
        '{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}'
    )
    assert not result.correct
    assert result.score == pytest.approx(1 / 2)  # 1 wanted sent, of 2 wanted or sent
    fb = result.feedback
    assert (fb["wanted_sent"], fb["unwanted_sent"], fb["mistakes"]) == (1, 1, 1)
    (reason,) = fb["reasons"]
    assert (reason["slug"], reason["want"], reason["got"]) == (
        "iam-credential-exfiltration",
        False,
        "sent",
    )
    severity = next(s for s in reason["steps"] if s["path"] == "detail.severity")
    assert severity["outcome"] == "match" and severity["found"] == "8.0"
    assert severity["doc"].startswith("https://docs.aws.amazon.com/eventbridge/")


def test_one_missing_match_is_wrong_and_the_reason_names_the_field_that_failed():
    # An exact 8.0 misses the wanted finding, written 8.
    result = graded('{"detail": {"severity": [8.0], "resource": {"resourceType": ["Instance"]}}}')
    assert not result.correct and result.score == 0.0
    (reason,) = result.feedback["reasons"]
    assert (reason["slug"], reason["want"], reason["got"]) == ("ec2-bitcoin-dns", True, "not sent")
    failed = [s for s in reason["steps"] if s["outcome"] == "no match"]
    assert failed[0]["path"] == "detail.severity" and failed[0]["found"] == "8"


def test_an_undecided_sample_is_never_right():
    # anything-but with strings against GuardDuty's numeric severity: the guide does not say.
    result = graded('{"detail": {"severity": [{"anything-but": ["LOW"]}]}}')
    assert not result.correct and result.score == 0.0
    assert {r["got"] for r in result.feedback["rows"]} == {"undecided"}
    assert result.feedback["undecided"] == 3
    assert not any(r["ok"] for r in result.feedback["rows"])


def test_matching_nothing_or_everything_does_not_pass():
    assert graded('{"source": ["aws.inspector2"]}').score == 0.0
    assert graded('{"source": ["aws.guardduty"]}').score == pytest.approx(1 / 3)


def test_an_unreadable_pattern_scores_nothing_and_says_where():
    result = graded('{"source": ["aws.guardduty",]}')
    assert (result.score, result.correct) == (0.0, False)
    assert result.feedback["line"] == 1 and result.feedback["column"] == 29
    assert result.feedback["error"].startswith("Line 1, column 29:")


def test_a_refusal_of_the_labs_own_is_not_put_on_eventbridge(learner_client):
    # An empty prefix: the guide leaves it open and AWS's Event Ruler takes it.
    result = graded('{"t": [{"prefix": ""}]}')
    assert result.score == 0.0 and result.feedback["refused_by"] == "The lab refuses"
    assert graded('{"t": "x"}').feedback["refused_by"] == "EventBridge would refuse"
    attempt = _start(learner_client, make_quiz(make_question("route_findings")))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "pattern": '{"t": [{"prefix": ""}]}'},
    )
    text = page_text(response)
    assert "The lab refuses this pattern." in text and "EventBridge would refuse" not in text


def test_a_pattern_too_long_is_refused_with_its_length():
    result = graded('{"source": ["' + "a" * MAX_PATTERN_CHARS + '"]}')
    assert result.score == 0.0 and "4,096" in result.feedback["error"]


def test_the_reasons_stop_after_the_first_few_mismatches():
    samples = ["ec2-bitcoin-dns", "ec2-port-probe", "iam-credential-exfiltration",
               "iam-anomalous-discovery", "s3-block-public-access-off", "lambda-bitcoin"]  # fmt: skip
    result = graded('{"source": ["aws.guardduty"]}', samples=samples)
    assert result.feedback["mistakes"] == 5
    assert len(result.feedback["reasons"]) == 3


# --- the question's own checks -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({"samples": "ec2-bitcoin-dns"}, ("samples",), "must be a list"),
        ({"samples": ["ec2-bitcoin-dns", "no-such-finding"]}, ("samples", 1), "not one of"),
        ({"samples": ["ec2-bitcoin-dns", "ec2-port-probe", "ec2-bitcoin-dns"]}, ("samples", 2), "twice"),
        ({"samples": ["ec2-bitcoin-dns", "ec2-port-probe"]}, ("samples",), "at least 3"),
        ({"want": ["lambda-bitcoin"]}, ("want", 0), "not among the question's samples"),
        ({"want": []}, ("want",), "leave at least one out"),
        ({"want": list(ROUTE_DATA["samples"])}, ("want",), "leave at least one out"),
        ({"model": ""}, ("model",), "'model' must be a pattern"),
        ({"model": '{"source": "aws.guardduty"}'}, ("model",), "model pattern: At source:"),
        ({"model": '{"source": ["aws.guardduty"]}'}, ("model",), "ec2-port-probe is sent but must not be"),
        ({"model": '{"source": ["aws.inspector2"]}'}, ("model",), "ec2-bitcoin-dns must reach the target but is not sent"),
        ({"model": '{"detail": {"severity": [{"anything-but": ["LOW"]}]}}'}, ("model",), "is undecided"),
        ({"extra": 1}, ("extra",), "unknown field 'extra'"),
    ],
)  # fmt: skip
def test_a_question_that_cannot_be_used_says_why_and_where(data, path, words):
    problems = question(**data).problems()
    assert problems and problems[0].path == path
    assert words in problems[0].message
    assert problems[0].in_words()  # the editor has a sentence to show


def test_a_usable_question_has_no_problems():
    assert question().problems() == []


# --- the loader (reading a file: tests/curriculum/test_loader_quizzes.py) ----------------------


def test_the_file_fields_belong_to_this_kind_only():
    assert TYPE_FIELDS["samples"] == TYPE_FIELDS["want"] == {"route_findings"}


def test_the_shipped_route_questions_are_solvable_by_their_model():
    import yaml
    from django.conf import settings

    path = settings.BASE_DIR / "lessons" / "content" / "quizzes" / "detection.yaml"
    shipped = [q for q in yaml.safe_load(path.read_text())["questions"]
               if q["type"] == "route_findings"]  # fmt: skip
    assert len(shipped) >= 2
    for raw in shipped:
        q = Question(type="route_findings", data=KIND.data_from_file(raw))
        assert q.problems() == [], raw["slug"]
        assert raw["lesson"] == "detection/amazon-guardduty"


# --- a learner taking one ------------------------------------------------------------------------


def _start(client, quiz) -> Attempt:
    assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    return Attempt.objects.latest("pk")


def test_a_learner_sees_the_samples_and_a_labelled_box(learner_client):
    attempt = _start(learner_client, make_quiz(make_question("route_findings")))
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert '<label for="pattern">Your event pattern (JSON)</label>' in body
    assert 'aria-describedby="pattern-hint"' in body
    assert "An EC2 instance looks up cryptocurrency-mining domains" in body
    assert "Recon:EC2/PortProbeUnprotectedPort" in body
    assert ROUTE_MODEL not in body  # the model is shown only after answering


def test_an_unreadable_pattern_is_kept_as_a_draft_with_its_line_and_column_and_is_no_try(
    learner_client,
):
    quiz = make_quiz(make_question("route_findings"), tries=3, feedback="immediate")
    attempt = _start(learner_client, quiz)
    draft = '{\n  "source": ["aws.guardduty",]\n}'
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", "pattern": draft}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Line 2, column 30" in body
    assert 'aria-describedby="pattern-hint pattern-error"' in body and 'id="pattern-error"' in body
    assert "&quot;aws.guardduty&quot;,]" in body  # the text is kept as typed
    answer = Answer.objects.get()
    assert answer.response == {"pattern": draft} and answer.graded_at is None
    assert answer.tries == 0


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("  ", "EventBridge would refuse this pattern. The pattern is empty"),
        ('{"source": ["aws.guardduty"', "EventBridge would refuse this pattern. Line 1, column 28"),
    ],
)
def test_a_refused_pattern_is_said_in_two_sentences_each_starting_with_a_capital(
    learner_client, pattern, words
):
    # The quiz said "EventBridge would refuse this pattern. the pattern is empty": a refusal
    # with no line or path began its second sentence in lower case (the lab's own page did not).
    attempt = _start(learner_client, make_quiz(make_question("route_findings")))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", "pattern": pattern}
    )
    assert words in page_text(response)


def test_a_pattern_over_the_limit_is_refused_in_words_and_not_graded(learner_client):
    attempt = _start(learner_client, make_quiz(make_question("route_findings")))
    long = '{"source": ["' + "a" * MAX_PATTERN_CHARS + '"]}'
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", "pattern": long}
    )
    assert response.status_code == 200
    assert f"Your pattern is {len(long):,} characters" in page_text(response)
    assert not Answer.objects.filter(graded_at__isnull=False).exists()


def test_a_learner_answers_wrong_and_sees_what_each_sample_did_then_the_model(learner_client):
    quiz = make_quiz(make_question("route_findings"), feedback="immediate")
    attempt = _start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "pattern": '{"source": ["aws.guardduty"]}'},
        follow=True,
    )
    text = page_text(response)
    assert "Partly right (33%)" in text
    assert (
        "Your pattern sends 1 of the 1 finding that must reach the target, and 2 that must not"
        in text
    )
    assert "Someone probes a port an instance leaves open" in text
    assert "✗ not as wanted" in text and "✓ as wanted" in text
    assert "field by field" in text
    assert "A pattern that does it (the question's model)" in text
    assert '"resourceType": ["Instance"]' in text
    answer = Answer.objects.get()
    assert answer.score == pytest.approx(1 / 3) and answer.correct is False


def test_a_learner_answers_right_and_the_result_page_recaps_the_pattern(learner_client):
    attempt = _start(learner_client, make_quiz(make_question("route_findings")))
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "save", "pattern": ROUTE_MODEL},
    )
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    text = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "Right." in text and "Your pattern" in text
    assert Answer.objects.get().correct is True
    assert grade(Answer.objects.get().question, {"pattern": ROUTE_MODEL}).correct


# --- the teacher's statistics ------------------------------------------------------------------


def test_statistics_count_each_sample_routed_wrong_and_the_patterns_not_read(learner):
    from django.contrib.auth import get_user_model

    from quizzes import attempts
    from teach.statistics import quiz_statistics, submitted_attempts

    quiz = make_quiz(make_question("route_findings"))
    patterns = [
        ROUTE_MODEL,  # right
        '{"source": ["aws.guardduty"]}',  # sends the port probe and the credential finding too
        '{"detail": {"severity": [{"numeric": [">=", 7]}]}}',  # sends the credential finding
        '{"source": ["aws.guardduty",]}',  # not read (a draft kept at submission)
    ]
    for n, text in enumerate(patterns):
        user = get_user_model().objects.create_user(f"learner-{n}")
        attempt = attempts.attempt_start(quiz=quiz, user=user)
        question = quiz.questions.get()
        attempts.answer_save(attempt=attempt, question=question, response={"pattern": text})
        attempts.attempt_submit(attempt=attempt)
    (stats,) = quiz_statistics(quiz=quiz, attempts=submitted_attempts(quiz=quiz)).questions
    assert stats.detail == "route_findings"
    assert (stats.checked, stats.unparsed) == (3, 1)
    assert [(t.short, t.count, t.total) for t in stats.tallies] == [
        ("iam-credential-exfiltration", 2, 3),
        ("ec2-port-probe", 1, 3),
        ("ec2-bitcoin-dns", 0, 3),
    ]
    assert stats.tallies[0].label == (
        "An instance's role credentials are used from outside AWS (must not be sent)"
    )


@pytest.mark.parametrize(
    ("slug", "pattern", "right"),
    [
        # The explanation's single-list answer is right too.
        ("det-route-critical-both", '{"detail": {"severity": [{"numeric": [">=", 9]}, "CRITICAL"]}}', True),
        # An exact 9 misses the attack sequence's 9.2, as the explanation says.
        ("det-route-critical-both", '{"$or": [{"detail": {"severity": [9, 10]}}, {"detail": {"severity": ["CRITICAL"]}}]}', False),
        # Testing for accessKeyDetails sends the S3 finding too.
        ("det-route-access-keys", '{"source": ["aws.guardduty"], "detail": {"resource": {"accessKeyDetails": {"accessKeyId": [{"exists": true}]}}}}', False),
        # The type's text misses the attack sequence (AttackSequence:IAM, not IAMUser).
        ("det-route-access-keys", '{"detail": {"type": [{"wildcard": "*:IAMUser/*"}]}}', False),
        # The credential finding names an instance in its type; its resource is an access key.
        ("det-route-high-ec2", '{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}], "type": [{"wildcard": "*EC2*"}, {"wildcard": "*Instance*"}]}}', False),
    ],
)  # fmt: skip
def test_the_shipped_explanations_hold_for_the_answers_they_describe(slug, pattern, right):
    import yaml
    from django.conf import settings

    path = settings.BASE_DIR / "lessons" / "content" / "quizzes" / "detection.yaml"
    (raw,) = [q for q in yaml.safe_load(path.read_text())["questions"] if q["slug"] == slug]
    question = Question(type="route_findings", data=KIND.data_from_file(raw))
    assert KIND.grade(question, {"pattern": pattern}).correct is right
