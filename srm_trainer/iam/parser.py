"""Policy JSON (text or an already-loaded object) → `model.Policy`, or a located `PolicyError`.

Text is read once in the usual case (`_load_placed`): json's own scanner decodes it, and the
only positions a valid policy keeps, where each statement starts, are noted on the way. When
that fails (not JSON, not an object) or the grammar check raises, the text is read again in
full: a size check, a position scan (an iterative walk over the JSON that records where every
value and key starts, keyed by the same paths the errors use, and that enforces the nesting
limit before anything recursive runs), then `json.loads` (invalid JSON → `invalid_json` with
json's own line/column). The grammar check raises errors with a path; the path is turned back
into a line/column from the scan.

Parsed policies are cached by content (`parse_policy`: text by its text, a dict by
`content_key`, never re-serialised as JSON): evaluating the same policy again costs a
dictionary lookup. Every statement is validated here, but its Action and Resource are compiled
only when evaluation first reads them (`model.Statement.lazy`), and evaluation reads only the
statements that can match the requested service (`model.Policy.candidates`).
"""

from __future__ import annotations

import json
import marshal
import pickle
import re
import threading
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, count
from json.decoder import scanstring  # type: ignore[attr-defined]  # public since 2.6, absent from typeshed
from operator import add
from threading import Lock
from types import SimpleNamespace
from typing import Any

from .arn import COMPLETING_KINDS, is_incomplete_arn
from .conditions import ConditionSpec, validate_condition_block
from .errors import PolicyError
from .jsontext import depth_exceeds, load_json, lone_surrogate_at
from .model import (
    _UNSET,
    POLICY_KINDS,
    VERSION_2012,
    VERSIONS,
    Policy,
    PolicyKind,
    PrincipalBlock,
    Statement,
    is_policy_kind,
)
from .principals import classify_principal
from .wildcard import fold_case

# A guard on the input, not AWS's quota (the linter reports those per policy kind). AWS managed
# policies are not held to the customer quotas: the largest (AWSSupportServiceRolePolicy) is
# about 152,000 characters without white space and 231,000 pretty-printed, and evaluating a case
# that attaches it must work. The web layer keeps its own caps (the sandbox form: 20,000
# characters a policy; the API: 64 KB a request body); the parse cache is bounded by characters.
MAX_POLICY_CHARS = 262_144
MAX_NESTING = 32
MAX_STATEMENTS = 2_000

_TOP_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
# A statement with only these needs no Principal, NotAction or NotResource check.
_PLAIN_KEYS = frozenset({"Sid", "Effect", "Action", "Resource", "Condition"})
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_KINDS_WITHOUT_PRINCIPAL = frozenset({"identity", "boundary", "session", "scp"})
_KINDS_NEEDING_RESOURCE = frozenset({"identity", "boundary", "session", "rcp"})
# Kinds whose statements never take the fast path: each needs a Principal, which it lacks.
_KINDS_NEEDING_PRINCIPAL = frozenset({"resource", "rcp"})
# Where the errors of a resource control policy send the reader: AWS Organizations' page, which
# says what an RCP may hold (https://docs.aws.amazon.com/organizations/latest/userguide/
# orgs_manage_policies_rcps_syntax.html). The engine holds no addresses: the page by its name.
RCP_SYNTAX_PAGE = 'AWS Organizations User Guide, "RCP syntax"'
# The errors that page's rules raise in an RCP (the linter links them to the lesson on RCPs).
RCP_SYNTAX_CODES = frozenset(
    {
        "rcp_not_action",
        "rcp_not_principal",
        "rcp_allow_not_supported",
        "rcp_action_every_service",
        "invalid_principal",
        "missing_principal",
        "missing_resource",
    }
)
# Errors about a key itself point at the key; the rest at the value.
_KEY_CODES = frozenset(
    {
        "unknown_element",
        "principal_not_allowed",
        "action_and_notaction",
        "resource_and_notresource",
        "principal_and_notprincipal",
        "rcp_not_action",
        "rcp_not_principal",
    }
)
_WS = " \t\n\r"


# --------------------------------------------------------------------------- positions


class Positions:
    """Where each path's key and value start in a JSON text, and offset → line/column. The
    line starts are found on the first `line_col`: a text whose positions are never asked for
    (a valid policy on one line) does not pay for them."""

    __slots__ = ("values", "keys", "_text", "_line_starts")

    def __init__(self, text: str) -> None:
        self.values: dict[str, int] = {}
        self.keys: dict[str, int] = {}
        self._text = text
        self._line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            # Line k starts after the k-th "\n": the lengths of the lines before it plus their
            # newlines, summed in C (a Python loop over lines cost more than the whole parse of
            # a pretty-printed policy of short statements).
            lines = self._text.split("\n")
            starts = [0, *map(add, accumulate(map(len, lines[:-1])), count(1))]
            self._line_starts = starts
        return starts

    def line_col(self, offset: int) -> tuple[int, int]:
        starts = self.line_starts
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def locate(self, path: str, *, prefer_key: bool = False) -> tuple[int, int] | None:
        """Line/column of `path`, or of its closest recorded ancestor."""
        while True:
            if prefer_key and path in self.keys:
                return self.line_col(self.keys[path])
            if path in self.values:
                return self.line_col(self.values[path])
            if not path:
                return None
            path = _parent(path)


