"""A newcomer's first hour on a phone (390 px, touch): the home page says what AWS is and that
this browser keeps their work until they sign up; the first lesson's knowledge check, answered
wrongly, offers an account; the module quiz's result, failed, says an account keeps it and
brings the misses back; signing up from there returns to the result, with the misses due in
the review queue. Nothing scrolls sideways on the way (QA of a new learner, 2026-12-05)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import ReviewCard
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import ATTEMPT, LESSON, fill_sign_up, no_horizontal_scroll, settled

pytestmark = pytest.mark.e2e


def test_a_newcomer_on_a_phone_reads_answers_fails_signs_up_and_finds_the_misses(phone):
    phone.goto("/")
    hero = phone.locator(".hero")
    expect(hero).to_contain_text("Amazon Web Services (AWS) rents out servers")
    expect(hero).to_contain_text("This browser keeps your progress for now.")
    no_horizontal_scroll(phone)

    phone.get_by_role("link", name="Start with the first lesson").tap()
    phone.wait_for_url(LESSON)
    check = phone.locator(".knowledge-check").first
    check.get_by_label(re.compile(r"^AWS's: S3 is a managed service")).tap()
    check.get_by_role("button", name="Check answer").tap()
    settled(phone)
    expect(phone.locator("#live-status")).to_have_text("Not right.")
    expect(check).to_contain_text(
        "Not kept: create an account or sign in to have your answers counted."
    )
    no_horizontal_scroll(phone)

    check.get_by_role("link", name=re.compile("^Check your understanding")).tap()
    phone.get_by_role("button", name="Start the quiz").tap()
    phone.wait_for_url(ATTEMPT)
    phone.get_by_role("link", name="Review and submit").tap()
    phone.get_by_role("button", name="Submit and see your result").tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Your result")
    result = phone.url
    hint = phone.locator(".page-header .hint")
    expect(hint).to_have_text(
        "This browser keeps this attempt for now. Create an account or sign in to keep it, and "
        "the questions you missed come back to you in a review queue."
    )
    no_horizontal_scroll(phone)
    assert_accessible(phone)

    hint.get_by_role("link", name="Create an account").tap()
    fill_sign_up(phone, "career-changer")
    expect(phone).to_have_url(result)
    expect(phone.get_by_role("link", name="Your review queue")).to_be_visible()
    expect(phone.locator(".page-header .hint")).to_have_count(0)
    assert ReviewCard.objects.filter(user__username="career-changer").exists()
    phone.get_by_role("link", name="Your review queue").tap()
    expect(phone.locator("#due-count")).to_contain_text(re.compile(r"\d+ (questions|more)"))
    no_horizontal_scroll(phone)
