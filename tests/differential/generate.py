"""Seeded cases in the shared format (`iam-cases/FORMAT.md`) for the differential test.

Each case is one of a few shapes (identity-only, cross-account resource policy, role trust
policy, KMS key policy, organization with 2-3 SCP levels and RCPs, role session with boundary
and session policy), with statements drawn from the action catalogue and from hand-picked
everyday forms, and a request context that sometimes satisfies the conditions and sometimes
not. The same seed always gives the same cases, so a disagreement can be replayed.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from srm_trainer.iam import catalog

A = "111122223333"
B = "444455556666"
ORG = "o-a1b2c3d4e5"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
V = "2012-10-17"

# (action, resource ARN, account owning it); S3 ARNs carry no account.
_TARGETS = (
    ("s3:GetObject", "arn:aws:s3:::reports/q1.csv", A),
    ("s3:PutObject", "arn:aws:s3:::reports/q2.csv", A),
    ("s3:ListBucket", "arn:aws:s3:::reports", A),
    ("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{A}:table/orders", A),
    ("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{A}:table/orders", A),
    ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{A}:jobs", A),
    ("ec2:StartInstances", f"arn:aws:ec2:us-east-1:{A}:instance/i-0abc", A),
    ("ec2:DescribeInstances", "*", None),
    ("iam:ListRoles", "*", None),
    ("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{A}:log-group:app:log-stream:s1", A),
    ("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{A}:secret:db-AbCdEf", A),
    ("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{A}:function:resize", A),
)

_KMS_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:DescribeKey",
    "kms:CreateGrant",
)

# Conditions and the context values that satisfy (first) or fail (second) them.
_CONDITIONS: tuple[tuple[dict[str, Any], str, Any, Any], ...] = (
    (
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        "aws:MultiFactorAuthPresent",
        "true",
        "false",
    ),
    (
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        "aws:MultiFactorAuthPresent",
        "false",
        "true",
    ),
    (
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        "aws:SourceIp",
        "203.0.113.7",
        "198.51.100.9",
    ),
    (
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        "aws:SourceIp",
        "198.51.100.9",
        "203.0.113.7",
    ),
    (
        {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        "aws:RequestedRegion",
        "us-east-1",
        "ap-south-1",
    ),
    (
        {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
        "aws:RequestedRegion",
        "eu-west-1",
        "us-east-1",
    ),
    ({"StringEquals": {"aws:PrincipalTag/team": "blue"}}, "aws:PrincipalTag/team", "blue", "red"),
    (
        {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:*"}},
        "aws:PrincipalArn",
        f"arn:aws:iam::{A}:role/app",
        f"arn:aws:iam::{B}:role/app",
    ),
    ({"StringEquals": {"aws:PrincipalOrgID": ORG}}, "aws:PrincipalOrgID", ORG, "o-zzzzzzzzzz"),
    (
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        "aws:MultiFactorAuthAge",
        "120",
        "7200",
    ),
    (
        {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
        "aws:CurrentTime",
        "2025-06-01T12:00:00Z",
        "2023-06-01T12:00:00Z",
    ),
    ({"Bool": {"aws:SecureTransport": "false"}}, "aws:SecureTransport", "false", "true"),
    (
        {"StringEqualsIfExists": {"aws:PrincipalTag/team": "blue"}},
        "aws:PrincipalTag/team",
        "blue",
        "red",
    ),
    ({"Null": {"aws:PrincipalTag/team": "true"}}, "aws:PrincipalTag/team", None, "blue"),
    (
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        "aws:TagKeys",
        ["env"],
        ["owner"],
    ),
    (
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]}},
        "aws:TagKeys",
        ["env", "team"],
        ["env", "owner"],
    ),
    (
        {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{A}:*"}},
        "aws:SourceArn",
        f"arn:aws:sns:us-east-1:{A}:topic",
        f"arn:aws:sns:us-east-1:{B}:topic",
    ),
    ({"StringLike": {"aws:userid": "AIDA*"}}, "aws:userid", "AIDAEXAMPLE", "AROAEXAMPLE:s1"),
    ({"StringEquals": {"aws:PrincipalAccount": A}}, "aws:PrincipalAccount", A, B),
    (
        {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin*"}},
        "aws:PrincipalArn",
        f"arn:aws:iam::{A}:role/app",
        f"arn:aws:iam::{A}:role/admin-1",
    ),
    (
        {"NumericGreaterThanEquals": {"aws:EpochTime": "1700000000"}},
        "aws:EpochTime",
        "1750000000",
        "1600000000",
    ),
)

# Conditions only some shapes use: trust (external id) and key policies (KMS keys).
_TRUST_CONDITIONS = (
    ({"StringEquals": {"sts:ExternalId": "ext-42"}}, "sts:ExternalId", "ext-42", "ext-7"),
)
_KEY_CONDITIONS = (
    ({"StringEquals": {"kms:CallerAccount": A}}, "kms:CallerAccount", A, B),
    (
        {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
        "kms:ViaService",
        "s3.us-east-1.amazonaws.com",
        "ec2.us-east-1.amazonaws.com",
    ),
)


def _actions_for(rng: random.Random, action: str) -> Any:
    """An Action value that matches `action` most of the time."""
    service, name = action.split(":")
    forms = [action, f"{service}:*", f"{service}:{name[:3]}*", "*", action.lower()]
    if rng.random() < 0.2:  # some other action of the service, from the catalogue
        others = catalog.actions(service)
        if others:
            forms.append(rng.choice(others))
    chosen = rng.choice(forms)
    return chosen if rng.random() < 0.6 else [chosen, rng.choice(forms)]


def _resources_for(rng: random.Random, resource: str) -> Any:
    if resource == "*":
        return "*"
    head, _, tail = resource.rpartition("/") if "/" in resource else resource.rpartition(":")
    sep = "/" if "/" in resource else ":"
    forms = [
        resource,
        "*",
        f"{head}{sep}*",
        f"{head}{sep}other",
        resource.replace("us-east-1", "*"),
    ]
    return rng.choice(forms)


def _condition(
    rng: random.Random, context: dict[str, Any], extra: tuple = ()
) -> dict[str, Any] | None:
    """Maybe a condition; the context is given a value that satisfies or fails it (or none)."""
    if rng.random() < 0.55:
        return None
    pool = _CONDITIONS + extra * 4 if extra else _CONDITIONS
    cond, key, good, bad = rng.choice(pool)
    roll = rng.random()
    if roll < 0.5:
        value = good
    elif roll < 0.85:
        value = bad
    else:
        value = None
    if value is not None and key not in context:
        context[key] = value
    return cond


def _statement(
    rng: random.Random,
    action: str,
    resource: str,
    context: dict[str, Any],
    *,
    principal: Any = None,
    deny_rate: float = 0.2,
    allow_not: bool = True,
    conditions: tuple = (),
) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Deny" if rng.random() < deny_rate else "Allow"}
    if callable(principal):  # a fresh Principal for each statement; NotPrincipal in some Denies
        negate = st["Effect"] == "Deny" and rng.random() < 0.3
        st["NotPrincipal" if negate else "Principal"] = principal(rng)
        if negate and st["NotPrincipal"] == "*":
            st["NotPrincipal"] = {"AWS": f"arn:aws:iam::{B}:root"}
    elif principal is not None:
        st["Principal"] = principal
    if allow_not and rng.random() < 0.08:
        st["NotAction"] = rng.choice(
            ["iam:*", "organizations:*", f"{action.split(':')[0]}:Delete*"]
        )
    else:
        st["Action"] = _actions_for(rng, action)
    if allow_not and rng.random() < 0.05:
        st["NotResource"] = f"arn:aws:s3:::secret-{rng.randrange(3)}/*"
    else:
        st["Resource"] = _resources_for(rng, resource)
    cond = _condition(rng, context, conditions)
    if cond:
        st["Condition"] = cond
    return st


def _policy(rng, action, resource, context, *, n=(1, 3), **kw) -> dict[str, Any]:
    return {
        "Version": V,
        "Statement": [
            _statement(rng, action, resource, context, **kw) for _ in range(rng.randint(*n))
        ],
    }


def _principal_ref(rng: random.Random, caller: str, caller_account: str) -> Any:
    """A Principal element: naming the caller, its account, someone else, or everyone."""
    role = caller.split("/")[1] if ":assumed-role/" in caller else None
    forms: list[Any] = [
        {"AWS": f"arn:aws:iam::{caller_account}:root"},
        {"AWS": caller_account},
        {"AWS": "*"},
        "*",
        {"AWS": f"arn:aws:iam::{B if caller_account == A else A}:root"},
        {"Service": "ec2.amazonaws.com"},
    ]
    if role:
        forms.append({"AWS": f"arn:aws:iam::{caller_account}:role/{role}"})
    elif ":user/" in caller:
        forms.append({"AWS": caller})
    return rng.choice(forms)


def _caller(rng: random.Random, account: str, *, wide: bool = False) -> str:
    """The caller: an IAM user or a role session; `wide` adds the account's root user, a
    federated user, a role ARN (a session of it) and a service-linked role's session."""
    forms = [
        f"arn:aws:iam::{account}:user/alice",
        f"arn:aws:iam::{account}:user/bob",
        f"arn:aws:sts::{account}:assumed-role/app/session-1",
    ]
    if wide and rng.random() < 0.3:
        forms = [
            f"arn:aws:iam::{account}:root",
            f"arn:aws:sts::{account}:federated-user/carol",
            f"arn:aws:iam::{account}:role/app",
            f"arn:aws:sts::{account}:assumed-role/AWSServiceRoleForSupport/support",
        ]
    return rng.choice(forms)


