"""A learner takes their data away, then closes their account: by keyboard, end to end."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import Certificate
from lessons import progress
from lessons.models import Lesson
from tests.e2e.journeys import PASSWORD, make_user, sign_in

pytestmark = pytest.mark.e2e


def test_a_learner_downloads_their_data_then_deletes_the_account(page, console, live_server):
    emmy = make_user("noether")
    lesson = Lesson.objects.in_reading_order().first()
    progress.mark_complete(user=emmy, lesson=lesson)
    certificate = Certificate.objects.create(
        user=emmy, course_title="The course", name="Emmy Noether", issued_at=timezone.now()
    )
    page.goto("/")
    sign_in(page, "noether")
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Account")).press("Enter")
    menu = page.get_by_role("navigation", name="Your account")
    menu.get_by_role("link", name="Your data").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").press("Enter")
    assert re.fullmatch(
        r"srm-trainer-noether-\d{4}-\d\d-\d\d\.json", download.value.suggested_filename
    )
    with open(download.value.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert data["account"]["username"] == "noether"
    assert [row["lesson"] for row in data["lesson_progress"]] == [lesson.slug]
    (mine,) = data["certificates"]
    assert mine["verification_link"] == f"{live_server.url}/certificates/{certificate.code}/"

    page.get_by_role("link", name="Delete my account…").press("Enter")
    # allauth asks for the password again first
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    password = page.get_by_label(re.compile(r"^Password$"))
    password.fill(PASSWORD)
    password.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete my account")
    expect(page.locator("main")).to_contain_text("verification links stop working")
    confirm = page.get_by_label("Type your username to confirm")
    confirm.fill("noether")
    page.get_by_role("button", name="Delete my account permanently").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status").first).to_contain_text("The account noether is closed")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert not get_user_model().objects.filter(username="noether").exists()
    console.allow("status of 404")  # the certificate's link, checked below
    response = page.goto(mine["verification_link"])
    assert response is not None and response.status == 404
