"""One case file → cases, and one case → its result and whether it meets its `expect`.

A case is a flow case (`network` + `flow`) or a WAF case (`web_acl` + `request`/`requests`);
`FORMAT.md` describes both. `run_case` returns the CLI's JSON line and a list of mismatches
against `expect` (empty when there is no `expect` or it holds).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from srm_trainer.iam.json_mistakes import said

from .errors import NetlabError
from .flow import Trace, trace_case
from .waf import WafResult, evaluate_waf_case

MAX_FILE_CHARS = 5_000_000


def kind_of(case: Any) -> str:
    if not isinstance(case, dict):
        raise NetlabError("invalid_case", "a case must be a JSON object")
    if "flow" in case or "network" in case:
        return "flow"
    if "web_acl" in case:
        return "waf"
    raise NetlabError("invalid_case", "a case has either network + flow or web_acl + request(s)")


def load_cases(text: str, label: str) -> list[tuple[str, Any]]:
    if len(text) > MAX_FILE_CHARS:
        raise NetlabError("too_long", f"{label} is larger than {MAX_FILE_CHARS:,} characters")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NetlabError("invalid_json", said(exc, label)) from None
    except (RecursionError, ValueError):
        raise NetlabError("invalid_json", f"{label} nests too deeply or holds a number too long "
                          "to read") from None  # fmt: skip
    items = data if isinstance(data, list) else [data]
    out = []
    for i, case in enumerate(items):
        name = case.get("name") if isinstance(case, dict) else None
        out.append((name if isinstance(name, str) and name else f"{label}[{i}]", case))
    return out


def flow_line(name: str, result: Trace) -> dict[str, Any]:
    return {"name": name, **result.to_dict()}


def waf_line(name: str, result: WafResult) -> dict[str, Any]:
    if not result.attachable:
        return {"name": name, "attachable": False, "reason": result.reason, "action": None,
                "rule": None}  # fmt: skip
    decisions = result.decisions
    if len(decisions) == 1:
        d = decisions[0]
        return {"name": name, "action": d.action, "rule": d.rule, "labels": list(d.labels),
                "status": d.status}  # fmt: skip
    runs: list[dict[str, Any]] = []
    for d in decisions:
        if runs and runs[-1]["action"] == d.action and runs[-1]["rule"] == d.rule:
            runs[-1]["to"] = d.index
            runs[-1]["until"] = d.time
        else:
            runs.append({"from": d.index, "to": d.index, "at": d.time, "until": d.time,
                         "action": d.action, "rule": d.rule})  # fmt: skip
    last = decisions[-1]
    return {"name": name, "action": last.action, "rule": last.rule, "requests": len(decisions),
            "runs": runs}  # fmt: skip


def run_case(name: str, case: Any) -> tuple[dict[str, Any], list[str], Trace | WafResult]:
    """(JSON line, mismatches with `expect`, the typed result)."""
    kind = kind_of(case)
    expect = case.get("expect")
    if kind == "flow":
        trace = trace_case(case)
        return flow_line(name, trace), flow_mismatches(trace, expect), trace
    waf = evaluate_waf_case(case)
    return waf_line(name, waf), waf_mismatches(waf, expect), waf


@dataclass(frozen=True)
class Mismatch:
    """One way a result differs from a case's `expect`. `at`: the place under `expect` it is
    about (`("reply",)`, `("requests", 1, "rule")`), for the line a page points at; `words`:
    the CLI's message, keyed as the case file writes it; `code`: what differs (`reply`,
    `blocked_at`, `action`, `count`, ...) and `request`: the WAF request it is about (its
    index among the decisions), for a page to say it in words instead
    (`srm_trainer.netlab.expected`)."""

    at: tuple[str | int, ...]
    words: str
    code: str
    request: int | None = None


def flow_mismatches(result: Trace, expect: Any) -> list[str]:
    """How a traced flow differs from a case's `expect` (none: []), in words; the CLI's
    `--check` asks here."""
    return [m.words for m in flow_expect_mismatches(result, expect)]


def flow_expect_mismatches(result: Trace, expect: Any) -> list[Mismatch]:
    """`flow_mismatches` with the place under `expect` each one is about (`("reply",)`,
    `("blocked_at", "layer")`), so the flow question kind can point at that key's line."""
    if expect is None:
        return []
    if not isinstance(expect, dict):
        return [Mismatch((), "expect must be an object", "expect_shape")]
    out: list[Mismatch] = _key_mismatches(expect, _FLOW_EXPECT)
    for key in ("request", "reply"):
        if key in expect and expect[key] != getattr(result, key):
            words = f"{key}: expected {expect[key]}, got {getattr(result, key)}"
            out.append(Mismatch((key,), words, key))
    want = expect.get("blocked_at")
    if want is not None:
        hop = result.blocked_at
        if not isinstance(want, dict):
            out.append(Mismatch(("blocked_at",), "blocked_at must be an object", "hop_shape"))
        elif hop is None:
            words = f"blocked_at: expected {want}, but nothing blocked"
            out.append(Mismatch(("blocked_at",), words, "nothing_blocked"))
        else:
            got = hop.to_dict()
            for key, value in want.items():
                # A NACL rule number may be written as the network's rules are, 90 for "90".
                same = str(value) if key == "rule" and type(value) is int else value
                if got.get(key) != same:
                    words = f"blocked_at.{key}: expected {value!r}, got {got.get(key)!r}"
                    out.append(Mismatch(("blocked_at", key), words, "blocked_at"))
    return out