def _parent(path: str) -> str:
    """`Statement[2].Condition.X` → `Statement[2].Condition`; `Statement[2]` → `Statement`."""
    if path.endswith("]"):
        return path[: path.rindex("[")]
    dot = path.rfind(".")
    return path[:dot] if dot >= 0 else ""


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def scan_positions(text: str) -> Positions:
    """Record key/value offsets by path and enforce MAX_NESTING, without recursion.

    Tolerant of invalid JSON (it stops where it cannot continue): `json.loads` reports
    syntax errors afterwards with its own messages.
    """
    pos = Positions(text)
    values, keys = pos.values, pos.keys
    n = len(text)
    # frames: [is_object, path, index, pending_key_path]
    stack: list[list[Any]] = []
    i = 0
    expect_value = True
    current = ""
    while i < n:
        ch = text[i]
        if ch in _WS:
            i += 1
            continue
        if expect_value:
            values[current] = i
            if ch == "{" or ch == "[":
                if len(stack) >= MAX_NESTING:
                    line, col = pos.line_col(i)
                    raise PolicyError(
                        "nesting_too_deep",
                        f"The policy nests objects and lists more than {MAX_NESTING} levels deep.",
                        path=current,
                        line=line,
                        column=col,
                    )
                stack.append([ch == "{", current, 0])
                i += 1
                # empty container?
                while i < n and text[i] in _WS:
                    i += 1
                if i < n and text[i] in "}]":
                    stack.pop()
                    i += 1
                    expect_value = False
                    continue
                if ch == "[":
                    current = f"{current}[0]"
                    continue
                # object: read the first key
                k = _read_key(text, i)
                if k is None:
                    return pos
                key, i, key_at = k
                current = _child(stack[-1][1], key)
                keys[current] = key_at
                continue
            if ch == '"':
                try:
                    _, i = scanstring(text, i + 1)
                except ValueError:
                    return pos
            else:
                while i < n and text[i] not in ",]}" and text[i] not in _WS:
                    i += 1
            expect_value = False
            continue
        # after a value
        if not stack:
            return pos
        frame = stack[-1]
        if ch == ",":
            i += 1
            if frame[0]:
                while i < n and text[i] in _WS:
                    i += 1
                k = _read_key(text, i)
                if k is None:
                    return pos
                key, i, key_at = k
                current = _child(frame[1], key)
                keys[current] = key_at
            else:
                frame[2] += 1
                current = f"{frame[1]}[{frame[2]}]"
            expect_value = True
            continue
        if ch in "}]":
            stack.pop()
            i += 1
            continue
        return pos
    return pos


def _read_key(text: str, i: int) -> tuple[str, int, int] | None:
    """Read `"key" :` at i; return (key, offset after the colon, offset of the key)."""
    n = len(text)
    while i < n and text[i] in _WS:
        i += 1
    if i >= n or text[i] != '"':
        return None
    start = i
    try:
        key, i = scanstring(text, i + 1)
    except ValueError:
        return None
    while i < n and text[i] in _WS:
        i += 1
    if i >= n or text[i] != ":":
        return None
    return key, i + 1, start


# --------------------------------------------------------------------------- grammar


def _shown(value: Any) -> str:
    """A value for an error message: strings and scalars as written, containers by type (a
    repr of a deeply nested list would recurse)."""
    if isinstance(value, dict | list | tuple):
        return f"a {'list' if isinstance(value, list | tuple) else 'JSON object'}"
    return repr(value)


def _fail(code: str, message: str, path: str) -> PolicyError:
    return PolicyError(code, message, path=path)


def _second(raw: dict[str, Any], a: str, b: str) -> str:
    """Of two elements that cannot stand together, the one written later: the error points
    at it, as a reader meets the conflict there."""
    for key in reversed(raw):
        if key in (a, b):
            return key
    return b  # pragma: no cover - called only when both are present


def _string_list(raw: Any, path: str, element: str, code: str) -> list[str]:
    """A single string or a non-empty list of non-empty strings."""
    if isinstance(raw, str):
        items = [raw]
    elif isinstance(raw, list):
        if not raw:
            raise _fail(code, f"{element} must not be an empty list.", path)
        items = raw
    else:
        raise _fail(code, f"{element} must be a string or a list of strings.", path)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item:
            where = f"{path}[{i}]" if isinstance(raw, list) else path
            if not isinstance(item, str):
                raise _fail(code, f"Every {element} value must be a string.", where)
            raise _fail(code, f"An {element} value must not be empty.", where)
    return items


# Action text -> its case-folded service prefix, "" when it may match any service (`*`, a
# wildcard in the service part), None when it is not a valid action. Policies repeat the same
# actions, so validating one is usually a dictionary lookup. Bounded: emptied when full. The
# bound holds every action text of the AWS managed policies (16,559 distinct ones; at 16,384 the
# memo emptied itself over and over in `make compare`): about 1.7 MB for those, at most ~10 MB
# were every entry 256 characters long.
_ACTION_SERVICE: dict[str, str | None] = {}
_ACTION_SERVICE_MAX = 32_768
_ACTION_SERVICE_MAX_LEN = 256


def _learn_action(item: str) -> str | None:
    service, colon, rest = item.partition(":")
    found: str | None
    if not colon:
        found = "" if item == "*" else None
    elif not service or not rest or item[-1] == ":":
        found = None
    elif "*" in service or "?" in service:
        found = ""
    else:
        found = service.lower() if service.isascii() else fold_case(service)
    if len(item) <= _ACTION_SERVICE_MAX_LEN:
        if len(_ACTION_SERVICE) >= _ACTION_SERVICE_MAX:
            _ACTION_SERVICE.clear()
        _ACTION_SERVICE[item] = found
    return found


_NOT_SEEN = "\x00not seen"  # a str, so lookups stay typed; compared by identity


def _fast_actions(raw: Any) -> tuple[tuple[str, ...], tuple[str, ...] | None] | None:
    """The common case in one pass: valid action texts and the case-folded service prefixes
    they name (None when one may match any service); None when something is wrong, so that
    `_action_texts` finds and words the first error."""
    items = (raw,) if type(raw) is str else raw if type(raw) is list and raw else None
    if items is None:
        return None
    keys: list[str] = []
    wild = False
    known = _ACTION_SERVICE.get
    for item in items:
        if type(item) is not str:
            return None
        service: Any = known(item, _NOT_SEEN)
        if service is _NOT_SEEN:
            service = _learn_action(item)
        if service is None:
            return None
        if not service:
            wild = True
        elif not wild:
            keys.append(service)
    if wild:
        return tuple(items), None
    return tuple(items), (tuple(keys) if len(keys) == 1 else tuple(dict.fromkeys(keys)))


