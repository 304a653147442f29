"""One live update of the sandbox: evaluate the state, lint it, and place every message.

`analyse(state)` is the sandbox's domain function: the views only read the form and render
what this returns. Every note is tied to the editor it concerns (`identity-0`,
`resource_policy`, `scp-1-0`, `principal`, …) and, where the engine knows it, a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from srm_trainer.iam import PolicyError, catalog, evaluate, parse_policy
from srm_trainer.iam.arn import parse_arn
from srm_trainer.iam.budget import on_fresh_frame_chunk
from srm_trainer.iam.context_check import CONTEXT_CODES, LIST_ON_SINGLE, NOT_THE_CALLERS
from srm_trainer.iam.decision import Reason, StatementRef
from srm_trainer.iam.findings import lint_case
from srm_trainer.iam.json_mistakes import located
from srm_trainer.iam.reasons import Topic
from srm_trainer.iam.words import OUTCOMES, STEP_TITLES, policy_label, shown
from srm_trainer.sandbox.explain import reason_html, reason_lesson, topic_lesson
from srm_trainer.sandbox.state import (
    SandboxState,
    context_list_error,
    is_federated_user,
    policy_texts,
    state_to_case,
)

REQUEST_FIELDS = {
    "request.principal": "principal",
    "request.federated_by": "federated_by",
    "request.action": "action",
    "request.resource_account": "resource_account",  # before its prefix, request.resource
    "request.resource": "resource",
    "request.context": "context",
    "request": "principal",
}
_VARIABLE = re.compile(r"\$\{([^}]+)\}")  # our own fixed pattern over policy text, no user regex


@dataclass(frozen=True)
class Note:
    severity: str  # error | warning | suggestion | decisive
    message: Any  # SafeString or plain text (escaped by the template)
    code: str = ""
    line: int | None = None
    column: int | None = None
    lesson: str | None = None


@dataclass(frozen=True)
class ReasonRow:
    html: SafeString
    lesson: str


@dataclass(frozen=True)
class StatementRow:
    editor: str
    label: str
    index: int
    sid: str | None
    effect: str
    line: int | None
    applies: bool
    decisive: bool
    reasons: tuple[ReasonRow, ...]
    more_reasons: int = 0  # reasons past MAX_REASONS, counted but not worded


@dataclass(frozen=True)
class PolicyRow:
    editor: str
    label: str
    result: str
    statements: tuple[StatementRow, ...]
    reason: ReasonRow | None
    hidden: int = 0  # statements past MAX_STATEMENT_ROWS, counted but not listed


# How many statements the result panel lists per policy, and how many deciding statements it
# names: a policy of hundreds of statements would otherwise cost more to render than to decide,
# and nobody reads past these. The rest are counted ("and 312 more").
MAX_STATEMENT_ROWS = 25
MAX_DECISIVE_ROWS = 10
MAX_LISTED_STATEMENTS = 60  # across every policy of the request
MAX_REASONS = 3  # why one statement did not apply: the first few say it
MAX_MISSING_KEYS = 12  # "Add aws:SourceIp" buttons offered at once
MAX_SAID_WARNINGS = 3  # context warnings the status region reads out after the decision


@dataclass(frozen=True)
class StepRow:
    name: str
    title: str
    outcome: str
    outcome_words: str
    reached: bool
    reasons: tuple[ReasonRow, ...]


@dataclass
class Analysis:
    state: SandboxState
    case: dict[str, Any]
    decision: str | None = None
    error: Note | None = None
    steps: list[StepRow] = field(default_factory=list)
    policies: list[PolicyRow] = field(default_factory=list)
    decisive: list[StatementRow] = field(default_factory=list)
    decisive_hidden: int = 0
    notes: dict[str, list[Note]] = field(default_factory=dict)
    missing_keys: list[str] = field(default_factory=list)
    missing_more: int = 0  # keys past MAX_MISSING_KEYS, counted but not offered
    arn_formats: list[str] = field(default_factory=list)
    action_level: str | None = None
    # The request context's values AWS would never send, in a few words each ("aws:SourceIp
    # is not an IP address"): the page's status region says them after the decision, as the
    # notes beside the keys are not read out when a live update changes them.
    context_warnings: list[str] = field(default_factory=list)
    # Where the error is, in the page's words ("Identity policy 2, line 4, column 7"): the
    # status region and the result panel are read away from the editor that holds it.
    error_where: str = ""
    # The other policies that do not parse either, in the page's order, each (editor, where,
    # note): the engine stops at the first (`error`), and a page listing what stops it named
    # only that one while each policy's editor was marked.
    more_errors: list[tuple[str, str, Note]] = field(default_factory=list)

    def add(self, editor: str, note: Note) -> None:
        self.notes.setdefault(editor, []).append(note)

    @property
    def context_said(self) -> str:
        """The context warnings as the status region says them: the first three, then a count."""
        said = self.context_warnings
        words = "; ".join(said[:MAX_SAID_WARNINGS])
        if len(said) > MAX_SAID_WARNINGS:
            words += f"; and {len(said) - MAX_SAID_WARNINGS} more"
        return words

    @property
    def note_count(self) -> int:
        return sum(len(n) for n in self.notes.values())


def editor_map(
    state: SandboxState,
) -> tuple[dict[str, str], dict[tuple[str, int, int | None], str]]:
    """Case paths and engine references → the editor that holds that policy.

    Empty editors are left out of the case, so indexes in the case and on the page differ.
    """
    by_path: dict[str, str] = {}
    by_ref: dict[tuple[str, int, int | None], str] = {}
    case_index = 0
    for i, policy in enumerate(state.identity):
        if policy.text.strip():
            by_path[f"identity_policies[{case_index}]"] = f"identity-{i}"
            by_ref[("identity", case_index, None)] = f"identity-{i}"
            case_index += 1
    for path, kind, text in (
        ("resource_policy", "resource", state.resource_policy),
        ("permissions_boundary", "boundary", state.boundary),
        ("session_policy", "session", state.session_policy),
    ):
        if text.strip():
            by_path[path] = path if path != "permissions_boundary" else "boundary"
            by_ref[(kind, 0, None)] = by_path[path]
    for kind, levels in (("scp", state.scp_levels), ("rcp", state.rcp_levels)):
        for lvl, level in enumerate(levels):
            j = 0
            for k, text in enumerate(level):
                if text.strip():
                    by_path[f"{kind}_levels[{lvl}][{j}]"] = f"{kind}-{lvl}-{k}"
                    by_ref[(kind, j, lvl)] = f"{kind}-{lvl}-{k}"
                    j += 1
    return by_path, by_ref


def _editor_for(path: str, by_path: dict[str, str], prefixes: list[str]) -> str:
    """`prefixes`: `by_path`'s keys, longest first (sorted once per analysis)."""
    for prefix in prefixes:
        if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
            return by_path[prefix]
    for prefix, editor in REQUEST_FIELDS.items():
        if path.startswith(prefix):
            return editor
    return "case"