def _principals(caller: str, caller_account: str):
    """A Principal chooser for the statements of one resource-based policy."""
    return lambda rng: _principal_ref(rng, caller, caller_account)


def _scp_level(rng: random.Random, action: str, resource: str, context: dict[str, Any]) -> list:
    full = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    roll = rng.random()
    if roll < 0.5:
        level = [full]
    elif roll < 0.75:  # an allow list instead of FullAWSAccess
        service = action.split(":")[0]
        level = [
            {
                "Version": V,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": rng.choice([f"{service}:*", "iam:*", "*"]),
                        "Resource": "*",
                    }
                ],
            }
        ]
    else:
        level = [
            full,
            _policy(rng, action, resource, context, n=(1, 1), deny_rate=1.0, allow_not=True),
        ]
    return level


def _rcp_levels(
    rng: random.Random, action: str, resource: str, context: dict[str, Any], depth: int
) -> list:
    levels: list[list] = [[] for _ in range(depth)]
    if rng.random() < 0.4:
        rcp = _policy(
            rng, action, resource, context, n=(1, 1), principal="*", deny_rate=1.0, allow_not=False
        )
        for st in rcp["Statement"]:  # an RCP may not use "*" alone as an action
            acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            st["Action"] = [a if a != "*" else f"{action.split(':')[0]}:*" for a in acts]
        levels[rng.randrange(depth)].append(rcp)
    return levels