def _fast_resources(raw: Any) -> tuple[str, ...] | None:
    """Valid Resource texts in one pass, or None (then `_resource_texts` words the error)."""
    items = (raw,) if type(raw) is str else raw if type(raw) is list and raw else None
    if items is None:
        return None
    for item in items:
        if type(item) is not str or (item != "*" and not item.startswith("arn:")):
            return None
    return tuple(items)


def _action_texts(raw: Any, path: str, element: str) -> tuple[str, ...]:
    """Validate an Action/NotAction element; compiling waits for `Statement.action`."""
    items = _string_list(raw, path, element, "invalid_action")
    for i, item in enumerate(items):
        if item != "*" and (":" not in item or item.startswith(":") or item.endswith(":")):
            where = f"{path}[{i}]" if isinstance(raw, list) else path
            raise _fail(
                "invalid_action",
                f'{element} value {item!r} must be "*" or "service:Action" (e.g. "s3:GetObject").',
                where,
            )
    return tuple(items)


def _resource_texts(raw: Any, path: str, element: str) -> tuple[str, ...]:
    """Validate a Resource/NotResource element; compiling waits for `Statement.resource`."""
    items = _string_list(raw, path, element, "invalid_resource")
    for i, item in enumerate(items):
        if item != "*" and not item.startswith("arn:"):
            where = f"{path}[{i}]" if isinstance(raw, list) else path
            raise _fail(
                "invalid_resource",
                f'{element} value {item!r} must be "*" or an ARN starting with "arn:".',
                where,
            )
    return tuple(items)


def _incomplete_at(texts: tuple[str, ...], variables: bool) -> int | None:
    """The index of the first entry that is an ARN of fewer than six parts, or None."""
    for i, text in enumerate(texts):
        if is_incomplete_arn(text, variables):
            return i
    return None


def _principals(raw: Any, path: str, element: str) -> PrincipalBlock:
    if isinstance(raw, str):
        if raw != "*":
            raise _fail(
                "invalid_principal",
                f'{element} as a plain string must be "*"; name principals in a map such as '
                '{"AWS": "arn:aws:iam::111122223333:root"}.',
                path,
            )
        return PrincipalBlock((classify_principal("*", "*"),), element == "NotPrincipal")
    if not isinstance(raw, dict) or not raw:
        raise _fail(
            "invalid_principal",
            f'{element} must be "*" or a map with AWS, Service, Federated or CanonicalUser.',
            path,
        )
    entries = []
    for type_, values in raw.items():
        where = _child(path, type_)
        if type_ not in _PRINCIPAL_TYPES:
            raise _fail(
                "invalid_principal",
                f"Unknown principal type {type_!r}: use AWS, Service, Federated or CanonicalUser.",
                where,
            )
        for value in _string_list(values, where, f"{element} {type_}", "invalid_principal"):
            entries.append(classify_principal(type_, value))
    return PrincipalBlock(tuple(entries), element == "NotPrincipal")


_MISSING: Any = object()
# Longer action lists (AWS managed policies list dozens) are read in C when every action is a
# string the memo knows: `map` over the memo costs a few hundred instructions an action where
# the loop costs over a thousand, but more than the loop for the usual one or two.
_LOOP_MAX_ACTIONS = 4
_STR_ONLY = {str}
_service_of = _ACTION_SERVICE.__getitem__  # the memo is emptied in place, never replaced


def _known_services(items: list[Any] | tuple[Any, ...]) -> dict[str | None, None] | None:
    """The memo's answer for every action of a list of exact `str`s, in first-seen order (None
    marks an invalid action, "" one that may match any service); None when some item is not
    a `str` or not seen yet: then the loop checks and learns them one by one."""
    if set(map(type, items)) != _STR_ONLY:
        return None
    try:
        return dict.fromkeys(map(_service_of, items))
    except KeyError:
        return None


_lazy_statement = Statement.lazy  # bound once: a classmethod read from the class binds anew
_new_object = object.__new__


