"""Staff meet no unnamed control in the admin, at desktop and phone size: the editable columns
of the module and lesson lists, the rows of the module's lessons, a lesson's scenarios and a
service's responsibilities (a row added too), and a user's dates and times. axe-core's "label"
and "select-name" (critical) found each of them unnamed (srm_trainer/admin_names.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import serious_violations

pytestmark = pytest.mark.e2e

RULES = ("label ", "select-name ")  # axe's rules for a control with no name


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_staff_hear_each_rows_controls_named_for_their_column_and_row(staff_page, curriculum, size):
    from lessons.models import Lesson, Module, Service

    module = Module.objects.get(slug="iam")
    lesson = Lesson.objects.get(module=module, slug="least-privilege")
    service = Service.objects.get(slug="ec2")
    page, staff = staff_page(size)

    unnamed = {}
    for path in (
        "/admin/lessons/module/",
        "/admin/lessons/lesson/",
        f"/admin/lessons/module/{module.pk}/change/",
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        f"/admin/lessons/service/{service.pk}/change/",
        f"/admin/auth/user/{staff.pk}/change/",
    ):
        page.goto(path)
        if path == "/admin/lessons/module/":
            expect(page.get_by_label(f"Order of “{module.title}”")).to_have_value(str(module.order))
        if path.startswith("/admin/lessons/module/") and path.endswith("/change/"):
            expect(page.get_by_label("Delete “iam/least-privilege”")).not_to_be_checked()
            page.get_by_role("button", name="Add another lesson").click()
            added = page.locator("tr.dynamic-lessons")  # the row added, from the hidden template
            expect(added.get_by_label("Title of the new lesson")).to_be_visible()
        if path.startswith("/admin/auth/user/"):
            expect(page.get_by_label("Date joined: time")).to_be_visible()
        found = [v for v in serious_violations(page) if v.startswith(RULES)]
        if found:
            unnamed[path] = found
    assert unnamed == {}
