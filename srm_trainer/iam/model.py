"""Typed, immutable policy objects: what the parser produces and the evaluator reads.

The evaluator never touches raw JSON. Everything that can be decided once per policy is decided
here at parse time (lower-cased action patterns, whether a resource pattern is `*` or holds a
policy variable, which principal form an entry is), so evaluating a cached policy is cheap.

Names in this module are stable: the linter (`findings.py`) and the CLI read them.

    Policy(kind, name, version, id, statements, text)
      Statement(index, path, sid, effect,
                action: ActionBlock | None      (Action or NotAction; negated=True for NotAction)
                resource: ResourceBlock | None  (None when the element is absent: matches all)
                principal: PrincipalBlock | None
                conditions: tuple[ConditionClause, ...]
                line, column)                   (position of the statement in `Policy.text`)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from .arn import ArnPattern, compile_resource_pattern, is_incomplete_arn
from .context import RequestContext
from .fastinit import fast_init
from .wildcard import compile_pattern, fold_case

if TYPE_CHECKING:  # the condition types belong to conditions.py
    from .conditions import ConditionClause, ConditionSpec

PolicyKind = Literal["identity", "resource", "boundary", "session", "scp", "rcp"]
POLICY_KINDS: tuple[PolicyKind, ...] = ("identity", "resource", "boundary", "session", "scp", "rcp")


def is_policy_kind(text: str) -> TypeGuard[PolicyKind]:
    return text in POLICY_KINDS


"""Every kind `parse_policy` accepts; only `resource` and `rcp` policies may hold a Principal."""

Effect = Literal["Allow", "Deny"]
VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
VERSIONS: tuple[str, ...] = (VERSION_2012, VERSION_2008)

PrincipalType = Literal["*", "AWS", "Service", "Federated", "CanonicalUser"]
"""`*` is the bare `"Principal": "*"`; the others are the keys of a principal map."""


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _literal_prefix(text: str) -> str:
    """The text before the first `*`, `?` or `${` (a prefix every match must share)."""
    end = len(text)
    for mark in ("*", "?", "${"):
        at = text.find(mark)
        if 0 <= at < end:
            end = at
    return text[:end]


@fast_init
@dataclass(frozen=True, slots=True)
class ActionPattern:
    """One entry of Action/NotAction. `folded` is lower-cased: actions match case-insensitively.

    `mode` lets the evaluator skip the general matcher: `any` (`*`), `exact` (no wildcard),
    `prefix` (`s3:Get*`, only a trailing `*`) or `wildcard` (anything else). A wildcard
    pattern is compiled on first use, not when parsed, and only for an action that holds its
    longest literal piece (`need`): parsing a policy of thousands of patterns compiles none.
    """

    text: str
    folded: str
    mode: Literal["any", "exact", "prefix", "wildcard"]
    need: str = ""  # mode "wildcard": the longest run of literal text, lower-cased

    @classmethod
    def compile(cls, text: str) -> ActionPattern:
        return _compile_action(text)

    def matches(self, action_folded: str) -> bool:
        """`action_folded` must already be case-folded (`wildcard.fold_case`, once per request)."""
        mode = self.mode
        if mode == "any":
            return True
        if mode == "exact":
            return self.folded == action_folded
        if mode == "prefix":
            return action_folded.startswith(self.folded[:-1])
        return self.need in action_folded and compile_pattern(self.folded).match(action_folded)


# Policies repeat the same action patterns (AWS managed policies share thousands of them), and
# an ActionPattern is immutable, so parsing reuses one object per text. A plain dict: this runs
# once per action of every policy parsed. Bounded (emptied when full) and only short texts. The
# bound holds every action text of the AWS managed policies (16,559, the longest 71 characters),
# like the parser's `_ACTION_SERVICE`: at 8,192 the memo emptied itself over and over in
# `make compare`, and half the patterns of a fresh policy's statements were built again (about
# 2.8 MB for those, at most ~13 MB were every entry 128 characters long).
_ACTION_CACHE: dict[str, ActionPattern] = {}
_ACTION_CACHE_MAX = 32_768
_ACTION_CACHE_MAX_LEN = 128
# Resource texts are fewer (2,523 in the managed policies) and longer.
_RESOURCE_CACHE_MAX = 8192
_RESOURCE_CACHE_MAX_LEN = 256


def _compile_action(text: str) -> ActionPattern:
    found = _ACTION_CACHE.get(text)
    if found is not None:
        return found
    folded = fold_case(text)
    if folded == "*":
        pattern = ActionPattern(text, folded, "any")
    elif not _has_wildcard(folded):
        pattern = ActionPattern(text, folded, "exact")
    elif folded.endswith("*") and not _has_wildcard(folded[:-1]):
        pattern = ActionPattern(text, folded, "prefix")
    else:
        need = max(folded.replace("?", "*").split("*"), key=len)
        pattern = ActionPattern(text, folded, "wildcard", need)
    if len(text) <= _ACTION_CACHE_MAX_LEN:
        if len(_ACTION_CACHE) >= _ACTION_CACHE_MAX:
            _ACTION_CACHE.clear()
        _ACTION_CACHE[text] = pattern
    return pattern


def compile_actions(texts: Iterable[str]) -> tuple[ActionPattern, ...]:
    """The patterns of an Action/NotAction element (cached per text). Every text known is the
    common case: looked up in C, without a Python call per text (a pattern is always true)."""
    texts = tuple(texts)
    found = tuple(map(_ACTION_CACHE.get, texts))
    if all(found):
        return found  # type: ignore[return-value]
    return tuple(map(_compile_action, texts))


@fast_init
@dataclass(frozen=True, slots=True)
class ActionBlock:
    """Action (negated=False) or NotAction (negated=True): one or more patterns.

    The other fields are derived once from `patterns` so that matching is a set lookup and one
    `str.startswith(tuple)` call in the common cases.
    """

    patterns: tuple[ActionPattern, ...]
    negated: bool
    texts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    any: bool = field(init=False, repr=False, compare=False)
    exact: frozenset[str] = field(init=False, repr=False, compare=False)
    prefixes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    wildcards: tuple[ActionPattern, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # One pass: AWS managed policies list thousands of actions in one element.
        texts: list[str] = []
        exact: list[str] = []
        prefixes: list[str] = []
        wildcards: list[ActionPattern] = []
        has_any = False
        for p in self.patterns:
            texts.append(p.text)
            mode = p.mode
            if mode == "exact":
                exact.append(p.folded)
            elif mode == "prefix":
                prefixes.append(p.folded[:-1])
            elif mode == "any":
                has_any = True
            else:
                wildcards.append(p)
        setter = object.__setattr__
        setter(self, "texts", tuple(texts))
        setter(self, "any", has_any)
        setter(self, "exact", frozenset(exact))
        setter(self, "prefixes", tuple(prefixes))
        setter(self, "wildcards", tuple(wildcards))

    def matches_any(self, action_folded: str) -> bool:
        """True when some pattern matches; the caller applies `negated`."""
        if self.any or action_folded in self.exact:
            return True
        if self.prefixes and action_folded.startswith(self.prefixes):
            return True
        # A plain loop: any() over a generator costs more on this hot path.
        for p in self.wildcards:
            if p.need in action_folded and compile_pattern(p.folded).match(action_folded):
                return True
        return False


@fast_init
@dataclass(frozen=True, slots=True)
class ResourcePattern:
    """One entry of Resource/NotResource.

    `mode`: `any` (`*`), `exact` (no wildcard and no variable: compared with ==) or `pattern`
    (handed to `arn.resource_matches`). `has_variable` is True when the text holds `${`.
    """

    text: str
    mode: Literal["any", "exact", "pattern"]
    has_variable: bool

    @classmethod
    def compile(cls, text: str) -> ResourcePattern:
        found = _RESOURCE_CACHE.get(text)
        if found is not None:
            return found
        pattern = cls._compile(text)
        if len(text) <= _RESOURCE_CACHE_MAX_LEN:
            if len(_RESOURCE_CACHE) >= _RESOURCE_CACHE_MAX:
                _RESOURCE_CACHE.clear()
            _RESOURCE_CACHE[text] = pattern
        return pattern

    @classmethod
    def _compile(cls, text: str) -> ResourcePattern:
        has_variable = "${" in text
        mode: Literal["any", "exact", "pattern"]
        if text == "*":
            mode = "any"
        elif not has_variable and not _has_wildcard(text):
            mode = "exact"
        else:
            mode = "pattern"
        return cls(text, mode, has_variable)


# Like actions: one immutable ResourcePattern per text, reused across policies.
_RESOURCE_CACHE: dict[str, ResourcePattern] = {}


@fast_init
@dataclass(frozen=True, slots=True)
class ResourceBlock:
    """Resource (negated=False) or NotResource (negated=True).

    `variables` is True when the policy's Version substitutes policy variables; `complete` when
    the policy is identity-based (or a permissions boundary), where AWS completes an ARN of
    fewer than six parts with `*` (`arn.complete_arn`). `any`, `exact` and `matchers` are
    derived: `*` present, the entries compared with ==, and the compiled `arn.ArnPattern` of
    every other entry. An entry without wildcards is compared with == unless it is an
    incomplete ARN in such a policy, read completed as a pattern: that is decided once per
    entry, here, and the matchers take the entries without wildcards that `exact` left out.
    """

    patterns: tuple[ResourcePattern, ...]
    negated: bool
    variables: bool = False
    complete: bool = False
    texts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    any: bool = field(init=False, repr=False, compare=False)
    exact: frozenset[str] = field(init=False, repr=False, compare=False)
    matchers: tuple[tuple[str, ArnPattern], ...] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        pats = self.patterns
        setter = object.__setattr__
        setter(self, "texts", tuple(p.text for p in pats))
        setter(self, "any", any(p.mode == "any" for p in pats))
        if self.complete:
            exact = frozenset(
                p.text for p in pats if p.mode == "exact" and not is_incomplete_arn(p.text)
            )
        else:
            exact = frozenset(p.text for p in pats if p.mode == "exact")
        setter(self, "exact", exact)
        setter(self, "matchers", None)  # compiled on the first check that needs them

    def _compile_matchers(self) -> tuple[tuple[str, ArnPattern], ...]:
        exact = self.exact
        matchers = tuple(
            (
                _literal_prefix(p.text),
                compile_resource_pattern(p.text, self.variables and p.has_variable, self.complete),
            )
            for p in self.patterns
            if p.mode == "pattern" or (p.mode == "exact" and p.text not in exact)
        )
        object.__setattr__(self, "matchers", matchers)
        return matchers

    def check(self, resource: str, context: RequestContext) -> tuple[bool, bool]:
        """(some entry matches `resource`, some entry held a policy variable without a value);
        the caller applies `negated`."""
        if self.any or resource in self.exact:
            return True, False
        missing = False
        matchers = self.matchers
        if matchers is None:
            matchers = self._compile_matchers()
        for prefix, matcher in matchers:
            # Whatever the wildcards do later, the text before the first one must match as is.
            if not resource.startswith(prefix):
                continue
            found = matcher.matches(resource, context)
            if found:
                return True, False
            if found is None:
                missing = True
        return False, missing


@fast_init
@dataclass(frozen=True, slots=True)
class PrincipalEntry:
    """One principal named in a Principal/NotPrincipal element.

    `type` is the map key (`AWS`, `Service`, `Federated`, `CanonicalUser`) or `*` for the bare
    `"Principal": "*"`. `value` is the text as written. `form` classifies AWS values once:
    `everyone` (`*`), `account` (12-digit id or `arn:aws:iam::ACCT:root`), `user`, `role`,
    `assumed_role` (a role session), `federated_user`, or `other` (any other text: it matches only
    a caller given by exactly that text). `account` is the account id for ARN/account forms.
    `name` is the user/role name (last path segment), the role name for sessions.
    `session` is the session name of an assumed-role ARN.
    """

    type: PrincipalType
    value: str
    form: Literal[
        "everyone",
        "account",
        "user",
        "role",
        "assumed_role",
        "federated_user",
        "service",
        "federated",
        "canonical_user",
        "other",
    ]
    account: str | None = None
    name: str | None = None
    session: str | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class PrincipalBlock:
    """Principal (negated=False) or NotPrincipal (negated=True). `texts` is derived: the AWS
    values as written, other types as `Type:value`."""

    entries: tuple[PrincipalEntry, ...]
    negated: bool
    texts: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "texts",
            tuple(
                e.value if e.type in ("*", "AWS") else f"{e.type}:{e.value}" for e in self.entries
            ),
        )


class _Unset(enum.Enum):
    """Not computed yet (distinct from None, which is a computed answer)."""

    UNSET = 0


_UNSET = _Unset.UNSET
_new_object = object.__new__


class Statement:
    """One statement, with where it came from.

    `path` is `Statement[i]` (or `Statement` when the policy held a single object) and `line`/
    `column` its 1-based position in `Policy.text` when the policy was parsed from text.
    `conditions` is empty when there is no Condition block.

    The parser validates every statement but builds `action` and `resource` only when first
    read (`Statement.lazy`): evaluation reads them only for the statements of the requested
    service (`Policy.candidates`), so a large policy costs little beyond its validation.
    """

    __slots__ = (
        "index",
        "path",
        "sid",
        "effect",
        "principal",
        "_conditions",
        "_condition_specs",
        "line",
        "column",
        "action_texts",
        "action_negated",
        "_service_keys",
        "_action",
        "_resource",
        "_resource_texts",
        "_resource_negated",
        "_variables",
        "_complete_arns",
    )

    def __init__(
        self,
        index: int,
        path: str,
        sid: str | None,
        effect: Effect,
        action: ActionBlock,
        resource: ResourceBlock | None,
        principal: PrincipalBlock | None,
        conditions: tuple[ConditionClause, ...],
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.index = index
        self.path = path
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self._conditions: tuple[ConditionClause, ...] | None = conditions
        self._condition_specs: tuple[ConditionSpec, ...] = ()
        self.line = line
        self.column = column
        self.action_texts = action.texts
        self.action_negated = action.negated
        self._service_keys: tuple[str, ...] | None | _Unset = _UNSET
        self._action: ActionBlock | None = action
        self._resource: ResourceBlock | None | _Unset = resource
        self._resource_texts: tuple[str, ...] | None = None
        self._resource_negated = False
        self._variables = False
        self._complete_arns = False

    @classmethod
    def lazy(
        cls,
        index: int,
        path: str,
        sid: str | None,
        effect: Effect,
        action_texts: tuple[str, ...],
        action_negated: bool,
        service_keys: tuple[str, ...] | None,
        resource_texts: tuple[str, ...] | None,
        resource_negated: bool,
        variables: bool,
        principal: PrincipalBlock | None,
        condition_specs: tuple[ConditionSpec, ...],
        line: int | None = None,
        column: int | None = None,
        complete_arns: bool = False,
    ) -> Statement:
        """A statement whose Action, Resource and Condition were validated but not compiled
        (`condition_specs`: what `conditions.validate_condition_block` returns). The parser's
        fast path (`parser._statement`) sets the same slots inline."""
        self = _new_object(cls)
        self.index = index
        self.path = path
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self._conditions = None if condition_specs else ()
        self._condition_specs = condition_specs
        self.line = line
        self.column = column
        self.action_texts = action_texts
        self.action_negated = action_negated
        self._service_keys = service_keys
        self._action = None
        self._resource = _UNSET if resource_texts is not None else None
        self._resource_texts = resource_texts
        self._resource_negated = resource_negated
        self._variables = variables
        self._complete_arns = complete_arns
        return self

    def placed(self, line: int | None, column: int | None) -> Statement:
        """This statement at another position in a policy's text (the parser's statement memo
        validates identical statements once)."""
        if line == self.line and column == self.column:
            return self
        copy = Statement.__new__(Statement)
        for name in _STATEMENT_SLOTS:
            setattr(copy, name, getattr(self, name))
        copy.line = line
        copy.column = column
        return copy

    @property
    def action(self) -> ActionBlock:
        block = self._action
        if block is None:
            block = _action_block(self.action_texts, self.action_negated)
            self._action = block
        return block

    @property
    def resource(self) -> ResourceBlock | None:
        """None when the statement has neither Resource nor NotResource (matches all)."""
        block = self._resource
        if block is _UNSET:
            block = _resource_block(
                self._resource_texts or (),
                self._resource_negated,
                self._variables,
                self._complete_arns,
            )
            self._resource = block
        return block

    @property
    def conditions(self) -> tuple[ConditionClause, ...]:
        clauses = self._conditions
        if clauses is None:
            from .conditions import compile_condition_specs  # conditions.py imports this module

            specs = self._condition_specs
            clauses = _CLAUSES.get(specs)
            if clauses is None:
                clauses = compile_condition_specs(specs)
                if len(specs) <= _BLOCK_MAX_ITEMS:
                    _remember_block(_CLAUSES, specs, clauses)
            self._conditions = clauses
        return clauses

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    def service_keys(self) -> tuple[str, ...] | None:
        """The case-folded service prefixes this statement's Action names literally, or None
        when it may match an action of any service (`*`, a wildcard in the service part, or
        NotAction). An action of service `s` can only match a pattern whose literal service
        part is `s`, so the evaluator reads only these statements (and the None ones)."""
        known = self._service_keys
        if known is not _UNSET:
            return known
        if self.action_negated:
            return None
        keys: list[str] = []
        for text in self.action_texts:
            service, colon, _ = text.partition(":")
            if not colon or "*" in service or "?" in service:
                return None
            keys.append(fold_case(service))
        return tuple(keys)

    def __repr__(self) -> str:
        return f"Statement(index={self.index}, sid={self.sid!r}, effect={self.effect!r})"


# Compiled elements by their texts, shared by every statement that lists the same ones (a
# statement of a fresh policy usually repeats an element seen before): the compiled blocks are
# immutable, and their lazily compiled matchers are then built once per process. Bounded
# (emptied when full), and elements of more than _BLOCK_MAX_ITEMS entries are not kept.
_ACTION_BLOCKS: dict[tuple[tuple[str, ...], bool], ActionBlock] = {}
_RESOURCE_BLOCKS: dict[tuple[tuple[str, ...], bool, bool, bool], ResourceBlock] = {}
_CLAUSES: dict[tuple[ConditionSpec, ...], tuple[ConditionClause, ...]] = {}
_BLOCKS_MAX = 8192
_BLOCK_MAX_ITEMS = 64


def _remember_block(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) >= _BLOCKS_MAX:
        memo.clear()
    memo[key] = value


def _action_block(texts: tuple[str, ...], negated: bool) -> ActionBlock:
    key = (texts, negated)
    block = _ACTION_BLOCKS.get(key)
    if block is None:
        block = ActionBlock(compile_actions(texts), negated)
        if len(texts) <= _BLOCK_MAX_ITEMS:
            _remember_block(_ACTION_BLOCKS, key, block)
    return block


def _resource_block(
    texts: tuple[str, ...], negated: bool, variables: bool, complete: bool = False
) -> ResourceBlock:
    key = (texts, negated, variables, complete)
    block = _RESOURCE_BLOCKS.get(key)
    if block is None:
        block = ResourceBlock(
            tuple(ResourcePattern.compile(t) for t in texts), negated, variables, complete
        )
        if len(texts) <= _BLOCK_MAX_ITEMS:
            _remember_block(_RESOURCE_BLOCKS, key, block)
    return block


def clear_compiled() -> None:
    """Forget the shared compiled blocks (benchmarks measuring a cold start)."""
    _ACTION_BLOCKS.clear()
    _RESOURCE_BLOCKS.clear()
    _CLAUSES.clear()


_STATEMENT_SLOTS = tuple(name for name in Statement.__slots__ if name not in ("line", "column"))


def _statement_index(st: Statement) -> int:
    return st.index


def _names(st: Statement, service_folded: str) -> bool:
    """Whether a statement built without its service keys may match `service_folded`."""
    keys = st.service_keys()
    return keys is None or service_folded in keys


# Statements that may match any service, statements per literal service, and merged lists per
# requested service (filled as services are asked for).
_Index = tuple[
    tuple[Statement, ...], dict[str, tuple[Statement, ...]], dict[str, tuple[Statement, ...]]
]


@fast_init
@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy of one kind.

    `version` is the Version element or None when absent (AWS then uses 2008-10-17, so policy
    variables are not substituted: `variables` says whether they are). `text` is the JSON source
    when the policy came from text (so positions can be shown), else None.
    """

    kind: PolicyKind
    name: str | None
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    text: str | None = None

    # (statements that may match any service, statements per literal service, merged lists
    # per requested service): built on first use, see `candidates`.
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)
    # The first service asked and its statements: most policies are only ever asked about one.
    _first: tuple[str, tuple[Statement, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def variables(self) -> bool:
        """Policy variables (`${aws:username}`) are only replaced under Version 2012-10-17."""
        return self.version == VERSION_2012

    def candidates(self, service_folded: str) -> tuple[Statement, ...]:
        """The statements that may match an action of `service_folded`, in policy order: those
        naming the service literally and those that can match any service. The first service
        asked is answered by one pass over the statements; a second builds the index."""
        first = self._first
        if first is not None and first[0] == service_folded:
            return first[1]
        index = self._index
        if index is None:
            if first is None:
                first_found = tuple(
                    [
                        st
                        for st in self.statements
                        if (keys := st._service_keys) is None
                        or (
                            service_folded in keys
                            if keys is not _UNSET
                            else _names(st, service_folded)
                        )
                    ]
                )
                object.__setattr__(self, "_first", (service_folded, first_found))
                return first_found
            index = self._build_index()
        wild, named, merged = index
        found = merged.get(service_folded)
        if found is None:
            own = named.get(service_folded, ())
            if own and wild:
                found = tuple(sorted((*wild, *own), key=_statement_index))
            else:
                found = own or wild
            if len(merged) < 1024:
                merged[service_folded] = found
        return found

    def _build_index(self) -> _Index:
        named: dict[str, list[Statement]] = {}
        wild: list[Statement] = []
        for st in self.statements:
            keys = st._service_keys  # as `service_keys()` reads it first, without a call
            if keys is _UNSET:
                keys = st.service_keys()
            if keys is None:
                wild.append(st)
            elif len(keys) == 1:
                named.setdefault(keys[0], []).append(st)
            else:
                for key in dict.fromkeys(keys):
                    named.setdefault(key, []).append(st)
        index: _Index = (tuple(wild), {k: tuple(v) for k, v in named.items()}, {})
        object.__setattr__(self, "_index", index)
        return index
