"""A case (request + the policies in force, `FORMAT.md` beside this module) → a typed `Case`.

Every problem is a `CaseError` whose path names the field (`request.action`,
`identity_policies[1].Statement[0].Effect`); a policy given as a JSON string keeps the line and
column inside that string. Parsed cases are cached by content like policies are.

`resource_account`: when the case does not give it, it is the account in the resource ARN; for
an ARN without one (S3 buckets and objects, `*`) the resource is taken to be in the caller's
account (`Request.resource_account_source` says which rule applied), so a same-account question
needs no extra field and a cross-account S3 question must say so.

`federated_by` (optional): the IAM user who created a federated user session, carried on the
`Caller` so that a Principal naming that user reaches the session (see `evaluate.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from threading import Lock
from typing import Any, Literal, overload

from .context import RequestContext
from .errors import CaseError, PolicyError
from .fastinit import fast_init
from .jsontext import load_json
from .model import Policy, PolicyKind
from .parser import (
    MAX_NESTING,
    SURROGATE_BYTES,
    content_key,
    parse_policy,
    pickled,
    policy_from_dict,
)
from .principals import Caller, is_account_id, parse_caller
from .wildcard import fold_case

EXPECT_VALUES = ("Allow", "ExplicitDeny", "ImplicitDeny")
# A case wraps its policies in a few levels of its own (scp_levels[i][j], context lists).
MAX_CASE_NESTING = MAX_NESTING + 8
_POLICY_FIELDS = ("identity_policies", "resource_policy", "permissions_boundary", "session_policy")


@fast_init
@dataclass(frozen=True, slots=True)
class Request:
    """The request of a case. `action_folded` is the case-folded action used for matching."""

    principal: str
    caller: Caller
    action: str
    action_folded: str
    resource: str
    resource_account: str | None
    resource_account_source: str  # "given" | "arn" | "caller" | "none"
    context: RequestContext


@fast_init
@dataclass(frozen=True, slots=True)
class PolicySlot:
    """One policy of a case and where it sits: `kind`, its `index` among the policies of that
    kind (within its level for SCPs and RCPs), its organization `level` (0 = root; None for the
    other kinds) and the case field that holds it (`path`)."""

    kind: PolicyKind
    index: int
    level: int | None
    policy: Policy
    path: str


@fast_init
@dataclass(frozen=True, slots=True)
class Case:
    """A parsed case: immutable and safe to share between threads and cache entries."""

    name: str | None
    doc: str | None
    request: Request
    identity_policies: tuple[Policy, ...]
    resource_policy: Policy | None
    permissions_boundary: Policy | None
    session_policy: Policy | None
    scp_levels: tuple[tuple[Policy, ...], ...]
    rcp_levels: tuple[tuple[Policy, ...], ...]
    expect: str | None = None

    def policies(self) -> Iterator[PolicySlot]:
        """Every policy of the case in AWS's evaluation order: RCPs and SCPs (root level
        first), the resource-based policy, identity policies, permissions boundary, session
        policy. The one listing every consumer walks (evaluation, labels, choice lists)."""
        for kind, field, levels in (
            ("rcp", "rcp_levels", self.rcp_levels),
            ("scp", "scp_levels", self.scp_levels),
        ):
            for lvl, level in enumerate(levels):
                for i, policy in enumerate(level):
                    yield PolicySlot(kind, i, lvl, policy, f"{field}[{lvl}][{i}]")  # type: ignore[arg-type]
        if self.resource_policy is not None:
            yield PolicySlot("resource", 0, None, self.resource_policy, "resource_policy")
        for i, policy in enumerate(self.identity_policies):
            yield PolicySlot("identity", i, None, policy, f"identity_policies[{i}]")
        if self.permissions_boundary is not None:
            yield PolicySlot("boundary", 0, None, self.permissions_boundary, "permissions_boundary")
        if self.session_policy is not None:
            yield PolicySlot("session", 0, None, self.session_policy, "session_policy")


def _located(exc: PolicyError, prefix: str) -> CaseError:
    """The policy's error, placed in the case (str() then reads `path: message`)."""
    path = f"{prefix}.{exc.path}" if exc.path else prefix
    return CaseError(exc.code, exc.message, path=path, line=exc.line, column=exc.column)


