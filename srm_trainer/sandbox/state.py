"""What the sandbox holds: the editors' texts and the request, and its ways in and out.

The state round-trips through three forms that all carry the same data and never code:
the HTML form (field names below), the shared IAM case format (files, the API, presets)
and permalinks (the case, compressed). Policies stay as the text the learner typed, so the
engine's errors can point at a line and column.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from srm_trainer.iam import PolicyError
from srm_trainer.iam.case import MAX_CASE_NESTING
from srm_trainer.iam.json_mistakes import located
from srm_trainer.iam.jsontext import load_json
from srm_trainer.iam.parser import MAX_NESTING, cached_policy
from srm_trainer.iam.principals import default_context

MAX_BODY_BYTES = 64 * 1024
# A permalink travels in the request line, which gunicorn caps at 8,190 bytes however it is
# set (gunicorn.conf.py sets that). Larger states are shared as a case file instead.
MAX_PERMALINK_CHARS = 8_000
# The longest address (path and query) a page links to: a permalink (`/sandbox/?case=`, a lab's
# `/lab/network/?case=`) or an analysis row's link, the permalink with its action and resource.
# A longer link is not offered (it would be refused); gunicorn.conf.py sizes its request line
# from this.
MAX_LINK_CHARS = 8_160
MAX_POLICY_CHARS = 20_000
MAX_IDENTITY_POLICIES = 20
MAX_ORG_LEVELS = 5
MAX_POLICIES_PER_LEVEL = 5
MAX_CONTEXT_ROWS = 50
MAX_FIELD_CHARS = 2_048
# Statements evaluated in one request, across every policy. Parsing, checking, evaluating and
# explaining cost about 0.1 ms a statement, so this keeps any request well inside its time
# budget; AWS's own size limits allow about 100 statements in a managed policy.
MAX_STATEMENTS = 200

PRINCIPAL_EXAMPLES = {
    "user": "arn:aws:iam::111122223333:user/alice",
    "role-session": "arn:aws:sts::111122223333:assumed-role/Developer/alice",
    "federated": "arn:aws:sts::111122223333:federated-user/alice",
    "service": "ec2.amazonaws.com",
    "anonymous": "*",
}


class StateError(ValueError):
    """Input the sandbox refuses (too large, malformed link or file); `field` says where."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class PolicyText:
    text: str = ""
    name: str = ""


@dataclass(frozen=True)
class SandboxState:
    principal: str = PRINCIPAL_EXAMPLES["user"]
    action: str = "s3:GetObject"
    resource: str = "arn:aws:s3:::reports/2026/q1.csv"
    resource_account: str = "111122223333"
    context: tuple[tuple[str, str], ...] = ()
    identity: tuple[PolicyText, ...] = (PolicyText(),)
    resource_policy: str = ""
    boundary: str = ""
    session_policy: str = ""
    scp_levels: tuple[tuple[str, ...], ...] = ()
    rcp_levels: tuple[tuple[str, ...], ...] = ()
    name: str = ""
    # The IAM user who created a federated user session (request.federated_by); "" when the
    # case does not say. Kept as typed whatever the principal, so nothing typed is lost.
    federated_by: str = ""

    @property
    def has_org(self) -> bool:
        return bool(self.scp_levels or self.rcp_levels)

    @property
    def shows_federated_by(self) -> bool:
        """The "Created by" field is drawn for a federated user principal, and whenever it holds
        something (so that a value the engine refuses stays in sight, beside its error)."""
        return is_federated_user(self.principal) or bool(self.federated_by.strip())


def is_federated_user(principal: str) -> bool:
    """Does the principal's text name a federated user session? (The engine's own reading;
    static/js/federated-by.js asks the same as the principal is typed.)"""
    return _FEDERATED_USER.fullmatch(principal.strip()) is not None


_FEDERATED_USER = re.compile(r"arn:[^:]+:sts::\d{12}:federated-user/.+")


STARTER_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadReports",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    },
    indent=2,
)


