"""`POST /api/iam/evaluate` (a case in, the decision and its reasons out, as JSON) and
`POST /api/iam/simulate` (a batch of actions × resources, one decision per pair),
`POST /api/iam/summary` (a policy set's effective permissions per service and access level) and
`POST /api/iam/diff` (what a new policy set allows that an old one did not, and the reverse).

No login and no side effects. Errors are JSON too: invalid JSON gives the line and column,
an invalid case names the field, a body over the cap is a 413, too many requests a 429. A body
that writes a key twice in one object is refused with the key's line, column and path, where
JSON readers would keep one of the values without a word: the caller cannot have meant both. A
policy sent as JSON text (a string) is read as the sandbox reads it, and the evaluation's
findings say where it writes a key twice (`duplicate_key`).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from srm_trainer.iam import PolicyError, evaluate
from srm_trainer.iam.budget import on_fresh_frame_chunk
from srm_trainer.iam.case import MAX_CASE_NESTING
from srm_trainer.iam.decision import Decision
from srm_trainer.iam.findings import Finding, lint_case
from srm_trainer.iam.jsontext import load_json
from srm_trainer.iam.simulate import simulate
from srm_trainer.ratelimit import rate_limited
from srm_trainer.sandbox.explain import topic_lesson
from srm_trainer.sandbox.state import (
    MAX_BODY_BYTES,
    MAX_POLICY_CHARS,
    MAX_STATEMENTS,
    statement_count,
)


def _error(status: int, code: str, message: str, **where) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **where}}, status=status)


def _refused(exc: PolicyError) -> JsonResponse:
    """A case the engine refused, as every endpoint answers it: code, words and where."""
    return _error(400, exc.code, exc.message, path=exc.path, line=exc.line, column=exc.column)


def _too_many(request: HttpRequest, retry_after: int) -> JsonResponse:
    return _error(429, "rate_limited", f"Too many requests. Try again in {retry_after} seconds.")


def _policies(case: dict):
    """(field path, policy) for every policy a case carries, as the case format places them."""
    identity = case.get("identity_policies")
    if isinstance(identity, list):
        yield from ((f"identity_policies[{i}]", p) for i, p in enumerate(identity))
    for key in ("resource_policy", "permissions_boundary", "session_policy"):
        if case.get(key) is not None:
            yield key, case[key]
    for key in ("scp_levels", "rcp_levels"):
        levels = case.get(key)
        if isinstance(levels, list):
            for i, level in enumerate(levels):
                if isinstance(level, list):
                    yield from ((f"{key}[{i}][{j}]", p) for j, p in enumerate(level))


def _oversized(case: dict) -> str | None:
    """The first policy longer than the sandbox's cap (AWS's own, smaller limits are findings)."""
    for path, policy in _policies(case):
        if isinstance(policy, dict) and "document" in policy and "Statement" not in policy:
            policy = policy["document"]
        text = policy if isinstance(policy, str) else json.dumps(policy, separators=(",", ":"))
        if len(text) > MAX_POLICY_CHARS:
            return path
    return None


def _read_case(request: HttpRequest) -> dict | JsonResponse:
    """The body as a case dict, or the JSON error answer (size, JSON, shape, policy caps)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return _error(
            413, "body_too_large", f"The request body is over {MAX_BODY_BYTES // 1024} KB."
        )
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _error(
            413, "body_too_large", f"The request body is over {MAX_BODY_BYTES // 1024} KB."
        )
    try:
        case = load_json(
            body.decode("utf-8"), what="request body", max_depth=MAX_CASE_NESTING, keys_once=True
        )
    except UnicodeDecodeError:
        return _error(400, "invalid_encoding", "The request body must be UTF-8 JSON.")
    except PolicyError as exc:  # invalid JSON, too deep, a number too long, a lone surrogate,
        # a key written twice (placed at its path too)
        where = {"path": exc.path} if exc.path else {}
        return _error(400, exc.code, exc.message, line=exc.line, column=exc.column, **where)
    if not isinstance(case, dict):
        return _error(
            400,
            "invalid_case",
            "The body must be one case: a JSON object with a request and policies.",
            path="",
        )
    return _within_caps(case)