# The labels of the request's fields, as the page shows them.
_REQUEST_LABELS = {
    "principal": "Principal",
    "federated_by": "Created by (IAM user)",
    "action": "Action",
    "resource": "Resource ARN",
    "resource_account": "Resource account",
    "context": "Request context",
}
_OTHER_LABELS = {
    "resource_policy": "Resource-based policy",
    "boundary": "Permissions boundary",
    "session_policy": "Session policy",
}
_REQUEST_PATHS = [
    (p, e) for p, e in REQUEST_FIELDS.items() if e in _REQUEST_LABELS and p != "request"
]
_NUMBERED = re.compile(r"(identity|scp|rcp)-(\d+)(?:-(\d+))?")


def _field_label(path: str) -> str:
    """The label of the request's field a path is about ("request.resource_account" →
    "Resource account")."""
    for prefix, editor in _REQUEST_PATHS:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return _REQUEST_LABELS[editor]
    return ""


def _editor_label(editor: str) -> str:
    """The label of the editor `editor` (an id of editor_map or REQUEST_FIELDS) on the page;
    "" for the case as a whole."""
    if editor in _REQUEST_LABELS:
        return _REQUEST_LABELS[editor]
    if editor in _OTHER_LABELS:
        return _OTHER_LABELS[editor]
    m = _NUMBERED.fullmatch(editor)
    if m is None:
        return ""
    kind, a, b = m.groups()
    if kind == "identity":
        return f"Identity policy {int(a) + 1}"
    return f"{kind.upper()} {int(b or 0) + 1} at level {int(a) + 1}"


