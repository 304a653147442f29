"""Least-privilege challenge: write a policy that allows what the task needs and no more.

Graded by the engine (see `quizzes.least_privilege`). The challenge is stored as
`data["challenge"]`: {principal, resource_account?, start_policy, must_allow, must_deny,
scope}, where each request is {action, resource, context?}. An optional `data["reference"]`
is the author's own solution (JSON text, never shown to learners): when present, the engine
must give it full marks, so the challenge is known to be solvable as the grader reads it. The
teaching editor and our content files require one (`file_requires`); an import may omit it.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from quizzes.kinds.base import Grade, Kind, Problem, as_sentence, is_text
from quizzes.least_privilege import check_policy, probe_scope, request_case
from srm_trainer.iam import PolicyError, catalog, parse_case, parse_policy
from srm_trainer.iam.json_mistakes import located
from srm_trainer.typed_text import Textarea

MAX_POLICY_CHARS = 10_240  # the largest identity policy AWS accepts (a role's inline policies)
CHALLENGE_FIELDS = (
    "principal",
    "resource_account",
    "start_policy",
    "must_allow",
    "must_deny",
    "scope",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _request_part(exc: PolicyError) -> tuple[str, ...]:
    """The request's field an engine error is about (`request.context.aws:username` is the
    context), or () when it is none of the entry's own (the principal, say)."""
    part = (exc.path or "").removeprefix("request.").split(".")[0]
    return (part,) if part in ("action", "resource", "context") else ()


def _engine_words(message: str) -> str:
    """An engine error about a request in the editor's words: "request.resource must be an
    ARN" is "the resource must be an ARN" (a row's fields are its action, resource and
    context; the editor said "Challenge must_allow #1: not a valid request: request.resource:
    request.resource must be …")."""
    message = re.sub(r"\brequest\.context\.", "the context key ", message)
    message = re.sub(r"\brequest\.(\w+)", r"the \1", message)
    # after the row's name and a colon: "the value of …", not "The value of …" (not "aWS")
    return message[:1].lower() + message[1:] if message[1:2].islower() else message


def _same(r: dict) -> tuple:
    return (r["action"].lower(), r["resource"], sorted((r.get("context") or {}).items()))


def _scope_problems(scope: Any, at: tuple) -> list[Problem]:
    """The first reason the resources probed for over-grants (`scope`) are not a list of ARNs."""
    if not isinstance(scope, list) or not all(is_text(s) for s in scope):
        return [Problem("challenge: 'scope' must be a list of ARNs", (*at, "scope"))]
    for n, resource in enumerate(scope):
        if not resource.startswith("arn:"):
            return [
                Problem(
                    f"challenge: scope entries are ARNs, not {resource!r}",
                    (*at, "scope", n),
                    plain=f"Each resource to probe is an ARN (arn:…); “{resource}” is not.",
                )
            ]
    return []


