"""The route-the-findings editor: an instructor ticks the sample findings (shown, and must reach
the target) and writes the model pattern; the engine checks it live (within `teach_check`), the
kind's problems stand beside the boxes they are about, and the question saves, reopens and
exports unchanged."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from quizzes.grading import grade
from quizzes.models import Question
from teach.editors import EDITORS
from teach.route_editor import STARTER_WANT
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.quizzes.builders import ROUTE_MODEL, make_question
from tests.teach.formdata import page_data, text
from tests.teach.test_network_editors import (
    HTMX,
    error_beside,
    new_url,
    saved_back_unchanged,
    summary_of,
)

pytestmark = pytest.mark.django_db

SHARED = {
    "prompt": "Send every High GuardDuty finding about an EC2 instance, and nothing else.",
    "explanation": "Severity 7 or more, and the resource type Instance.",
    "category": "detection",
    "misconceptions": "",
}
THREE = ["ec2-bitcoin-dns", "iam-credential-exfiltration", "ec2-port-probe"]  # the lab's order


def route_form(teacher, quiz, **fields) -> tuple[str, dict]:
    url = new_url(quiz, "route_findings")
    data = page_data(teacher, url) | SHARED
    data |= {"k-samples": THREE, "k-want": ["ec2-bitcoin-dns"], "k-model": ROUTE_MODEL}
    data |= {"action": "save"} | fields
    return url, data


def test_a_new_question_opens_on_a_worked_example_the_engine_accepts(teacher, owned):
    quiz, _question = owned
    response = teacher.get(new_url(quiz, "route_findings"), follow=True)
    page = text(response)
    assert "The model pattern sends exactly the findings that must reach the target." in page
    assert page.count('name="k-samples"') == 10 and page.count('name="k-want"') == 10
    assert page.count('name="k-want" value="') == 10
    for slug in STARTER_WANT:
        assert f'name="k-want" value="{slug}" id=' in page
    assert 'Shown to learners<span class="visually-hidden">: An EC2 instance looks up' in page
    assert "What learners see" in page


def test_an_instructor_writes_one_and_it_saves_and_grades(teacher, owned):
    quiz, _question = owned
    url, data = route_form(teacher, quiz)
    response = teacher.post(url, data)
    assert response.status_code == 302, summary_of(response)
    question = Question.objects.get(type="route_findings")
    assert question.data == {"samples": THREE, "want": ["ec2-bitcoin-dns"], "model": ROUTE_MODEL}
    assert grade(question, {"pattern": ROUTE_MODEL}).correct


def test_a_finding_that_must_reach_the_target_is_a_sample_too(teacher, owned):
    quiz, _question = owned
    url, data = route_form(teacher, quiz, **{"k-samples": THREE[1:]})  # the wanted one unticked
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.get(type="route_findings").data["samples"] == THREE


def test_the_live_check_shows_the_models_routing_and_the_learners_view(teacher, owned):
    quiz, _question = owned
    url, data = route_form(teacher, quiz, action="check")
    response = teacher.post(url, data, **HTMX)
    page = text(response)
    assert "The model pattern, finding by finding" in page
    assert "What learners see" in page and 'id="pv-pattern"' in page
    assert "The model pattern sends exactly the findings that must reach the target." in page
    assert not Question.objects.filter(type="route_findings").exists()  # a check saves nothing


def test_the_live_check_says_which_sample_the_model_routes_wrong(teacher, owned):
    quiz, _question = owned
    url, data = route_form(
        teacher, quiz, action="check", **{"k-model": '{"source": ["aws.guardduty"]}'}
    )
    page = text(teacher.post(url, data, **HTMX))
    assert "Not ready to save:" in page
    # named as the editor shows it, by its title: the slug is no word the instructor has seen
    assert "“Someone probes a port an instance leaves open” is sent but must not be" in page
    assert "ec2-port-probe" not in page.split("Not ready to save:", 1)[1]
    assert "<strong>No</strong>" in page


def test_a_model_that_does_not_read_is_refused_beside_its_box_with_the_line(teacher, owned):
    quiz, _question = owned
    url, data = route_form(teacher, quiz, **{"k-model": '{\n  "source": ["aws.guardduty",]\n}'})
    response = teacher.post(url, data)
    assert response.status_code == 200
    assert "model pattern, line 2, column 30" in summary_of(response)
    assert any("model pattern, line 2, column 30" in e for e in error_beside(response, "k-model"))
    assert "&quot;aws.guardduty&quot;,]" in response.content.decode()  # kept as typed
    # The panel under the box says it once, in the kind's words (not the box's label again).
    assert "after they answer): The model pattern" not in text(response)
    assert not Question.objects.filter(type="route_findings").exists()


def test_too_few_samples_is_said_beside_the_checkboxes(teacher, owned):
    quiz, _question = owned
    url, data = route_form(
        teacher, quiz, **{"k-samples": THREE[:2], "k-want": ["ec2-bitcoin-dns"],
                          "k-model": '{"detail": {"resource": {"resourceType": ["Instance"]}, "severity": [8]}}'}
    )  # fmt: skip
    response = teacher.post(url, data)
    assert response.status_code == 200
    said = "Choose at least 3 sample findings to try patterns on."
    assert said in summary_of(response)
    assert said in error_beside(response, "k-samples")[0]


def test_nothing_wanted_is_said_beside_the_second_column(teacher, owned):
    quiz, _question = owned
    url, data = route_form(teacher, quiz, **{"k-want": []})
    response = teacher.post(url, data)
    assert (
        "Tick at least one finding that must reach the target"
        in error_beside(response, "k-want")[0]
    )


def test_every_finding_shown_wanted_is_said_as_that(teacher, owned):
    """It said "Tick at least one finding that must reach the target, and leave at least one
    that must not" with three ticked: the teacher looked for the one left to tick."""
    quiz, _question = owned
    url, data = route_form(teacher, quiz, **{"k-want": THREE})
    said = error_beside(teacher.post(url, data), "k-want")[0]
    assert said.startswith("Every finding shown is ticked as one that must reach the target")
    assert "Tick at least" not in said


