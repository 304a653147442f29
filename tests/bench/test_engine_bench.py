"""Performance budgets of the evaluation core (DESIGN.md, "Budgets"). Run with `make bench`.

Each benchmark prints its figure and asserts the budget, so a regression fails `make bench`
(never `make test`: pyproject's addopts deselect the `bench` marker). Timing is the best of a
few repeats of a `time.perf_counter` loop: the least disturbed run is the closest to the code's
own cost on a shared machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from srm_trainer.iam import evaluate, parse_case
from tests.bench import report

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]

TYPICAL_BUDGET_US = 50.0
PATHOLOGICAL_BUDGET_MS = 5.0
CATALOG_LOAD_BUDGET_S = 0.5
RSS_BUDGET_MB = 150.0


def best_per_call(fn, *, number: int, repeat: int = 5) -> float:
    """Seconds per call: the best of `repeat` loops of `number` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


_SERVICES = (
    # (actions, resources) of everyday statements; `{i}` keeps statements distinct
    (["s3:GetObject", "s3:List*"], ["arn:aws:s3:::bucket-{i}/*", "arn:aws:s3:::bucket-{i}"]),
    (["ec2:Describe*", "ec2:StartInstances"], ["arn:aws:ec2:eu-west-1:111122223333:instance/*"]),
    (["dynamodb:GetItem", "dynamodb:Query"], ["arn:aws:dynamodb:*:111122223333:table/t{i}"]),
    (["logs:PutLogEvents", "logs:CreateLogStream"], ["arn:aws:logs:*:*:log-group:/app/{i}:*"]),
    (["sqs:SendMessage"], ["arn:aws:sqs:eu-west-1:111122223333:queue-{i}"]),
)


def _statement(i: int, *, same_service: bool) -> dict:
    """Statement i of a policy; `same_service` puts every statement on the requested service
    (s3:GetObject), so each one is read down to its Resource with a policy variable."""
    if same_service:
        actions = [f"s3:Get{'Object' if i % 2 else 'Bucket*'}", "s3:List*"]
        resources = [f"arn:aws:s3:::bucket-{i}/*", f"arn:aws:s3:::team-{i}/${{aws:username}}/*"]
    else:
        actions, templates = _SERVICES[i % len(_SERVICES)]
        resources = [t.format(i=i) for t in templates]
    return {"Sid": f"S{i}", "Effect": "Allow", "Action": actions, "Resource": resources}


