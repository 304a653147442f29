"""A content editor (staff for the course's content only) writes questions and quizzes under
/teach/ but runs no class: a cohort shows learners by name with their work, which the role was
made not to hold. Instructors, admins and the superuser still run classes. That each /teach/
authoring page opens for them, and each cohort page refuses them saying why, is the
authorization matrix's (`CONTENT_EDITOR` in tests/test_authorization_matrix.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from cohorts import services
from cohorts.models import Cohort
from srm_trainer.accounts.admin import HandOverForm
from teach.access import can_run_classes
from tests.cohorts.conftest import client_for, make_learner
from tests.conftest import give_mfa

pytestmark = pytest.mark.django_db


def _role(name: str, command: str):
    user = make_learner(name)
    call_command(command, name)
    user.refresh_from_db()
    return user


def test_a_content_editors_teaching_pages_offer_no_cohorts_and_make_none(content_editor, client):
    dashboard = client.get(reverse("teach:dashboard"))
    cohorts = reverse("teach_cohorts:list")
    assert f'href="{cohorts}"' not in dashboard.content.decode()
    created = client.post(cohorts, {"name": "Editors' class"})
    assert created.status_code == 403
    assert not Cohort.objects.filter(name="Editors' class").exists()


def test_an_admin_still_runs_classes_and_sees_the_link(db):
    admin = _role("ava", "make_admin")
    assert can_run_classes(admin)
    give_mfa(admin)
    page = client_for(admin).get(reverse("teach:dashboard")).content.decode()
    assert f'href="{reverse("teach_cohorts:list")}"' in page


def test_an_admin_who_is_also_a_content_editor_keeps_classes(db):
    both = _role("bea", "make_admin")
    call_command("make_content_editor", "bea")
    both.refresh_from_db()
    assert can_run_classes(both)


def test_a_content_editor_cannot_co_teach_own_or_take_over_a_cohort(cohort, owner):
    editor = _role("kim", "make_content_editor")
    with pytest.raises(services.CohortError, match="kim is not an instructor here"):
        services.co_instructor_add(cohort=cohort, username="kim")
    admin = _role("ava", "make_admin")
    services.co_instructor_add(cohort=cohort, username="ava")
    assert cohort.co_instructors.filter(pk=admin.pk).exists()
    choices = set(HandOverForm(from_user=owner).fields["to"].queryset)
    assert admin in choices
    assert editor not in choices
