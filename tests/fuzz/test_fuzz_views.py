"""Every entry point for input takes anything without a 500: the API, the sandbox (full page
and htmx live update, permalinks, case files) and the quiz answer view."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from quizzes.models import Attempt
from tests.fuzz.conftest import FUZZ, check_budget, clear_caches, fuzz_settings, timed
from tests.fuzz.strategies import (
    cases,
    clean_cases,
    json_values,
    odd_text,
    permalinks,
    policy_texts,
    sandbox_forms,
    storm_policies,
)
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db

JSON_API_STATUSES = {200, 400, 413}


def api_bodies():
    return st.one_of(
        clean_cases.map(json.dumps),
        cases().map(json.dumps),
        json_values().map(json.dumps),
        cases().map(lambda c: json.dumps(c, ensure_ascii=False).encode("utf-8")),
        st.binary(max_size=300),
        st.sampled_from(["[" * 20_000, '{"request": ' + "1" * 5000 + "}", "", "null", "\ufeff{}"]),
        st.builds(
            lambda p: json.dumps(
                {
                    "request": {
                        "principal": "arn:aws:iam::111122223333:user/alice",
                        "action": "s3:GetObject",
                        "resource": "arn:aws:s3:::reports/q1.csv",
                    },
                    "identity_policies": [p],
                }
            ),
            storm_policies(60 if FUZZ else 2),
        ),
    )


def test_the_api_answers_json_for_anything(fuzz_client):
    @fuzz_settings()
    @given(
        api_bodies(),
        st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
    )
    def run(body, content_type):
        clear_caches()
        response = timed(
            "view api",
            lambda: fuzz_client.post("/api/iam/evaluate", body, content_type=content_type),
            lambda: repr(body),
        )
        assert response.status_code in JSON_API_STATUSES, response.content[:300]
        data = response.json()
        if response.status_code == 200:
            assert data["decision"] in ("Allow", "ExplicitDeny", "ImplicitDeny")
        else:
            assert data["error"]["code"] and data["error"]["message"]

    run()
    check_budget("view api")


def test_the_sandbox_takes_any_form(fuzz_client):
    @fuzz_settings()
    @given(sandbox_forms(), st.booleans())
    def run(form, htmx):
        clear_caches()
        headers = {"HX-Request": "true"} if htmx else {}
        response = timed(
            "view sandbox post",
            lambda: fuzz_client.post("/sandbox/", form, headers=headers),
            lambda: repr(form),
        )
        assert response.status_code in (200, 400, 413), response.status_code

    run()
    check_budget("view sandbox post")


def test_the_sandbox_opens_any_permalink(fuzz_client):
    @fuzz_settings()
    @given(permalinks)
    def run(token):
        clear_caches()
        response = timed(
            "view sandbox permalink",
            lambda: fuzz_client.get("/sandbox/", {"case": token}),
            lambda: token,
        )
        assert response.status_code == 200

    run()
    check_budget("view sandbox permalink")


def test_the_sandbox_opens_any_case_file(fuzz_client):
    files = st.one_of(
        cases().map(lambda c: json.dumps(c).encode()),
        st.lists(cases(), max_size=2).map(lambda c: json.dumps(c).encode()),
        policy_texts().map(str.encode),
        st.binary(max_size=300),
    )

    @fuzz_settings()
    @given(files)
    def run(content):
        clear_caches()
        upload = SimpleUploadedFile("case.json", content, content_type="application/json")
        response = timed(
            "view sandbox case file",
            lambda: fuzz_client.post("/sandbox/", {"op": "open", "case_file": upload}),
            lambda: repr(content),
        )
        assert response.status_code in (200, 400)

    run()
    check_budget("view sandbox case file")


# --- quiz answers -------------------------------------------------------------------------

KINDS = [
    "single",
    "multiple",
    "true_false",
    "ordering",
    "categorize",
    "policy_decision",
    "route_findings",  # within the first 8 positions the fuzz posts to
    "least_privilege",
]
ANSWER_FIELDS = [
    "choice", "choices", "answer", "decision", "statement", "policy", "pattern", "action", "q",
]  # fmt: skip


@pytest.fixture
def attempt(learner):
    questions = [make_question(kind) for kind in KINDS]
    questions.append(make_question("policy_decision", ask_statement=True))
    return make_attempt(make_quiz(*questions), user=learner)


def answer_forms(attempt: Attempt):
    """Forms of up to 8 fields, named and valued as the attempt's questions read them or not.
    Built once per attempt (it was once per input, inside the draw)."""
    ids = [i for order in attempt.layout.values() for i in order]
    names = st.one_of(
        st.sampled_from(ANSWER_FIELDS),
        st.sampled_from(ids).map(lambda i: f"pos_{i}") if ids else st.just("pos_x"),
        st.sampled_from(ids).map(lambda i: f"cat_{i}") if ids else st.just("cat_x"),
        odd_text,
    )
    values = st.one_of(
        st.sampled_from(ids) if ids else odd_text,
        st.sampled_from(
            ["1", "2", "0", "-1", "²", "AWS", "Customer", "true", "Allow", "ExplicitDeny"]
        ),
        st.sampled_from(["check", "autosave", "save", "next", "prev"]),
        odd_text,
        policy_texts(),
        policy_texts(storm_policies(30 if FUZZ else 2)),
        st.sampled_from(
            [
                '{"source": ["aws.guardduty"]}',
                '{"detail": {"severity": [{"numeric": [">=", 7]}]}}',
                '{"source": ["aws.guardduty",]}',
                '{"a": {"anything-but": ["x"]}}',
                "{" * 500,
            ]
        ),  # fmt: skip
        st.lists(st.sampled_from(ids) if ids else odd_text, max_size=4),
    )
    return st.dictionaries(names, values, max_size=8)


def test_the_quiz_answer_view_takes_any_answer(client, learner, attempt):
    client.force_login(learner)
    positions = st.one_of(st.integers(1, 8), st.integers(0, 10**18 - 1))

    @fuzz_settings()
    @given(answer_forms(attempt), positions, st.booleans())
    def run(form, position, htmx):
        clear_caches()
        headers = {"HX-Request": "true"} if htmx else {}
        url = f"/quizzes/attempts/{attempt.pk}/answer/{position}/"
        response = timed(
            "view quiz answer",
            lambda: client.post(url, form, headers=headers),
            lambda: repr((position, form)),
        )
        # 400: Django refuses a multipart part whose headers are over its limit (a field name
        # thousands of characters long) before the view runs.
        assert response.status_code in (200, 204, 302, 400), response.status_code

    run()
    check_budget("view quiz answer")