def _policy(raw: Any, path: str, kind: str) -> Policy:
    """One policy in any of the three forms FORMAT.md allows."""
    name = None
    if isinstance(raw, dict) and "document" in raw and "Statement" not in raw:
        extra = set(raw) - {"name", "document"}
        if extra:
            raise CaseError(
                "invalid_case",
                f'{path}: a named policy has only "name" and "document", not {sorted(extra)}',
                path=path,
            )
        name = raw.get("name")
        if name is not None and not isinstance(name, str):
            raise CaseError("invalid_case", f"{path}.name must be a string", path=f"{path}.name")
        raw = raw["document"]
    if not isinstance(raw, dict | str):
        raise CaseError(
            "invalid_case",
            f'{path} must be a policy object, JSON text, or {{"name", "document"}}',
            path=path,
        )
    try:
        return parse_policy(raw, kind=kind, name=name)
    except PolicyError as exc:
        raise _located(exc, path) from None


def _policies(
    raws: list[Any], field: str, kind: PolicyKind, level: int | None = None
) -> tuple[Policy, ...]:
    """The policies of one list (`identity_policies`, one SCP or RCP level). A plain policy
    object, the common form, goes straight to the parser's dict path; its path in the case is
    written only for an error."""
    out = []
    for i, raw in enumerate(raws):
        if type(raw) is dict and "Statement" in raw:
            try:
                out.append(policy_from_dict(raw, kind, None))
                continue
            except PolicyError as exc:
                raise _located(exc, _path(field, i, level)) from None
        out.append(_policy(raw, _path(field, i, level), kind))
    return tuple(out)


def _path(field: str, index: int, level: int | None) -> str:
    return f"{field}[{index}]" if level is None else f"{field}[{level}][{index}]"


def _optional_policy(raw: Any, path: str, kind: PolicyKind) -> Policy | None:
    if raw is None:
        return None
    if type(raw) is dict and "Statement" in raw:
        try:
            return policy_from_dict(raw, kind, None)
        except PolicyError as exc:
            raise _located(exc, path) from None
    return _policy(raw, path, kind)


def _levels(raw: Any, path: str, kind: PolicyKind) -> tuple[tuple[Policy, ...], ...]:
    if raw is None:
        return ()
    if isinstance(raw, list):
        for level in raw:
            if not isinstance(level, list):
                break
        else:
            return tuple([_policies(level, path, kind, i) for i, level in enumerate(raw)])
    raise CaseError(
        "invalid_case",
        f"{path} must be a list of levels, each a list of policies (root first)",
        path=path,
    )


