"""A case's `expect` that the engine disagrees with, said as a person would.

`case.py` names each way a result differs from `expect` by the keys a case file writes
("blocked_at.resource: expected 'x', got 'edge'", "counts.Block: expected 7, got 50",
"requests[0] must be an object"): the CLI's and the case files' words. An instructor reads
them in the question editors, an import and the admin, where they read as code. `said`
words one `Mismatch` instead: what the expected answer says should happen, what the engine
decided, and where ("Request 1 of 150: your expected answer says it is blocked by rule 2
("rate"), but the web ACL allows it (no rule matched)"). The one place that wording lives,
beside `spoken` (an engine path said in words); plain Python, so the question kinds
(`quizzes.kinds.netlab_common.expect_problems`) use it too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from srm_trainer.netlab.case import Mismatch
from srm_trainer.netlab.flow import Hop, Trace
from srm_trainer.netlab.waf import WafDecision, WafResult

SAYS = "your expected answer says"

# A hop's layer as a person names it (the flow question's hop choices say the same).
LAYER_WORDS = {
    "security_group": "security group",
    "network_acl": "network ACL",
    "route": "route table",
    "public_ip": "public IP address",
    "listener": "listener",
    "load_balancer": "load balancer",
}


def rule_words(layer: str, rule: str | None) -> str:
    """The rule that decided a hop, named without its resource (the hop's label names it, as
    typed): "rule 90", "the final * rule", "route 0.0.0.0/0 → internet gateway". The engine's
    own `rule` for a security group repeats the group's name ("sg-db inbound rule 1")."""
    if not rule:
        return ""
    if layer == "security_group":
        return f"rule {rule.rsplit(' ', 1)[-1]}"
    if layer == "network_acl" and rule == "*":
        return "the final * rule"
    if layer == "route":
        return f"route {rule}"
    if layer == "listener":
        return f"listener {rule}"
    return f"rule {rule}"


def said(mismatch: Mismatch, case: Mapping[str, Any], result: Trace | WafResult) -> str:
    """`mismatch` (of `case`'s `expect` against the engine's `result`) in words, no key path
    or index from 0 in them: the request, the hop, the rule by its place from 1 and name."""
    expect = case.get("expect")
    if isinstance(result, Trace):
        return _flow(mismatch, expect, result)
    return _waf(mismatch, expect, case, result)


def _shared(m: Mismatch, expect: Any, known: tuple[str, ...], example: str) -> str | None:
    """The words for what is wrong with `expect` itself, whichever kind of case it checks."""
    if m.code == "expect_shape":
        return f"your expected answer (“expect”) must be an object, such as {example}"
    if m.code == "unknown_key":
        return (
            f"your expected answer holds {_json(m.at[-1])}, which it cannot say: it takes "
            f"{_either(known)}"
        )
    if m.code == "expected_error":
        refused = _dig(expect, m.at)
        return (
            f"{SAYS} the engine refuses this case ({_json(refused)}), but the engine reads it "
            "without a problem"
        )
    return None


# --- a flow ------------------------------------------------------------------------------------


def _flow(m: Mismatch, expect: Any, result: Trace) -> str:
    shared = _shared(m, expect, ("request", "reply", "blocked_at"), '{"request": "allowed"}')
    if shared is not None:
        return shared
    hop = result.blocked_at
    if m.code in ("request", "reply"):
        return _leg(m.code, _dig(expect, m.at), result)
    if m.code == "hop_shape":
        return (
            f"{SAYS} it is blocked at {_json(_dig(expect, m.at))}: name the place as an "
            'object, such as {"layer": "network_acl", "resource": "edge"}'
        )
    want = _dig(expect, ("blocked_at",))
    want = want if isinstance(want, dict) else {}
    if m.code == "nothing_blocked" or hop is None:
        return (
            f"{SAYS} it is blocked at {_place(want)}, but nothing blocks it: the request "
            "arrives and the reply gets back"
        )
    key = m.at[-1]
    got = hop.to_dict()
    if key not in got:
        return (
            f"{SAYS} where it is blocked with {_json(key)}, which a place where a flow is "
            f"blocked does not have (it has {_either(tuple(got), 'and')})"
        )
    wanted, found = _place(want), hop_words(hop)
    if wanted == found:  # the same words, not the same value: a number for a text, say
        found += f", its {key} {_json(got[key])}, not {_json(want[key])}"
    return f"{SAYS} it is blocked at {wanted}, but it is blocked at {found}"