def waf_mismatches(result: WafResult, expect: Any) -> list[str]:
    """How a WAF result differs from a case's `expect` (none: []), in words; the CLI's
    `--check` asks here."""
    return [m.words for m in waf_expect_mismatches(result, expect)]


def waf_expect_mismatches(result: WafResult, expect: Any) -> list[Mismatch]:
    """`waf_mismatches` with the place under `expect` each one is about (`("action",)`,
    `("requests", 1, "rule")`, `("counts", "Block")`), so the WAF question kind can point at
    that key's line. An `expect` of the wrong shape is a mismatch too, never a crash."""
    if expect is None:
        return []
    if not isinstance(expect, dict):
        return [Mismatch((), "expect must be an object", "expect_shape")]
    out: list[Mismatch] = _key_mismatches(expect, _WAF_EXPECT)
    if "attachable" in expect and expect["attachable"] != result.attachable:
        words = f"attachable: expected {expect['attachable']}, got {result.attachable}"
        out.append(Mismatch(("attachable",), words, "attachable"))
    if not result.attachable:
        if expect.get("attachable", True):
            where = ("attachable",) if "attachable" in expect else ()
            words = f"the web ACL cannot be attached: {result.reason}"
            out.append(Mismatch(where, words, "not_attachable"))
        return out
    # (where the check is written, the check, the request it is about unless it names one)
    checks: list[tuple[tuple[str | int, ...], dict[str, Any], int]] = []
    top = {k: expect[k] for k in expect if k in _REQUEST_CHECKS}
    if top:  # about the last request (a "rule" alone was never compared without "action")
        checks.append(((), top, len(result.decisions) - 1))
    more = expect.get("requests") or []
    if not isinstance(more, list):
        out.append(Mismatch(("requests",), "requests must be a list of objects", "checks_shape"))
        more = []
    for j, check in enumerate(more):
        if not isinstance(check, dict):
            words = f"requests[{j}] must be an object"
            out.append(Mismatch(("requests", j), words, "check_shape"))
            continue
        checks.append((("requests", j), check, 0))
    for at, check, default in checks:
        out.extend(_request_mismatches(result, at, check, default))
    counts = expect.get("counts")
    if "counts" in expect and not isinstance(counts, dict):
        words = "counts must be an object (action: number)"
        out.append(Mismatch(("counts",), words, "counts_shape"))
    elif counts:
        got = Counter(d.action for d in result.decisions)
        for action, n in counts.items():
            if got.get(action, 0) != n:
                words = f"counts.{action}: expected {n}, got {got.get(action, 0)}"
                out.append(Mismatch(("counts", action), words, "count"))
    return out


_REQUEST_CHECKS = ("action", "rule", "labels", "status", "absent_labels")
_FLOW_EXPECT = ("request", "reply", "blocked_at")
_WAF_EXPECT = ("attachable", "requests", "counts", *_REQUEST_CHECKS)


def _key_mismatches(expect: dict[str, Any], known: tuple[str, ...]) -> list[Mismatch]:
    """An `expect` key no check reads, and an expected refusal (`error`) of a case the engine
    evaluated: both were passed over, so a typo (`"reachable": true`) read as a check that
    held. Worded "expect: …" (about `expect` itself, not the engine's result)."""
    out: list[Mismatch] = []
    for key in expect:
        if key == "error":
            words = f"expect: the engine refuses nothing here (expected {expect[key]!r})"
            out.append(Mismatch((key,), words, "expected_error"))
        elif key not in known:
            words = f"expect: {key!r} is not a key expect can hold ({', '.join(known)})"
            out.append(Mismatch((key,), words, "unknown_key"))
    return out


def _request_mismatches(
    result: WafResult,
    at: tuple[str | int, ...],
    check: dict[str, Any],
    default: int,
) -> list[Mismatch]:
    """How one request's decision differs from one check (`at`: where the check is written;
    `default`: the request's index when the check names none). A request is named by its
    index, as a case file counts them (from 0)."""
    index = check.get("index", default)
    if isinstance(index, bool) or not isinstance(index, int):
        return [Mismatch((*at, "index"), f"index must be a whole number, not {index!r}", "index")]
    if not 0 <= index < len(result.decisions):
        where = (*at, "index") if "index" in check else at
        return [Mismatch(where, f"request {index} does not exist", "no_request", index)]
    d = result.decisions[index]
    out: list[Mismatch] = []
    for key in ("action", "rule", "status"):
        if key in check and check[key] != getattr(d, key):
            words = f"request {index}: {key} expected {check[key]!r}, got {getattr(d, key)!r}"
            out.append(Mismatch((*at, key), words, key, index))
    for key, want_present in (("labels", True), ("absent_labels", False)):
        labels = check.get(key, [])
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            out.append(Mismatch((*at, key), f"{key} must be a list of label names", "labels_shape"))
            continue
        for n, label in enumerate(labels):
            present = label in d.labels or any(x.endswith(":" + label) for x in d.labels)
            if want_present and not present:
                words = f"request {index}: label {label!r} missing (has {list(d.labels)})"
                code = "label_missing"
            elif present and not want_present:
                words = f"request {index}: label {label!r} present"
                code = "label_present"
            else:
                continue
            out.append(Mismatch((*at, key, n), words, code, index))
    return out