def _within_caps(case: dict, prefix: str = "") -> dict | JsonResponse:
    """The case itself, or the error for its first policy or statement count over the caps."""
    oversized = _oversized(case)
    if oversized:
        oversized = prefix + oversized
        return _error(
            400,
            "policy_too_large",
            f"{oversized} is longer than {MAX_POLICY_CHARS:,} characters, the most this API takes.",
            path=oversized,
        )
    count = statement_count(policy for _, policy in _policies(case))
    if count > MAX_STATEMENTS:
        return _error(
            400,
            "too_many_statements",
            f"The case holds {count:,} statements; the API evaluates at most {MAX_STATEMENTS} "
            "in one request.",
            path=prefix.rstrip("."),
        )
    return case


@csrf_exempt  # a JSON API with no cookies' authority: it reads nothing of the caller's and changes nothing
@require_POST
@rate_limited("api", _too_many, browser=False)
def evaluate_api(request: HttpRequest) -> JsonResponse:
    case = _read_case(request)
    if isinstance(case, JsonResponse):
        return case
    try:
        # clear of frame-chunk ends, as the sandbox's analysis (see on_fresh_frame_chunk)
        decision, found = on_fresh_frame_chunk(_evaluate_and_lint, case)
    except PolicyError as exc:
        return _refused(exc)
    result = decision.to_dict()
    # The engine names each finding's topic; the lesson's address is the website's to make.
    result["findings"] = [{**f.to_dict(), "lesson": topic_lesson(f.topic)} for f in found]
    return JsonResponse(result)


def _evaluate_and_lint(case: dict) -> tuple[Decision, list[Finding]]:
    return evaluate(case), lint_case(case)


# A batch costs one evaluation per pair: kept to what a request's CPU budget covers.
MAX_SIMULATION_PAIRS = 1_000


@csrf_exempt  # as evaluate_api
@require_POST
@rate_limited("api", _too_many, browser=False)
def simulate_api(request: HttpRequest) -> JsonResponse:
    """`POST /api/iam/simulate`: request.actions × request.resources, one result per pair."""
    case = _read_case(request)
    if isinstance(case, JsonResponse):
        return case
    try:
        results = simulate(case, max_pairs=MAX_SIMULATION_PAIRS)
    except PolicyError as exc:
        return _refused(exc)
    return JsonResponse({"results": [r.to_dict() for r in results]})


# --- summary and diff (access) ------------------------------------------------------------------

# Actions one summary may cover: the whole catalogue (`"services": ["*"]`). The cost is bounded
# by the engine's work caps (summary.MAX_MATCHES, MAX_CHECKS; a diff halves them per side):
# services beyond them are skipped whole and the answer lists them.
MAX_SUMMARY_ACTIONS = 25_000
# Allowed actions listed in full in one answer (each with its statements); the rest counted.
MAX_LISTED_ACTIONS = 1_000


@csrf_exempt  # as evaluate_api
@require_POST
@rate_limited("api", _too_many, browser=False)
def summary_api(request: HttpRequest) -> JsonResponse:
    """`POST /api/iam/summary`: a policy set (or one policy) in, per-service access levels out."""
    from srm_trainer.iam.summary import summarize

    case = _read_case(request)
    if isinstance(case, JsonResponse):
        return case
    try:
        summary = summarize(case, max_actions=MAX_SUMMARY_ACTIONS)
    except PolicyError as exc:
        return _refused(exc)
    return JsonResponse(summary.to_dict(max_listed=MAX_LISTED_ACTIONS))


@csrf_exempt  # as evaluate_api
@require_POST
@rate_limited("api", _too_many, browser=False)
def diff_api(request: HttpRequest) -> JsonResponse:
    """`POST /api/iam/diff`: `{"old": ..., "new": ...}` in, gained and lost actions out."""
    from srm_trainer.iam.diff import diff_request
    from srm_trainer.iam.summary import policy_set

    body = _read_case(request)
    if isinstance(body, JsonResponse):
        return body
    try:
        for side in ("old", "new"):
            if body.get(side) is not None:
                checked = _within_caps(policy_set(body[side], side), f"{side}.")
                if isinstance(checked, JsonResponse):
                    return checked
        result = diff_request(body, max_actions=MAX_SUMMARY_ACTIONS)
    except PolicyError as exc:
        return _refused(exc)
    return JsonResponse(result.to_dict(max_listed=MAX_LISTED_ACTIONS))
