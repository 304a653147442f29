"""Every disagreement of `make compare`'s managed-policy workload falls in a class that a case of
`tests/iam/cases/differential.json` pins, citing the AWS documentation (issue 16).

The class list needs no Node and runs in `make test`; classifying the disagreements themselves
runs the peer, so it belongs to the optional `make compare` leg (skipped, saying why, without
`node` or the pinned peer)."""

from __future__ import annotations

import json
import shutil

import pytest

from srm_trainer.iam import catalog

from .classify_compare import CLASSES, disagreements
from .test_compare import HERE, MANAGED, PEER, managed_policies, managed_workload

DIFFERENTIAL_CASES = HERE.parent / "iam" / "cases" / "differential.json"


def test_every_compare_class_is_pinned_by_a_documented_case():
    cases = {c["name"]: c for c in json.loads(DIFFERENTIAL_CASES.read_text(encoding="utf-8"))}
    for name, (_, pinned) in CLASSES.items():
        assert pinned, name
        for case_name in pinned:
            assert case_name in cases, f"{name}: no case {case_name!r} in differential.json"
            assert cases[case_name]["doc"].startswith("https://docs.aws.amazon.com/"), case_name


@pytest.mark.compare
@pytest.mark.parametrize("concrete", [True, False], ids=["concrete-resources", "resource-star"])
def test_every_managed_policy_disagreement_falls_in_a_pinned_class(concrete):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the comparison needs Node 20+")
    if not PEER.exists() or not MANAGED.exists():
        pytest.skip("iam-simulate or the managed policies are not installed: `make compare`")
    catalog.is_known_action("s3:GetObject")
    _, policies = managed_policies()
    cases = managed_workload(policies, concrete=concrete)
    agree, groups = disagreements(cases)
    print(f"\n[compare] same answer {agree}/{len(cases)}; the others by class:")
    for name, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(members):>5}  {name}")
    unexplained = {name: members for name, members in groups.items() if name not in CLASSES}
    assert not unexplained, {
        name: [cases[i]["request"] for i in members[:3]] for name, members in unexplained.items()
    }
