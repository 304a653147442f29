"""Data-driven specification of the IAM evaluation core.

Every JSON file in ``tests/iam/cases/`` holds an array of cases in the shared case format
(``iam-cases/FORMAT.md``). Each case names the AWS documentation rule it checks (``doc``) and
the decision AWS's documented evaluation logic reaches (``expect``). The cases were written from
the AWS IAM User Guide, not from the engine, so a failure here means the engine and the cited
documentation disagree. A case whose policies AWS would refuse to create (an RCP with an Allow
statement, ``NotAction`` or no ``Principal``: AWS Organizations' RCP syntax page) has
``expect_error`` instead of ``expect``: the error's ``code`` and ``path`` in the case, which the
engine refuses the case with rather than decide it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from srm_trainer.iam import PolicyError, evaluate

CASES_DIR = Path(__file__).resolve().parent / "cases"
DECISIONS = {"Allow", "ExplicitDeny", "ImplicitDeny"}


def _load(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else [data]


def _case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def _all_cases() -> list[pytest.param]:
    params = []
    for path in _case_files():
        for index, case in enumerate(_load(path)):
            label = case.get("name") if isinstance(case, dict) else None
            params.append(
                pytest.param(path.name, index, case, id=f"{path.name}::{label or f'#{index}'}")
            )
    return params


ALL_CASES = _all_cases()


def test_case_files_exist():
    assert _case_files(), f"no case files in {CASES_DIR}"
    assert ALL_CASES, "the case files hold no cases"


@pytest.mark.parametrize("path", _case_files(), ids=lambda p: p.name)
def test_case_names_are_unique_within_a_file(path: Path):
    names = [c.get("name") for c in _load(path) if isinstance(c, dict)]
    dupes = sorted(n for n, count in Counter(names).items() if count > 1)
    assert not dupes, f"{path.name}: duplicate case names: {dupes}"


@pytest.mark.parametrize(("filename", "index", "case"), ALL_CASES)
def test_case(filename: str, index: int, case: dict):
    assert isinstance(case, dict), f"{filename}[{index}] is not a JSON object"
    name = case.get("name")
    assert isinstance(name, str) and name.strip(), f"{filename}[{index}] has no name"

    doc = case.get("doc")
    assert isinstance(doc, str) and doc, f"{filename}::{name}: no doc URL"
    url = urlparse(doc)
    assert url.scheme == "https" and url.netloc == "docs.aws.amazon.com", (
        f"{filename}::{name}: doc must be a https://docs.aws.amazon.com/ URL, got {doc!r}"
    )

    expected_error = case.get("expect_error")
    if expected_error is not None:
        assert "expect" not in case, f"{filename}::{name}: expect_error and expect both given"
        try:
            result = evaluate(case)
        except PolicyError as exc:
            assert {"code": exc.code, "path": exc.path} == expected_error, (
                f"{filename}::{name}: refused with {exc.code} at {exc.path}: {exc}"
            )
            return
        pytest.fail(
            f"{filename}::{name}\nexpected the case to be refused with {expected_error}\n"
            f"got:      {result.decision}\ndoc:      {doc}",
            pytrace=False,
        )

    expect = case.get("expect")
    assert expect in DECISIONS, (
        f"{filename}::{name}: expect must be one of {sorted(DECISIONS)}, got {expect!r}"
    )

    result = evaluate(case)
    if result.decision != expect:
        explanation = json.dumps(result.to_dict(), indent=2, default=str)
        note = f"\nnote:     {case['note']}" if case.get("note") else ""
        pytest.fail(
            f"{filename}::{name}\n"
            f"expected: {expect}\n"
            f"got:      {result.decision}\n"
            f"doc:      {doc}{note}\n"
            f"engine explanation:\n{explanation}",
            pytrace=False,
        )
