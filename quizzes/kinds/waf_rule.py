"""WAF rule: which rule of a web ACL acts on this request? The netlab engine is the key.

`data` holds a netlab WAF case (`{"case": {"web_acl", "request" | "requests", ...}, "ask_index"?}`,
format in `srm_trainer/netlab/FORMAT.md`). With a burst of requests, the question is about the
request at `ask_index` (0-based, default the last), so a rate-based rule can be seen tripping.
The choices are the web ACL's rules and its default action; the key is computed when grading.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import forms

from quizzes.kinds import netlab_common as nl
from quizzes.kinds.base import Grade, Kind, Problem, full_marks
from srm_trainer.netlab import NetlabError, evaluate_waf_case
from srm_trainer.netlab.case import waf_expect_mismatches
from srm_trainer.netlab.waf import NOT_PROTECTABLE, QUESTION_SHARE

DEFAULT = "Default_Action"
CASE_FIELDS = (
    "name", "doc", "resource", "web_acl", "ip_sets", "regex_pattern_sets",
    "body_inspection_limit_kb", "request", "requests", "rate_detection_delay_sec", "expect",
)  # fmt: skip


def _key(question) -> dict[str, Any]:
    """The key, kept per process by the case and `ask_index`: a quiz's pages (its detail, an
    attempt's result) ask it of every question at once."""
    try:
        text = json.dumps(
            [question.data["case"], question.data.get("ask_index")],
            sort_keys=True,
            separators=(",", ":"),
        )
    except (TypeError, ValueError):  # not JSON (set in memory, never saved): not kept
        return _key_of(question.data["case"], question.data.get("ask_index"))
    return json.loads(_kept_key(text))


@lru_cache(maxsize=512)
def _kept_key(text: str) -> str:
    case, index = json.loads(text)
    return json.dumps(_key_of(case, index))


def _key_of(case: dict, index: int | None) -> dict[str, Any]:
    result = evaluate_waf_case(case, share=QUESTION_SHARE)
    d = result.decisions[-1 if index is None else index]
    return {
        "key": d.rule,
        "action": d.action,
        "index": d.index,
        "total": len(result.decisions),
        "labels": list(d.labels),
        "rate_counts": d.rate_counts,
        "matches": [
            {"rule": m.rule, "action": m.action, "terminating": m.terminating, "note": m.note}
            for m in d.matches
        ],
    }


def _attachment_path(case: dict) -> tuple:
    """Where a web ACL that cannot be attached goes wrong: the `resource` when it is one no web
    ACL protects; the web ACL's `Scope` when the resource is the default (not written); the
    case when both are written and it is the pair that disagrees."""
    if case.get("resource") in NOT_PROTECTABLE:
        return ("case", "resource")
    if "resource" not in case and "Scope" in case["web_acl"]:
        return ("case", "web_acl", "Scope")
    return ("case",)


class WafRule(Kind):
    value = "waf_rule"
    label = "WAF rule (which rule acts)"
    file_fields = ("case", "ask_index")
    recap_template = "quizzes/kinds/waf_rule.html#recap"
    recap_fold = "The case: the web ACL and the request"

    def data_from_file(self, raw: dict) -> dict:
        data = {"case": nl.plain(raw.get("case"))}
        if raw.get("ask_index") is not None:
            data["ask_index"] = raw["ask_index"]
        return data

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        case = question.data.get("case")
        at = ("case",)
        if not isinstance(case, dict) or "web_acl" not in case:
            what = "'case' must be a WAF case: an object with web_acl and request(s)"
            return [Problem(what + nl.lacking(case, ("web_acl",)), at)]
        unknown = sorted(set(case) - set(CASE_FIELDS))
        if unknown:
            return [Problem(f"case: unknown field {unknown[0]!r}", (*at, unknown[0]))]
        try:
            result = evaluate_waf_case(case, share=QUESTION_SHARE)
        except NetlabError as exc:
            return nl.engine_problems(exc, at, "case", case)
        if not result.attachable:
            return [
                Problem(
                    f"case: the web ACL cannot protect this resource: {result.reason}",
                    _attachment_path(case),
                )
            ]
        index = question.data.get("ask_index")
        if index is not None and (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < len(result.decisions)
        ):
            last = len(result.decisions) - 1
            # The editor's box numbers the requests from 1, as its key does: index 0 is 1.
            if type(index) is not int:
                said = "That is not a request's number"
            elif index == -1:
                said = "Requests are numbered from 1, as the key below numbers them"
            else:
                said = f"There is no request {index + 1} in the case"
            give = (
                f"give a number from 1 to {last + 1} (each copy of a repeated request counted)"
                if last
                else "it holds one request, so give 1"
            )
            return [
                Problem(
                    f"'ask_index' must be a request's index, 0 to {last}",
                    ("ask_index",),
                    # The editor's field: a teacher sees a box, not the key's name.
                    plain=f"{said}: {give}, or leave it blank for the last request.",
                )
            ]
        return nl.expect_problems(
            waf_expect_mismatches(result, case.get("expect")), at, case, result
        )

    def rule_choices(self, question) -> list[tuple[str, str]]:
        raw = question.data["case"]["web_acl"].get("Rules") or []
        ordered = sorted(raw, key=lambda r: r["Priority"])  # problems() checked they parse
        rules = [(r["Name"], f"Rule {r['Name']} (priority {r['Priority']})") for r in ordered]
        return [*rules, (DEFAULT, "None: the web ACL's default action")]

    def add_fields(self, form) -> None:
        form.fields["rule"] = forms.ChoiceField(
            choices=self.rule_choices(form.question),
            widget=forms.RadioSelect,
            error_messages={"required": "Choose the rule that acts (or the default action)."},
        )

    def response(self, form) -> dict:
        rule = form.cleaned_data["rule"]
        return {"rule": rule, "rule_label": dict(form.fields["rule"].choices)[rule]}

    def key(self, question) -> dict:
        """The rule the engine finds acting on the request asked about, and its account."""
        return _key(question)

    def grade(self, question, response: dict) -> Grade:
        """response: {"rule": a rule's name | "Default_Action"}."""
        feedback: dict[str, Any] = self.key(question)
        right = response.get("rule") == feedback["key"]
        score = 1.0 if right else 0.0
        return Grade(score, full_marks(score), feedback)

    def answer_lines(self, response: dict) -> list[str]:
        return [response.get("rule_label") or response.get("rule", "")]


KIND = WafRule()