class LeastPrivilege(Kind):
    value = "least_privilege"
    label = "Least-privilege challenge"
    file_fields = ("challenge", "reference")
    # Optional in the data (an import, the admin), but our own files always give one: it proves
    # each shipped challenge solvable, and "Copy to edit" in /teach/ cannot save without it.
    file_requires = {
        "reference": "our own policy that solves the challenge, as JSON text under "
        "`reference: |`; the engine must give it full marks (the teaching editor needs it "
        "to save a copy of the question)",
    }
    recap_template = "quizzes/kinds/least_privilege.html#recap"

    def data_from_file(self, raw: dict) -> dict:
        challenge = raw.get("challenge")
        if isinstance(challenge, dict):
            challenge = _plain(challenge)
            if challenge.get("start_policy") is None:
                challenge["start_policy"] = ""
            for key in ("must_deny", "scope"):
                if challenge.get(key) is None:
                    challenge[key] = []
            for key in ("must_allow", "must_deny"):
                for request in challenge.get(key) or []:
                    for part in ("action", "resource"):
                        if isinstance(request, dict) and isinstance(request.get(part), str):
                            request[part] = request[part].strip()
        data = {"challenge": challenge}
        if raw.get("reference") is not None:
            data["reference"] = raw["reference"]
        return data

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        problems = self.challenge_problems(question, thorough=thorough)
        if problems or "reference" not in question.data:
            return problems
        return reference_problems(
            question.data["challenge"], question.data["reference"], thorough=thorough
        )

    def challenge_problems(self, question, *, thorough: bool = True) -> list[Problem]:
        ch = question.data.get("challenge")
        at = ("challenge",)
        if not isinstance(ch, dict):
            return [Problem("'challenge' must be a mapping (principal, must_allow, ...)", at)]
        unknown = sorted(set(ch) - set(CHALLENGE_FIELDS))
        if unknown:
            return [
                Problem(
                    f"challenge: unknown field {unknown[0]!r} "
                    f"(expected one of: {', '.join(CHALLENGE_FIELDS)})",
                    (*at, unknown[0]),
                )
            ]
        if not is_text(ch.get("principal")):
            return [
                Problem(
                    "challenge: 'principal' must be non-empty text (an ARN)",
                    (*at, "principal"),
                    plain="Give the principal: the ARN of who makes every request.",
                )
            ]
        if "resource_account" in ch and not isinstance(ch["resource_account"], str):
            return [
                Problem(
                    "challenge: 'resource_account' must be quoted text (\"111122223333\"), "
                    "not a number",
                    (*at, "resource_account"),
                )
            ]
        if not isinstance(ch.get("start_policy", ""), str):
            return [
                Problem(
                    "challenge: 'start_policy' must be JSON text (use a `|` block)",
                    (*at, "start_policy"),
                )
            ]
        problems: list[Problem] = []
        for key in ("must_allow", "must_deny"):
            entries = ch.get(key, [])
            if not isinstance(entries, list) or (key == "must_allow" and not entries):
                problems.append(
                    Problem(
                        f"challenge: '{key}' must be a list of {{action, resource}} requests",
                        (*at, key),
                        plain="Give at least one request the policy must allow."
                        if key == "must_allow"
                        else "",
                    )
                )
                continue
            for n, entry in enumerate(entries):
                problems.extend(self._request_problems(ch, key, n, entry, thorough))
        # The resources probed are said with the requests' problems: a scope entry that is no
        # ARN was said only on the save after the requests were fixed.
        problems += _scope_problems(ch.get("scope", []), at)
        if problems:
            return problems
        allowed = [_same(r) for r in ch["must_allow"]]
        for n, r in enumerate(ch.get("must_deny", [])):
            if _same(r) in allowed:
                return [
                    Problem(
                        f"challenge: {r['action']} on {r['resource']} is both must_allow and "
                        "must_deny",
                        (*at, "must_deny", n),
                        plain=f"Must-deny request {{n}} ({r['action']} on {r['resource']}) is "
                        "also a must-allow request: a policy cannot do both.",
                    )
                ]
        if thorough and ch.get("start_policy", "").strip():
            try:
                solved = check_policy(ch, ch["start_policy"], first_fault=True).correct
            except PolicyError:
                solved = False  # a start policy to repair: fine
            if solved:
                return [
                    Problem(
                        "challenge: the start_policy already solves the challenge: there is "
                        "nothing to do",
                        (*at, "start_policy"),
                        plain="The starting policy already solves the challenge, so learners "
                        "would have nothing to do.",
                    )
                ]
        return []

    def _request_problems(
        self, ch: dict, key: str, n: int, entry: Any, thorough: bool
    ) -> list[Problem]:
        where = ("challenge", key, n)
        label = f"challenge {key} #{n + 1}"
        row = f"{key.replace('_', '-').capitalize()} request {{n}}"  # the editor's row name
        if not isinstance(entry, dict):
            return [Problem(f"{label} must be a mapping of action and resource", where)]
        unknown = sorted(set(entry) - {"action", "resource", "context"})
        if unknown:
            return [Problem(f"{label}: unknown field {unknown[0]!r}", (*where, unknown[0]))]
        blank = [part for part in ("action", "resource") if not is_text(entry.get(part))]
        if blank:  # said of both, placed at the first one missing
            return [
                Problem(
                    f"{label}: 'action' and 'resource' must be non-empty text",
                    (*where, blank[0]),
                    plain=f"{row} needs both an action and a resource.",
                )
            ]
        context = entry.get("context")
        if context is not None and not isinstance(context, dict):
            return [
                Problem(
                    f"{label}: 'context' must be a mapping of condition keys", (*where, "context")
                )
            ]
        allow_it = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": entry["action"], "Resource": "*"}],
        }
        try:
            parse_case(request_case(ch, entry["action"], entry["resource"], allow_it, context))
        except PolicyError as exc:
            return [
                Problem(
                    f"{label}: not a valid request: {exc}",
                    (*where, *_request_part(exc)),
                    plain=as_sentence(f"{row}: {_engine_words(exc.message)}"),
                )
            ]
        if thorough and not catalog.is_known_action(entry["action"]):
            return [
                Problem(
                    f"{label}: unknown action {entry['action']!r}",
                    (*where, "action"),
                    plain=f"{row}: “{entry['action']}” is not an action AWS knows; check its spelling.",
                )
            ]
        return []

    # --- the learner's form ---------------------------------------------------------------

    def add_fields(self, form) -> None:
        form.fields["policy"] = forms.CharField(
            strip=False,
            max_length=MAX_POLICY_CHARS,
            error_messages={"required": "Write a policy first."},
            widget=Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        )

    def clean_form(self, form, data: dict) -> None:
        if data.get("policy"):
            try:
                parse_policy(data["policy"], kind="identity")
            except PolicyError as exc:
                form.add_error("policy", located(exc.message, exc.line, exc.column))

    def response(self, form) -> dict:
        return {"policy": form.cleaned_data["policy"]}

    def draft(self, form) -> dict | None:
        """A policy draft is never lost, even when it does not parse yet."""
        text = form.data.get("policy", "")
        if text and len(text) <= MAX_POLICY_CHARS:
            return {"policy": text}
        return None

    start_words = "the given policy"

    def start_response(self, question) -> dict | None:
        """The challenge's start policy; None for a challenge that starts from an empty box."""
        start = question.challenge().get("start_policy") or ""
        return {"policy": start} if start.strip() else None

    def policy_text(self, form) -> str:
        current = form.current("policy")
        if current is None:
            return form.question.challenge().get("start_policy", "")
        return current

    def key(self, question) -> dict:
        """No single right policy: what any right one must achieve, as the engine will decide
        each request (the author's reference solution stays unshown, as the module says)."""
        ch = question.challenge()
        wanted = [("Allow", r) for r in ch.get("must_allow") or []]
        wanted += [("Deny", r) for r in ch.get("must_deny") or []]
        return {
            "expected": [
                {"action": r["action"], "resource": r["resource"], "want": want}
                for want, r in wanted
            ],
            "scope": probe_scope(ch),
        }

    def grade(self, question, response: dict) -> Grade:
        """response: {"policy": JSON text}. Invalid JSON scores 0 and says where it breaks."""
        try:
            result = check_policy(question.challenge(), response.get("policy") or "")
        except PolicyError as exc:
            # A draft kept at submission can hold one: said as the form says it.
            said = located(exc.message, exc.line, exc.column) if exc.line else str(exc)
            return Grade(0.0, False, {"error": said, "line": exc.line, "column": exc.column})
        return Grade(result.score, result.correct, result.to_dict())