def typical_case(*, same_service: bool = False) -> dict:
    """5 policies, 30 statements, a few conditions; the request is allowed, so every policy
    is read to the end (nothing short-circuits on an early Deny)."""
    allow_reports = {
        "Sid": "Reports",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::reports/*",
        "Condition": {
            "Bool": {"aws:SecureTransport": "true"},
            "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]},
            "StringEquals": {"aws:PrincipalTag/team": "finance"},
        },
    }
    deny_outside = {
        "Sid": "DenyOutsideRegion",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}},
    }
    identity = [
        {
            "Version": "2012-10-17",
            "Statement": [_statement(i, same_service=same_service) for i in range(0, 7)],
        },
        {
            "Version": "2012-10-17",
            "Statement": [_statement(i, same_service=same_service) for i in range(7, 14)],
        },
        {
            "Version": "2012-10-17",
            "Statement": [_statement(i, same_service=same_service) for i in range(14, 20)]
            + [allow_reports],
        },
    ]
    boundary = {
        "Version": "2012-10-17",
        "Statement": [_statement(i, same_service=same_service) for i in range(20, 24)]
        + [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    scp = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            deny_outside,
            *[{"Effect": "Deny", "Action": f"iam:Delete{i}*", "Resource": "*"} for i in range(2)],
        ],
    }
    case = {
        "name": "typical",
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/2026/q1.csv",
            "resource_account": "111122223333",
            "context": {
                "aws:SecureTransport": True,
                "aws:SourceIp": "203.0.113.7",
                "aws:PrincipalTag/team": "finance",
                "aws:RequestedRegion": "eu-west-1",
                "aws:username": "alice",
            },
        },
        "identity_policies": identity,
        "permissions_boundary": boundary,
        "scp_levels": [[scp]],
        "expect": "Allow",
    }
    count = sum(len(p["Statement"]) for p in [*identity, boundary, scp])
    assert count == 30, count
    return case


def test_typical_case_evaluates_within_budget():
    parsed = parse_case(typical_case())
    assert evaluate(parsed).decision == "Allow"
    runs = [s * 1e6 for s in report.loops(lambda: evaluate(parsed), number=2_000)]
    us = min(runs)
    report.record_samples("engine", "typical case (30 statements), parsed", runs, "µs")
    print(f"\n[bench] typical case (5 policies, 30 statements): {us:.1f} µs per evaluation")
    # the same case given as a dict: parse_case's content cache in front of the evaluator
    raw = typical_case()
    runs_dict = [s * 1e6 for s in report.loops(lambda: evaluate(raw), number=500)]
    us_dict = min(runs_dict)
    report.record_samples("engine", "typical case as a dict (cache hit)", runs_dict, "µs")
    print(f"[bench] typical case passed as a dict (parse cache hit): {us_dict:.1f} µs")
    assert us <= TYPICAL_BUDGET_US


def test_heavy_case_within_design_budget():
    """Every statement on the requested service: each is read down to a Resource holding a
    policy variable. DESIGN.md's budget for a case of this size is 100 µs."""
    parsed = parse_case(typical_case(same_service=True))
    assert evaluate(parsed).decision == "Allow"
    runs = [s * 1e6 for s in report.loops(lambda: evaluate(parsed), number=2_000)]
    us = min(runs)
    report.record_samples("engine", "heavy case (30 statements on s3)", runs, "µs")
    print(f"\n[bench] heavy case (30 statements all on s3, variables): {us:.1f} µs per evaluation")
    assert us <= 2 * TYPICAL_BUDGET_US


def _adversarial(k: int) -> list[str]:
    """Patterns that make backtracking matchers explode on a run of `a`s: many `*` before an
    impossible `b`; `?` runs (bit-parallel scan); long literal pieces found again and again."""
    return [
        "*a" * k + "*b*",
        "*" + "a?" * k + "b*",
        ("*" + "a" * 9) * (k // 5) + "*b",
    ]


def pathological_case(policy_chars: int = 6_144, arn_chars: int = 2_000) -> tuple[dict, int]:
    """A policy filling the managed-policy limit with such patterns, in Resource and in a
    StringLike condition, against a 2,000-character ARN (and user id) of `a`s."""
    prefix = "arn:aws:s3:::"
    arn = prefix + "a" * (arn_chars - len(prefix))
    assert len(arn) == arn_chars

    def doc(k: int) -> dict:
        patterns = _adversarial(k)
        return {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:*a*a*a*a*a*a*a*b", "s3:GetObject"],
                    "Resource": [prefix + p for p in patterns],
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringLike": {"aws:userid": patterns}},
                },
            ],
        }

    k = 1
    while len(json.dumps(doc(k + 1), separators=(",", ":"))) <= policy_chars:
        k += 1
    policy = doc(k)
    size = len(json.dumps(policy, separators=(",", ":")))
    case = {
        "name": "pathological",
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": arn,
            "resource_account": "111122223333",
            "context": {"aws:userid": "a" * arn_chars},
        },
        "identity_policies": [policy],
        "expect": "ImplicitDeny",
    }
    return case, size


def test_pathological_wildcards_within_budget():
    from srm_trainer.iam.parser import clear_cache

    case, size = pathological_case()
    assert 6_000 < size <= 6_144, size
    parsed = parse_case(case)
    assert evaluate(parsed).decision == "ImplicitDeny"
    ms = best_per_call(lambda: evaluate(parsed), number=50) * 1e3

    def cold() -> None:
        clear_cache()
        evaluate(parse_case(json.dumps(case)))

    cold_ms = best_per_call(cold, number=5) * 1e3
    print(
        f"\n[bench] pathological: {size:,}-character policy of *a*a… patterns vs a "
        f"2,000-character ARN: {ms:.3f} ms per evaluation, {cold_ms:.2f} ms parsing included"
    )
    assert ms <= PATHOLOGICAL_BUDGET_MS


_MEASURE = """
import json, sys, time
start = time.perf_counter()
from srm_trainer.iam import catalog
assert catalog._catalog is None
catalog.is_known_action("s3:GetObject")
load = time.perf_counter() - start
def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
print(json.dumps({"load_s": load, "rss_mb": rss_mb()}))
"""

_WORKER = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_trainer.settings")
import django
django.setup()
import srm_trainer.urls  # what a worker imports to serve requests
from srm_trainer.iam import catalog
catalog.is_known_action("s3:GetObject")
with open("/proc/self/status") as fh:
    rss = next(int(l.split()[1]) / 1024 for l in fh if l.startswith("VmRSS:"))
print(json.dumps({"rss_mb": rss}))
"""


def _run(code: str) -> dict:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_catalog_load_time_and_memory():
    runs = [_run(_MEASURE) for _ in range(3)]
    load = min(r["load_s"] for r in runs)
    rss = max(r["rss_mb"] for r in runs)
    report.record_samples(
        "engine", "catalogue import + load", [r["load_s"] * 1e3 for r in runs], "ms"
    )
    report.record("memory", "one process, catalogue loaded (RSS)", rss, "MB", note="worst of 3")
    print(
        f"\n[bench] catalogue: import + load {load * 1e3:.0f} ms in a fresh interpreter "
        f"(best of 3), RSS after load {rss:.1f} MB"
    )
    assert load <= CATALOG_LOAD_BUDGET_S
    assert rss <= RSS_BUDGET_MB


def test_django_worker_with_catalog_stays_under_memory_budget():
    try:
        result = _run(_WORKER)
    except AssertionError as exc:  # settings need environment this machine lacks
        pytest.skip(f"cannot set up Django here: {exc}")
    print(f"\n[bench] Django process with the catalogue loaded: RSS {result['rss_mb']:.1f} MB")
    assert result["rss_mb"] <= RSS_BUDGET_MB


def test_lint_fits_a_live_sandbox_update():
    """The sandbox lints on every edit (DESIGN.md: p95 ≤ 30 ms server time per update)."""
    from srm_trainer.iam import catalog
    from srm_trainer.iam.findings import lint, lint_case

    catalog.is_known_action("s3:GetObject")  # the catalogue loads once per process
    case = typical_case()
    lint_case(case)
    warm_ms = best_per_call(lambda: lint_case(case), number=50) * 1e3
    patho, _ = pathological_case()
    text = json.dumps(patho["identity_policies"][0])
    broad = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["*:Get*", "*:Put*", f"s3:{'?' * i}*"],
                    "Resource": "*",
                }
                for i in range(1, 40)
            ],
        }
    )
    start = time.perf_counter()
    lint(text)
    lint(broad)
    cold_ms = (time.perf_counter() - start) * 1e3
    print(
        f"\n[bench] lint: typical case (5 policies) {warm_ms:.2f} ms; pathological and broad "
        f"max-size policies, first time {cold_ms:.1f} ms"
    )
    assert warm_ms <= 30
