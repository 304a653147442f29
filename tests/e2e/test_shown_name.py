"""A learner chooses the name their instructors see, by keyboard, and their instructor finds
them by it on the gradebook (`lessons.shown_names`)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services
from cohorts.models import Membership
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.journeys import make_user, sign_in, sign_in_with_code

pytestmark = pytest.mark.e2e


def test_a_learner_sets_the_name_their_instructor_then_sees(page, console, live_server):
    emmy = make_user("noether")
    page.goto("/")
    sign_in(page, "noether")
    page.get_by_role("banner").get_by_role("link", name=re.compile("^Account")).press("Enter")
    menu = page.get_by_role("navigation", name="Your account")
    menu.get_by_role("link", name="Name for instructors").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Name shown to your instructors")

    field = page.get_by_label("Name shown to your instructors")
    console.allow("status of 400")  # the refused name, as browsers log any 4xx
    field.fill("Emmy\u202eNoether")
    field.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Character 5 is a control character")
    expect(field).to_be_focused()  # the refused field takes the focus, its message read out
    field.fill("Amalie Emmy Noether")
    field.press("Enter")
    expect(page.get_by_text("Your instructors now see your name as “Amalie Emmy Noether”."))
    expect(field).to_have_value("Amalie Emmy Noether")

    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    cohort = services.cohort_create(owner=teacher, name="Algebra")
    Membership.objects.create(cohort=cohort, user=emmy, joined_at=timezone.now())
    page.context.clear_cookies()
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    search = page.get_by_label("Find a learner")
    search.fill("amalie")
    search.press("Enter")
    row = page.get_by_role("row", name=re.compile("noether"))
    expect(row).to_contain_text("Amalie Emmy Noether")
