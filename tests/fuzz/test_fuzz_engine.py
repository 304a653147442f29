"""The engine takes anything: parse, evaluate, lint and lint_case raise PolicyError or nothing."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given
from hypothesis import strategies as st

from srm_trainer.iam import PolicyError, evaluate, lint, parse_case, parse_policy
from srm_trainer.iam.findings import lint_case
from srm_trainer.iam.model import POLICY_KINDS
from tests.fuzz.conftest import check_budget, fuzz_settings, timed
from tests.fuzz.strategies import (
    cases,
    clean_cases,
    clean_policies,
    json_values,
    policies,
    policy_texts,
    storm_policies,
    with_surrogates,
)


def only_policy_errors(call) -> None:
    with contextlib.suppress(PolicyError):
        call()


any_policy = st.one_of(
    clean_policies(),
    policy_texts(clean_policies()),
    policies,
    policy_texts(),
    json_values(st.one_of(with_surrogates, st.integers())),
    st.text(),
)


def test_parse_and_lint_take_any_policy():
    @fuzz_settings()
    @given(any_policy, st.sampled_from(POLICY_KINDS))
    def run(policy, kind):
        def work():
            only_policy_errors(lambda: parse_policy(policy, kind=kind))
            if isinstance(policy, str | dict):
                findings = lint(policy, kind=kind)
                assert all(
                    f.code and f.severity in ("error", "warning", "suggestion") for f in findings
                )

        timed("engine parse+lint", work, lambda: repr(policy))

    run()
    check_budget("engine parse+lint")


def test_evaluate_and_lint_case_take_any_case():
    @fuzz_settings()
    @given(st.one_of(clean_cases, clean_cases, cases(), cases().map(json.dumps), json_values()))
    def run(case):
        def work():
            try:
                decision = evaluate(case)
            except PolicyError:
                return
            assert decision.decision in ("Allow", "ExplicitDeny", "ImplicitDeny")
            json.dumps(decision.to_dict())
            if isinstance(case, dict):
                lint_case(case)

        timed("engine evaluate", work, lambda: repr(case))

    run()
    check_budget("engine evaluate")


def test_case_text_with_surrogates_numbers_and_nesting_is_refused_cleanly():
    pieces = st.sampled_from(["\\ud800", "\\udfff", "1" * 4400, "[" * 2000, "\x00", "\\u0000"])

    @fuzz_settings()
    @given(cases().map(json.dumps), pieces, st.integers(min_value=0))
    def run(text, piece, at):
        at %= len(text) + 1
        mangled = text[:at] + piece + text[at:]
        timed(
            "engine case text",
            lambda: only_policy_errors(lambda: parse_case(mangled)),
            lambda: mangled,
        )

    run()
    check_budget("engine case text")


def test_wildcard_storms_evaluate_and_lint():
    @fuzz_settings(examples=300)
    @given(
        storm_policies(40), st.sampled_from(["s3:GetObject", "iam:PassRole", "ec2:RunInstances"])
    )
    def run(policy, action):
        case = {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": action,
                "resource": "arn:aws:s3:::" + "a" * 200,
            },
            "identity_policies": [policy],
        }

        def work():
            evaluate(case)
            lint(json.dumps(policy))

        timed("engine wildcard storm", work, lambda: json.dumps(policy))

    run()
    check_budget("engine wildcard storm")