def _statement(
    raw: Any, index: int, path: str, kind: str, variables: bool, positions: Positions | None
) -> Statement:
    """One statement: the common valid shape (no Principal) in one pass over its elements;
    anything else, valid or not, through `_checked_statement`, which words the first error."""
    if type(raw) is not dict or kind in _KINDS_NEEDING_PRINCIPAL:  # no Principal-less shape
        return _checked_statement(raw, index, path, kind, variables, positions)
    # `set.issuperset(dict)` reads the keys without the view object `raw.keys() <=` makes
    # (about a third less per statement, measured with timeit).
    if _PLAIN_KEYS.issuperset(raw):  # no Principal, NotPrincipal, NotAction or NotResource
        negated = resource_negated = False
    elif _STATEMENT_KEYS.issuperset(raw) and "Principal" not in raw and "NotPrincipal" not in raw:
        negated = "Action" not in raw
        if negated == ("NotAction" not in raw):  # both or neither: the checked path says so
            return _checked_statement(raw, index, path, kind, variables, positions)
        resource_negated = "NotResource" in raw
        if resource_negated and "Resource" in raw:
            return _checked_statement(raw, index, path, kind, variables, positions)
    else:
        return _checked_statement(raw, index, path, kind, variables, positions)
    get = raw.get
    effect = get("Effect")
    sid = get("Sid")
    if (effect != "Allow" and effect != "Deny") or (sid is not None and type(sid) is not str):
        return _checked_statement(raw, index, path, kind, variables, positions)
    items = get("NotAction" if negated else "Action")
    if type(items) is str:
        items = (items,)
    elif type(items) is not list or not items:
        return _checked_statement(raw, index, path, kind, variables, positions)
    service_keys: tuple[str, ...] | None
    found = _known_services(items) if len(items) > _LOOP_MAX_ACTIONS else None
    if found is not None:
        if None in found:
            return _checked_statement(raw, index, path, kind, variables, positions)
        service_keys = None if negated or "" in found else tuple(found)  # type: ignore[arg-type]
    else:
        # Validate every action and learn the service prefixes it names (one dictionary
        # lookup for an action seen before); most statements name one service, kept without
        # a list.
        known = _ACTION_SERVICE.get
        first: str | None = None
        more: list[str] | None = None
        wild = negated
        for item in items:
            if type(item) is not str:
                return _checked_statement(raw, index, path, kind, variables, positions)
            service = known(item, _NOT_SEEN)
            if service is _NOT_SEEN:
                service = _learn_action(item)
            if not service:
                if service is None:
                    return _checked_statement(raw, index, path, kind, variables, positions)
                wild = True
            elif service != first:
                if first is None:
                    first = service
                elif more is None:
                    more = [first, service]
                else:
                    more.append(service)
        service_keys = (
            None
            if wild or first is None
            else (first,)
            if more is None
            else tuple(dict.fromkeys(more))
        )
    resource = get("NotResource" if resource_negated else "Resource", _MISSING)
    if type(resource) is str:
        if resource != "*" and resource[:4] != "arn:":
            return _checked_statement(raw, index, path, kind, variables, positions)
        resource = (resource,)
    elif type(resource) is list and resource:
        for item in resource:
            if type(item) is not str or (item != "*" and item[:4] != "arn:"):
                return _checked_statement(raw, index, path, kind, variables, positions)
        resource = tuple(resource)
    elif resource is _MISSING and kind not in _KINDS_NEEDING_RESOURCE:
        resource = None
    else:
        return _checked_statement(raw, index, path, kind, variables, positions)
    if kind == "session" and resource and _incomplete_at(resource, variables) is not None:
        return _checked_statement(raw, index, path, kind, variables, positions)
    condition = get("Condition", _MISSING)
    conditions: tuple[ConditionSpec, ...] = (
        ()
        if condition is _MISSING
        else validate_condition_block(condition, path=f"{path}.Condition")
    )
    line = column = None  # dict input has no line and column
    if positions is not None:
        where = positions.locate(path)
        if where:
            line, column = where
    # `Statement.lazy`, inline: a call with fourteen arguments costs a tenth of this path.
    st = _new_object(Statement)
    st.index = index
    st.path = path
    st.sid = sid
    st.effect = effect
    st.principal = None
    st._conditions = None if conditions else ()
    st._condition_specs = conditions
    st.line = line
    st.column = column
    st.action_texts = tuple(items)
    st.action_negated = negated
    st._service_keys = service_keys
    st._action = None
    st._resource = _UNSET if resource is not None else None
    st._resource_texts = resource
    st._resource_negated = resource_negated
    st._variables = variables
    st._complete_arns = kind in COMPLETING_KINDS
    return st


