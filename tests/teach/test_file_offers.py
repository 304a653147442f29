"""The question editor's tag and misconception counts: the curriculum's questions' counts are
kept between requests (`teach.bank.FILE_OFFERS`: counting them and reading their banks on
every editor page was 35 ms of 57 with 20,000 of them), an instructor's own kept apart for
each of them (`teach.bank.OWN_COUNTS`, tests/teach/test_own_counts.py). Every way a count can
change shows on the next page: the editors, an import, a copy, a deletion, the admin, the
curriculum loader, a tag or a module changed. Committed rows (outside a transaction is where a
kept value is kept), so each test here would fail if its path left the kept counts stale."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.models import Module, Source
from quizzes.models import Question, Tag
from teach import bank, services
from teach.transfer import importer, json_format
from tests.conftest import give_mfa, make_module, sign_in
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import client_for
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db(transaction=True)


def misconceptions(user) -> dict[str, int]:
    return dict(bank.question_offers(user).misconceptions)


def tags(user) -> dict[str, int]:
    return dict(bank.tag_counts(user))


def from_files(*names: str, module=None, tags_: tuple[str, ...] = ()) -> Question:
    question = make_question(
        owner=None, source=Source.FILE, lesson=None, module=module, misconceptions=list(names)
    )
    if tags_:
        services.question_set_tags(question=question, tags=list(tags_))
    return question


def mine(owner, *names: str) -> Question:
    return make_question(
        owner=owner, source=Source.AUTHORED, lesson=None, misconceptions=list(names)
    )


@pytest.fixture
def builds(monkeypatch) -> list:
    """Each time the curriculum's counts are counted (not taken as kept)."""
    made: list = []
    for kept in bank.FILE_OFFERS:

        def counting(build=kept._build, name=kept.key):
            made.append(name)
            return build()

        monkeypatch.setattr(kept, "_build", counting)
        kept._kept = None
    return made


@pytest.fixture
def staff_client(staff):
    give_mfa(staff)
    client = client_for(None)
    sign_in(client, staff)
    return client


def test_the_curriculums_counts_are_kept_and_a_teachers_own_save_leaves_them_be(
    instructor, other_instructor, builds
):
    from_files("thinks-file", tags_=("week-1",))
    mine(instructor, "thinks-file", "thinks-mine")
    mine(other_instructor, "thinks-theirs")
    assert misconceptions(instructor) == {"thinks-file": 2, "thinks-mine": 1}
    assert tags(instructor) == {"week-1": 1}
    assert misconceptions(other_instructor) == {"thinks-file": 1, "thinks-theirs": 1}
    assert len(builds) == 3  # misconceptions, tags, banks: once each, for every instructor
    # A save of their own question is counted on the next read (kept apart for them) and
    # leaves the curriculum's kept counts be.
    services.question_set_tags(question=mine(instructor, "thinks-new"), tags=["week-1"])
    assert misconceptions(instructor)["thinks-new"] == 1 and tags(instructor) == {"week-1": 2}
    assert len(builds) == 3


def test_the_banks_offered_follow_the_curriculums_questions_and_the_teachers_own(
    instructor, builds
):
    question = from_files("thinks-file")
    Question.objects.filter(pk=question.pk).update(category="shipped")
    bank.file_questions_changed()  # (a queryset update sends no signal; no app code makes one)
    assert bank.categories(instructor) == ["shipped"]
    make_question(owner=instructor, source=Source.AUTHORED, lesson=None, category="mine")
    assert bank.categories(instructor) == ["mine", "shipped"]
    question.refresh_from_db()
    question.archived = True
    question.save()
    assert bank.categories(instructor) == ["mine"]
    assert bank.question_offers(instructor).categories == ["mine"]


def offered(client, question: Question) -> set[str]:
    """The misconception tags the question's editor offers as boxes to tick."""
    page = client.get(reverse("teach:question-edit", args=[question.pk])).content.decode()
    return set(re.findall(r'name="misconceptions" value="([^"]+)"', page))


def test_staff_are_offered_the_courses_tags_and_the_question_owners_not_every_teachers(
    staff, staff_client, instructor, other_instructor, builds
):
    """Each teacher carries at most `MAX_OWN_MISCONCEPTIONS` of their own, but teachers have
    no number: staff's editor offers what the question's owner would see (the course's and
    the owner's, against whose ceiling a tag ticked there counts), kept as theirs is."""
    from_files("thinks-file")
    ines = mine(instructor, "thinks-mine")
    theirs = mine(other_instructor, "thinks-theirs")
    own = mine(staff, "thinks-staff")
    assert offered(staff_client, ines) == {"thinks-file", "thinks-mine"}
    assert offered(staff_client, theirs) == {"thinks-file", "thinks-theirs"}
    assert offered(staff_client, own) == {"thinks-file", "thinks-staff"}
    course = from_files("thinks-course")  # a curriculum question has no owner: the course's
    assert offered(staff_client, course) == {"thinks-file", "thinks-course"}
    assert dict(bank.question_offers(staff, instructor.pk).misconceptions) == {
        "thinks-course": 1,
        "thinks-file": 1,
        "thinks-mine": 1,
    }
    assert dict(bank.question_offers(staff).misconceptions) == {
        "thinks-course": 1,
        "thinks-file": 1,
    }


