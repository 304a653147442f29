"""The engine-backed question editors (/teach/) take any form without a 500, within the
sandbox's time budget: the policy editor reads the sandbox's case form (prefixed `case-`), the
least-privilege editor checks any reference solution with the grader's budget."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from lessons.models import Source
from tests.fuzz.conftest import check_budget, clear_caches, fuzz_settings, timed
from tests.fuzz.strategies import odd_text, policy_texts, sandbox_forms, storm_policies
from tests.quizzes.builders import make_quiz
from tests.teach.conftest import _instructor

pytestmark = pytest.mark.django_db

# Browsers post these forms urlencoded (the test client's default, multipart, refuses some of
# the fuzzer's field names before any view runs).
FORM = "application/x-www-form-urlencoded"
SHARED = {"prompt": "P", "explanation": "E", "category": "iam", "k-title": "T", "k-situation": "S"}
ACTIONS = st.sampled_from(["save", "engine", "preview", "check", "allow-add", "deny-up-1", ""])


@pytest.fixture
def teacher_client(fuzz_client):
    user = _instructor("fuzzy")
    client = Client(raise_request_exception=True)
    client.force_login(user)
    quiz = make_quiz(owner=user, source=Source.AUTHORED, published=False)
    return client, quiz


def test_the_policy_editor_takes_any_case_form(teacher_client):
    client, quiz = teacher_client
    url = f"/teach/quizzes/{quiz.pk}/questions/new/policy_decision/"

    @fuzz_settings()
    @given(sandbox_forms(), ACTIONS, st.booleans())
    def run(form, action, htmx):
        clear_caches()
        data = {f"case-{k}" if k != "op" else k: v for k, v in form.items()}
        data |= SHARED | {"action": action}
        headers = {"HX-Request": "true"} if htmx else {}
        response = timed(
            "view teach policy post",
            lambda: client.post(url, urlencode(data), content_type=FORM, headers=headers),
            lambda: repr(data),
        )
        assert response.status_code in (200, 302), response.status_code

    run()
    check_budget("view teach policy post")


def test_the_challenge_editor_takes_any_reference(teacher_client):
    client, quiz = teacher_client
    url = f"/teach/quizzes/{quiz.pk}/questions/new/least_privilege/"
    base = SHARED | {
        "k-principal": "arn:aws:iam::111122223333:user/alice",
        "k-scope": "arn:aws:s3:::reports/*\narn:aws:ec2:*:*:instance/*",
        "allow-TOTAL_FORMS": "1",
        "allow-INITIAL_FORMS": "0",
        "allow-0-action": "s3:GetObject",
        "allow-0-resource": "arn:aws:s3:::reports/q1.csv",
        "deny-TOTAL_FORMS": "1",
        "deny-INITIAL_FORMS": "0",
    }

    @fuzz_settings()
    @given(
        st.one_of(policy_texts(), storm_policies(2).map(json.dumps)),
        st.one_of(odd_text, st.just("s3:DeleteObject")),
        st.one_of(odd_text, st.just('{"aws:SourceIp": "10.0.0.1"}')),
        ACTIONS,
    )
    def run(reference, deny_action, context, action):
        clear_caches()
        data = base | {
            "k-reference": reference,
            "deny-0-action": deny_action,
            "deny-0-resource": "arn:aws:s3:::reports/q1.csv",
            "deny-0-context": context,
            "action": action,
        }
        response = timed(
            "view teach challenge post",
            lambda: client.post(
                url, urlencode(data), content_type=FORM, headers={"HX-Request": "true"}
            ),
            lambda: repr(data),
        )
        assert response.status_code in (200, 302), response.status_code

    run()
    check_budget("view teach challenge post")