def _checked_statement(
    raw: Any, index: int, path: str, kind: str, variables: bool, positions: Positions | None
) -> Statement:
    """Every rule of a statement, checked one by one: the first broken one raises with its
    path. Also builds statements the fast path leaves to it (Principal, resource policies)."""
    if not isinstance(raw, dict):
        raise _fail("invalid_statement", "A statement must be a JSON object.", path)
    if not _STATEMENT_KEYS.issuperset(raw):
        for key in raw:
            if key not in _STATEMENT_KEYS:
                raise _fail(
                    "unknown_element",
                    f"Unknown statement element {key!r} (element names are case-sensitive).",
                    _child(path, key),
                )
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _fail("invalid_sid", "Sid must be a string.", _child(path, "Sid"))
    if "Effect" not in raw:
        raise _fail("missing_effect", 'The statement has no Effect ("Allow" or "Deny").', path)
    effect = raw["Effect"]
    if effect not in ("Allow", "Deny"):
        raise _fail(
            "invalid_effect",
            f'Effect must be "Allow" or "Deny" (case-sensitive), not {_shown(effect)}.',
            _child(path, "Effect"),
        )
    if "Action" in raw and "NotAction" in raw:
        raise _fail(
            "action_and_notaction",
            "A statement cannot have both Action and NotAction.",
            _child(path, _second(raw, "Action", "NotAction")),
        )
    element = "Action" if "Action" in raw else "NotAction" if "NotAction" in raw else None
    if element is None:
        raise _fail("missing_action", "The statement needs an Action or a NotAction.", path)
    if kind == "rcp" and element == "NotAction":
        raise _fail(
            "rcp_not_action",
            f"NotAction is not supported in a resource control policy ({RCP_SYNTAX_PAGE}), "
            "so AWS Organizations would refuse this policy. List the actions to deny in Action.",
            _child(path, element),
        )
    fast = _fast_actions(raw[element])
    if fast is None:
        _action_texts(raw[element], _child(path, element), element)  # raises the first error
        raise _fail("invalid_action", f"{element} is not valid.", _child(path, element))
    action, service_keys = fast
    if element == "NotAction":
        service_keys = None
    elif kind == "rcp" and service_keys is None and effect == "Deny":
        _rcp_every_service(raw[element], action, _child(path, element))
    if "Resource" in raw and "NotResource" in raw:
        raise _fail(
            "resource_and_notresource",
            "A statement cannot have both Resource and NotResource.",
            _child(path, _second(raw, "Resource", "NotResource")),
        )
    resource: tuple[str, ...] | None = None
    if "Resource" in raw or "NotResource" in raw:
        element = "Resource" if "Resource" in raw else "NotResource"
        resource = _fast_resources(raw[element])
        if resource is None:
            _resource_texts(raw[element], _child(path, element), element)  # raises
            raise _fail("invalid_resource", f"{element} is not valid.", _child(path, element))
        if kind == "session" and (at := _incomplete_at(resource, variables)) is not None:
            raise _fail(
                "incomplete_arn_in_session_policy",
                f"{element} value {resource[at]!r} has fewer than an ARN's six parts "
                "(arn:partition:service:region:account-id:resource). AWS STS refuses a session "
                "policy with an incomplete ARN (MalformedPolicyDocument: IAM guide, ARNs), so "
                "no session would be made; write all six parts.",
                _child(path, element)
                if not isinstance(raw[element], list)
                else f"{_child(path, element)}[{at}]",
            )
    elif kind in _KINDS_NEEDING_RESOURCE:
        raise _fail(
            "missing_resource",
            f"A statement in {_KIND_NAMES[kind]} needs a Resource or a NotResource."
            + (
                f" Every statement of an RCP has one ({RCP_SYNTAX_PAGE}): without it AWS "
                'Organizations would refuse the policy. "Resource": "*" covers every resource.'
                if kind == "rcp"
                else ""
            ),
            path,
        )
    if "Principal" in raw and "NotPrincipal" in raw:
        raise _fail(
            "principal_and_notprincipal",
            "A statement cannot have both Principal and NotPrincipal.",
            _child(path, _second(raw, "Principal", "NotPrincipal")),
        )
    principal: PrincipalBlock | None = None
    element = (
        "Principal" if "Principal" in raw else "NotPrincipal" if "NotPrincipal" in raw else None
    )
    if element is not None:
        if kind in _KINDS_WITHOUT_PRINCIPAL:
            raise _fail(
                "principal_not_allowed",
                f"{element} is not allowed in {_KIND_NAMES[kind]}: it applies to the identity "
                "it is attached to.",
                _child(path, element),
            )
        if kind == "rcp" and element == "NotPrincipal":
            raise _fail(
                "rcp_not_principal",
                f"NotPrincipal is not supported in a resource control policy ({RCP_SYNTAX_PAGE}), "
                'so AWS Organizations would refuse this policy. Write "Principal": "*" and '
                "leave out the principals to spare with a condition, such as aws:PrincipalArn "
                "or aws:PrincipalOrgID.",
                _child(path, element),
            )
        principal = _principals(raw[element], _child(path, element), element)
        if kind == "rcp" and any(e.form != "everyone" for e in principal.entries):
            raise _fail(
                "invalid_principal",
                'In a resource control policy the Principal can only be "*" '
                f"({RCP_SYNTAX_PAGE}): narrow it with conditions, such as aws:PrincipalArn or "
                "aws:PrincipalOrgID.",
                _child(path, element),
            )
    elif kind == "resource":
        raise _fail(
            "missing_principal",
            "A statement in a resource-based policy needs a Principal or a NotPrincipal.",
            path,
        )
    elif kind == "rcp":
        raise _fail(
            "missing_principal",
            'Every statement of a resource control policy needs "Principal": "*" '
            f"({RCP_SYNTAX_PAGE}): without it AWS Organizations would refuse the policy. "
            "To spare some principals, add a condition instead.",
            path,
        )
    conditions: tuple[ConditionSpec, ...] = ()
    if "Condition" in raw:
        conditions = validate_condition_block(raw["Condition"], path=_child(path, "Condition"))
    if kind == "rcp" and effect == "Allow" and not _full_access_shape(raw, resource):
        raise _fail(
            "rcp_allow_not_supported",
            'AWS Organizations supports "Effect": "Allow" in an RCP only in its own '
            f"RCPFullAWSAccess, and an RCP you create must deny ({RCP_SYNTAX_PAGE}). An Allow "
            "with a Condition, with NotResource or on some resources only would be refused "
            '(IAM Access Analyzer\'s "RCP syntax error allow" says so too). RCPFullAWSAccess '
            "already allows everything at every level: write a Deny for what this policy "
            "should stop.",
            _child(path, "Effect"),
        )
    where = positions.locate(path) if positions is not None else None
    return _lazy_statement(
        index,
        path,
        sid,
        effect,
        action,
        "NotAction" in raw,
        service_keys,
        resource,
        "NotResource" in raw,
        variables,
        principal,
        conditions,
        where[0] if where else None,
        where[1] if where else None,
        kind in COMPLETING_KINDS,
    )


def _full_access_shape(raw: dict[str, Any], resource: tuple[str, ...] | None) -> bool:
    """Whether an RCP's Allow statement has the shape of AWS's RCPFullAWSAccess as far as IAM
    Access Analyzer's "RCP syntax error allow" check goes: every resource ("*" in Resource,
    not NotResource) and no Condition (the Principal is "*" by then). The Organizations page
    says an RCP you create must deny; the check lets this shape pass, so it is not refused
    here: the linter warns beside it (`rcp_allow_statement`)."""
    return (
        "NotResource" not in raw
        and "Condition" not in raw
        and resource is not None
        and all(text == "*" for text in resource)
    )


def _rcp_every_service(raw: Any, action: tuple[str, ...], path: str) -> None:
    """Refuse an RCP Deny whose Action entry names no one service: `*` alone, or a wildcard
    in the service prefix (`*:*`, `s*:Get*`). The RCP syntax page says "*" cannot be used in
    the Action element of a customer managed RCP and each service's prefix must be given;
    IAM Access Analyzer's "RCP syntax error action" says the same."""
    for i, text in enumerate(action):
        service, colon, _ = text.partition(":")
        if colon and not ("*" in service or "?" in service):
            continue
        where = f"{path}[{i}]" if isinstance(raw, list) else path
        raise _fail(
            "rcp_action_every_service",
            f"{text!r} does not name a service. In a resource control policy each Action "
            'entry names its service by its prefix ("s3:*", "sqs:*", "kms:*"...): "*" on '
            f"its own, or a wildcard in the prefix, is not accepted ({RCP_SYNTAX_PAGE}), so "
            "AWS Organizations would refuse this policy.",
            where,
        )


# Validated statements by (kind, variables, path, content): a policy edited one statement at a
# time, or rebuilt by a caller each time, re-validates only what changed. The path is part of
# the key because a statement's condition clauses carry it. Only statements of dict input are
# shared as they are; text input copies one with its own line and column. Bounded: emptied
# when full, and a statement over _STATEMENT_MEMO_MAX_BYTES is not kept.
_STATEMENTS: dict[tuple[str, bool, str, bytes], Statement] = {}
_STATEMENTS_MAX = 8192
_MEMO_MAX_STATEMENTS = 64
_STATEMENT_MEMO_MAX_BYTES = 4096