@overload
def _string(request: dict[str, Any], key: str, *, required: Literal[True]) -> str: ...
@overload
def _string(request: dict[str, Any], key: str, *, required: Literal[False]) -> str | None: ...
def _string(request: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = request.get(key)
    if value is None:
        if required:
            raise CaseError("missing_field", f"request.{key} is required", path=f"request.{key}")
        return None
    if not isinstance(value, str) or not value:
        raise CaseError(
            "invalid_case", f"request.{key} must be a non-empty string", path=f"request.{key}"
        )
    return value


def _request(raw: Any) -> Request:
    if not isinstance(raw, dict):
        raise CaseError("missing_field", "request is required (an object)", path="request")
    principal = _string(raw, "principal", required=True)
    caller = parse_caller(principal)
    federated_by = raw.get("federated_by")
    if federated_by is not None:
        caller = _federated_by(federated_by, caller)
    action = _string(raw, "action", required=True)
    if action == "*" or ":" not in action or action.startswith(":") or action.endswith(":"):
        raise CaseError(
            "invalid_case",
            f'request.action must be "service:Action" (e.g. "s3:GetObject"), not {action!r}',
            path="request.action",
        )
    if "*" in action or "?" in action:
        # A caller sends one action by its name; a wildcard only ever matches, in a policy. Taken
        # literally it matches nothing but a policy's own wildcard, a decision no request can get.
        raise CaseError(
            "invalid_case",
            f"request.action names the one action a caller sends, so it holds no wildcard "
            f'(* or ?): write it in full, e.g. "s3:GetObject", not {action!r}',
            path="request.action",
        )
    resource = _string(raw, "resource", required=True)
    if resource != "*" and not resource.startswith("arn:"):
        raise CaseError(
            "invalid_case",
            f'request.resource must be an ARN or "*", not {resource!r}',
            path="request.resource",
        )
    account = _string(raw, "resource_account", required=False)
    if account is not None:
        if not is_account_id(account):
            raise CaseError(
                "invalid_case",
                "request.resource_account must be a 12-digit account id",
                path="request.resource_account",
            )
        source = "given"
    else:
        parts = resource.split(":", 5)
        arn_account = parts[4] if len(parts) == 6 else ""
        if is_account_id(arn_account):
            account, source = arn_account, "arn"
        elif caller.account is not None:
            account, source = caller.account, "caller"
        else:
            source = "none"
    try:
        context = RequestContext.from_mapping(raw.get("context"), path="request.context")
    except PolicyError as exc:
        if isinstance(exc, CaseError):
            raise
        raise CaseError(exc.code, exc.message, path=exc.path) from None
    # Positional, like `Case` in `_from_object`: keywords through `__init__` cost more.
    return Request(principal, caller, action, fold_case(action), resource, account, source, context)


def _federated_by(value: Any, caller: Caller) -> Caller:
    """`request.federated_by`: the IAM user who created the caller's federated user session
    (GetFederationToken is called by an IAM user, in its own account, and the session's ARN
    does not name that user). Only a federated user principal has one."""
    path = "request.federated_by"
    if caller.kind != "federated_user":
        raise CaseError(
            "invalid_case",
            f"{path} goes only with a federated user principal "
            "(arn:aws:sts::ACCOUNT:federated-user/NAME): it names the IAM user who created that "
            "session with GetFederationToken, and the principal here is "
            f"{_CALLER_WORDS.get(caller.kind, 'another kind of caller')}",
            path=path,
        )
    if not isinstance(value, str) or not value:
        raise CaseError("invalid_case", f"{path} must be a non-empty string", path=path)
    parts = value.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != "iam"
        or parts[3]
        or not is_account_id(parts[4])
        or not parts[5].startswith("user/")
        or not parts[5].rsplit("/", 1)[1]
    ):
        raise CaseError(
            "invalid_case",
            f"{path} must be an IAM user's ARN (arn:aws:iam::ACCOUNT:user/NAME), not {value!r}",
            path=path,
        )
    partition = caller.text.split(":", 2)[1]
    if parts[4] != caller.account or parts[1] != partition:
        raise CaseError(
            "invalid_case",
            f"{path}: the IAM user must be in the federated user's own account "
            f"{caller.account} (GetFederationToken makes the session in the caller's account), "
            f"not {parts[4]}"
            if parts[4] != caller.account
            else f"{path}: the IAM user must be in the federated user's partition "
            f"({partition}), not {parts[1]}",
            path=path,
        )
    return replace(caller, federated_by=value)


_CALLER_WORDS = {
    "user": "an IAM user",
    "role_session": "a role session",
    "root": "the root user",
    "service": "an AWS service",
    "web_identity": "a web identity provider",
    "anonymous": "anonymous",
}


# Parsed requests by content (dict input): a caller that rebuilds its case each time, or a batch
# over many policies with the same request, parses the request once. Bounded: emptied when full.
_REQUESTS: dict[bytes, Request] = {}
_REQUESTS_MAX = 4096
_REQUEST_MEMO_MAX_BYTES = 4096


def _known_request(raw: Any) -> Request:
    if type(raw) is not dict:
        return _request(raw)
    key = pickled(raw)
    if key is None:
        return _request(raw)
    known = _REQUESTS.get(key)
    if known is None:
        if b"\xed" in key and SURROGATE_BYTES.search(key):  # maybe a lone surrogate: say so
            content_key(raw, CaseError, what="case", code="invalid_case")
        known = _request(raw)
        if len(key) <= _REQUEST_MEMO_MAX_BYTES:
            if len(_REQUESTS) >= _REQUESTS_MAX:
                _REQUESTS.clear()
            _REQUESTS[key] = known
    return known


