"""Our evaluation core against `@cloud-copilot/iam-simulate` on generated cases.

An optional leg (`make differential`): Node is not a dependency of the project, so the test is
skipped when `node` or the pinned peer in `tests/differential/node_modules` is missing. Every
disagreement must fall in a class listed in `documented.json`, where we follow the AWS
documentation and the peer does not; each class names its cases in
`tests/iam/cases/differential.json`, which pin our side in the ordinary suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from srm_trainer.iam import evaluate
from srm_trainer.iam.aws_rules import RCP_INEFFECTIVE_ACTIONS, RCP_SERVICES

from .generate import generate

pytestmark = pytest.mark.differential

HERE = Path(__file__).resolve().parent
PEER = HERE / "node_modules" / "@cloud-copilot" / "iam-simulate"
DOCUMENTED = json.loads((HERE / "documented.json").read_text())
DIFFERENTIAL_CASES = HERE.parent / "iam" / "cases" / "differential.json"
PEER_NAMES = {
    "Allow": "Allowed",
    "ExplicitDeny": "ExplicitlyDenied",
    "ImplicitDeny": "ImplicitlyDenied",
}


def _account(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def _names_caller_or_everyone(principal: Any, caller: str) -> bool:
    if principal == "*":
        return True
    values = principal.get("AWS", []) if isinstance(principal, dict) else []
    values = [values] if isinstance(values, str) else values
    role = caller.replace(":sts::", ":iam::").replace(":assumed-role/", ":role/").rsplit("/", 1)[0]
    return any(v in ("*", caller, role) for v in values)


def _same_account_grant_past_session_policy(case: dict[str, Any], ours: str, peer: str) -> bool:
    """We allow through a same-account resource policy naming the session; the peer still
    wants the session policy's Allow."""
    req = case["request"]
    policy = case.get("resource_policy")
    if not (
        ours == "Allowed" and peer == "ImplicitlyDenied" and case.get("session_policy") and policy
    ):
        return False
    if req.get("resource_account", _account(req["resource"])) != _account(req["principal"]):
        return False
    return any(
        st.get("Effect") == "Allow"
        and _names_caller_or_everyone(st.get("Principal"), req["principal"])
        for st in policy["Statement"]
    )


def _root_user(case: dict[str, Any], ours: str, peer: str) -> bool:
    """The peer treats an account's root user as an IAM user bound by the identity policies."""
    return case["request"]["principal"].endswith(":root")


def _service_linked_role_past_org_policies(case: dict[str, Any], ours: str, peer: str) -> bool:
    """The peer applies SCPs and RCPs to a service-linked role's session."""
    has_org_policies = bool(case.get("scp_levels")) or any(case.get("rcp_levels") or [])
    return (
        ":assumed-role/AWSServiceRoleFor" in case["request"]["principal"]
        and has_org_policies
        and (ours == "Allowed" or peer == "ExplicitlyDenied")
    )


def _ours(case: dict[str, Any]) -> str:
    return PEER_NAMES[evaluate({k: v for k, v in case.items() if k != "shape"}).decision]


def _federated_user_without_session_policy(case: dict[str, Any], ours: str, peer: str) -> bool:
    """Given an allow-all session policy, our answer becomes the peer's: the missing session
    policy is the whole difference."""
    if ":federated-user/" not in case["request"]["principal"] or case.get("session_policy"):
        return False
    allow_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    return _ours({**case, "session_policy": allow_all}) == peer


def _notprincipal_exemption(case: dict[str, Any], ours: str, peer: str) -> bool:
    """Without its NotPrincipal Deny statements, our answer becomes the peer's."""
    policy = case.get("resource_policy") or {"Statement": []}
    kept = [st for st in policy["Statement"] if "NotPrincipal" not in st]
    if ours != "ExplicitlyDenied" or len(kept) == len(policy["Statement"]):
        return False
    ablated = {**case, "resource_policy": {**policy, "Statement": kept}}
    # A federated session without a session policy may be the rest of the difference.
    return _ours(ablated) == peer or _federated_user_without_session_policy(ablated, "", peer)


