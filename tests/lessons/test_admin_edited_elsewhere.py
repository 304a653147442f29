"""Two admins (or two tabs) on one lesson, module, scenario or other curriculum row in the admin:
the page saved second was drawn before the first save, and Django wrote it over that save
without a word. It is refused once, everything typed kept; saving again is a deliberate
overwrite (srm_trainer/admin_stale.py, as tests/quizzes/test_admin_edited_elsewhere.py for
quizzes). A load that changed a row since the page was drawn counts as a save, and the field
the check reads never makes the loader take a row as "edited in the admin"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup

from curriculum.loader import load_curriculum
from curriculum.readers import read_curriculum
from lessons import admin as lessons_admin
from lessons.models import (
    ArtifactSection,
    ComplianceProgram,
    Layer,
    Lesson,
    Module,
    Scenario,
    Service,
)
from tests.conftest import make_lesson, make_module, make_scenario, make_srm
from tests.content import write
from tests.curriculum.test_loader_lessons import content  # noqa: F401
from tests.quizzes.test_admin_edited_elsewhere import CLASHED, _fields, _form

pytestmark = pytest.mark.django_db
TYPED = "Typed in the other tab"


def _program():
    return ComplianceProgram.objects.create(
        slug="demo-hipaa",
        name="Demo HIPAA",
        kind="law",
        summary="US health data.",
        aws_provides=["A BAA."],
        customer_keeps=["Your application."],
    )


# Each model: how to make a row, the field the first tab changes (and to what), and the field
# the second, stale tab changes.
ROWS: dict[str, tuple[Callable[[], object], str, str, str]] = {
    "module": (make_module, "summary", "Saved first", "title"),
    "lesson": (make_lesson, "summary", "Saved first", "title"),
    "scenario": (make_scenario, "explanation", "Saved first", "title"),
    "layer": (
        lambda: Layer.objects.create(slug="demo-layer", name="Demo layer"),
        "description",
        "Saved first",
        "name",
    ),
    "service": (lambda: make_srm()["ec2"], "summary", "Saved first", "name"),
    "responsibility": (
        lambda: make_srm()["rds"].responsibilities.get(layer__slug="guest-os"),
        "owner",
        "shared",
        "reason",
    ),
    "artifactsection": (
        lambda: ArtifactSection.objects.create(slug="demo-section", name="Demo section"),
        "description",
        "Saved first",
        "name",
    ),
    "complianceprogram": (_program, "summary", "Saved first", "name"),
}


@pytest.mark.parametrize("model", ROWS)
def test_a_row_saved_in_another_tab_is_not_undone_by_a_stale_page(admin_client, model):
    make, first_field, first_value, second_field = ROWS[model]
    row = make()
    url = f"/admin/lessons/{model}/{row.pk}/change/"
    form_id = f"{model}_form"
    first, second = _form(admin_client, url, form_id), _form(admin_client, url, form_id)
    was = getattr(row, second_field)

    assert admin_client.post(url, {**first, first_field: [first_value]}).status_code == 302
    refused = admin_client.post(url, {**second, second_field: [TYPED]})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert CLASHED in page
    assert TYPED in page  # what was typed, kept
    row.refresh_from_db()
    assert getattr(row, first_field) == first_value  # the first save stands
    assert getattr(row, second_field) == was

    # The refused page remembers the newer save: saving it again is a choice, and works.
    again = BeautifulSoup(page, "html.parser").find("form", id=form_id)
    assert admin_client.post(url, _fields(again)).status_code == 302
    row.refresh_from_db()
    assert getattr(row, second_field) == TYPED
    assert getattr(row, first_field) != first_value  # the second page's copy, as chosen


@pytest.mark.parametrize("model", ["lesson", "scenario", "complianceprogram"])
def test_saving_the_same_page_twice_in_a_row_is_no_clash(admin_client, model):
    make, *_, field = ROWS[model]
    row = make()
    url = f"/admin/lessons/{model}/{row.pk}/change/"
    for value in ("One", "Two"):
        data = {**_form(admin_client, url, f"{model}_form"), field: [value]}
        assert admin_client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert getattr(row, field) == "Two"


def test_a_lesson_renamed_on_its_page_is_not_undone_by_its_modules_stale_page(admin_client):
    """The module's page saves its lessons' rows too (order, title, minutes…): its copy of a
    lesson renamed meanwhile would put the old title back."""
    lesson = make_lesson(title="Old title")
    module_url = f"/admin/lessons/module/{lesson.module_id}/change/"
    lesson_url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    stale = _form(admin_client, module_url, "module_form")
    renamed = {**_form(admin_client, lesson_url, "lesson_form"), "title": ["New title"]}
    assert admin_client.post(lesson_url, renamed).status_code == 302

    refused = admin_client.post(module_url, {**stale, "summary": [TYPED]})

    page = refused.content.decode()
    assert refused.status_code == 200
    assert "module’s lessons were changed somewhere else" in page
    assert TYPED in page
    assert Lesson.objects.get(pk=lesson.pk).title == "New title"
    assert Module.objects.get(pk=lesson.module_id).summary == ""
    # Drawn again, the page has the new title: saving it keeps both.
    again = _fields(BeautifulSoup(page, "html.parser").find("form", id="module_form"))
    assert admin_client.post(module_url, again).status_code == 302
    assert Module.objects.get(pk=lesson.module_id).summary == TYPED


def test_a_module_too_big_to_list_its_lessons_is_not_refused_for_a_lesson_edit(
    admin_client, monkeypatch
):
    """Past `INLINE_LESSONS` the page links to the lessons instead of holding them: it cannot
    undo a lesson's edit, so one is no reason to refuse it."""
    monkeypatch.setattr(lessons_admin, "INLINE_LESSONS", 0)
    lesson = make_lesson(title="Old title")
    module_url = f"/admin/lessons/module/{lesson.module_id}/change/"
    stale = _form(admin_client, module_url, "module_form")
    lesson.title = "New title"
    lesson.save()
    assert admin_client.post(module_url, {**stale, "summary": [TYPED]}).status_code == 302
    assert Lesson.objects.get(pk=lesson.pk).title == "New title"