class _MemoUse:
    """Whether the statement memo is paying for itself lately: its key costs about a third of
    validating the statement, so a stream of policies whose statements are all new (a batch
    job, a differential harness giving every statement a new Sid) would pay it for nothing.
    `rate` is a moving average of the share of statements the memo knew, per policy; below one
    in four the memo is skipped, except for every sixteenth policy, which keeps measuring (one
    such policy with repeats brings it back; trying every eighth cost a typical new policy 2%
    of its parse). Only speed depends on it: a statement read without the memo is validated
    and built the same way."""

    __slots__ = ("rate", "skipped")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.rate = 1.0
        self.skipped = 0

    def wanted(self) -> bool:
        if self.rate >= 0.25:
            return True
        self.skipped += 1
        return self.skipped % 16 == 0

    def count(self, tries: int, hits: int) -> None:
        # Unlocked: a lost update between threads only shifts a heuristic.
        if tries:
            self.rate = 0.75 * self.rate + 0.25 * hits / tries if hits * 4 < tries else 1.0


_MEMO_USE = _MemoUse()


def _known_statement(
    raw: Any, index: int, path: str, kind: str, variables: bool, positions: Positions | None
) -> tuple[Statement, bool]:
    """The statement and whether the memo knew it."""
    if type(raw) is not dict:
        return _statement(raw, index, path, kind, variables, positions), False
    try:
        # Format 0: no back-references or interning, so the bytes depend on the content only.
        content = marshal.dumps(raw, 0)
    except (ValueError, RecursionError):
        return _statement(raw, index, path, kind, variables, positions), False
    if len(content) > _STATEMENT_MEMO_MAX_BYTES:
        return _statement(raw, index, path, kind, variables, positions), False
    key = (kind, variables, path, content)
    known = _STATEMENTS.get(key)
    if known is None:
        known = _statement(raw, index, path, kind, variables, positions)
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        _STATEMENTS[key] = known
        return known, False
    where = positions.locate(path) if positions is not None else None
    return (known.placed(where[0], where[1]) if where else known.placed(None, None)), True


def _memo_statements(
    raws: list[Any], paths: tuple[str, ...], kind: str, variables: bool, positions: Positions | None
) -> tuple[Statement, ...]:
    out = []
    hits = 0
    for i, (item, path) in enumerate(zip(raws, paths, strict=True)):
        statement, known = _known_statement(item, i, path, kind, variables, positions)
        out.append(statement)
        hits += known
    _MEMO_USE.count(len(out), hits)
    return tuple(out)


_STATEMENT_PATHS = tuple(f"Statement[{i}]" for i in range(MAX_STATEMENTS))

_KIND_NAMES = {
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "boundary": "a permissions boundary",
    "session": "a session policy",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
}


def _policy(
    obj: Any,
    kind: PolicyKind,
    name: str | None,
    text: str | None,
    positions: Positions | None = None,
) -> Policy:
    if not isinstance(obj, dict):
        raise _fail("invalid_policy", "A policy must be a JSON object with a Statement.", "")
    if not _TOP_KEYS.issuperset(obj):
        key = next(key for key in obj if key not in _TOP_KEYS)
        raise _fail(
            "unknown_element",
            f"Unknown policy element {key!r}: a policy has Version, Id and Statement.",
            key,
        )
    version = obj.get("Version")
    if version is not None and version not in VERSIONS:
        raise _fail(
            "invalid_version",
            f'Version must be "2012-10-17" or "2008-10-17", not {_shown(version)}.',
            "Version",
        )
    policy_id = obj.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise _fail("invalid_id", "Id must be a string.", "Id")
    if "Statement" not in obj:
        raise _fail("missing_statement", "The policy has no Statement.", "")
    raw = obj["Statement"]
    paths: tuple[str, ...]
    if isinstance(raw, dict):
        raws, paths = [raw], ("Statement",)
    elif isinstance(raw, list):
        if len(raw) > MAX_STATEMENTS:
            raise _fail(
                "too_many_statements",
                f"The policy has {len(raw)} statements; the limit is {MAX_STATEMENTS}.",
                "Statement",
            )
        raws, paths = raw, _STATEMENT_PATHS[: len(raw)]
    else:
        raise _fail(
            "invalid_statement", "Statement must be an object or a list of objects.", "Statement"
        )
    variables = version == VERSION_2012
    # The statement memo pays for itself when statements repeat (a policy edited a statement
    # at a time, rebuilt by its caller); for a large policy of new statements, or while
    # statements keep being new (`_MemoUse`), its keys would only add to the parse.
    statements: tuple[Statement, ...]
    if len(raws) <= _MEMO_MAX_STATEMENTS and _MEMO_USE.wanted():
        statements = _memo_statements(raws, paths, kind, variables, positions)
    else:
        statements = tuple(
            [
                _statement(item, i, paths[i], kind, variables, positions)
                for i, item in enumerate(raws)
            ]
        )
    return Policy(kind, name, version, policy_id, statements, text)


def _too_large(length: int) -> PolicyError:
    return PolicyError(
        "policy_too_large",
        f"The policy is {length:,} characters; the limit is {MAX_POLICY_CHARS:,}.",
    )


def _parse_text(text: str, kind: PolicyKind, name: str | None) -> Policy:
    if len(text) > MAX_POLICY_CHARS:
        raise _too_large(len(text))
    placed = _load_placed(text)
    if placed is not None:
        try:
            return _policy(placed[0], kind, name, text, placed[1])
        except PolicyError:
            pass  # the full reading below finds the same error and places it
    positions = scan_positions(text)
    obj = load_json(text, what="policy")  # scan_positions has enforced MAX_NESTING
    try:
        return _policy(obj, kind, name, text, positions)
    except PolicyError as exc:
        if exc.line is not None:
            raise
        where = positions.locate(exc.path, prefer_key=exc.code in _KEY_CODES)
        if where is None:
            raise
        raise exc.with_location(line=where[0], column=where[1]) from None


