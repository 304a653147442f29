"""Fix the rules: edit a VPC's network ACLs and security groups so some flows work and others
are blocked, graded by the netlab engine (like a least-privilege challenge, for networks).

`data["challenge"]`: {"network": the starting network, "must_allow": [flow, ...],
"must_block": [flow, ...]} (flows as in `srm_trainer/netlab/FORMAT.md`). The learner edits only
`{"network_acls": [...], "security_groups": [...]}` (JSON text); the rest of the network
(subnets, instances, load balancers) stays as given, so a flow cannot be "fixed" by deleting its
destination. A must-allow flow passes when the request arrives and the reply gets back; a
must-block flow passes when the request is blocked. The score is the must-allow flows that
pass, out of every must-allow flow and every must-block one let through
(`quizzes.least_privilege.let_through_score`): rules that block everything score 0, not the
share of must-block flows. `data["reference"]` is the author's own
edit (JSON text, never shown): `problems()` checks that the engine gives it full marks.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from quizzes.kinds import netlab_common as nl
from quizzes.kinds.base import Grade, Kind, Problem
from quizzes.least_privilege import let_through_score
from srm_trainer.netlab import NetlabError, parse_network
from srm_trainer.netlab.spoken import said
from srm_trainer.netlab.written_order import in_written_order
from srm_trainer.typed_text import Textarea

EDITABLE = ("network_acls", "security_groups")
MAX_FLOWS = 12  # per list: grading traces each one


def rules_of(network: dict) -> str:
    """The editable part of a network, as the JSON text the learner starts from (its keys in
    the format's order, whichever order the database kept them in)."""
    return json.dumps(in_written_order({k: network.get(k, []) for k in EDITABLE}), indent=2)


def apply_rules(network: dict, text: str) -> dict:
    """The network with the learner's rules; ValueError (with line and column) for bad input."""
    edit = nl.load_json(text, "Your rules")
    if not isinstance(edit, dict):
        raise ValueError(
            'Your rules must be a JSON object: {"network_acls": [...], "security_groups": [...]}'
        )
    unknown = sorted(set(edit) - set(EDITABLE))
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} cannot be edited here: only network_acls and security_groups"
        )
    return {**network, **edit}


def check(challenge: dict, text: str) -> dict:
    """Trace every flow against the edited network: JSON-ready results, score and the first
    counterexample. ValueError / NetlabError when the edit does not parse."""
    network = apply_rules(challenge["network"], text)
    rows = []
    for want, key in (("allowed", "must_allow"), ("blocked", "must_block")):
        for flow in challenge.get(key) or []:
            result = nl.run_flow(network, flow)
            ok = (
                (nl.verdict(result) == "allowed")
                if want == "allowed"
                else result.request == "blocked"
            )
            rows.append(
                {
                    "flow": nl.flow_label(flow),
                    "want": want,
                    "got": nl.VERDICT_WORDS[nl.verdict(result)],
                    "ok": ok,
                    "hops": nl.trace_words(result),
                }
            )
    failing = [r for r in rows if not r["ok"]]
    return {
        "requests": [{k: r[k] for k in ("flow", "want", "got", "ok")} for r in rows],
        "score": let_through_score((r["want"] == "allowed", bool(r["ok"])) for r in rows),
        "counterexample": failing[0] if failing else None,
    }


def rules_case(network: dict, text: str) -> dict:
    """What the engine read of a learner's rules, for the names its refusal is said with
    (`nl.engine_messages`): the network with them, or nothing when they do not read."""
    try:
        return {"network": apply_rules(network, text)}
    except ValueError:
        return {}


def _flow_problems(exc: NetlabError, challenge: dict, key: str, n: int) -> list[Problem]:
    """Each problem the engine found tracing flow `n` of `key`, where it is, said in words: a
    flow's field as the least-privilege challenge names a request ("challenge must_allow #1,
    port: ..."), the network's by its parts' names ("challenge: Subnet public, CIDR: ...")."""
    # A problem in the network is the challenge's, not the flow's: it said "challenge
    # must_allow #1: network.vpcc is not a field here", sending the author to the flow.
    case = {**challenge, "flow": challenge[key][n]}  # what the engine read, for the names
    flow = f"{key} #{n + 1}"
    found = []
    for p in exc.problems:
        words = said(p.path, p.code, p.message, case, called={"flow": flow})
        found.append(Problem(f"challenge {words}" if words.startswith(flow)
                             else f"challenge: {words}", _flow_error_path(p, key, n)))  # fmt: skip
    if exc.more:
        found.append(Problem(f"challenge {flow}: {nl.more_words(exc.more)}",
                             ("challenge", "network")))  # fmt: skip
    return found


def _flow_error_path(exc: NetlabError, key: str, n: int) -> tuple:
    """Where the engine's refusal of flow `n` of `key` points in the challenge: the engine
    names a flow field `flow.port` (here: that flow's `port`) or a network field
    `network.subnets[0].cidr` (the challenge's network)."""
    name, _, rest = exc.path.partition(".")
    if name == "flow":
        return nl.error_path(("challenge", key, n), rest)
    return nl.error_path(("challenge",), exc.path)


def _short_enough(text: str) -> None:
    """The length check in the page's words (Django's own is "Ensure this value...")."""
    if len(text) > nl.MAX_JSON_CHARS:
        raise ValidationError(
            f"Your rules are {len(text):,} characters; at most {nl.MAX_JSON_CHARS:,} can be "
            "checked."
        )