def test_a_loaded_question_opens_and_saves_back_unchanged(teacher, instructor):
    question = make_question("route_findings", owner=instructor, lesson=None, module=None)
    question.data["samples"] = list(reversed(question.data["samples"]))  # the file's own order
    question.save()
    opened = saved_back_unchanged(teacher, question)
    assert opened["k-model"] == ROUTE_MODEL


def test_export_and_import_keep_the_question(instructor):
    made = make_question("route_findings", owner=instructor, lesson=None, module=None)
    document = json_format.export_bank([made], "routes")
    Question.objects.filter(pk=made.pk).delete()
    importer.run(document, "json", owner=instructor)
    back = Question.objects.get(type="route_findings")
    assert back.data == made.data and back.problems() == []


def test_an_import_with_a_model_that_routes_wrong_is_refused_in_the_kinds_words(instructor):
    made = make_question("route_findings", owner=instructor, lesson=None, module=None)
    document = json.loads(json_format.export_bank([made], "routes"))
    Question.objects.filter(pk=made.pk).delete()
    document["questions"][0]["data"]["model"] = '{"source": ["aws.guardduty"]}'
    with pytest.raises(TransferError) as refused:
        importer.preview(json_format.dump(document), "json", owner=instructor)
    assert "model pattern: it does not route exactly the wanted findings" in str(refused.value)
    assert "ec2-port-probe is sent but must not be" in str(refused.value)


def test_the_editor_is_offered_for_the_kind(teacher, owned):
    quiz, _question = owned
    page = text(teacher.get(reverse("teach:quiz", args=[quiz.pk])))
    assert "New: route the findings (event pattern)" in page
    assert "route_findings" in EDITORS


def test_the_statistics_page_lists_the_samples_most_often_routed_wrong(
    teacher, instructor, learner
):
    from lessons.models import Source
    from quizzes import attempts
    from tests.quizzes.builders import make_quiz

    question = make_question("route_findings", owner=instructor, lesson=None)
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, published=True)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    wrong = '{"source": ["aws.guardduty"]}'
    attempts.answer_save(attempt=attempt, question=question, response={"pattern": wrong})
    attempts.attempt_submit(attempt=attempt)
    page = text(teacher.get(reverse("teach:quiz-statistics", args=[quiz.pk])))
    assert "Sample findings, most often routed wrong first (1 pattern checked)" in page
    assert "Someone probes a port an instance leaves open (must not be sent)" in page
    assert "Q1: how often each sample finding was routed wrong" in page  # the chart


def test_a_sample_no_tick_offers_is_refused_quoting_only_its_start(teacher, owned):
    """Django's refusal quoted the value whole, and the editor says it three times (summary,
    beside the ticks, the live check): a 2 MB value made a 6 MB page."""
    quiz, _question = owned
    sent = "ec2-not-a-sample" + "x" * 100_000
    url, data = route_form(teacher, quiz, **{"k-samples": [*THREE, sent]})
    response = teacher.post(url, data, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Select a valid choice. {sent[:40]} is not one of the available choices." in page
    assert "x" * 100 not in page and len(page) < 150_000


@pytest.mark.parametrize(
    "broken",
    [
        '{\n  "source": ["aws.guardduty"],\n  "detail": {"severity": [8]}',  # ends too soon
        '{\n  "source": ["aws.guardduty"]\n  "detail-type": ["GuardDuty Finding"]\n}',  # no comma
    ],
    ids=["cut-short", "comma-missing"],
)
def test_a_model_that_is_not_json_is_said_as_the_other_editors_boxes_say_it(teacher, owned, broken):
    """The same mistake in the model pattern and in a network case box: the model said
    "expected a comma between two items" where the case box says what the likely mistake is
    (the text ends before its brackets close, a comma missing at the end of a line). Same
    words, same line and column, whichever box."""
    from tests.teach.test_network_editors import flow_form

    quiz, _question = owned
    url, data = route_form(teacher, quiz, **{"k-model": broken})
    model = " ".join(error_beside(teacher.post(url, data), "k-model"))
    url, data = flow_form(teacher, quiz, broken)
    case = " ".join(error_beside(teacher.post(url, data), "k-case"))
    said = case.split("Line ", 1)[1]  # from its place on, after the box's own name
    assert said.startswith(("3, column", "4, column")), case
    assert (
        "The text ends before" in said or "comma is probably missing at the end of line 2" in said
    )
    assert f"model pattern, line {said}" in model, (model, case)
    assert "expected a comma" not in model


def test_too_few_samples_does_not_hide_a_model_that_is_not_json(teacher, owned):
    """Both beside their boxes on one save: the model was read only once the ticks were
    right."""
    quiz, _question = owned
    url, data = route_form(
        teacher, quiz, **{"k-samples": THREE[:2], "k-model": '{\n  "source": ["aws.guardduty",]\n}'}
    )
    response = teacher.post(url, data)
    assert "Choose at least 3 sample findings to try patterns on." in summary_of(response)
    assert any("model pattern, line 2, column 30" in e for e in error_beside(response, "k-model"))
    assert "model pattern, line 2, column 30" in summary_of(response)
    assert not Question.objects.filter(type="route_findings").exists()