def _rcp_outside_its_services(case: dict[str, Any], ours: str, peer: str) -> bool:
    """The peer applies an RCP's Deny to an action of a service that does not support RCPs."""
    action = case["request"]["action"].lower()
    has_rcps = any(level for level in case.get("rcp_levels") or [])
    governed = action.split(":")[0] in RCP_SERVICES and action not in RCP_INEFFECTIVE_ACTIONS
    return has_rcps and not governed and peer == "ExplicitlyDenied" and ours != peer


def _federated_user_session_limits(case: dict[str, Any], ours: str, peer: str) -> bool:
    """We refuse IAM and STS calls (but GetCallerIdentity) from a GetFederationToken session."""
    action = case["request"]["action"].lower()
    return (
        ":federated-user/" in case["request"]["principal"]
        and action.split(":")[0] in ("iam", "sts")
        and action != "sts:getcalleridentity"
        and ours == "ExplicitlyDenied"
    )


def _trust_policy_keeps_boundary(case: dict[str, Any], ours: str, peer: str) -> bool:
    """Without the caller's boundary, our answer to a same-account AssumeRole becomes the
    peer's: the boundary the trust policy does not lift is the whole difference."""
    req = case["request"]
    if not (
        req["action"].lower().startswith("sts:assumerole") and case.get("permissions_boundary")
    ):
        return False
    if req.get("resource_account", _account(req["resource"])) != _account(req["principal"]):
        return False
    return _ours({**case, "permissions_boundary": None}) == peer


CLASSIFIERS: dict[str, Callable[[dict[str, Any], str, str], bool]] = {
    "same_account_grant_past_session_policy": _same_account_grant_past_session_policy,
    "root_user": _root_user,
    "service_linked_role_past_org_policies": _service_linked_role_past_org_policies,
    "federated_user_without_session_policy": _federated_user_without_session_policy,
    "notprincipal_exemption": _notprincipal_exemption,
    "rcp_outside_its_services": _rcp_outside_its_services,
    "federated_user_session_limits": _federated_user_session_limits,
    "trust_policy_keeps_boundary": _trust_policy_keeps_boundary,
}


def classify(case: dict[str, Any], ours: str, peer: str) -> str | None:
    return next((name for name, test in CLASSIFIERS.items() if test(case, ours, peer)), None)


def test_every_documented_class_has_a_classifier_and_pinned_cases():
    """A documented class must be recognisable and must name cases the ordinary suite runs."""
    names = {c["name"] for c in json.loads(DIFFERENTIAL_CASES.read_text())}
    for entry in DOCUMENTED:
        assert entry["class"] in CLASSIFIERS, entry["class"]
        assert entry["doc"].startswith("https://docs.aws.amazon.com/"), entry["class"]
        for name in entry["differential_cases"]:
            assert name in names, f"{entry['class']}: no case named {name!r} in differential.json"


def _run_peer(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the differential test needs Node 20+")
    if not PEER.is_dir():
        pytest.skip(
            "iam-simulate is not installed: run `make differential` (npm ci in tests/differential)"
        )
    lines = "".join(json.dumps(c) + "\n" for c in cases)
    done = subprocess.run(
        [node, "runner.mjs"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=60 + len(cases) // 20,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_our_engine_agrees_with_iam_simulate_or_the_difference_is_documented():
    count = int(os.environ.get("DIFF_CASES", "2000"))
    seed = int(os.environ.get("DIFF_SEED", "16"))
    cases = generate(count, seed)
    peer = _run_peer(cases)
    assert len(peer) == len(cases), "the runner must answer every case"
    tally: Counter[str] = Counter()
    undocumented = []
    for case, answer in zip(cases, peer, strict=True):
        if answer["decision"] == "Error":  # the peer's validator refused the input
            tally["peer refused"] += 1
            continue
        ours = _ours(case)
        if ours == answer["decision"]:
            tally["agree"] += 1
            continue
        kind = classify(case, ours, answer["decision"])
        tally[f"documented: {kind}" if kind else "undocumented"] += 1
        if kind is None:
            undocumented.append(f"ours={ours} peer={answer['decision']}\n{json.dumps(case)}")
    print(f"\ndifferential: {count} cases (seed {seed}): {dict(tally)}")
    assert tally["agree"] > count // 2, "the harness is not comparing like with like"
    assert not undocumented, f"{len(undocumented)} undocumented disagreements:\n" + "\n\n".join(
        undocumented[:20]
    )