class FlowFix(Kind):
    value = "flow_fix"
    label = "Fix the network rules"
    file_fields = ("challenge", "reference")
    recap_template = "quizzes/kinds/flow_fix.html#recap"

    def data_from_file(self, raw: dict) -> dict:
        data: dict[str, Any] = {"challenge": nl.plain(raw.get("challenge"))}
        reference = raw.get("reference")
        if reference is not None:
            data["reference"] = (
                reference if isinstance(reference, str) else json.dumps(nl.plain(reference))
            )
        return data

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        ch = question.data.get("challenge")
        at = ("challenge",)
        if not isinstance(ch, dict) or not isinstance(ch.get("network"), dict):
            what = "'challenge' must be an object with network, must_allow, must_block"
            return [Problem(what + nl.lacking(ch, ("network",)), at)]
        unknown = sorted(set(ch) - {"network", "must_allow", "must_block"})
        if unknown:
            why = ""
            if unknown[0] == "flow":  # a flow case pasted whole, as the network lab gives it
                why = " (a challenge lists its flows in must_allow and must_block: move it there)"
            return [Problem(f"challenge: unknown field {unknown[0]!r}{why}", (*at, unknown[0]))]
        for key in ("must_allow", "must_block"):
            flows = ch.get(key)
            if not isinstance(flows, list) or not 1 <= len(flows) <= MAX_FLOWS:
                where = (*at, key) if key in ch else at  # a missing key has no place of its own
                return [
                    Problem(f"challenge: '{key}' must be a list of 1 to {MAX_FLOWS} flows", where)
                ]
            for n, flow in enumerate(flows):
                try:
                    nl.run_flow(ch["network"], flow)
                except NetlabError as exc:
                    return _flow_problems(exc, ch, key, n)
        start_text = rules_of(ch["network"])
        if len(start_text) > nl.MAX_JSON_CHARS:
            # Learners could not send even the rules they are given back to be checked.
            return [
                Problem(
                    f"challenge: the rules learners start from are {len(start_text):,} "
                    f"characters as they are shown; an answer holds at most "
                    f"{nl.MAX_JSON_CHARS:,}: use fewer or shorter rules",
                    (*at, "network"),
                )
            ]
        if not thorough:
            return []
        start = check(ch, start_text)
        if start["counterexample"] is None:
            return [
                Problem(
                    "challenge: the starting network already passes every flow", (*at, "network")
                )
            ]
        reference = question.data.get("reference")
        if reference is None:
            return []
        if not isinstance(reference, str):
            return [
                Problem(
                    "reference: must be JSON text (network_acls and security_groups)",
                    ("reference",),
                )
            ]
        try:
            result = check(ch, reference)
        except NetlabError as exc:
            said_in = rules_case(ch["network"], reference)
            return [Problem(f"reference solution: {m}", ("reference",))
                    for m in nl.engine_messages(exc, said_in)]  # fmt: skip
        except ValueError as exc:
            return [Problem(nl.said_at(exc, "reference solution"), ("reference",))]
        ce = result["counterexample"]
        if ce is not None:
            return [
                Problem(
                    f"reference solution: {ce['flow']} should be {ce['want']}, but: {ce['got']}",
                    ("reference",),
                )
            ]
        return []

    # --- the learner's form ---------------------------------------------------------------

    def add_fields(self, form) -> None:
        form.fields["rules"] = forms.CharField(
            strip=False,
            validators=[_short_enough],
            error_messages={"required": "Write the rules first."},
            widget=Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        )

    def clean_form(self, form, data: dict) -> None:
        if data.get("rules"):
            network = None  # what the engine read, for the names its refusal is said with
            try:
                network = apply_rules(form.question.data["challenge"]["network"], data["rules"])
                parse_network(network, "network")
            except NetlabError as exc:  # every problem of the rules, each its own error
                for message in nl.engine_messages(exc, {"network": network}):
                    form.add_error("rules", message)
            except ValueError as exc:  # JSON that does not read: its first mistake
                form.add_error("rules", str(exc))

    def response(self, form) -> dict:
        return {"rules": form.cleaned_data["rules"]}

    def draft(self, form) -> dict | None:
        text = form.data.get("rules", "")
        if text and len(text) <= nl.MAX_JSON_CHARS:
            return {"rules": text}
        return None

    start_words = "the given rules"

    def start_response(self, question) -> dict:
        """The rules as the network gives them (never empty: both lists, even when bare)."""
        return {"rules": rules_of(question.data["challenge"]["network"])}

    def rules_text(self, form) -> str:
        current = form.current("rules")
        if current is None:
            return self.start_response(form.question)["rules"]
        return current

    def key(self, question) -> dict:
        """No single right set of rules: what any right one must achieve, flow by flow."""
        ch = question.data["challenge"]
        wanted = [("allowed", f) for f in ch.get("must_allow") or []]
        wanted += [("blocked", f) for f in ch.get("must_block") or []]
        return {"expected": [{"flow": nl.flow_label(f), "want": want} for want, f in wanted]}

    def grade(self, question, response: dict) -> Grade:
        """response: {"rules": JSON text}. Rules that do not parse score 0 and say why."""
        challenge, rules = question.data["challenge"], response.get("rules") or ""
        try:
            result = check(challenge, rules)
        except NetlabError as exc:
            said_in = rules_case(challenge["network"], rules)
            return Grade(0.0, False, {"error": "; ".join(nl.engine_messages(exc, said_in))})
        except ValueError as exc:
            return Grade(0.0, False, {"error": str(exc)})
        correct = result["counterexample"] is None
        return Grade(1.0 if correct else result["score"], correct, result)


KIND = FlowFix()
