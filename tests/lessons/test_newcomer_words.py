"""A newcomer who has never used AWS meets each name in words before its abbreviation: the home
page and the first lesson said "AWS", "IAM", "SRM" and "DDoS" before saying what they are, and the
first knowledge check asked about `s3:GetObject` and `"Principal": "*"` before any lesson had
taught a policy (QA of a new learner's first hour, 2026-12-05)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

FIRST_LESSON = "shared-responsibility/of-and-in-the-cloud"


def _first_use(text: str, abbreviation: str) -> int:
    found = re.search(rf"\b{re.escape(abbreviation)}\b", text)
    assert found, abbreviation
    return found.start()


@pytest.mark.django_db
def test_the_home_page_says_what_each_abbreviation_stands_for_where_it_first_uses_it(client):
    hero = BeautifulSoup(client.get("/").content, "html.parser").select_one(".hero")
    text = " ".join(hero.get_text().split())
    for words, abbreviation in [
        ("Amazon Web Services", "AWS"),
        ("Shared Responsibility Model", "SRM"),
        ("identity and access management", "IAM"),
        ("denial-of-service", "DDoS"),
    ]:
        first = _first_use(text, abbreviation)
        assert text[:first].endswith(f"{words} ("), abbreviation
    assert "No AWS experience needed" in text


@pytest.mark.django_db
def test_an_anonymous_visitor_is_told_the_browser_keeps_their_progress_until_they_sign_up(client):
    """ "Create an account to keep your progress." read as if nothing done before signing up
    was kept; it is (in the session), and it moves to the account."""
    hint = BeautifulSoup(client.get("/").content, "html.parser").select_one(".hero .hint")
    text = " ".join(hint.get_text().split())
    assert text == (
        "This browser keeps your progress for now. Create an account to keep it for good: "
        "what you have done so far comes with you."
    )


def test_the_first_lesson_says_what_aws_and_ssh_are_before_it_uses_them():
    lesson = next(
        le for le in shipped_curriculum().lessons if f"{le.module}/{le.slug}" == FIRST_LESSON
    )
    body = " ".join(lesson.body.split())
    first = _first_use(body, "AWS")
    assert body[:first].endswith("Amazon Web Services (")
    ssh = _first_use(body, "SSH")
    assert "log in to the server remotely (" in body[ssh - 40 : ssh]


def test_the_first_knowledge_check_says_in_words_what_the_policy_allowed():
    """It is in the course's first lesson, before any lesson explains a policy: the words come
    first, and the policy's own terms only after them, for those who know them."""
    question = next(
        q
        for q in shipped_quizzes(check_cases=False).questions
        if q.slug == ("srm-public-exports-owner")
    )
    prompt = " ".join(question.prompt.split())
    before_code = prompt.split("`", 1)[0]
    assert "lets every caller, signed in or not, read its objects" in before_code


def test_the_second_lesson_says_what_acls_and_the_api_are():
    """The course's second lesson said "ACLs disabled by default" and "not the API that hands
    the data" to learners who had met neither. S3's access control lists are a resource-based
    way to grant access to a bucket or single objects, now disabled by default and rarely
    needed (Amazon S3 User Guide, "Managing access with ACLs")."""
    lesson = next(
        le
        for le in shipped_curriculum().lessons
        if f"{le.module}/{le.slug}" == "shared-responsibility/the-line-moves"
    )
    body = " ".join(lesson.body.split())
    acl = _first_use(body, "ACLs")
    assert body[:acl].endswith("access control lists (")
    api = _first_use(body, "API")
    assert body[api:].startswith("API (the requests programs send to S3)")