def test_a_save_in_the_editor_shows_at_once(instructor, teacher, builds):
    question = mine(instructor, "thinks-old")
    misconceptions(instructor)
    url = reverse("teach:question-edit", args=[question.pk])
    data = form_fields(teacher.get(url).content.decode())
    data.update(new_misconceptions="thinks-edited", new_tags="week-9", action="save")
    assert teacher.post(url, data).status_code == 302
    page = teacher.get(url).content.decode()
    assert "thinks-edited (1)" in page and "week-9 (1)" in page


def test_staff_editing_a_curriculum_question_in_the_editor_shows_at_once(
    staff_client, instructor, builds
):
    question = from_files("thinks-old")
    assert misconceptions(instructor) == {"thinks-old": 1}
    url = reverse("teach:question-edit", args=[question.pk])
    data = form_fields(staff_client.get(url).content.decode())
    data.update(misconceptions=[], new_misconceptions="thinks-edited", action="save")
    assert staff_client.post(url, data).status_code == 302
    assert misconceptions(instructor) == {"thinks-edited": 1}


def test_an_import_shows_at_once(instructor, other_instructor, builds):
    misconceptions(instructor)
    made = mine(other_instructor, "thinks-imported")
    document = json.loads(json_format.export_bank([made], "b"))
    importer.run(json_format.dump(document), "json", owner=instructor)
    assert misconceptions(instructor) == {"thinks-imported": 1}


def test_a_copy_of_a_curriculum_question_counts_as_the_teachers_own(instructor, builds):
    original = from_files("thinks-file", tags_=("week-1",))
    quiz = make_quiz(original, owner=instructor, source=Source.AUTHORED)
    assert misconceptions(instructor) == {"thinks-file": 1}
    services.quiz_copy_question(quiz=quiz, question=original, owner=instructor)
    assert misconceptions(instructor) == {"thinks-file": 2}
    assert tags(instructor) == {"week-1": 2}
    assert sorted(builds) == [
        "teach:file-categories",
        "teach:file-misconceptions",
        "teach:file-tags",
    ]


def test_a_deleted_question_is_no_longer_counted(instructor, staff_client, teacher, builds):
    file_question, own = from_files("thinks-file"), mine(instructor, "thinks-mine")
    assert misconceptions(instructor) == {"thinks-file": 1, "thinks-mine": 1}
    for client, question in ((teacher, own), (staff_client, file_question)):
        url = reverse("teach:question-delete", args=[question.pk])
        assert client.post(url).status_code == 302
    assert not Question.objects.exists()
    assert misconceptions(instructor) == {}


def test_an_admin_change_shows_at_once(admin_client, instructor, builds):
    question = from_files("thinks-old")
    tag = Tag.objects.create(slug="week-2")
    assert misconceptions(instructor) == {"thinks-old": 1} and tags(instructor) == {}
    form = {
        "slug": question.slug,
        "type": "single",
        "category": "iam",
        "module": "",
        "prompt": question.prompt,
        "explanation": question.explanation,
        "lesson": "",
        "misconceptions": json.dumps(["thinks-admin"]),
        "data": json.dumps(question.data),
        "scenario": "",
        "level": "",
        "tags": [tag.pk],
    }
    response = admin_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert misconceptions(instructor) == {"thinks-admin": 1}
    assert tags(instructor) == {"week-2": 1}


def test_a_tag_renamed_or_deleted_and_a_module_deleted_show_at_once(instructor, builds):
    module = make_module()
    from_files("thinks-file", module=module, tags_=("week-1",))
    assert bank.tag_uses(instructor) == [("week-1", module.pk, 1)]
    tag = Tag.objects.get(slug="week-1")
    tag.slug = "week-one"
    tag.save()
    assert bank.tag_uses(instructor) == [("week-one", module.pk, 1)]
    Module.objects.filter(pk=module.pk).delete()
    assert bank.tag_uses(instructor) == [("week-one", None, 1)]
    assert bank.question_offers(instructor).misconception_uses == [("thinks-file", None, 1)]
    tag.delete()
    assert bank.tag_uses(instructor) == []


def test_loading_the_curriculum_shows_at_once(tmp_path, instructor, builds):
    write(tmp_path, "modules.yaml", "- slug: iam\n  title: IAM\n")
    write(
        tmp_path,
        "iam/01-policies.md",
        "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n",
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    quiz = """
        quiz:
          slug: iam-quiz
          title: Check your IAM knowledge
          module: iam
        questions:
          - slug: groups-are-principals
            type: true_false
            prompt: Groups can be named as principals.
            explanation: Groups are not principals.
            lesson: iam/policies
            misconceptions: [thinks-groups-are-principals]
            answer: false
    """
    write(tmp_path, "quizzes/iam-quiz.yaml", quiz)
    assert misconceptions(instructor) == {}
    call_command("load_curriculum", path=tmp_path, verbosity=0)
    assert misconceptions(instructor) == {"thinks-groups-are-principals": 1}
    write(
        tmp_path,
        "quizzes/iam-quiz.yaml",
        quiz.replace("thinks-groups-are-principals", "thinks-any-name-works"),
    )
    call_command("load_curriculum", path=tmp_path, verbosity=0)
    assert misconceptions(instructor) == {"thinks-any-name-works": 1}
