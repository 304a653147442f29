"""Flow decision: is this connection allowed through the VPC? The netlab engine is the key.

`data` holds a netlab flow case (`{"case": {"network", "flow", "expect"?}, "ask_hop": bool}`,
format in `srm_trainer/netlab/FORMAT.md`). The key is traced when grading, so editing the
network changes it; an `expect` written by the author must agree with the engine, so a
question never says one thing while the grader says another. With `ask_hop`, half the score is
for naming the layer that blocked it (or "nothing").
"""

from __future__ import annotations

from typing import Any

from django import forms

from quizzes.kinds import netlab_common as nl
from quizzes.kinds.base import Grade, Kind, Problem, full_marks
from srm_trainer.netlab import NetlabError, parse_network
from srm_trainer.netlab.case import flow_expect_mismatches

CASE_FIELDS = ("name", "doc", "network", "flow", "expect")


class FlowDecision(Kind):
    value = "flow_decision"
    label = "Flow decision (network)"
    file_fields = ("case", "ask_hop")
    recap_template = "quizzes/kinds/flow_decision.html#recap"
    recap_fold = "The case: the connection and the network"

    def data_from_file(self, raw: dict) -> dict:
        return {"case": nl.plain(raw.get("case")), "ask_hop": raw.get("ask_hop", False)}

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        case = question.data.get("case")
        at = ("case",)
        if not isinstance(case, dict) or "network" not in case or "flow" not in case:
            what = "'case' must be a flow case: an object with network and flow"
            return [Problem(what + nl.lacking(case, ("network", "flow")), at)]
        unknown = sorted(set(case) - set(CASE_FIELDS))
        if unknown:
            return [Problem(f"case: unknown field {unknown[0]!r}", (*at, unknown[0]))]
        if not isinstance(question.data.get("ask_hop", False), bool):
            return [Problem("'ask_hop' must be true or false", ("ask_hop",))]
        try:
            result = nl.run_flow(case["network"], case["flow"])
        except NetlabError as exc:
            return nl.engine_problems(exc, at, "case", case)
        return nl.expect_problems(
            flow_expect_mismatches(result, case.get("expect")), at, case, result
        )

    def hop_choices(self, question) -> list[tuple[str, str]]:
        network = parse_network(question.data["case"]["network"], "network")
        keys = [nl.hop_key("network_acl", n) for n in network.nacls]
        keys += [nl.hop_key("security_group", g) for g in network.security_groups]
        # An interface's groups add up, so a flow none allows is refused by them together, as
        # the trace names them ("sg-web, sg-admin"): that set is a choice too.
        sets = [i.security_groups for i in network.instances.values()]
        sets += [lb.security_groups for lb in network.load_balancers.values()]
        keys += list(dict.fromkeys(
            nl.hop_key("security_group", ", ".join(groups)) for groups in sets if len(groups) > 1
        ))  # fmt: skip
        keys += ["route", "public_ip"]
        if network.load_balancers:
            keys += ["listener", "load_balancer"]
        return [(k, nl.hop_label(k)) for k in [*keys, nl.NOTHING]]

    def add_fields(self, form) -> None:
        form.fields["verdict"] = forms.ChoiceField(
            choices=nl.VERDICTS, error_messages={"required": "Choose what happens to the flow."}
        )
        if form.question.data.get("ask_hop"):
            form.fields["hop"] = forms.ChoiceField(
                choices=self.hop_choices(form.question),
                error_messages={"required": "Choose where it is blocked (or nothing)."},
            )

    def response(self, form) -> dict:
        data = form.cleaned_data
        out: dict[str, Any] = {"verdict": data["verdict"]}
        if "hop" in data:
            out |= {"hop": data["hop"], "hop_label": nl.hop_label(data["hop"])}
        return out

    def key(self, question) -> dict:
        """What the engine's trace says happens, where it is blocked, and each hop."""
        case = question.data["case"]
        result = nl.run_flow(case["network"], case["flow"])
        key = nl.verdict(result)
        blocked = result.blocked_at
        hop = nl.hop_key(blocked.layer, blocked.resource) if blocked else nl.NOTHING
        return {
            "key": key,
            "key_words": nl.VERDICT_WORDS[key],
            "hop": hop,
            "hop_label": nl.hop_label(hop),
            "rule": blocked.rule if blocked else None,
            "rule_words": nl.rule_words(blocked.layer, blocked.rule) if blocked else "",
            "detail": blocked.detail if blocked else "",
            "hops": nl.trace_words(result),
        }

    def grade(self, question, response: dict) -> Grade:
        """response: {"verdict": allowed | request_blocked | reply_blocked, "hop": key}."""
        feedback: dict[str, Any] = self.key(question)
        verdict_right = response.get("verdict") == feedback["key"]
        if question.data.get("ask_hop"):
            hop_right = response.get("hop") == feedback["hop"]
            feedback["hop_right"] = hop_right
            score = 0.5 * verdict_right + 0.5 * hop_right
        else:
            score = 1.0 if verdict_right else 0.0
        return Grade(score, full_marks(score), feedback)

    def answer_lines(self, response: dict) -> list[str]:
        lines = [nl.VERDICT_WORDS.get(response.get("verdict", ""), response.get("verdict", ""))]
        if response.get("hop_label"):
            lines.append(f"Where: {response['hop_label']}")
        return lines


KIND = FlowDecision()