def make_case(rng: random.Random, index: int) -> dict[str, Any]:
    shape = rng.choice(
        ["identity", "cross_account", "trust", "key", "org", "session", "anonymous", "variables"]
    )
    context: dict[str, Any] = {}
    account = A
    identity: list = []
    resource_policy = boundary = session = None
    scps: list = []
    rcps: list = []
    if shape == "trust":
        caller_account = rng.choice([A, B])
        caller = _caller(rng, caller_account)
        action, resource, res_account = "sts:AssumeRole", f"arn:aws:iam::{A}:role/target", A
        resource_policy = _policy(
            rng,
            action,
            resource,
            context,
            n=(1, 2),
            principal=_principals(caller, caller_account),
            allow_not=False,
            conditions=_TRUST_CONDITIONS,
        )
        for st in resource_policy["Statement"]:
            st.pop("Resource", None)  # a trust policy names no resource
        if rng.random() < 0.7:
            identity = [_policy(rng, action, resource, context)]
        if rng.random() < 0.3 and ":root" not in caller:  # the caller's own boundary
            boundary = _policy(rng, action, resource, context, n=(1, 1), allow_not=False)
    elif shape == "key":
        caller_account = rng.choice([A, A, B])
        caller = _caller(rng, caller_account)
        action = rng.choice(_KMS_ACTIONS)
        resource, res_account = f"arn:aws:kms:us-east-1:{A}:key/{KEY_ID}", A
        resource_policy = _policy(
            rng,
            action,
            resource,
            context,
            n=(1, 2),
            principal=_principals(caller, caller_account),
            allow_not=False,
            conditions=_KEY_CONDITIONS,
        )
        for st in resource_policy["Statement"]:
            st["Resource"] = "*"  # in a key policy, "*" means this key
        if rng.random() < 0.3:  # the default key policy's first statement
            resource_policy["Statement"].insert(
                0,
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
            )
        if rng.random() < 0.8:
            identity = [_policy(rng, action, resource, context, conditions=_KEY_CONDITIONS)]
    elif shape == "anonymous":  # an unsigned request: only resource-side policies count
        caller = caller_account = "*"
        action, resource, res_account = rng.choice([t for t in _TARGETS if t[2]])
        resource_policy = _policy(
            rng,
            action,
            resource,
            context,
            n=(1, 2),
            principal=lambda r: r.choice(["*", {"AWS": "*"}, {"AWS": f"arn:aws:iam::{A}:root"}]),
            allow_not=False,
        )
    elif shape == "variables":  # policy variables in Resource and Condition
        # (only condition keys the action takes: the peer drops any other key from the context)
        caller_account = A
        name = rng.choice(["alice", "bob"])
        caller = f"arn:aws:iam::{A}:user/{name}"
        action = rng.choice(["s3:GetObject", "s3:PutObject"])
        resource, res_account = f"arn:aws:s3:::home/{rng.choice(['alice', 'bob'])}/notes.txt", A
        if rng.random() < 0.8:
            context["aws:username"] = name
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Action": _actions_for(rng, action),
            "Resource": rng.choice(
                ["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::home/${aws:username}*"]
            ),
        }
        if action == "s3:GetObject" and rng.random() < 0.5:  # a key GetObject takes
            context.setdefault("aws:PrincipalTag/team", rng.choice(["blue", "red"]))
            context["s3:ExistingObjectTag/team"] = rng.choice(["blue", "red"])
            statement["Condition"] = {
                "StringEquals": {"s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}"}
            }
        identity = [{"Version": V, "Statement": [statement]}]
        if rng.random() < 0.3:
            identity.append(_policy(rng, action, resource, context, n=(1, 1), deny_rate=0.6))
    else:
        action, resource, res_account = rng.choice(_TARGETS)
        caller_account = B if shape == "cross_account" else A
        caller = _caller(rng, caller_account, wide=shape != "session")
        identity = [_policy(rng, action, resource, context) for _ in range(rng.randint(1, 2))]
        if (shape == "cross_account" or rng.random() < 0.25) and res_account is not None:
            resource_policy = _policy(
                rng,
                action,
                resource,
                context,
                n=(1, 2),
                principal=_principals(caller, caller_account),
                allow_not=False,
            )
        if shape == "org":
            depth = rng.randint(2, 3)
            scps = [_scp_level(rng, action, resource, context) for _ in range(depth)]
            rcps = _rcp_levels(rng, action, resource, context, depth)
        if shape == "session":
            caller = (
                f"arn:aws:sts::{A}:federated-user/dave"
                if rng.random() < 0.15
                else f"arn:aws:sts::{A}:assumed-role/app/session-{index}"
            )
            boundary = _policy(
                rng, action, resource, context, n=(1, 2), allow_not=False, deny_rate=0.1
            )
            if rng.random() < 0.8:
                session = _policy(
                    rng, action, resource, context, n=(1, 2), allow_not=False, deny_rate=0.1
                )
    return {
        "name": f"differential #{index} ({shape})",
        "shape": shape,
        "request": {
            "principal": caller,
            "action": action,
            "resource": resource,
            "resource_account": res_account or account,
            "context": context,
        },
        "identity_policies": identity,
        "resource_policy": resource_policy,
        "permissions_boundary": boundary,
        "session_policy": session,
        "scp_levels": scps,
        "rcp_levels": rcps,
    }


def generate(count: int, seed: int = 16) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_case(rng, i) for i in range(count)]


if __name__ == "__main__":  # python generate.py [count] [seed] > cases.jsonl
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    for case in generate(n, seed):
        print(json.dumps(case))