def test_a_module_grown_past_its_list_of_lessons_since_its_page_was_drawn_is_refused_once(
    admin_client, monkeypatch
):
    """The page held lesson rows the module's page no longer has: said in words, not as an
    empty list of what changed."""
    lesson = make_lesson()
    module_url = f"/admin/lessons/module/{lesson.module_id}/change/"
    stale = _form(admin_client, module_url, "module_form")
    monkeypatch.setattr(lessons_admin, "INLINE_LESSONS", 0)

    refused = admin_client.post(module_url, {**stale, "summary": [TYPED]})

    assert "This module was changed somewhere else after you opened this page" in (
        refused.content.decode()
    )
    again = _fields(BeautifulSoup(refused.content, "html.parser").find("form", id="module_form"))
    assert admin_client.post(module_url, again).status_code == 302


def test_a_responsibility_changed_elsewhere_is_not_undone_by_its_services_stale_page(
    admin_client,
):
    service = make_srm()["ec2"]
    url = f"/admin/lessons/service/{service.pk}/change/"
    stale = _form(admin_client, url, "service_form")
    held = service.responsibilities.get(layer__slug="guest-os")
    held.reason = "Changed on its own page"
    held.save()

    refused = admin_client.post(url, {**stale, "summary": [TYPED]})

    assert "service’s responsibilities were changed somewhere else" in refused.content.decode()
    held.refresh_from_db()
    assert held.reason == "Changed on its own page"
    assert Service.objects.get(pk=service.pk).summary == ""


def test_a_scenario_linked_from_a_lessons_page_keeps_the_link_against_its_stale_page(
    admin_client,
):
    """The scenario's form sets its lessons whole: a link made on a lesson's page (its rows of
    scenarios) since the scenario's page was drawn would be taken out without a word."""
    shown_in, linked_later = make_lesson(), make_lesson()
    scenario = make_scenario(shown_in)
    url = f"/admin/lessons/scenario/{scenario.pk}/change/"
    stale = _form(admin_client, url, "scenario_form")
    Scenario.lessons.through.objects.create(scenario=scenario, lesson=linked_later)

    refused = admin_client.post(url, {**stale, "title": [TYPED]})

    assert "scenario’s lessons were changed somewhere else" in refused.content.decode()
    assert set(scenario.lessons.all()) == {shown_in, linked_later}
    assert Scenario.objects.get(pk=scenario.pk).title != TYPED


def test_a_lesson_a_load_changed_since_its_page_was_drawn_is_refused(admin_client, content):  # noqa: F811
    """A load writes only the fields that changed (`update_fields`), which Django's auto_now
    would leave alone: `EditStamped` moves the stamp anyway."""
    load_curriculum(read_curriculum(content))
    lesson = Lesson.objects.get(slug="second")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    stale = _form(admin_client, url, "lesson_form")
    path = content / "basics/02-second.md"
    path.write_text(path.read_text().replace("More words.", "Words the file changed."))
    assert load_curriculum(read_curriculum(content)).counts["lessons"]["updated"] == 1

    refused = admin_client.post(url, {**stale, "title": [TYPED]})

    assert CLASHED in refused.content.decode()
    assert "Words the file changed." in Lesson.objects.get(pk=lesson.pk).body


def test_the_stamp_is_no_edit_in_the_loaders_eyes(content):  # noqa: F811
    """The loader keeps a file scenario edited in the admin (its fingerprint no longer
    matches) and takes the file's version of one that was only saved as it was: a save
    moves `updated_at`, which the fingerprint does not hash."""
    load_curriculum(read_curriculum(content))
    scenario = Scenario.objects.get(slug="read-reports")
    before = scenario.updated_at
    scenario.save()  # "Save" in the admin with nothing changed
    assert Scenario.objects.get(pk=scenario.pk).updated_at > before
    again = load_curriculum(read_curriculum(content))
    assert again.counts["scenarios"]["unchanged"] == 1

    write(
        content,
        "scenarios/iam.yaml",
        (content / "scenarios/iam.yaml").read_text().replace("Read the reports", "Read them"),
    )
    report = load_curriculum(read_curriculum(content))
    assert report.conflicts == []
    assert Scenario.objects.get(pk=scenario.pk).title == "Read them"

    scenario = Scenario.objects.get(pk=scenario.pk)
    scenario.title = "Edited in the admin"
    scenario.save()
    write(
        content,
        "scenarios/iam.yaml",
        (content / "scenarios/iam.yaml").read_text().replace("Read them", "Read again"),
    )
    report = load_curriculum(read_curriculum(content))
    assert [c for c in report.conflicts if "read-reports" in c]
    assert Scenario.objects.get(pk=scenario.pk).title == "Edited in the admin"