def _leg(leg: str, want: Any, result: Trace) -> str:
    """The request or the reply the expected answer has wrong: what it says, what happens."""
    hop = result.blocked_at
    at = f": {hop_words(hop)}" if hop is not None else ""
    goes = {"request": "arrives", "reply": "gets back"}[leg]
    if want == "allowed":
        if leg == "reply" and result.reply is None:
            return (
                f"{SAYS} the reply gets back, but there is no reply: the request is blocked on "
                f"its way in{at}"
            )
        return f"{SAYS} the {leg} {goes}, but the network blocks it{at}"
    if want == "blocked":
        if leg == "reply" and result.reply is None:
            return (
                f"{SAYS} the reply is blocked, but there is no reply: the request is blocked on "
                f"its way in{at}"
            )
        return f"{SAYS} the {leg} is blocked, but it {goes}"
    if want is None and leg == "reply":
        happens = "gets back" if result.reply == "allowed" else f"is blocked{at}"
        return (
            f"{SAYS} there is no reply (the request never arrives), but the request arrives "
            f"and the reply {happens}"
        )
    got = getattr(result, leg)
    return (
        f"{SAYS} the {leg} is {_json(want)}, which is neither allowed nor blocked; the engine "
        f"finds it {got}"
    )


def hop_words(hop: Hop) -> str:
    """Where a flow is blocked: "network ACL edge (outbound, rule 100) on the reply"."""
    return _place({"layer": hop.layer, "resource": hop.resource, "direction": hop.direction,
                   "rule": hop.rule, "leg": hop.leg})  # fmt: skip


_PLACE_KEYS = ("layer", "resource", "direction", "rule", "leg")


def _place(want: Mapping[str, Any]) -> str:
    """A place a flow is blocked, from the keys an expected answer (or a hop) gives."""
    layer, resource = want.get("layer"), want.get("resource")
    called = LAYER_WORDS.get(layer, _json(layer)) if isinstance(layer, str) else None
    if layer is not None and called is None:
        called = f"the layer {_json(layer)}"
    if resource is not None:
        name = resource if isinstance(resource, str) else _json(resource)
        if layer == "route":
            words = f"the route table of subnet {name}"
        elif layer == "public_ip":
            words = f"the public IP address of {name}"
        elif layer == "listener":
            words = f"the listener of {name}"
        else:
            words = f"{called} {name}" if called else name
    elif called:
        words = f"{'an' if called[:1] in 'aeiou' else 'a'} {called}"
    else:
        words = ""
    rule = want.get("rule")
    inside = [str(want["direction"])] if want.get("direction") else []
    if rule is not None:
        named = rule_words(layer, rule) if isinstance(rule, str) and isinstance(layer, str) else ""
        inside.append(named or f"rule {rule if isinstance(rule, str) else _json(rule)}")
    if inside:
        words += f" ({', '.join(inside)})" if words else ", ".join(inside)
    leg = want.get("leg")
    if leg:
        words += f" on the {leg}" if isinstance(leg, str) else f", leg {_json(leg)}"
    others = [f"{k} {_json(v)}" for k, v in want.items() if k not in _PLACE_KEYS]
    if others:
        words += f", with {', '.join(others)}" if words else f"a place with {', '.join(others)}"
    return words or "a place"


# --- a WAF case --------------------------------------------------------------------------------


ENDS = {  # an action as what happens to a request (an expected answer), and as the ACL does it
    "Allow": ("allowed", "allows it"),
    "Block": ("blocked", "blocks it"),
    "CAPTCHA": ("sent a CAPTCHA puzzle", "sends it a CAPTCHA puzzle"),
    "Challenge": ("sent a silent challenge", "sends it a silent challenge"),
    "Count": ("counted", "counts it"),
}
DEFAULT = "Default_Action"