# json's own white space; the pattern matches everywhere (perhaps nothing), never None
_skip_ws: Callable[[str, int], re.Match[str]] = re.compile(r"[ \t\n\r]*").match  # type: ignore[assignment]
_scan_value = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # json.loads's scanner, its defaults
_NOT_JSON = (ValueError, RecursionError, StopIteration)  # JSONDecodeError is a ValueError


def _load_placed(text: str) -> tuple[dict[str, Any], Positions] | None:
    """`json.loads(text)` for the usual text, a JSON object, with the offsets of its statements
    (the only positions a valid policy's result holds): its keys are read here and each value,
    or each statement, by json's scanner. None for anything else (not an object, not JSON, a
    lone surrogate escape): `scan_positions` and `load_json` then read the text in full and
    word the error, as they do when the grammar check fails. A valid policy nests at most 7
    levels, so the nesting limit `scan_positions` enforces first can only fail a text that the
    grammar check fails too (as `_parse_object` relies on)."""
    try:
        i = _skip_ws(text, 0).end()
        if text[i : i + 1] != "{":
            return None
        obj: dict[str, Any] = {}
        positions = Positions(text)
        values = positions.values
        values[""] = i
        i = _skip_ws(text, i + 1).end()
        if text[i : i + 1] == "}":
            i += 1
        else:
            while True:
                if text[i : i + 1] != '"':
                    return None
                key, i = scanstring(text, i + 1)
                i = _skip_ws(text, i).end()
                if text[i : i + 1] != ":":
                    return None
                i = _skip_ws(text, i + 1).end()
                if key == "Statement" and text[i : i + 1] == "[":
                    values["Statement"] = i
                    obj[key], i = _statement_list(text, i, values)
                else:
                    values[key] = i
                    obj[key], i = _scan_value(text, i)
                i = _skip_ws(text, i).end()
                ch = text[i : i + 1]
                i += 1
                if ch == "}":
                    break
                if ch != ",":
                    return None
                i = _skip_ws(text, i).end()
        if _skip_ws(text, i).end() != len(text):
            return None
    except _NOT_JSON:
        return None
    if "\\u" in text and lone_surrogate_at(text) is not None:
        return None
    return obj, positions


def _statement_list(text: str, i: int, values: dict[str, int]) -> tuple[list[Any], int]:
    """The Statement list starting at `text[i]` ("["), recording where each element starts
    under its path; raises as json's scanner does, or StopIteration where the list breaks."""
    items: list[Any] = []
    i = _skip_ws(text, i + 1).end()
    if text[i : i + 1] == "]":
        return items, i + 1
    paths = _STATEMENT_PATHS
    while True:
        n = len(items)
        values[paths[n] if n < MAX_STATEMENTS else f"Statement[{n}]"] = i
        item, i = _scan_value(text, i)
        items.append(item)
        i = _skip_ws(text, i).end()
        ch = text[i : i + 1]
        if ch == "]":
            return items, i + 1
        if ch != ",":
            raise StopIteration(i)
        i = _skip_ws(text, i + 1).end()


def _parse_object(obj: Any, kind: PolicyKind, name: str | None) -> Policy:
    """A valid policy nests at most 7 levels, and the grammar check reads only the places a
    valid one has (it never walks an arbitrary value), so a deeper object always fails it: the
    depth is measured only then, to name the cause."""
    try:
        return _policy(obj, kind, name, None)
    except PolicyError:
        if depth_exceeds(obj, MAX_NESTING):
            raise PolicyError(
                "nesting_too_deep",
                f"The policy nests objects and lists more than {MAX_NESTING} levels deep.",
            ) from None
        raise


# --------------------------------------------------------------------------- cache + API

_CACHE: dict[tuple[str, str | None, bool, str | bytes], Policy] = {}
_CACHE_MAX = 4096
# The cache also holds at most this many characters of policy text (a parsed policy keeps about
# 12-18 bytes per character alive), oldest first out: one AWS managed policy can be 150,000
# characters, and thousands of those must not pile up in a worker.
_CACHE_MAX_CHARS = 2 * 1024 * 1024
_cache_chars = 0
_CACHE_LOCK = Lock()


class _CacheUse:
    """Whether keeping parsed dict policies is paying for itself lately. Looking one up costs
    its key either way (the key also measures the policy for `policy_too_large`), but keeping it
    costs more: its objects stay alive for the garbage collector to walk again and again, and
    push older entries out. While lookups keep missing (a batch job, a harness that gives every
    statement a new Sid: `make compare`), only every eighth new policy is kept, enough to see
    repeats: once one lookup in four hits again (counted over windows of 32), every new policy
    is kept again. Only speed depends on it: a policy not kept is parsed again when next seen,
    to the same result."""

    __slots__ = ("hits", "misses", "keeping", "skipped")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hits = self.misses = self.skipped = 0
        self.keeping = True

    def keep(self) -> bool:
        """Called on each miss (a hit only adds to `hits`): whether to keep this policy."""
        # Unlocked: a lost update between threads only shifts a heuristic.
        self.misses += 1
        seen = self.hits + self.misses
        if seen >= 32:
            self.keeping = self.hits * 4 >= seen
            self.hits = self.misses = 0
        if self.keeping:
            return True
        self.skipped += 1
        return self.skipped % 8 == 0


_CACHE_USE = _CacheUse()


def canonical_json(data: dict[str, Any], error: type[PolicyError], *, what: str, code: str) -> str:
    """Compact JSON of a decoded document: the content key the parse caches use for dicts."""
    try:
        dumped = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:
        raise error("nesting_too_deep", f"The {what} nests too deeply.") from None
    except (TypeError, ValueError) as exc:
        raise error(code, f"The {what} is not JSON data: {exc}.") from None
    try:
        dumped.encode("utf-8")  # a lone surrogate (from a \\ud800 escape) is not a character
    except UnicodeEncodeError as exc:
        raise error(
            "invalid_unicode",
            f"The {what} holds {exc.object[exc.start]!r}, half of a surrogate pair: it is not a "
            "Unicode character.",
        ) from None
    return dumped