def _page_index(editor: str, index: int) -> int:
    """A policy's number among its editors on the page (`identity-2` → 2, `scp-0-1` → 1),
    where the engine's `index` counts only the editors that hold text: with Identity policy 1
    emptied, the result named Identity policy 2's statements "Identity-based policy 1"."""
    m = _NUMBERED.fullmatch(editor)
    if m is None:
        return index
    _, first, second = m.groups()
    return int(second if second is not None else first)


def _ref_key(ref: StatementRef) -> tuple[str, int, int | None, int]:
    return (ref.policy_kind, ref.policy_index, ref.level, ref.statement_index)


def _reasons(reasons: tuple[Reason, ...]) -> tuple[ReasonRow, ...]:
    return tuple(ReasonRow(reason_html(r.code, r.data), reason_lesson(r.code)) for r in reasons)


def analyse(state: SandboxState) -> Analysis:
    # The loops of linting and evaluation run at the same place in a frame chunk whatever the
    # middleware above (see on_fresh_frame_chunk): a live update's CPU is the content's alone.
    return on_fresh_frame_chunk(_analyse, state)


def _analyse(state: SandboxState) -> Analysis:
    case = state_to_case(state)
    result = Analysis(state=state, case=case)
    by_path, by_ref = editor_map(state)
    prefixes = sorted(by_path, key=len, reverse=True)
    _describe_action(result, state.action)
    _describe_resource(result, state.resource)
    for finding in lint_case(case):
        if finding.code in CONTEXT_CODES:
            result.context_warnings.append(_context_said(finding.code, finding.data))
        result.add(
            _editor_for(finding.path, by_path, prefixes),
            Note(
                finding.severity,
                finding.message,
                finding.code,
                finding.line,
                finding.column,
                topic_lesson(finding.topic),
            ),
        )
    _lists_that_are_not(result, state)
    _values_without_keys(result, state)
    try:
        _each_key_once(state)
        decision = evaluate(case)
    except PolicyError as exc:
        editor = _editor_for(exc.path, by_path, prefixes)
        label, message = _field_label(exc.path) or _editor_label(editor), exc.message
        if exc.path and label and message.startswith(exc.path):
            # "request.action must be …" names the engine's field: say the page's instead.
            message, label = label + message[len(exc.path) :], ""
        note = Note("error", message, exc.code, exc.line, exc.column)
        result.error = note
        result.error_where = _where(label, exc.line, exc.column)
        if not any(n.code == exc.code and n.line == exc.line for n in result.notes.get(editor, [])):
            result.add(editor, note)
        _other_errors(result, state, editor)
        return result
    result.decision = decision.decision
    _suggest_creator(result, state)
    decisive = {_ref_key(ref) for ref in decision.decisive}
    for policy in decision.explanations:
        editor = by_ref.get((policy.kind, policy.index, policy.level), "case")
        label = policy_label(
            policy.kind, _page_index(editor, policy.index), policy.level, policy.name
        )
        rows: list[StatementRow] = []
        hidden = 0
        for st in policy.statements:
            ref = st.ref
            key = _ref_key(ref)
            listed = len(rows) + sum(len(p.statements) for p in result.policies)
            full = len(rows) >= MAX_STATEMENT_ROWS or listed >= MAX_LISTED_STATEMENTS
            if full and key not in decisive:
                hidden += 1
                continue
            if key in decisive and len(result.decisive) >= MAX_DECISIVE_ROWS:
                result.decisive_hidden += 1
                hidden += 1
                continue
            row = StatementRow(
                editor,
                label,
                ref.statement_index,
                shown(ref.sid) if ref.sid else ref.sid,
                ref.effect,
                ref.line,
                st.applies,
                key in decisive,
                _reasons(st.reasons[:MAX_REASONS]),
                max(0, len(st.reasons) - MAX_REASONS),
            )
            rows.append(row)
            if row.decisive:
                result.decisive.append(row)
                result.add(editor, Note("decisive", _decisive_words(row), "decisive", row.line))
        reason = _reasons((policy.reason,))[0] if policy.reason else None
        result.policies.append(PolicyRow(editor, label, policy.result, tuple(rows), reason, hidden))
    result.steps = [
        StepRow(
            s.name,
            STEP_TITLES.get(s.name, s.name),
            s.outcome,
            OUTCOMES.get(s.outcome, s.outcome),
            s.reached,
            _reasons(s.reasons),
        )
        for s in decision.steps
    ]
    missing = referenced_keys_missing(state)
    result.missing_keys = missing[:MAX_MISSING_KEYS]
    result.missing_more = len(missing) - len(result.missing_keys)
    return result