def starter_state() -> SandboxState:
    """The example a new learner sees: one policy, one request, and the context AWS would send."""
    state = SandboxState(identity=(PolicyText(STARTER_POLICY, "ReadReports"),))
    return replace(state, context=aws_context_for(state))


def aws_context_for(
    state: SandboxState, *, now: datetime | None = None
) -> tuple[tuple[str, str], ...]:
    """The keys AWS would put in the request context for this caller (shown, never hidden)."""
    now = now or datetime.now(UTC)
    # The principal's keys come from the engine's own reading of the caller (a role ARN is a
    # role session: AssumedRole, not User).
    rows: list[tuple[str, str]] = list(default_context(state.principal).items())
    resource_parts = state.resource.split(":")
    if len(resource_parts) >= 4 and resource_parts[3]:
        rows.append(("aws:RequestedRegion", resource_parts[3]))
    rows += [
        ("aws:SecureTransport", "true"),
        ("aws:SourceIp", "203.0.113.10"),
        ("aws:CurrentTime", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ("aws:EpochTime", str(int(now.timestamp()))),
    ]
    return tuple(rows)


# --- the HTML form ------------------------------------------------------------------------


def _text(
    data: Mapping[str, str],
    key: str,
    *,
    limit: int = MAX_FIELD_CHARS,
    label: str,
    strict: bool = True,
) -> str:
    value = data.get(key, "") or ""
    if strict and len(value) > limit:
        raise StateError(
            f"{label} is {len(value):,} characters long; the sandbox takes at most {limit:,}.", key
        )
    return value


def _indexed(data: Mapping[str, str], prefix: str) -> list[int]:
    """The indexes N present as `prefix-N...` fields, in numeric order."""
    found = set()
    for key in data:
        if key.startswith(prefix):
            index = _index(key[len(prefix) :].split("-", 1)[0])
            if index is not None:
                found.add(index)
    return sorted(found)


def _index(text: str) -> int | None:
    """An editor's index in a field name or an operation: ASCII digits only, and short
    (`str.isdigit` and `int` also take "²" or "٣", and `int` refuses 5,000 digits)."""
    if 0 < len(text) <= 4 and text.isascii() and text.isdigit():
        return int(text)
    return None


def unprefixed(data: Mapping[str, str], prefix: str) -> dict[str, str]:
    """The fields of `data` whose names start with `prefix`, without it: the case editor's
    fields when it sits inside another form (teach's question editor uses "case-")."""
    return {key[len(prefix) :]: data[key] for key in data if key.startswith(prefix)}


def state_from_form(data: Mapping[str, str], *, strict: bool = True) -> SandboxState:
    """Read the sandbox form. Limits are checked here, each with a message naming the field.

    `strict=False` reads what was typed even past the limits (counts are cut to the limits,
    texts are kept whole), to draw it again beside the refusal: nothing typed is lost. Such a
    state is for display only; never evaluate it."""
    text = partial(_text, strict=strict)
    identity: list[PolicyText] = []
    for i in _indexed(data, "identity-"):
        identity.append(
            PolicyText(
                text(
                    data,
                    f"identity-{i}-text",
                    limit=MAX_POLICY_CHARS,
                    label=f"Identity policy {len(identity) + 1}",
                ),
                text(
                    data,
                    f"identity-{i}-name",
                    limit=128,
                    label=f"The name of identity policy {len(identity) + 1}",
                ).strip(),
            )
        )
    if len(identity) > MAX_IDENTITY_POLICIES and not strict:
        identity = identity[:MAX_IDENTITY_POLICIES]
    if len(identity) > MAX_IDENTITY_POLICIES:
        raise StateError(
            f"The sandbox takes at most {MAX_IDENTITY_POLICIES} identity policies.", "identity"
        )
    levels: dict[str, tuple[tuple[str, ...], ...]] = {}
    for kind in ("scp", "rcp"):
        rows = []
        # Each level's policies are found by reading every field name again: levels past the
        # limit are not read (990 levels were 980,000 names read, ~55 ms, for one refusal).
        for position, level in enumerate(_indexed(data, f"{kind}-")[: MAX_ORG_LEVELS + 1]):
            # Named as the page labels the editor ("SCP 2 at level 1"), where the refusal named
            # the level alone.
            texts = tuple(
                text(
                    data,
                    f"{kind}-{level}-{j}",
                    limit=MAX_POLICY_CHARS,
                    label=f"{kind.upper()} {n + 1} at level {position + 1}",
                )
                for n, j in enumerate(_indexed(data, f"{kind}-{level}-"))
            )
            if len(texts) > MAX_POLICIES_PER_LEVEL and not strict:
                texts = texts[:MAX_POLICIES_PER_LEVEL]
            if len(texts) > MAX_POLICIES_PER_LEVEL:
                raise StateError(
                    f"An organization level holds at most {MAX_POLICIES_PER_LEVEL} policies here.",
                    kind,
                )
            rows.append(texts or ("",))
        if len(rows) > MAX_ORG_LEVELS and not strict:
            rows = rows[:MAX_ORG_LEVELS]
        if len(rows) > MAX_ORG_LEVELS:
            raise StateError(
                f"The sandbox takes at most {MAX_ORG_LEVELS} organization levels.", kind
            )
        levels[kind] = tuple(rows)
    context = []
    for i in _indexed(data, "ctx-"):
        key = text(data, f"ctx-{i}-key", limit=256, label="A context key").strip()
        value = text(data, f"ctx-{i}-value", label=f"The value of {key or 'a context key'}")
        context.append((key, value))
    if len(context) > MAX_CONTEXT_ROWS and not strict:
        context = context[:MAX_CONTEXT_ROWS]
    if len(context) > MAX_CONTEXT_ROWS:
        raise StateError(f"The sandbox takes at most {MAX_CONTEXT_ROWS} context keys.", "context")
    state = SandboxState(
        principal=text(data, "principal", label="The principal").strip(),
        action=text(data, "action", label="The action").strip(),
        resource=text(data, "resource", label="The resource").strip(),
        resource_account=text(
            data, "resource_account", limit=64, label="The resource account"
        ).strip(),
        context=tuple(context),
        identity=tuple(identity),
        resource_policy=text(
            data, "resource_policy", limit=MAX_POLICY_CHARS, label="The resource-based policy"
        ),
        boundary=text(data, "boundary", limit=MAX_POLICY_CHARS, label="The permissions boundary"),
        session_policy=text(
            data, "session_policy", limit=MAX_POLICY_CHARS, label="The session policy"
        ),
        scp_levels=levels["scp"],
        rcp_levels=levels["rcp"],
        name=text(data, "name", limit=200, label="The name").strip(),
        federated_by=text(data, "federated_by", label="Created by (IAM user)").strip(),
    )
    if strict:
        _check_statements(state)
    return state


# --- editing operations (buttons that work with and without JavaScript) -------------------


# What a new SCP level holds: AWS Organizations attaches FullAWSAccess to every root, OU and
# account, and a level cannot be left without an SCP. A new level left empty allowed nothing,
# and "Add a level" turned an Allowed request into an implicit deny before anything was typed.
# (An RCP level needs none: RCPFullAWSAccess is implied, FORMAT.md.)
FULL_AWS_ACCESS = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"""


def _with_levels(
    state: SandboxState, attr: str, levels: tuple[tuple[str, ...], ...]
) -> SandboxState:
    """`state` with its SCP levels or its RCP levels (`attr` names which) replaced."""
    if attr == "scp_levels":
        return replace(state, scp_levels=levels)
    return replace(state, rcp_levels=levels)


def apply_op(
    state: SandboxState, op: str, *, extra_context: tuple[tuple[str, str], ...] = ()
) -> SandboxState:
    """Add or remove an editor, a level or a context row. Unknown operations change nothing."""
    kind, _, arg = op.partition(":")
    index = _index(arg)
    if kind == "add-identity" and len(state.identity) < MAX_IDENTITY_POLICIES:
        return replace(state, identity=(*state.identity, PolicyText()))
    if kind == "remove-identity" and index is not None:
        return replace(state, identity=tuple(p for i, p in enumerate(state.identity) if i != index))
    if kind in ("add-scp-level", "add-rcp-level"):
        attr = f"{kind[4:7]}_levels"
        levels = getattr(state, attr)
        if len(levels) < MAX_ORG_LEVELS:
            first = FULL_AWS_ACCESS if attr == "scp_levels" else ""
            return _with_levels(state, attr, (*levels, (first,)))
    if kind in ("remove-scp-level", "remove-rcp-level") and index is not None:
        attr = f"{kind[7:10]}_levels"
        return _with_levels(
            state, attr, tuple(lv for i, lv in enumerate(getattr(state, attr)) if i != index)
        )
    if kind in ("add-scp", "add-rcp") and index is not None:
        attr = f"{kind[4:7]}_levels"
        levels = list(getattr(state, attr))
        if index < len(levels) and len(levels[index]) < MAX_POLICIES_PER_LEVEL:
            levels[index] = (*levels[index], "")
            return _with_levels(state, attr, tuple(levels))
    if kind == "add-context" and len(state.context) < MAX_CONTEXT_ROWS:
        return replace(state, context=(*state.context, (arg, "")))
    if kind == "remove-context" and index is not None:
        return replace(
            state, context=tuple(row for i, row in enumerate(state.context) if i != index)
        )
    if kind == "prefill-context":
        have = {key.lower() for key, _ in state.context}
        rows = [row for row in extra_context if row[0].lower() not in have]
        return replace(state, context=(*state.context, *rows)[:MAX_CONTEXT_ROWS])
    if kind == "principal" and arg in PRINCIPAL_EXAMPLES:
        principal = PRINCIPAL_EXAMPLES[arg]
        # Choosing another kind of caller drops who created the federated session it replaces.
        creator = state.federated_by if is_federated_user(principal) else ""
        context = caller_keys_moved(state.context, state.principal, principal)
        return replace(state, principal=principal, federated_by=creator, context=context)
    return state


def caller_keys_moved(
    context: tuple[tuple[str, str], ...], before: str, after: str
) -> tuple[tuple[str, str], ...]:
    """The context rows once the caller changes from `before` to `after` (a caller button): a
    principal key still holding what AWS sends for `before` (as "Add the keys AWS would send"
    put it) takes what it sends for `after`, or goes if AWS sends no such key for that caller
    (aws:username for a role session). A value typed by hand stays, and is warned of if it is
    not the new caller's (`context_check.check_caller_keys`). The chip kept alice's keys for
    any caller, which the page then called a request from one caller with another's keys."""
    old, new = default_context(before), default_context(after)
    out = []
    for key, value in context:
        if key in old and value == old[key]:
            if key not in new:
                continue
            value = new[key]
        out.append((key, value))
    return tuple(out)


# --- the case format ----------------------------------------------------------------------


def _context_value(text: str) -> Any:
    """A value that looks like a JSON list is a multivalued key; anything else is a string."""
    value, _ = _context_list(text)
    return text if value is None else value


def _context_list(text: str) -> tuple[list[Any] | None, PolicyError | None]:
    """A value that starts with "[" read as a JSON list: (the list, None), or (None, why not)
    when it does not parse (or is too deep, too long, not Unicode). (None, None) for any
    other value."""
    if not text.strip().startswith("["):
        return None, None
    try:  # the text as typed, spaces around it too: the place is where it was typed
        value = load_json(text, what="context value", max_depth=MAX_CASE_NESTING)
    except PolicyError as exc:
        return None, exc
    return (value, None) if isinstance(value, list) else (None, None)


def context_list_error(text: str) -> PolicyError | None:
    """Why a context value that starts with "[" is not a JSON list (it is then read as one
    text value, which a learner who meant a list is not told otherwise); None for any other."""
    return _context_list(text)[1]


def _policy(text: str) -> str | None:
    return text if text.strip() else None


def state_to_case(state: SandboxState) -> dict[str, Any]:
    """The case the engine evaluates. Empty editors mean "no such policy"."""
    request: dict[str, Any] = {
        "principal": state.principal,
        "action": state.action,
        "resource": state.resource,
        "context": {key: _context_value(value) for key, value in state.context if key},
    }
    if state.resource_account:
        request["resource_account"] = state.resource_account
    if state.federated_by:
        request["federated_by"] = state.federated_by
    identity = []
    for policy in state.identity:
        if policy.text.strip():
            identity.append(
                {"name": policy.name, "document": policy.text} if policy.name else policy.text
            )
    case: dict[str, Any] = {"request": request, "identity_policies": identity}
    if state.name:
        case["name"] = state.name
    for key, text in (
        ("resource_policy", state.resource_policy),
        ("permissions_boundary", state.boundary),
        ("session_policy", state.session_policy),
    ):
        if _policy(text):
            case[key] = text
    for key, levels in (("scp_levels", state.scp_levels), ("rcp_levels", state.rcp_levels)):
        if levels:
            case[key] = [[t for t in level if t.strip()] for level in levels]
    return case


def _as_text(policy: Any) -> str:
    if policy is None:
        return ""
    if isinstance(policy, str):
        return policy
    return json.dumps(policy, indent=2, ensure_ascii=False)


def _named(policy: Any) -> PolicyText:
    if isinstance(policy, Mapping) and "document" in policy and "Statement" not in policy:
        name = policy.get("name")
        return PolicyText(_as_text(policy["document"]), name if isinstance(name, str) else "")
    return PolicyText(_as_text(policy))


def _context_text(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _context_rows(context: Mapping[Any, Any]) -> tuple[tuple[str, str], ...]:
    """A case's request context as the sandbox's rows of key and value text."""
    return tuple((str(k), _context_text(v)) for k, v in context.items())


# A permalink's rows of context as typed, where the case's `request.context` (an object: one
# value a key, lists re-spaced) would not give them back: a key typed twice (the engine's error,
# which the learner is fixing), a value whose key is not typed yet, `["a","b"]` come back as
# `["a", "b"]`. The address bar follows the permalink, so Reload dropped such rows.
TYPED_CONTEXT = "context_as_typed"


def _typed_context(raw: Any) -> tuple[tuple[str, str], ...] | None:
    """`TYPED_CONTEXT`'s rows, or None when it is absent or not a list of [key, value] texts."""
    if not isinstance(raw, list):
        return None
    rows = []
    for row in raw:
        if not (isinstance(row, list) and len(row) == 2 and all(isinstance(t, str) for t in row)):
            return None
        rows.append((row[0], row[1]))
    return tuple(rows)


def state_from_case(case: Any) -> SandboxState:
    """Open a case (a file, a preset, a permalink) in the editors."""
    if not isinstance(case, Mapping):
        raise StateError("A case is a JSON object with a request and policies.")
    request = case.get("request")
    if not isinstance(request, Mapping):
        raise StateError("The case has no request object.", "request")
    context = request.get("context") or {}
    if not isinstance(context, Mapping):
        raise StateError("request.context must be an object of keys and values.", "context")
    identity = case.get("identity_policies") or []
    if not isinstance(identity, list):
        raise StateError("identity_policies must be a list.", "identity")

    def levels(key: str) -> tuple[tuple[str, ...], ...]:
        raw = case.get(key) or []
        if not isinstance(raw, list) or not all(isinstance(level, list) for level in raw):
            raise StateError(f"{key} must be a list of lists of policies.", key)
        return tuple(tuple(_named(p).text for p in level) or ("",) for level in raw)

    def text(key: str) -> str:
        value = request.get(key)
        return "" if value is None else str(value)

    typed = _typed_context(case.get(TYPED_CONTEXT))
    state = SandboxState(
        principal=text("principal"),
        action=text("action"),
        resource=text("resource"),
        resource_account=text("resource_account"),
        context=typed if typed is not None else _context_rows(context),
        identity=tuple(_named(p) for p in identity) or (PolicyText(),),
        resource_policy=_named(case.get("resource_policy")).text
        if case.get("resource_policy")
        else "",
        boundary=_named(case.get("permissions_boundary")).text
        if case.get("permissions_boundary")
        else "",
        session_policy=_named(case.get("session_policy")).text
        if case.get("session_policy")
        else "",
        scp_levels=levels("scp_levels"),
        rcp_levels=levels("rcp_levels"),
        name=str(case.get("name") or ""),
        federated_by=text("federated_by"),
    )
    _check_sizes(state)
    return state


def statement_count(policies: Iterable[Any]) -> int:
    """How many statements `policies` (JSON texts or decoded documents) hold, without parsing
    them as policies: enough to refuse a request too large to evaluate before doing the work.
    Text that is not JSON counts 0 (the parser will say where it breaks)."""
    total = 0
    for policy in policies:
        if isinstance(policy, str):
            if not policy.strip():
                continue
            try:
                policy = json.loads(policy)
            except (ValueError, RecursionError):
                continue
        if isinstance(policy, dict) and "document" in policy and "Statement" not in policy:
            total += statement_count([policy["document"]])
            continue
        statements = policy.get("Statement") if isinstance(policy, dict) else None
        total += len(statements) if isinstance(statements, list) else int(statements is not None)
    return total


def policy_texts(state: SandboxState) -> list[tuple[str, str, str | None]]:
    """Every editor's text with the policy kind and name the engine parses it with.

    The name is part of the parse cache's key: asking with the same name as the evaluator and
    the linter reuses their parse instead of parsing each named policy a second time.
    """
    texts = [("identity", p.text, p.name or None) for p in state.identity]
    texts += [
        ("resource", state.resource_policy, None),
        ("boundary", state.boundary, None),
        ("session", state.session_policy, None),
    ]
    texts += [("scp", t, None) for level in state.scp_levels for t in level]
    texts += [("rcp", t, None) for level in state.rcp_levels for t in level]
    return texts


def _statements_in(kind: str, text: str, name: str | None) -> int:
    """`statement_count` of one editor's text, read from the engine's parse when it has one:
    a live update sends every editor again, and all but the one being typed in were parsed
    by the update before. A policy the engine parsed loaded as JSON with the same Statement,
    so the count is the same either way."""
    policy = cached_policy(text, kind=kind, name=name)
    if policy is not None:
        return len(policy.statements)
    return statement_count((text,))


def _check_statements(state: SandboxState) -> None:
    count = sum(_statements_in(*texts) for texts in policy_texts(state))
    if count > MAX_STATEMENTS:
        raise StateError(
            f"These policies hold {count:,} statements; the sandbox evaluates at most "
            f"{MAX_STATEMENTS} at once. Remove some, or split the case.",
            "identity",
        )


def _check_sizes(state: SandboxState) -> None:
    texts = [p.text for p in state.identity] + [
        state.resource_policy,
        state.boundary,
        state.session_policy,
    ]
    texts += [t for level in (*state.scp_levels, *state.rcp_levels) for t in level]
    if any(len(t) > MAX_POLICY_CHARS for t in texts):
        raise StateError(f"A policy in this case is longer than {MAX_POLICY_CHARS:,} characters.")
    if len(state.identity) > MAX_IDENTITY_POLICIES:
        raise StateError(f"The case has more than {MAX_IDENTITY_POLICIES} identity policies.")
    if len(state.scp_levels) > MAX_ORG_LEVELS or len(state.rcp_levels) > MAX_ORG_LEVELS:
        raise StateError(f"The case has more than {MAX_ORG_LEVELS} organization levels.")
    if len(state.context) > MAX_CONTEXT_ROWS:
        raise StateError(f"The case has more than {MAX_CONTEXT_ROWS} context keys.")
    _check_statements(state)


def read_case_file(raw: bytes) -> SandboxState:
    """An uploaded case file: one case object (or a list, of which the first is opened)."""
    if len(raw) > MAX_BODY_BYTES:
        raise StateError(f"The file is larger than {MAX_BODY_BYTES // 1024} KB.", "case_file")
    try:
        data = load_json(raw.decode("utf-8"), what="file", max_depth=MAX_CASE_NESTING + 1)
    except UnicodeDecodeError:
        raise StateError("The file is not UTF-8 text.", "case_file") from None
    except PolicyError as exc:
        raise StateError(
            f"The file cannot be opened. {located(exc.message, exc.line, exc.column)}",
            "case_file",
        ) from None
    if isinstance(data, list):
        if not data:
            raise StateError("The file holds an empty list of cases.", "case_file")
        data = data[0]
    return state_from_case(data)


def case_file_text(state: SandboxState) -> str:
    """The case as a downloadable file; policies become JSON objects when they parse."""
    case = state_to_case(state)

    def as_json(text: Any) -> Any:
        if isinstance(text, str):
            try:
                return load_json(text, max_depth=MAX_NESTING)
            except PolicyError:
                return text  # kept as text: the learner's unfinished work is not lost
        if isinstance(text, dict) and "document" in text:
            return {**text, "document": as_json(text["document"])}
        return text

    case["identity_policies"] = [as_json(p) for p in case["identity_policies"]]
    for key in ("resource_policy", "permissions_boundary", "session_policy"):
        if key in case:
            case[key] = as_json(case[key])
    for key in ("scp_levels", "rcp_levels"):
        if key in case:
            case[key] = [[as_json(p) for p in level] for level in case[key]]
    return json.dumps(case, indent=2, ensure_ascii=False) + "\n"


# --- permalinks ---------------------------------------------------------------------------


def _untrailed(entries: list[Any]) -> list[Any]:
    """`entries` less the empty editors after the last that holds something typed."""
    while entries and entries[-1] == "":
        entries = entries[:-1]
    return entries


def _editors_as_typed(state: SandboxState) -> dict[str, Any]:
    """The identity and organization policy editors as the page shows them, an empty one kept
    (as "", or with its name) where a later one is filled or a name was typed on it: the case
    leaves empty editors out ("no such policy"), so Reload moved the later policies up a slot
    and lost the name. `state_from_case` reads "" as an empty editor, as it always has."""
    out: dict[str, Any] = {
        "identity_policies": _untrailed(
            [{"name": p.name, "document": p.text} if p.name else p.text for p in state.identity]
        )
    }
    for key, levels in (("scp_levels", state.scp_levels), ("rcp_levels", state.rcp_levels)):
        if levels:
            out[key] = [_untrailed(list(level)) for level in levels]
    return out


def encode_permalink(state: SandboxState) -> str:
    """The state as compact, URL-safe data: the case, compressed. Never code. The context's
    rows as typed go with it where the case would not give them back (`TYPED_CONTEXT`), and
    its policy editors, an empty one included (`_editors_as_typed`)."""
    case = state_to_case(state) | _editors_as_typed(state)
    if _context_rows(case["request"]["context"]) != state.context:
        case[TYPED_CONTEXT] = [list(row) for row in state.context]
    raw = json.dumps(case, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode_permalink(token: str) -> SandboxState:
    if len(token) > MAX_BODY_BYTES:
        raise StateError("This sandbox link is too long to open.", "case")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES or inflater.unconsumed_tail:
            raise StateError("This sandbox link holds more than the sandbox takes.", "case")
        data = load_json(raw.decode("utf-8"), what="link", max_depth=MAX_CASE_NESTING)
    except StateError:
        raise
    # PolicyError is a ValueError: too deep, a number too long, a lone surrogate.
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        raise StateError(
            "This sandbox link is damaged or incomplete, so the sandbox opened with its defaults.",
            "case",
        ) from None
    return state_from_case(data)


# A many-request page's row opens the one-request sandbox with a GET form that carries the
# policies' token once (`case`, a hidden field) and, from the button pressed, only that row's
# action and resource (`open`, a line each): a link per row repeated the token, 400 rows × up to
# 8,000 characters. The sandbox sends such a request on to the row's permalink (sandbox/views.py).
OPEN_ROW = "open"


def row_value(action: str, resource: str) -> str:
    """A row's `open` value: its action and resource, a line each (neither holds a line break:
    the batch's boxes are read a line at a time)."""
    return f"{action}\n{resource}"


def row_pair(value: str) -> tuple[str, str]:
    """`row_value` read back: (action, resource). A browser sends the line break as CRLF."""
    action, _, resource = value.partition("\n")
    return action.strip(), resource.strip()


# --- how the editors are laid out on the page ---------------------------------------------


@dataclass(frozen=True)
class Editor:
    id: str  # also the notes' anchor: notes-<id>
    field: str  # the textarea's form field name
    label: str
    text: str
    remove_op: str = ""
    name_field: str = ""
    name: str = ""


@dataclass(frozen=True)
class OrgLevel:
    index: int
    editors: tuple[Editor, ...]


@dataclass(frozen=True)
class OrgSection:
    kind: str
    title: str
    whose: str  # said under the legend, which keeps to one line on a phone
    levels: tuple[OrgLevel, ...]


def identity_editors(state: SandboxState) -> tuple[Editor, ...]:
    return tuple(
        Editor(
            f"identity-{i}",
            f"identity-{i}-text",
            f"Identity policy {i + 1}",
            p.text,
            f"remove-identity:{i}",
            f"identity-{i}-name",
            p.name,
        )
        for i, p in enumerate(state.identity)
    )


def other_editors(state: SandboxState) -> tuple[Editor, ...]:
    return (
        Editor(
            "resource_policy",
            "resource_policy",
            "Resource-based policy (bucket, trust or key policy)",
            state.resource_policy,
        ),
        Editor("boundary", "boundary", "Permissions boundary", state.boundary),
        Editor("session_policy", "session_policy", "Session policy", state.session_policy),
    )


def org_sections(state: SandboxState) -> tuple[OrgSection, ...]:
    def levels(kind: str, rows: tuple[tuple[str, ...], ...]) -> tuple[OrgLevel, ...]:
        return tuple(
            OrgLevel(
                lvl,
                tuple(
                    Editor(
                        f"{kind}-{lvl}-{j}",
                        f"{kind}-{lvl}-{j}",
                        f"{kind.upper()} {j + 1} at level {lvl + 1}",
                        text,
                    )
                    for j, text in enumerate(level)
                ),
            )
            for lvl, level in enumerate(rows)
        )

    return (
        OrgSection(
            "scp",
            "Service control policies",
            "The caller's organization",
            levels("scp", state.scp_levels),
        ),
        OrgSection(
            "rcp",
            "Resource control policies",
            "The resource's organization",
            levels("rcp", state.rcp_levels),
        ),
    )


REQUEST_EDITORS = (
    "principal",
    "federated_by",
    "action",
    "resource",
    "resource_account",
    "context",
)


def all_editor_ids(state: SandboxState) -> list[str]:
    ids = list(REQUEST_EDITORS)
    ids += [e.id for e in identity_editors(state)] + [e.id for e in other_editors(state)]
    ids += [
        e.id for section in org_sections(state) for level in section.levels for e in level.editors
    ]
    return ids


# (value, name, short): a phone shows the short word, so the five fit two lines at 360 px;
# the button's accessible name stays the full one, which contains the short word (WCAG 2.5.3).
PRINCIPAL_CHOICES = (
    ("user", "IAM user", "User"),
    ("role-session", "Role session", "Role"),
    ("federated", "Federated user", "Federated"),
    ("service", "AWS service", "Service"),
    ("anonymous", "Anonymous", "Anonymous"),
)


@dataclass(frozen=True)
class Layout:
    identity: tuple[Editor, ...]
    others: tuple[Editor, ...]
    org: tuple[OrgSection, ...]
    ids: list[str]
    principal_choices: tuple[tuple[str, str, str], ...] = PRINCIPAL_CHOICES


def page_layout(state: SandboxState) -> Layout:
    return Layout(
        identity_editors(state), other_editors(state), org_sections(state), all_editor_ids(state)
    )