# The UTF-8 of a lone surrogate (U+D800..U+DFFF, written by pickle and marshal with
# "surrogatepass") starts ED A0..BF, which valid UTF-8 never holds. Numbers are binary in those
# formats and may hold those bytes too, so a hit only sends the data through
# `canonical_json`'s exact check.
SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")
_NOT_DATA = (pickle.PicklingError, TypeError, ValueError, AttributeError, RecursionError)


class _Pickling(threading.local):
    """One pickler per thread, reused: making one costs as much as pickling a statement. It
    writes into a list (`chunks.append` as its file), so a dump's bytes are handed over as the
    pickler made them, with no file buffer to copy them into, read back and reset.

    `tools` holds the pickler's `dump` and that list together: reading an attribute of a
    thread-local object costs about 500 instructions, and every key read two (callgrind: about
    3,000 instructions of a typical case with one new policy)."""

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        chunks: list[bytes] = []
        pickler = pickle.Pickler(SimpleNamespace(write=chunks.append), 5)
        pickler.fast = True
        self.tools = (pickler.dump, chunks)


_PICKLING = _Pickling()


def pickled(data: Any) -> bytes | None:
    """Content bytes of decoded JSON data, or None when pickle refuses it. Pickle's "fast" mode
    keeps no memo, so the bytes depend only on the content and key order, never on which
    objects happen to be shared (json.loads shares keys, Python literals share interned
    strings); C writes them several times faster than `json.dumps`."""
    state = _PICKLING
    dump, chunks = state.tools
    try:
        dump(data)
    except _NOT_DATA:
        state.renew()  # a failed dump may leave the pickler mid-frame, and a part written
        return None
    except BaseException:
        state.renew()  # never leave a partial dump in `chunks` for the next key
        raise
    return chunks.pop() if len(chunks) == 1 else _joined(chunks)


def _joined(chunks: list[bytes]) -> bytes:
    """Over 64 KB the pickler writes each full frame as it goes."""
    joined = b"".join(chunks)
    chunks.clear()
    return joined


def content_key(data: Any, error: type[PolicyError], *, what: str, code: str) -> bytes:
    """A cache key for a decoded document without re-serialising it as JSON (`pickled`): equal
    bytes mean equal content. Anything pickle refuses (too deep, not data) and any possible
    lone surrogate goes through `canonical_json` for its precise error."""
    key = pickled(data)
    if key is None:
        canonical_json(data, error, what=what, code=code)
        raise error(code, f"The {what} is not JSON data.")
    if SURROGATE_BYTES.search(key):
        canonical_json(data, error, what=what, code=code)
    return key


def parse_policy(
    source: str | dict[str, Any], *, kind: str = "identity", name: str | None = None
) -> Policy:
    """Parse one policy of `kind` (identity, resource, boundary, session, scp, rcp).

    `source` is the policy as a dict or as JSON text; text errors carry line/column. Results are
    cached by content, so callers need not keep parsed policies around themselves.
    """
    if not is_policy_kind(kind):
        raise ValueError(f"kind must be one of {', '.join(POLICY_KINDS)}, not {kind!r}")
    if isinstance(source, dict):
        return policy_from_dict(source, kind, name)
    if isinstance(source, str):
        key = (kind, name, True, source)
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        policy = _parse_text(source, kind, name)
        _remember(key, policy)
        return policy
    raise PolicyError(
        "invalid_policy",
        f"A policy must be a JSON object or JSON text, not {type(source).__name__}.",
    )


def cached_policy(text: str, *, kind: str = "identity", name: str | None = None) -> Policy | None:
    """The policy `parse_policy(text, kind=kind, name=name)` made lately, if it is still kept,
    else None; never parses. For a caller that only measures a policy before the work (how many
    statements it holds): the engine's parse answers instead of a second `json.loads`."""
    return _CACHE.get((kind, name, True, text))


def policy_from_dict(source: dict[str, Any], kind: PolicyKind, name: str | None) -> Policy:
    """`parse_policy` for a dict of a kind already checked (the case parser's path): a cached
    policy costs its content key and one lookup."""
    state = _PICKLING  # `pickled`, inline: this runs for every policy of every case
    dump, chunks = state.tools
    try:
        dump(source)
        dumped = chunks.pop() if len(chunks) == 1 else _joined(chunks)
    except _NOT_DATA:
        state.renew()
        dumped = content_key(source, PolicyError, what="policy", code="invalid_policy")
    except BaseException:
        state.renew()
        raise
    key = (kind, name, False, dumped)
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE_USE.hits += 1
        return cached
    # Checked on a miss only: a cached key passed them when it was stored. (`in` finds
    # the lead byte at memchr's speed; the pattern is read only where it is.)
    if b"\xed" in dumped and SURROGATE_BYTES.search(dumped):
        content_key(source, PolicyError, what="policy", code="invalid_policy")
    if len(dumped) > MAX_POLICY_CHARS:
        raise _too_large(len(dumped))
    policy = _parse_object(source, kind, name)
    if _CACHE_USE.keep():
        _remember(key, policy)
    return policy


def _remember(key: tuple[str, str | None, bool, str | bytes], policy: Policy) -> None:
    global _cache_chars
    size = len(key[3])
    with _CACHE_LOCK:
        if key in _CACHE:
            return
        while _CACHE and (len(_CACHE) >= _CACHE_MAX or _cache_chars + size > _CACHE_MAX_CHARS):
            oldest = next(iter(_CACHE))
            del _CACHE[oldest]
            _cache_chars -= len(oldest[3])
        if not _CACHE:  # emptied (by eviction, or by a caller's own `_CACHE.clear()`)
            _cache_chars = 0
        _CACHE[key] = policy
        _cache_chars += size


def clear_cache() -> None:
    """Forget parsed policies (tests; nothing else needs it)."""
    global _cache_chars
    with _CACHE_LOCK:
        _CACHE.clear()
        _STATEMENTS.clear()
        _MEMO_USE.reset()
        _CACHE_USE.reset()
        _cache_chars = 0