def _lists_that_are_not(result: Analysis, state: SandboxState) -> None:
    """A context value that starts with "[" but does not parse as a JSON list (`["a", "b"`) is
    read as one text value: say so beside the keys, and in the status region, with the JSON
    mistake and its place (it was read so without a word, and a condition on it did not match)."""
    for key, value in state.context:
        exc = context_list_error(value) if key else None
        if exc is None:
            continue
        message = located(exc.message, exc.line, exc.column, key) + (
            " So the value is read as one piece of text, not as a list of values."
        )
        result.context_warnings.append(f"{key} is not a JSON list")
        result.add("context", Note("warning", message, "context_list_not_json"))


def _values_without_keys(result: Analysis, state: SandboxState) -> None:
    """A context row with a value but no key is left out of the request (the case's context
    is keyed): say so beside the keys, where it was dropped without a word."""
    for number, (key, value) in enumerate(state.context, start=1):
        if not key and value.strip():
            result.context_warnings.append(f"context key {number} has a value but no name")
            result.add(
                "context",
                Note(
                    "warning",
                    f"Context key {number} has a value but no name, so it is left out of the "
                    "request: type the key's name beside its value.",
                    "context_value_without_key",
                ),
            )


def _each_key_once(state: SandboxState) -> None:
    """A key in two rows of the request context, as the engine refuses a key twice in any case:
    the case's context is an object, which keeps the last row's value, and the request was
    evaluated without a word about the first."""
    seen: set[str] = set()
    for key, _ in state.context:
        if key and key in seen:
            raise PolicyError(
                "invalid_context",
                f"The condition key {key!r} appears twice: keep one row (a JSON list such as "
                '["a","b"] gives a key several values).',
                path="request.context",
            )
        seen.add(key)


def _where(label: str, line: int | None, column: int | None) -> str:
    """ "Identity policy 2, line 4, column 7": an error's place in the page's words."""
    at = f"line {line}, column {column}" if line else ""
    where = ", ".join(w for w in (label, at) if w)
    return where[:1].upper() + where[1:]


def _policy_editors(state: SandboxState) -> list[tuple[str, str, str, str | None]]:
    """(editor, kind, text, name) of every policy editor, in the page's order; kind and name
    as `policy_texts` gives them, so a parse asks the engine's cache what it already read."""
    out = [
        (f"identity-{i}", "identity", p.text, p.name or None) for i, p in enumerate(state.identity)
    ]
    out += [
        ("resource_policy", "resource", state.resource_policy, None),
        ("boundary", "boundary", state.boundary, None),
        ("session_policy", "session", state.session_policy, None),
    ]
    for kind, levels in (("scp", state.scp_levels), ("rcp", state.rcp_levels)):
        for lvl, level in enumerate(levels):
            out += [(f"{kind}-{lvl}-{k}", kind, text, None) for k, text in enumerate(level)]
    return out


def _other_errors(result: Analysis, state: SandboxState, first: str) -> None:
    """Every policy but `first` (the editor of the engine's error) that does not parse, into
    `result.more_errors` and its editor's notes. Only on the failure path: a policy that parses
    is the engine's cached parse, one that does not stops its parse at its mistake."""
    for editor, kind, text, name in _policy_editors(state):
        if editor == first or not text.strip():
            continue
        try:
            parse_policy(text, kind=kind, name=name)
        except PolicyError as exc:
            note = Note("error", exc.message, exc.code, exc.line, exc.column)
            where = _where(_editor_label(editor), exc.line, exc.column)
            result.more_errors.append((editor, where, note))
            if not any(
                n.code == exc.code and n.line == exc.line for n in result.notes.get(editor, [])
            ):
                result.add(editor, note)


MAX_CREATORS_NAMED = 3