def _waf(m: Mismatch, expect: Any, case: Mapping[str, Any], result: WafResult) -> str:
    known = ("attachable", "requests", "counts", "action", "rule", "labels", "status",
             "absent_labels")  # fmt: skip
    shared = _shared(m, expect, known, '{"action": "Block"}')
    if shared is not None:
        return shared
    total = len(result.decisions)
    if m.code in ("attachable", "not_attachable"):
        if result.attachable:
            return f"{SAYS} the web ACL cannot protect the resource, but it can"
        return f"{SAYS} the web ACL can protect the resource, but it cannot: {result.reason}"
    if m.code == "checks_shape":
        return (
            "your expected answer's “requests” must be a list of checks, an object each, such "
            'as [{"index": 0, "action": "Block"}]'
        )
    if m.code == "check_shape":
        return (
            f"check {int(m.at[-1]) + 1} of your expected answer's “requests” must be an object, "
            'such as {"index": 0, "action": "Block"}'
        )
    if m.code == "counts_shape":
        return (
            "your expected answer's “counts” must be an object of actions and numbers, such as "
            '{"Block": 50}'
        )
    if m.code == "count":
        return _count(str(m.at[-1]), _dig(expect, m.at), total, result)
    if m.code == "index":
        index = _dig(expect, m.at)
        return (
            f"your expected answer names a request by {_json(index)}: give its index, a whole "
            f"number counted from 0 (Request 1 of {total} is index 0)"
        )
    if m.code == "no_request":
        n = m.request if m.request is not None else 0
        return (
            f"your expected answer is about the request at index {n}, but the case has "
            f"{_requests(total)} (indexes 0 to {total - 1})"
        )
    if m.request is None:  # labels that are not a list of names
        return (
            f"your expected answer's “{m.at[-1]}” must be a list of label names, such as "
            '["awswaf:managed:aws:bot-control:bot:verified"]'
        )
    d = result.decisions[m.request]
    check = _dig(expect, m.at[:-1])
    check = check if isinstance(check, dict) else {}
    which = "The request" if total == 1 else f"Request {m.request + 1} of {total}"
    if m.code in ("label_missing", "label_present"):
        check = _dig(expect, m.at[:-2])
        label = _dig(expect, m.at)
        if m.code == "label_missing":
            has = (
                f"its labels: {', '.join(_json(x) for x in d.labels)}"
                if d.labels
                else "it has none"
            )
            return f"{which}: {SAYS} it carries the label {_json(label)}, but it does not ({has})"
        return f"{which}: {SAYS} it does not carry the label {_json(label)}, but it does"
    if m.code == "status":
        want = check.get("status")
        said_want = (
            "WAF lets it through with no answer of its own"
            if want is None
            else f"WAF answers it with HTTP status {_json(want)}"
        )
        got = (
            f", which WAF answers with HTTP status {d.status}"
            if d.status is not None
            else ", so it goes through with no answer of WAF's own"
        )
        return f"{which}: {SAYS} {said_want}, but the web ACL {_outcome(d, case)}{got}"
    return f"{which}: {SAYS} it is {_expected(check, case)}, but the web ACL {_outcome(d, case)}"


def _expected(check: Mapping[str, Any], case: Mapping[str, Any]) -> str:
    """What a check of one request says happens to it: "blocked by rule 2 ("rate")"."""
    words = []
    if "action" in check:
        action = check["action"]
        if isinstance(action, str) and action in ENDS:
            words.append(ENDS[action][0])
        else:
            words.append(f"given {_json(action)}, which is not an action ({_either(tuple(ENDS))})")
    else:
        words.append("decided")
    if "rule" in check:
        words.append(_by(check["rule"], case))
    return " ".join(words)


def _outcome(d: WafDecision, case: Mapping[str, Any]) -> str:
    """What the web ACL does with a request: "allows it (no rule matched)", "blocks it by
    rule 2 ("rate")"."""
    does = ENDS.get(d.action, (d.action, f"answers it with {d.action}"))[1]
    return f"{does} {_by(d.rule, case)}"


def _by(rule: Any, case: Mapping[str, Any]) -> str:
    """A rule of the case's web ACL by its place from 1 and its name, as `spoken` says one."""
    if rule == DEFAULT:
        return "(no rule matched)"
    rules = case.get("web_acl", {}).get("Rules") if isinstance(case.get("web_acl"), dict) else []
    names = [r.get("Name") for r in rules or [] if isinstance(r, dict)]
    if isinstance(rule, str) and rule in names:
        return f"by rule {names.index(rule) + 1} ({_json(rule)})"
    return f"by a rule {_json(rule)}, which the web ACL does not have"


def _count(action: str, n: Any, total: int, result: WafResult) -> str:
    """A count of requests by their action that the web ACL does not reach."""
    if action not in ENDS:
        return (
            f"your expected answer counts the requests given {_json(action)}, which is not an "
            f"action ({_either(tuple(ENDS))})"
        )
    ended = ENDS[action][0]
    if type(n) is not int:
        return (
            f"your expected answer gives how many requests are {ended} as {_json(n)}: write a "
            "whole number"
        )
    got = sum(d.action == action for d in result.decisions)
    if action == "Count":
        return (
            f"{SAYS} {n} of the {_requests(total)} end counted, but a Count rule never decides a "
            "request: it counts it and the next rule decides"
        )
    return f"{SAYS} {n} of the {_requests(total)} {_are(n)} {ended}, but {got} {_are(got)}"


# --- small words -------------------------------------------------------------------------------


def _dig(value: Any, at: tuple[str | int, ...]) -> Any:
    for step in at:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and type(step) is int and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _json(value: Any) -> str:
    """A value as the case's JSON writes it (a text in double quotes)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _either(names: tuple[str, ...], last: str = "or") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def _requests(n: int) -> str:
    return f"{n} request{'s' if n != 1 else ''}"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"
