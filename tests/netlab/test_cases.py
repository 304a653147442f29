"""Data-driven specification of the network lab's engine.

Every JSON file in `tests/netlab/cases/` holds an array of cases in the format of
`srm_trainer/netlab/FORMAT.md`. Each names the AWS documentation page whose rule it checks
(`doc`) and the outcome that page leads to (`expect`); the expectations were written from the
VPC User Guide, the Elastic Load Balancing guides and the AWS WAF Developer Guide, not from the
engine's output, so a failure means the engine and the cited page disagree.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

from srm_trainer.netlab import NetlabError
from srm_trainer.netlab.case import run_case

CASES_DIR = Path(__file__).resolve().parent / "cases"


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def _files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


ALL = [
    pytest.param(case, id=f"{path.stem}::{case.get('name')}")
    for path in _files()
    for case in _load(path)
]


def test_there_are_at_least_150_cases_over_every_topic():
    assert len(ALL) >= 150
    assert {p.stem for p in _files()} >= {
        "security_groups",
        "network_acls",
        "stateless_replies",
        "subnets_and_internet",
        "load_balancers",
        "waf_rules",
        "waf_rate_based",
        "waf_attachment",
    }


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_names_are_unique_within_a_file(path: Path):
    names = Counter(c.get("name") for c in _load(path))
    assert [n for n, k in names.items() if k > 1] == []


@pytest.mark.parametrize("case", ALL)
def test_case(case: dict):
    name = case.get("name")
    doc = urlparse(case.get("doc", ""))
    assert doc.scheme == "https" and doc.netloc == "docs.aws.amazon.com", f"{name}: no doc URL"
    expect = case.get("expect")
    assert isinstance(expect, dict) and expect, f"{name}: no expect"
    if "error" in expect:
        with pytest.raises(NetlabError) as info:
            run_case(name, case)
        assert info.value.code == expect["error"], str(info.value)
        assert info.value.path, "an input error names the field it is about"
        return
    line, problems, _ = run_case(name, case)
    if problems:
        note = f"\nnote: {case['note']}" if case.get("note") else ""
        pytest.fail(
            f"{name}\ndoc: {case['doc']}{note}\n"
            + "\n".join(problems)
            + "\n"
            + json.dumps(line, indent=1, ensure_ascii=False)[:4000],
            pytrace=False,
        )
