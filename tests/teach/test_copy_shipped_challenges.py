"""A teacher's "Copy to edit" of each shipped least-privilege question, saved unchanged.

The editor saves a challenge only with a reference solution the engine gives full marks, and
the shipped questions had none: a teacher's unchanged copy of one was refused ("Write a
reference solution"). Each now carries ours (`reference:` in its quiz file), which the copy
takes with the rest of its data. The questions are the shipped files' own, as the loader
writes them (`shipped_quizzes`), in a quiz of the teacher's."""

from __future__ import annotations

from copy import deepcopy

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import make_question
from tests.teach.formdata import page_data, text

pytestmark = pytest.mark.django_db

SHIPPED = [q for q in shipped_quizzes(check_cases=False).questions if q.type == "least_privilege"]


def _in_quiz(quiz, shipped, data: dict) -> Question:
    """The shipped question as the loader stores it (a file's row), last in `quiz`."""
    question = make_question(
        "least_privilege",
        slug=shipped.slug,
        source=Source.FILE,
        category=shipped.category,
        prompt=shipped.prompt,
        explanation=shipped.explanation,
        misconceptions=list(shipped.misconceptions),
        data=data,
        lesson=None,
    )
    quiz.entries.create(question=question, order=quiz.entries.count() + 1)
    return question


def _copy_and_save(teacher, quiz, question):
    """Press "Copy to edit", then save the editor as it opens: nothing changed."""
    url = reverse("teach:quiz-question-copy", args=[quiz.pk, question.pk])
    copied = teacher.post(url, {"once": "a-page-token-123"})
    assert copied.status_code == 302
    edit = copied["Location"]
    copy = Question.objects.get(owner__isnull=False, source=Source.AUTHORED, type=question.type)
    return copy, teacher.post(edit, page_data(teacher, edit) | {"action": "save"})


def _requests(entries: list[dict]) -> list[tuple]:
    """A challenge's requests as the engine reads them (an empty context is no context)."""
    return [(r["action"], r["resource"], r.get("context") or {}) for r in entries]


def test_every_shipped_least_privilege_question_is_here():
    """The parametrized test below runs on each: none is quietly left out."""
    slugs = {q.slug for q in SHIPPED}
    assert len(slugs) >= 8 and {"iam-lp-ec2-mfa", "cap-lp-shop-app-role"} <= slugs


@pytest.mark.parametrize("shipped", SHIPPED, ids=lambda q: q.slug)
def test_a_copy_of_a_shipped_challenge_saves_unchanged(teacher, owned, shipped):
    quiz, _ = owned
    original = _in_quiz(quiz, shipped, deepcopy(shipped.data))
    copy, saved = _copy_and_save(teacher, quiz, original)
    assert saved.status_code == 302, text(saved)[:3000]
    copy.refresh_from_db()
    assert copy.problems() == []
    assert copy.data["reference"] == shipped.data["reference"]
    mine, theirs = copy.data["challenge"], shipped.data["challenge"]
    for key in ("must_allow", "must_deny"):
        assert _requests(mine[key]) == _requests(theirs[key])
    for key in ("principal", "scope", "start_policy"):
        assert mine[key] == theirs[key]
    assert mine.get("resource_account") == theirs.get("resource_account")
    original.refresh_from_db()
    assert (original.source, original.data) == (Source.FILE, shipped.data)  # untouched


def test_without_its_reference_a_shipped_challenges_copy_is_refused(teacher, owned):
    """Why the shipped questions carry one: the editor will not save a challenge without."""
    quiz, _ = owned
    shipped = SHIPPED[0]
    data = {key: value for key, value in deepcopy(shipped.data).items() if key != "reference"}
    copy, saved = _copy_and_save(teacher, quiz, _in_quiz(quiz, shipped, data))
    assert saved.status_code == 200
    assert "Write a reference solution" in text(saved)
    copy.refresh_from_db()
    assert "reference" not in copy.data


def test_a_copy_made_before_references_says_why_one_is_asked_for(teacher, owned):
    """Copies made before the shipped questions had a reference opened with the field empty,
    and were refused at save with no word of why it was missing. The field now says it, as
    its description, when the page opens and when a save is refused. No copy records what it
    was copied from (its slug is only a name), so none is filled in from the course's."""
    import re

    quiz, _ = owned
    shipped = SHIPPED[0]
    data = {key: value for key, value in deepcopy(shipped.data).items() if key != "reference"}
    copy, saved = _copy_and_save(teacher, quiz, _in_quiz(quiz, shipped, data))
    edit = reverse("teach:question-edit", args=[copy.pk])
    said = "This question was saved without a reference solution (a copy of a course question"
    for page in (teacher.get(edit).content.decode(), saved.content.decode()):
        described = re.search(r'<textarea name="k-reference"[^>]*aria-describedby="([^"]+)"', page)
        assert described, "the reference field has no description"
        assert re.search(rf'id="{described[1].split()[0]}"[^>]*>\s*{re.escape(said)}', page)
    # A question with its reference has no such word.
    Question.objects.filter(pk=copy.pk).update(data=deepcopy(shipped.data))
    assert "saved without a reference solution" not in teacher.get(edit).content.decode()