def _from_object(raw: Any) -> Case:
    if not isinstance(raw, dict):
        raise CaseError("invalid_case", "A case must be a JSON object.", path="")
    name = raw.get("name")
    doc = raw.get("doc")
    if (name is not None and not isinstance(name, str)) or (
        doc is not None and not isinstance(doc, str)
    ):
        key = "name" if name is not None and not isinstance(name, str) else "doc"
        raise CaseError("invalid_case", f"{key} must be a string", path=key)
    request = _known_request(raw.get("request"))
    identity = raw.get("identity_policies")
    if identity is None:
        identity = []
    if not isinstance(identity, list):
        raise CaseError(
            "invalid_case", "identity_policies must be a list of policies", path="identity_policies"
        )
    expect = raw.get("expect")
    if expect is not None and expect not in EXPECT_VALUES:
        raise CaseError(
            "invalid_case",
            f"expect must be one of {', '.join(EXPECT_VALUES)}, not {expect!r}",
            path="expect",
        )
    # Positional: ten keyword arguments through a class's `__init__` cost about 0.3 µs more a
    # case (timeit, 0.70 against 0.41 µs), paid by every case parsed from a dict.
    return Case(
        name,
        doc,
        request,
        _policies(identity, "identity_policies", "identity"),
        _optional_policy(raw.get("resource_policy"), "resource_policy", "resource"),
        _optional_policy(raw.get("permissions_boundary"), "permissions_boundary", "boundary"),
        _optional_policy(raw.get("session_policy"), "session_policy", "session"),
        _levels(raw.get("scp_levels"), "scp_levels", "scp"),
        _levels(raw.get("rcp_levels"), "rcp_levels", "rcp"),
        expect,
    )


_CACHE: dict[str | bytes, Case] = {}
_CACHE_MAX = 2048
# A cached case keeps its parsed policies alive, so the case cache is bounded by the size of
# its keys (the case text) too, oldest first out (see parser._CACHE_MAX_CHARS).
_CACHE_MAX_CHARS = 2 * 1024 * 1024
_cache_chars = 0
_CACHE_LOCK = Lock()


def parse_case(source: str | dict[str, Any] | Case) -> Case:
    """A case from a dict, JSON text of one case, or an already parsed `Case` (returned as is).

    Text is cached by its text. A dict is not keyed as a whole (that would serialise it once
    for the case and again for each policy): its request and each policy are looked up by their
    own content, so a repeated dict costs those lookups and a new `Case`."""
    if isinstance(source, Case):
        return source
    key: str | bytes
    if isinstance(source, str):
        key = source
    elif isinstance(source, dict):
        try:
            return _from_object(source)
        except CaseError:
            # Say what is wrong with data that is not JSON at all (a set, a lone surrogate)
            # before any field-level complaint about it.
            content_key(source, CaseError, what="case", code="invalid_case")
            raise
    else:
        raise CaseError(
            "invalid_case", f"A case must be a dict or JSON text, not {type(source).__name__}."
        )
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if isinstance(source, str):
        raw = load_json(source, error=CaseError, what="case", max_depth=MAX_CASE_NESTING)
    else:
        raw = source
    case = _from_object(raw)
    _remember(key, case)
    return case


def _remember(key: str | bytes, case: Case) -> None:
    global _cache_chars
    size = len(key)
    with _CACHE_LOCK:
        if key in _CACHE:
            return
        while _CACHE and (len(_CACHE) >= _CACHE_MAX or _cache_chars + size > _CACHE_MAX_CHARS):
            oldest = next(iter(_CACHE))
            del _CACHE[oldest]
            _cache_chars -= len(oldest)
        if not _CACHE:  # emptied (by eviction, or by a caller's own `_CACHE.clear()`)
            _cache_chars = 0
        _CACHE[key] = case
        _cache_chars += size
