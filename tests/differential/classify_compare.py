"""Every disagreement of `make compare`'s managed-policy workload, classified one by one.

    .venv/bin/python -m tests.differential.classify_compare [--resource star|concrete]

Builds the same 2,000 requests over the AWS managed policies as `test_compare.py` (seed 16),
asks the peer (`classify.mjs`: its decision, its error, and which of its per-resource-type
simulations allowed) and ours, and prints each class of disagreement with its count and a few
examples. With `--resource concrete` every request names a concrete ARN of the action's first
resource type instead of `*` (the peer's and the Policy Simulator's input for an action that
supports resource-level permissions); actions that support none keep `*`. Not a test: the
optional `make compare` leg prints the agreement; this says why the rest differ.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from srm_trainer.iam import catalog, evaluate
from tests.differential.test_compare import (
    HERE,
    PEER_NAMES,
    managed_policies,
    managed_workload,
)


def peer_details(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.json"
        path.write_text(json.dumps(cases), encoding="utf-8")
        done = subprocess.run(
            [shutil.which("node") or "node", "classify.mjs", str(path)],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def _as_some_resource(case: dict[str, Any]) -> dict[str, Any]:
    """The case as the peer reads a request resource of `*` ("some resource"): an Allow
    statement naming any ARN applies, and a Deny statement applies only when it names all
    resources (`Resource: "*"`); a Deny with NotResource or specific ARNs does not."""
    policies = []
    for policy in case["identity_policies"]:
        statements = policy["Statement"]
        kept = []
        for st in [statements] if isinstance(statements, dict) else statements:
            resources = st.get("Resource")
            resources = [resources] if isinstance(resources, str) else resources
            if st.get("Effect") == "Allow" and resources and "*" not in resources:
                st = {**st, "Resource": "*"}
            elif st.get("Effect") == "Deny" and (resources is None or "*" not in resources):
                continue
            kept.append(st)
        policies.append({**policy, "Statement": kept})
    return {**case, "identity_policies": policies}


# Every class of disagreement the managed-policy comparison has shown, with the case of
# tests/iam/cases/differential.json that pins our side (each names its documentation page).
CLASSES: dict[str, tuple[str, list[str]]] = {
    "resource_star_as_some_resource": (
        "the request names resource `*` (all resources); the peer reads it as some resource",
        [
            "a request for every resource (*) is not allowed by a statement scoped to some ARNs",
            "a Deny with NotResource applies to a request for every resource (*)",
        ],
    ),
    "resource_star_catalogue_gap": (
        "as above, for an action our catalogue lists without resource types (so `*` even with"
        " concrete resources) and the peer's newer data with",
        [
            "an action asked about no particular resource is not allowed by a statement scoped to an ARN"
        ],
    ),
    "peer_unknown_action": (
        "the peer refuses an action or service missing from its data",
        ["an action missing from the catalogue is matched by the policy's text"],
    ),
    "peer_unplaced_arn": (
        "the peer refuses an ARN it cannot place in a resource type of the action",
        ["an ARN of the action's resource type is matched even when iam-simulate cannot place it"],
    ),
    "peer_resource_type_wildcard": (
        "the peer never matches a wildcard before the first `/` of a Resource's resource part",
        ["a wildcard in the resource-type part of a Resource ARN matches across the slash"],
    ),
    "trust_policy_required": (
        "AssumeRole without the role's trust policy: the peer allows on the identity policy",
        ["assuming a role needs the role's trust policy, not only the caller's identity policy"],
    ),
    "aws_rule": (
        "ours applies one of AWS's built-in rules (aws_rules.py) the peer does not have",
        [
            "a role cannot call GetFederationToken even when its policy allows it",
            "a service-linked role cannot be deleted with DeleteRole even when a policy allows it",
        ],
    ),
}


def _resource_part_wildcards(case: dict[str, Any]) -> bool:
    """Some Allow statement's Resource has a wildcard before the first `/` of its resource
    part (`arn:aws:ds:*:*:*/*`)."""
    for policy in case["identity_policies"]:
        statements = policy["Statement"]
        for st in [statements] if isinstance(statements, dict) else statements:
            resources = st.get("Resource", [])
            for arn in [resources] if isinstance(resources, str) else resources:
                part = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
                if "/" in part and "*" in part.split("/", 1)[0]:
                    return True
    return False


def classify(case: dict[str, Any], mine: str, theirs: dict[str, Any]) -> str:
    """The class (a key of CLASSES) of one disagreement, or `unexplained: ...`."""
    action = case["request"]["action"]
    if theirs["decision"] == "Error":
        if theirs["error"] in ("invalid.action", "invalid.service"):
            return "peer_unknown_action"
        if theirs["error"] == "no.resource.types":
            return "peer_unplaced_arn"
        return f"unexplained: the peer refuses ({theirs['error']})"
    decision = evaluate(case)
    reasons = {
        reason.code: reason.data or {}
        for step in decision.steps
        if step.reached and step.outcome in ("deny", "implicit_deny")
        for reason in step.reasons
    }
    if any(step.name == "aws_rule" and step.outcome == "deny" for step in decision.steps):
        return "aws_rule"
    if reasons.get("resource_policy_must_allow", {}).get("resource_type") == "trust":
        return "trust_policy_required"
    if case["request"]["resource"] == "*":
        # Read `*` as the peer does; if ours then gives the peer's answer, that was all of it.
        if PEER_NAMES[evaluate(_as_some_resource(case)).decision] == theirs["decision"]:
            if catalog.resource_types(action):
                return "resource_star_as_some_resource"
            return "resource_star_catalogue_gap"
    elif mine == "Allowed" and _resource_part_wildcards(case):
        return "peer_resource_type_wildcard"
    return f"unexplained: ours {mine}, peer {theirs['decision']}"


def disagreements(cases: list[dict[str, Any]]) -> tuple[int, dict[str, list[int]]]:
    """How many requests both answer alike, and the others by class."""
    theirs = peer_details(cases)
    groups: dict[str, list[int]] = collections.defaultdict(list)
    agree = 0
    for i, (case, peer) in enumerate(zip(cases, theirs, strict=True)):
        mine = PEER_NAMES[evaluate(case).decision]
        if mine == peer["decision"]:
            agree += 1
        else:
            groups[classify(case, mine, peer)].append(i)
    return agree, groups


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resource", choices=("star", "concrete"), default="star")
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args(argv)
    catalog.is_known_action("s3:GetObject")
    label, policies = managed_policies()
    cases = managed_workload(policies, concrete=args.resource == "concrete")
    agree, groups = disagreements(cases)
    print(f"{label}, {len(cases)} requests, resource {args.resource}: same answer {agree}")
    for name, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        pairs = collections.Counter(
            f"ours {PEER_NAMES[evaluate(cases[i]).decision]}" for i in members
        )
        print(f"\n{len(members):>5}  {name}: {CLASSES.get(name, ('', []))[0]}")
        print(f"       {', '.join(f'{k} {v}' for k, v in sorted(pairs.items()))}")
        for i in members[: args.examples]:
            request = cases[i]["request"]
            print(f"       {request['action']} on {request['resource']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