def _suggest_creator(result: Analysis, state: SandboxState) -> None:
    """A federated user session's ARN does not name the IAM user who made it, so a
    resource-based policy naming a user of its account does not reach it unless "Created by"
    says that user made it: say so beside the empty field (evaluated cases only)."""
    if state.federated_by.strip() or not is_federated_user(state.principal):
        return
    if not state.resource_policy.strip():
        return
    account = state.principal.split(":")[4]
    try:
        policy = parse_policy(state.resource_policy, kind="resource")
    except PolicyError:
        return
    users = dict.fromkeys(
        entry.value
        for statement in policy.statements
        if statement.principal is not None and not statement.principal.negated
        for entry in statement.principal.entries
        if entry.form == "user" and entry.account == account
    )
    if not users:
        return
    named = list(users)[:MAX_CREATORS_NAMED]
    result.add(
        "federated_by",
        Note(
            "suggestion",
            format_html(
                "The resource-based policy names {}: a federated user session is not that user, "
                "so it does not reach this caller. If {} made this session with "
                "GetFederationToken, give its ARN here.",
                format_html_join(", ", "<code>{}</code>", ((u,) for u in named)),
                "that user" if len(named) == 1 else "one of them",
            ),
            "federated_creator_unknown",
            lesson=topic_lesson(Topic.POLICY_EVALUATION),
        ),
    )


def _context_said(code: str, data: dict[str, Any]) -> str:
    """A context warning in a few words, for the status region."""
    if code == LIST_ON_SINGLE:
        return f"{data['key']} takes one value, not a list"
    if code == NOT_THE_CALLERS:
        return f"{data['key']} is not the caller's"
    return f"{data['key']} is not {data['expected_words']}"


def _decisive_words(row: StatementRow) -> SafeString:
    what = "denied" if row.effect == "Deny" else "allowed"
    sid = format_html(" (Sid <code>{}</code>)", row.sid) if row.sid else ""
    where = format_html(", line {}", row.line) if row.line else ""
    return format_html("Statement {}{}{} {} the request.", row.index + 1, sid, where, what)


def _describe_action(result: Analysis, action: str) -> None:
    if not action or ":" not in action or "*" in action or "?" in action:
        return
    if catalog.is_known_action(action):
        result.arn_formats = catalog.arn_formats(action)
        result.action_level = catalog.access_level(action)
        return
    suggestions = catalog.suggest(action)
    message = f"{action} is not an action AWS knows, so no policy can match it."
    if suggestions:
        message += " Did you mean " + ", ".join(suggestions) + "?"
    result.add(
        "action",
        Note(
            "warning",
            message,
            "unknown_request_action",
            lesson=topic_lesson(Topic.LEAST_PRIVILEGE),
        ),
    )


def _describe_resource(result: Analysis, resource: str) -> None:
    """A resource that starts as an ARN but is not a whole one (a part or a colon missing) is
    evaluated as the text it is, which AWS never sends: say so beside it (the engine refuses a
    resource that is neither an ARN nor `*`, and said nothing of these)."""
    if not resource.startswith("arn:") or parse_arn(resource) is not None:
        return
    result.add(
        "resource",
        Note(
            "warning",
            format_html(
                "<code>{}</code> is not a whole ARN, which is what AWS sends: six parts, "
                "<code>arn:partition:service:region:account-id:resource</code>, with the "
                "partition, the service and the resource filled in (S3 leaves the region and "
                "the account empty: <code>arn:aws:s3:::bucket/key</code>). A policy's Resource "
                "is matched against the text as typed: check for a missing part or colon.",
                resource,
            ),
            "request_resource_not_an_arn",
            lesson=topic_lesson(Topic.POLICIES),
        ),
    )


def referenced_keys_missing(state: SandboxState) -> list[str]:
    """Condition keys and policy variables the policies use that the request does not carry."""
    have = {key.lower() for key, _ in state.context}
    wanted: dict[str, str] = {}
    for kind, text, name in policy_texts(state):
        if not text.strip():
            continue
        try:
            policy = parse_policy(text, kind=kind, name=name)
        except PolicyError:
            continue
        for statement in policy.statements:
            for clause in statement.conditions:
                wanted.setdefault(clause.key.lower(), clause.key)
        for match in _VARIABLE.finditer(text):
            key = match.group(1).split(",", 1)[0].strip()
            if key not in ("*", "?", "$"):
                wanted.setdefault(key.lower(), key)
    return [key for folded, key in sorted(wanted.items()) if folded not in have]