def reference_problems(challenge: dict, reference: Any, *, thorough: bool = True) -> list[Problem]:
    """Why the author's reference solution does not prove the challenge solvable: it must be a
    policy the grader gives full marks (every request as the task wants, nothing over-granted).
    The check is the grader's own, so it is budgeted like grading."""
    at = ("reference",)
    if not isinstance(reference, str) or not reference.strip():
        return [Problem("reference: the reference solution must be JSON text (a policy)", at)]
    if len(reference) > MAX_POLICY_CHARS:
        return [
            Problem(
                f"reference: the reference solution is {len(reference):,} characters; "
                f"a policy holds at most {MAX_POLICY_CHARS:,}",
                at,
            )
        ]
    if not thorough:
        return []
    try:
        result = check_policy(challenge, reference)
    except PolicyError as exc:
        return [Problem(located(exc.message, exc.line, exc.column, "reference solution"), at)]
    return result_problems(result)


def result_problems(result) -> list[Problem]:
    """A `ChallengeResult` of the reference solution, as what is wrong with it."""
    at = ("reference",)
    problems = []
    counts = {"Allow": 0, "Deny": 0}
    for r in result.requests:
        counts[r.want] += 1
        if r.ok:
            continue
        # The file's words number the entry as a file names entries ("must-deny request #1");
        # the editor's (`plain`) as its rows are labelled ("Must-deny request 1: action"):
        # `{n}`, the entry's row (`entry`), which a blank row before it moves.
        which = "must-allow" if r.want == "Allow" else "must-deny"
        n = counts[r.want]
        entry = ("challenge", "must_allow" if r.want == "Allow" else "must_deny", n - 1)
        what = f"({r.action} on {r.resource}) " + (
            f"is not allowed: the engine decides {r.decision}"
            if r.want == "Allow"
            else "is allowed"
        )
        problems.append(
            Problem(
                f"reference solution: {which} request #{n} {what}",
                at,
                plain=as_sentence(f"reference solution: {which} request {{n}} {what}"),
                entry=entry,
            )
        )
    if result.unchecked:
        problems.append(
            Problem(
                "reference solution: it grants too many actions to check within the grader's "
                "budget; list the actions it needs instead of wildcards",
                at,
            )
        )
    elif result.overgrants:
        worst = result.counterexample() or {}
        more = "" if result.complete else "at least "
        problems.append(
            Problem(
                f"reference solution: it over-grants {more}{len(result.overgrants)} "
                f"action-resource pair{'s' if len(result.overgrants) != 1 else ''}, e.g. "
                f"{worst.get('action')} on "
                f"{worst.get('resource')}, so the grader would not give it full marks",
                at,
            )
        )
    return problems


KIND = LeastPrivilege()
