"""Policy validation in the spirit of IAM Access Analyzer's policy checks.

`lint(source, kind=...)` reads one policy (JSON text or an already-decoded object) and returns
`Finding`s: errors (the policy is invalid or cannot do what it says), warnings (it works but grants
more than it looks like, or AWS reads it differently than a learner expects) and suggestions.
Linting never changes an evaluation: the evaluator runs whatever can run, and the sandbox shows
these next to the answer.

Each finding carries a stable `code`, the values involved in `data` (a template words them; the
English `message` is a default), a `path` into the document (`Statement[1].Resource[0]`), a
`line`/`column` when the policy was given as text, and the `topic` that explains the rule (the website links it to
a lesson: the engine holds no addresses).

A policy given as text is decoded as JSON readers do, the last of a key written twice in one
object winning; `duplicate_key` says where that happened. Finding it costs a hook on the
decoding lint does anyway; where the repeats are is looked for only when there is one.
"""

from __future__ import annotations

import difflib
import heapq
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

from . import catalog
from .arn import complete_arn
from .arnfit import can_match
from .aws_rules import RCP_SERVICES
from .budget import Budget, on_fresh_frame_chunk
from .catalog import BudgetExhausted
from .errors import PolicyError
from .jsontext import repeated_keys
from .memo import Memo
from .model import VERSION_2008, VERSION_2012, Policy, Statement
from .parser import RCP_SYNTAX_CODES, RCP_SYNTAX_PAGE, Positions, parse_policy, scan_positions
from .reasons import Topic
from .wildcard import has_wildcard, wildcard_match

__all__ = [
    "ORGANIZATIONS_SIZE_LIMITS",
    "SIZE_LIMITS",
    "Finding",
    "Severity",
    "lint",
    "lint_case",
    "policy_size",
]

Severity = Literal["error", "warning", "suggestion"]

# Where each rule is taught.
TOPIC_POLICIES = Topic.POLICIES
TOPIC_LEAST_PRIVILEGE = Topic.LEAST_PRIVILEGE
TOPIC_ROLES = Topic.ROLES
TOPIC_CONDITIONS = Topic.CONDITIONS
TOPIC_MFA = Topic.MFA
TOPIC_SCP = Topic.SCPS

# AWS's maximum policy sizes in characters ("IAM and AWS STS quotas"; IAM does not count white
# space) and for organization policies ("Quotas for AWS Organizations"). `lint(limit=...)` picks
# another one, e.g. SIZE_LIMITS["inline_role"] for a role's inline policies.
SIZE_LIMITS: dict[str, int] = {
    "managed": 6_144,
    "inline_user": 2_048,
    "inline_group": 5_120,
    "inline_role": 10_240,
    "session": 2_048,  # AssumeRole's Policy parameter (plain text)
    # The Organizations quotas page gives 5,120 for SCPs; third-party posts report a rise to 10,240
    # in 2026 that the official page we can check does not show yet, so we follow the page.
    "scp": 5_120,
    "rcp": 5_120,
}
ORGANIZATIONS_SIZE_LIMITS = ("scp", "rcp")
# Which limit a policy of each kind is held to when the caller gives none. Resource-based policy
# limits depend on the service (S3 20 KB, SQS 8 KB, a role trust policy 2,048…): not checked.
_KIND_LIMIT: dict[str, str | None] = {
    "identity": "managed",
    "boundary": "managed",
    "session": "session",
    "scp": "scp",
    "rcp": "rcp",
    "resource": None,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a policy.

    `code` is stable (tests and templates key on it); `data` holds the values a template needs
    to word it; `message` is a default English sentence; `path` points into the policy
    document, prefixed by the case field for `lint_case` (`identity_policies[0].Statement[1]`);
    `line`/`column` are 1-based positions in the policy's text when it was given as text.
    """

    code: str
    severity: Severity
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    topic: Topic | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "data": dict(self.data),
            "topic": self.topic.value if self.topic else None,
        }


# --- the checks ------------------------------------------------------------------------------

_PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_BROAD_LEVELS = ("Write", "Permissions management")
_IAM_SID_KINDS = frozenset({"identity", "boundary", "session"})
_GRANTING_KINDS = frozenset({"identity", "resource"})  # SCPs, RCPs, boundaries only filter


class _Linter:
    """Collects findings for one parsed policy; `where` turns paths into positions."""

    def __init__(
        self,
        policy: Policy,
        raw: Any,
        limit: int | None,
        limit_name: str | None,
        budget: Budget,
        repeated: bool = False,
    ):
        self.policy = policy
        self.raw = raw
        self.repeated = repeated  # an object of the policy's text writes a key twice
        self.limit = limit
        self.limit_name = limit_name
        # Positions come from the parser's own scan of the text (one walker for both), made
        # for the first finding: a policy with none does not pay for a walk of its text.
        self.positions: Positions | None = None
        self.found: list[Finding] = []
        # Every search below is charged to the request's budget; a check it cannot pay for is
        # skipped, and `run` then says the policy was not checked in full.
        self.budget = budget
        self.omitted = 0

    # helpers

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        path: str,
        topic: Topic,
        *,
        always: bool = False,
        at: tuple[int, int] | None = None,
        **data: Any,
    ) -> None:
        # A request shows at most `Budget.findings` findings: past that they are counted, not
        # built (a policy written to produce thousands would otherwise cost more to word and
        # render than to find). `always` is for the notes that say so. `at` places a finding
        # where its path alone cannot (a key written twice has one path for both places).
        if not always:
            if self.budget.findings <= 0:
                self.omitted += 1
                return
            self.budget.findings -= 1
        line = column = None
        text = self.policy.text
        if at is not None:
            line, column = at
        elif text is not None:
            if self.positions is None:
                self.positions = scan_positions(text)
            line, column = self.positions.locate(path) or (None, None)
        self.found.append(Finding(code, severity, message, path, line, column, data, topic))

    def suggest(self, action: str) -> list[str]:
        """Did-you-mean for an unknown action; none when the budget cannot pay for it, or when
        the finding will only be counted, not shown (its search would be thrown away: a policy
        of 300 unknown services spent 0.27 s of CPU on 260 such searches)."""
        if self.budget.findings <= 0:
            return []
        try:
            return catalog.suggest(action, budget=self.budget)
        except BudgetExhausted:
            return []

    def raw_statement(self, st: Statement) -> Mapping[str, Any]:
        statements = self.raw.get("Statement")
        # The policy as decoded JSON: the parser checked each statement is an object.
        statement: Mapping[str, Any] = (
            statements[st.index] if isinstance(statements, list) else statements
        )
        return statement

    @staticmethod
    def entry_paths(base: str, raw: Any, count: int) -> list[str]:
        """`Statement[0].Action[2]` when the element is a list, `Statement[0].Action` if not."""
        if isinstance(raw, list):
            return [f"{base}[{i}]" for i in range(count)]
        return [base] * count

    # policy-level checks

    def run(self) -> list[Finding]:
        if self.repeated:
            self.check_repeated_keys()
        self.check_version()
        self.check_size()
        self.check_sids()
        checks = (
            self.check_actions,
            self.check_resources,
            self.check_conditions,
            self.check_principal_wildcards,
            self.check_rcp_statement,
            self.check_broad_grants,
            self.check_resource_types,
        )
        stopped_at: int | None = None  # the first statement a check was skipped for
        for st in self.policy.statements:
            for check in checks:
                try:
                    check(st)
                except BudgetExhausted:  # reported once, below
                    if stopped_at is None:
                        stopped_at = st.index
        with suppress(BudgetExhausted):
            self.check_redundant()
        if self.omitted:
            self.add(
                "findings_truncated",
                "warning",
                f"{self.omitted:,} more finding{'s' if self.omitted != 1 else ''} in this policy "
                "are not shown. Fix the ones above, or check a smaller part of the policy.",
                "",
                TOPIC_POLICIES,
                always=True,
                omitted=self.omitted,
            )
        if self.budget.exhausted:
            count = len(self.policy.statements)
            where = (
                f"The checks of this policy stopped early, at statement {stopped_at + 1} of "
                f"{count}: this request holds more than they can go through in one go, so "
                "from there on they do not look for"
                if stopped_at is not None
                else "This request holds more than the checks can go through in one go, so "
                "for this policy some of them did not look for"
            )
            self.add(
                "checks_incomplete",
                "warning",
                f"{where} unknown actions, wildcards that match nothing, broad grants and "
                "redundant statements. The decision is not affected. Check a smaller part of "
                "the policy to see every finding.",
                "",
                TOPIC_POLICIES,
                always=True,
                stopped_at=stopped_at,
                statements=count,
            )
        # document order: policy-wide findings first, then statement by statement
        return sorted(self.found, key=_statement_order)

    def suggest_key(self, key: str) -> list[str]:
        """Did-you-mean for an unknown global condition key, when the budget can pay for it and
        the finding will be shown."""
        if self.budget.findings <= 0 or not self.budget.take(_UNITS_PER_KEY_SUGGESTION):
            return []
        return list(_suggest_global_key(key))

    def charge(self, units: int) -> None:
        if not self.budget.take(units):
            raise BudgetExhausted

    def check_repeated_keys(self) -> None:
        """A key written twice in one object (`"Effect"` twice in a statement, two
        `"StringEquals"` blocks in one Condition). IAM accepts the policy and does not document
        which value it keeps; JSON readers mostly keep the last, as the sandbox does, so the
        other is silently lost, and a lost condition block can make a policy grant more than it
        reads (the Terraform AWS provider checks policy JSON for this since pull request 33570).
        Access Analyzer's own duplicate-key error is for condition keys that differ in case:
        `check_duplicate_keys`. Placed at the repeat's key, with the first one's line."""
        text = self.policy.text
        if text is None:  # pragma: no cover - only text sets `repeated`
            return
        if self.positions is None:
            self.positions = scan_positions(text)  # made here for the findings after these too
        line_col = self.positions.line_col
        times: dict[int, int] = {}  # by where a key was first written: how often so far
        for path, key, first, again in repeated_keys(text):
            count = times[first] = times.get(first, 1) + 1
            if self.budget.findings <= 0:  # counted, as `add` would, without its words
                self.omitted += 1
                continue
            line, column = line_col(again)
            first_line, first_column = line_col(first)
            place, fix, topic = _repeat_words(path, key)
            earlier = (
                f"at column {first_column} of this line"
                if first_line == line
                else f"on line {first_line}"
            )
            self.add(
                "duplicate_key",
                "warning",
                f"{key!r} is written {_TIMES.get(count, f'{count:,} times')} {place}: first "
                f"{earlier}. Only one of its values is used: this sandbox uses the last, as most "
                "JSON readers do, and AWS does not document which one it keeps. " + fix,
                path,
                topic,
                at=(line, column),
                key=key,
                first_line=first_line,
                first_column=first_column,
            )

    def check_version(self) -> None:
        version = self.policy.version
        uses_variables = _uses_variables(self.policy)
        if version is None:
            self.add(
                "missing_version",
                "warning",
                'The policy has no Version: AWS reads it as "2008-10-17", where policy '
                'variables are plain text. Add "Version": "2012-10-17".',
                "",
                TOPIC_POLICIES,
                uses_variables=uses_variables,
            )
        if uses_variables and version != VERSION_2012:
            self.add(
                "variables_need_version_2012",
                "warning",
                f"The policy uses policy variables such as ${{aws:username}}, but under Version "
                f'"{version or VERSION_2008}" they are literal text and never match a real '
                'name. Use "Version": "2012-10-17".',
                "Version" if version is not None else "",
                TOPIC_CONDITIONS,
                version=version or VERSION_2008,
            )

    def check_size(self) -> None:
        if self.limit is None:
            return
        organizations = self.limit_name in ORGANIZATIONS_SIZE_LIMITS
        size = policy_size(self.raw, count="bytes" if organizations else "chars")
        if size > self.limit:
            unit = "bytes" if organizations else "characters"
            self.add(
                "policy_too_large",
                "error",
                f"The policy is {size:,} {unit} without white space; AWS accepts at most "
                f"{self.limit:,} for this kind of policy. Split it, or merge statements that "
                "share Effect and Resource.",
                "",
                TOPIC_SCP if organizations else TOPIC_POLICIES,
                size=size,
                limit=self.limit,
                limit_name=self.limit_name,
                unit=unit,
            )

    def check_sids(self) -> None:
        seen: dict[str, str] = {}
        for st in self.policy.statements:
            sid = st.sid
            if not sid:
                continue
            path = f"{st.path}.Sid"
            if self.policy.kind in _IAM_SID_KINDS and not (sid.isascii() and sid.isalnum()):
                self.add(
                    "invalid_sid",
                    "error",
                    f"Sid {sid!r} may only hold letters and digits (A-Z, a-z, 0-9) in an IAM "
                    "policy.",
                    path,
                    TOPIC_POLICIES,
                    sid=sid,
                )
            if sid in seen:
                self.add(
                    "duplicate_sid",
                    "error",
                    f"Sid {sid!r} is already used by {seen[sid]}: statement IDs must be unique "
                    "within a policy.",
                    path,
                    TOPIC_POLICIES,
                    sid=sid,
                    first=seen[sid],
                )
            else:
                seen[sid] = st.path

    # statement checks

    def check_actions(self, st: Statement) -> None:
        element = "NotAction" if st.action.negated else "Action"
        raw = self.raw_statement(st).get(element)
        paths = self.entry_paths(f"{st.path}.{element}", raw, len(st.action.patterns))
        for pattern, path in zip(st.action.patterns, paths, strict=True):
            self.charge(1)
            text = pattern.text
            if text == "*":
                continue
            service, _, name = text.partition(":")
            if not has_wildcard(service) and not catalog.is_known_service(service):
                suggestions = self.suggest(text)
                self.add(
                    "unknown_service",
                    "error",
                    f"{service!r} is not an AWS service prefix, so {text!r} matches nothing."
                    + _did_you_mean(suggestions),
                    path,
                    TOPIC_POLICIES,
                    action=text,
                    service=service,
                    suggestions=suggestions,
                )
            elif has_wildcard(text):
                if not catalog.any_action_matches(text, budget=self.budget):
                    self.add(
                        "action_matches_nothing",
                        "error",
                        f"The pattern {text!r} matches no known action.",
                        path,
                        TOPIC_POLICIES,
                        action=text,
                    )
            elif not catalog.is_known_action(text):
                suggestions = self.suggest(text)
                self.add(
                    "unknown_action",
                    "error",
                    f"{catalog.service_name(service) or service} has no action {name!r}."
                    + _did_you_mean(suggestions),
                    path,
                    TOPIC_POLICIES,
                    action=text,
                    service=service,
                    suggestions=suggestions,
                )

    def check_resources(self, st: Statement) -> None:
        if st.resource is None:
            return
        element = "NotResource" if st.resource.negated else "Resource"
        raw = self.raw_statement(st).get(element)
        paths = self.entry_paths(f"{st.path}.{element}", raw, len(st.resource.patterns))
        complete = st.resource.complete
        for pattern, path in zip(st.resource.patterns, paths, strict=True):
            self.charge(1)
            problem = _arn_problem(pattern.text)
            if complete and (completed := _completed_fit(pattern.text)) is not None:
                self.add(
                    "incomplete_arn",
                    "warning",
                    f"{pattern.text!r} has fewer than an ARN's six parts "
                    "(arn:partition:service:region:account-id:resource). In an identity-based "
                    "policy AWS fills each missing part with * and reads it as "
                    f"{completed!r}, every resource that pattern matches (IAM guide, ARNs). "
                    "Write all six parts to say which resources you mean.",
                    path,
                    TOPIC_POLICIES,
                    resource=pattern.text,
                    completed=completed,
                )
            elif problem is not None:
                fix = (
                    _filled_arn(_lowercase_service(pattern.text))
                    if problem == "too_few_segments"
                    else None
                )
                self.add(
                    "malformed_arn",
                    "error",
                    f"{pattern.text!r} is not a well-formed ARN: {_ARN_PROBLEMS[problem]}"
                    + _fix_said(fix),
                    path,
                    TOPIC_POLICIES,
                    resource=pattern.text,
                    problem=problem,
                )
            elif (service := _wildcard_service(pattern.text)) is not None:
                self.add(
                    "wildcard_service",
                    "warning",
                    f"{pattern.text!r} has a wildcard in its service part ({service!r}): the IAM "
                    "guide does not allow one there (Resource element, wildcards in ARNs). Name "
                    'the service, or write "*" as the whole Resource to mean every resource.',
                    path,
                    TOPIC_POLICIES,
                    resource=pattern.text,
                    service=service,
                )
            elif (short := _short_arn(pattern.text)) is not None:
                self.charge(len(_service_formats(short["prefix"])))
                if short["service"] != short["prefix"] or not _fits_service(
                    pattern.text, short["prefix"]
                ):
                    self.add(
                        "short_arn",
                        "warning",
                        _short_arn_message(pattern.text, short),
                        path,
                        TOPIC_POLICIES,
                        resource=pattern.text,
                        **short,
                    )
            elif (miscased := _miscased_service(pattern.text)) is not None:
                self.add(
                    "arn_service_case",
                    "warning",
                    f"{pattern.text!r} matches no {miscased['prefix']} resource: "
                    f"{_case_said(miscased['service'], miscased['prefix'])}."
                    + _fix_said(miscased["suggestion"]),
                    path,
                    TOPIC_POLICIES,
                    resource=pattern.text,
                    **miscased,
                )
            elif (kind := _wildcard_resource_type(pattern.text)) is not None:
                self.add(
                    "wildcard_resource_type",
                    "warning",
                    f"{pattern.text!r} has a wildcard in its resource-type part ({kind!r}): the "
                    "IAM guide does not allow one in the part of an IAM ARN that names the type "
                    "of resource, such as user (IAM guide, ARNs and IAM identifiers), and does "
                    "not say what AWS does with one; here it is matched as written. Write the "
                    "type in full and put any wildcard after it, as in 'user/*' or 'role/app-*'.",
                    path,
                    TOPIC_POLICIES,
                    resource=pattern.text,
                    resource_type=kind,
                )

    def check_resource_types(self, st: Statement) -> None:
        """An action none of the statement's resources can ever be (s3:ListBucket on
        `bucket/*`, ec2:DescribeInstances on an instance ARN): it never applies there."""
        if st.resource is None or st.resource.negated or st.action.negated:
            return
        resources = st.resource.texts
        if any(
            r == "*" or _arn_problem(r) is not None or _miscased_service(r) is not None
            for r in resources
        ):
            return  # each is warned about on its own line, which says why it matches nothing
        for pattern in st.action.patterns:
            self.charge(len(resources))
            if has_wildcard(pattern.text):
                continue
            action = catalog.canonical_action(pattern.text)
            if action is None:
                continue  # reported as unknown already
            formats = catalog.arn_formats(action)
            if not formats:
                self.add(
                    "action_needs_all_resources",
                    "warning",
                    f'{action} does not act on a particular resource, so only Resource "*" '
                    "matches it: this statement never applies to it.",
                    f"{st.path}.Resource",
                    TOPIC_LEAST_PRIVILEGE,
                    action=action,
                )
            elif not any(_could_match(r, f, self.budget) for r in resources for f in formats):
                types = catalog.resource_types(action)
                kinds = [rt.name for rt in types]
                self.add(
                    "action_resource_mismatch",
                    "warning",
                    f"{action} acts on {_kinds_said(types)}, and none of this statement's "
                    "resources can be one, so the statement never applies to it.",
                    f"{st.path}.Resource",
                    TOPIC_LEAST_PRIVILEGE,
                    action=action,
                    resource_types=kinds,
                    arn_formats=formats,
                )

    def check_broad_grants(self, st: Statement) -> None:
        if not st.is_allow:
            return
        kind = self.policy.kind
        if st.action.negated:
            self.add(
                "allow_with_not_action",
                "warning",
                "Allow with NotAction grants every action except the ones listed, including "
                "actions AWS adds later. List the actions to allow instead.",
                f"{st.path}.NotAction",
                TOPIC_LEAST_PRIVILEGE,
                actions=list(st.action.texts),
            )
        if st.resource is not None and st.resource.negated:
            self.add(
                "allow_with_not_resource",
                "warning",
                "Allow with NotResource grants access to every resource except the ones "
                "listed, in every account and service. List the resources to allow instead.",
                f"{st.path}.NotResource",
                TOPIC_LEAST_PRIVILEGE,
                resources=list(st.resource.texts),
            )
        if st.principal is not None:
            self.check_principal(st)
        if kind not in _GRANTING_KINDS or st.action.negated:
            return
        if st.resource is None:
            # No Resource element (a role trust policy): the statement covers only the resource
            # the policy is attached to, not "every resource".
            return
        if st.resource.negated or not any(p.mode == "any" for p in st.resource.patterns):
            return
        # Each pattern's actions come sorted: the union is counted as a set and its first
        # names are read off a lazy merge, so nothing large is sorted again.
        runs: list[list[str]] = []
        levels_found: set[str] = set()
        for pattern in st.action.patterns:
            # actions with no resource types can only be granted on "*": nothing to narrow
            found = catalog.actions_at_levels(
                pattern.text, _BROAD_LEVELS, scopable_only=True, budget=self.budget
            )
            for level, names in found.items():
                if names:
                    levels_found.add(level)
                    runs.append(names)
        levels = [level for level in _BROAD_LEVELS if level in levels_found]
        if not levels:
            return
        self.charge(1 + sum(map(len, runs)) // 8)  # the union and the merge below
        count = len(set().union(*runs))
        first: list[str] = []
        for name in heapq.merge(*runs):
            if not first or first[-1] != name:
                first.append(name)
                if len(first) == 20:
                    break
        what = " and ".join(levels)
        self.add(
            "allow_write_all_resources",
            "warning",
            f"This statement allows {what} actions ({_sample(first, count)}) on every resource "
            '("*"). Name the resources these actions need.',
            f"{st.path}.Resource" if st.resource is not None else st.path,
            TOPIC_LEAST_PRIVILEGE,
            levels=levels,
            actions=first,
            count=count,
            conditioned=bool(st.conditions),
        )

    def check_rcp_statement(self, st: Statement) -> None:
        """What the RCP syntax page and IAM Access Analyzer's RCP checks do not settle, said
        beside the statement; what they do settle (Allow with a condition, NotAction, no
        Principal, `*` alone in Action...) the parser refuses, so it never reaches here."""
        if self.policy.kind != "rcp":
            return
        if st.effect == "Allow":
            if self.policy.name == "RCPFullAWSAccess" and st.action_texts == ("*",):
                return  # AWS's own policy, given by its name
            self.add(
                "rcp_allow_statement",
                "warning",
                "AWS Organizations supports Allow in an RCP only in its own RCPFullAWSAccess, "
                f"and an RCP you create must deny ({RCP_SYNTAX_PAGE}); IAM Access Analyzer "
                "lets an Allow of every principal and resource with no condition pass, so "
                "whether AWS would take this policy is not settled. It changes no decision: "
                "RCPFullAWSAccess already lets every request through at every level, and only "
                "a Deny in an RCP can stop one.",
                f"{st.path}.Effect",
                TOPIC_SCP,
            )
            return
        raw = self.raw_statement(st).get("Action")
        paths = self.entry_paths(f"{st.path}.Action", raw, len(st.action_texts))
        for text, path in zip(st.action_texts, paths, strict=True):
            self.charge(1)
            service = text.partition(":")[0].lower()
            if service in RCP_SERVICES or not catalog.is_known_service(service):
                continue  # an unknown service has its own error (check_actions)
            self.add(
                "rcp_service_not_supported",
                "warning",
                f"{catalog.service_name(service) or service} ({service}) is not on AWS's list of "
                "services that support RCPs, so no RCP applies to its actions and this entry "
                "never stops a request. IAM Access Analyzer reports such a prefix as an error "
                '("RCP syntax error action": RCPs take only the prefixes of those services), '
                f"while {RCP_SYNTAX_PAGE} only asks for a service prefix, so whether AWS would "
                "take this policy is not settled. Control the service with an SCP, or with the "
                "resource's own policy.",
                path,
                TOPIC_SCP,
                action=text,
                service=service,
            )

    def check_principal_wildcards(self, st: Statement) -> None:
        """The Principal element page: `*` alone means everyone, but a wildcard cannot match
        part of a principal's name or ARN (`arn:aws:iam::111122223333:user/*`). IAM refuses
        such a value; the evaluator compares it as plain text, so it names no caller."""
        if st.principal is None:
            return
        element = "NotPrincipal" if st.principal.negated else "Principal"
        raw = self.raw_statement(st).get(element)
        for kind in ("AWS", "Service", "Federated", "CanonicalUser"):
            values = raw.get(kind) if isinstance(raw, Mapping) else None
            if values is None:
                continue
            listed = values if isinstance(values, list) else [values]
            base = f"{st.path}.{element}.{kind}"
            for value, path in zip(
                listed, self.entry_paths(base, values, len(listed)), strict=True
            ):
                if isinstance(value, str) and value != "*" and has_wildcard(value):
                    self.add(
                        "wildcard_in_principal",
                        "error",
                        f"{value!r}: a wildcard cannot stand for part of a principal's name or "
                        'ARN, so this names no one (only "*" on its own, meaning everyone, is a '
                        'wildcard here). Name each principal, or use "*" with a condition '
                        "such as aws:PrincipalArn and ArnLike.",
                        path,
                        TOPIC_ROLES,
                        principal=value,
                        type=kind,
                    )

    def check_principal(self, st: Statement) -> None:
        assert st.principal is not None
        element = "NotPrincipal" if st.principal.negated else "Principal"
        path = f"{st.path}.{element}"
        if st.principal.negated:
            self.add(
                "allow_with_not_principal",
                "warning",
                "Allow with NotPrincipal grants access to everyone except the principals "
                "listed, including anonymous callers. Name the principals to allow instead.",
                path,
                TOPIC_LEAST_PRIVILEGE,
            )
            return
        if st.conditions or self.policy.kind == "rcp":
            return
        if any(e.form == "everyone" for e in st.principal.entries):
            self.add(
                "public_access",
                "warning",
                'Principal "*" without a Condition allows anyone, including anonymous '
                "callers from any account. Name the principals, or add a condition such as "
                "aws:PrincipalOrgID or aws:SourceAccount.",
                path,
                TOPIC_ROLES,
            )

    def check_conditions(self, st: Statement) -> None:
        for clause in st.conditions:
            self.charge(1 + len(clause.values))
            self.check_condition_values(clause)
            key_types = catalog.condition_key_type(clause.key)
            if key_types is None:
                if clause.key.lower().startswith("aws:"):
                    suggestions = self.suggest_key(clause.key)
                    self.add(
                        "unknown_global_condition_key",
                        "warning",
                        f"{clause.key!r} is not one of AWS's global condition keys, so the "
                        "request never has it." + _did_you_mean(suggestions),
                        clause.path,
                        TOPIC_CONDITIONS,
                        key=clause.key,
                        suggestions=suggestions,
                    )
                continue
            self.check_operator_type(clause, key_types)
            self.check_set_operator(clause, key_types)
        self.check_duplicate_keys(st)
        self.check_mfa_deny(st)

    def check_duplicate_keys(self, st: Statement) -> None:
        """IAM Access Analyzer's "Duplicate keys with different case" error: key names are
        case-insensitive, so `aws:PrincipalTag/Team` and `aws:principaltag/team` under one
        operator are the same key twice, which IAM refuses (access-analyzer-reference-policy-
        checks). JSON decoding keeps both, as different strings; the evaluator would AND them."""
        seen: dict[tuple[str, str], str] = {}
        for clause in st.conditions:
            first = seen.setdefault((clause.operator, clause.key.lower()), clause.key)
            if first != clause.key:
                self.add(
                    "duplicate_keys_with_different_case",
                    "error",
                    f"{clause.key!r} repeats {first!r} under {clause.operator}: condition key "
                    "names ignore case, so these are the same key twice, and IAM refuses the "
                    "policy. Keep one, with all its values in one list.",
                    clause.path,
                    TOPIC_CONDITIONS,
                    operator=clause.operator,
                    key=clause.key,
                    duplicate_of=first,
                )

    def check_condition_values(self, clause: Any) -> None:
        if clause.base == "Null":
            bad = tuple(v for v in clause.values if v.lower() not in ("true", "false"))
            expected = "Bool"
        else:
            variables = clause.supports_variables and self.policy.variables
            bad = tuple(v for v in clause.malformed_values if not (variables and "${" in v))
            expected = _FAMILY_OF.get(clause.base, clause.base)
        if bad:
            self.add(
                "malformed_condition_value",
                "error",
                f"{clause.operator} cannot read {', '.join(repr(v) for v in bad)} as "
                f"{_TYPE_WORDS.get(expected, expected)}, so that comparison never matches.",
                clause.path,
                TOPIC_CONDITIONS,
                operator=clause.operator,
                key=clause.key,
                values=list(bad),
                expected=expected,
            )

    def check_operator_type(self, clause: Any, key_types: tuple[str, ...]) -> None:
        family = _FAMILY_OF.get(clause.base)
        if family is None:  # Null and BinaryEquals work with any key
            return
        bare = {t.removeprefix("ArrayOf") for t in key_types}
        if bare & _COMPATIBLE[family]:
            return
        # String operators on typed keys compare the text and can work; Arn operators on
        # String keys holding ARNs do too: a warning. Anything else cannot match: an error.
        soft = family == "String" or (family == "Arn" and "String" in bare)
        key_type = sorted(bare)[0]
        self.add(
            "condition_type_mismatch",
            "warning" if soft else "error",
            f"{clause.operator} compares {_TYPE_WORDS[family]}, but {clause.key} holds "
            f"{_TYPE_WORDS.get(key_type, key_type)}. Use {_OPERATOR_FOR.get(key_type, 'a String')} "
            "operator.",
            clause.path,
            TOPIC_CONDITIONS,
            operator=clause.operator,
            key=clause.key,
            operator_type=family,
            key_type=key_type,
        )

    def check_set_operator(self, clause: Any, key_types: tuple[str, ...]) -> None:
        multivalued = any(t.startswith("ArrayOf") for t in key_types)
        single = any(not t.startswith("ArrayOf") for t in key_types)
        if clause.set_operator and single and not multivalued:
            self.add(
                "set_operator_on_single_valued_key",
                "warning",
                f"{clause.set_operator} is for multivalued keys, but {clause.key} has a single "
                "value. ForAllValues is also true when the key is missing. Use "
                f"{clause.base}{'IfExists' if clause.if_exists else ''} without the prefix.",
                clause.path,
                TOPIC_CONDITIONS,
                operator=clause.operator,
                key=clause.key,
                set_operator=clause.set_operator,
            )
        elif not clause.set_operator and multivalued and not single and clause.base != "Null":
            self.add(
                "multivalued_key_needs_set_operator",
                "warning",
                f"{clause.key} can hold several values; a plain {clause.base} does not say "
                "whether all or any of them must match. Use ForAllValues: or ForAnyValue:.",
                clause.path,
                TOPIC_CONDITIONS,
                operator=clause.operator,
                key=clause.key,
            )

    def check_mfa_deny(self, st: Statement) -> None:
        if st.is_allow:
            return
        for clause in st.conditions:
            if (
                clause.key.lower() == "aws:multifactorauthpresent"
                and clause.base == "Bool"
                and not clause.if_exists
                and not clause.set_operator
                and any(v.lower() == "false" for v in clause.values)
            ):
                self.add(
                    "mfa_deny_misses_missing_key",
                    "warning",
                    'Deny with Bool aws:MultiFactorAuthPresent "false" does not apply to '
                    "requests signed with access keys: they carry no MFA key at all, so the "
                    'condition is false. Use BoolIfExists with "false" to deny them too.',
                    clause.path,
                    TOPIC_MFA,
                    operator=clause.operator,
                    key=clause.key,
                )

    def check_redundant(self) -> None:
        # Only statements with the same Effect and scope and no Condition can cover each other,
        # so pairs are looked for inside those groups, not across the whole policy.
        groups: dict[tuple[Any, ...], list[int]] = {}
        for i, st in enumerate(self.policy.statements):
            self.charge(1)
            if not st.conditions:
                groups.setdefault((st.effect, *_scope(st)), []).append(i)
        statements = self.policy.statements
        # a pattern over 512 characters is compiled again for each comparison
        chars = [sum(len(p.text) for p in st.action.patterns) for st in statements]
        for i, st in enumerate(statements):
            if st.conditions:
                continue
            group = groups[(st.effect, *_scope(st))]
            for j in group:
                other = statements[j]
                if i == j:
                    continue
                self.charge(
                    len(st.action.patterns) * len(other.action.patterns)
                    + (chars[i] + chars[j]) // 64
                )
                if not _actions_cover(other, st):
                    continue
                if _actions_cover(st, other) and i < j:
                    continue  # the same statement twice: report only the later copy
                self.add(
                    "redundant_statement",
                    "suggestion",
                    f"Statement {i + 1} adds nothing: statement {j + 1} has the same Effect, "
                    "Resource and Principal and covers all of its actions. Remove it.",
                    st.path,
                    TOPIC_POLICIES,
                    statement=i,
                    covered_by=j,
                )
                break


# The type an operator family compares, and the key types it works with.
_FAMILY_OF = {
    **dict.fromkeys(
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ),
        "String",
    ),
    **dict.fromkeys(
        (
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ),
        "Numeric",
    ),
    **dict.fromkeys(
        (
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ),
        "Date",
    ),
    "Bool": "Bool",
    "IpAddress": "IPAddress",
    "NotIpAddress": "IPAddress",
    **dict.fromkeys(("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"), "Arn"),
}
_COMPATIBLE = {
    "String": frozenset({"String", "ARN"}),
    "Numeric": frozenset({"Numeric"}),
    "Date": frozenset({"Date"}),
    "Bool": frozenset({"Bool"}),
    "IPAddress": frozenset({"IPAddress"}),
    "Arn": frozenset({"ARN"}),
}
_TYPE_WORDS = {
    "String": "text",
    "Numeric": "numbers",
    "Date": "dates",
    "Bool": "true/false values",
    "IPAddress": "IP addresses",
    "Arn": "ARNs",
    "ARN": "ARNs",
    "Binary": "base64 data",
}
_OPERATOR_FOR = {  # with its article: "an Arn operator", not "a Arn operator"
    "String": "a String",
    "Numeric": "a Numeric",
    "Date": "a Date",
    "Bool": "a Bool",
    "IPAddress": "an IpAddress or NotIpAddress",
    "ARN": "an Arn",
}


_UNITS_PER_KEY_SUGGESTION = 2_500  # difflib over the ~60 global keys: about 2 ms


@lru_cache(maxsize=512)
def _suggest_global_key(key: str) -> tuple[str, ...]:
    names = {name.split("${", 1)[0]: name for name in catalog.GLOBAL_CONDITION_KEYS}
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=3, cutoff=0.6)
    if not close and "/" in key:  # aws:PrincipalTags/team → aws:PrincipalTag/
        close = difflib.get_close_matches(
            key.lower().split("/", 1)[0] + "/", list(lowered), n=3, cutoff=0.6
        )
    return tuple(lowered[c] for c in close)


# A path in a statement: its element's (`Statement[0].Condition`), a key's in that
# (`...Condition.StringEquals`, `...Principal.AWS`) or a condition key's under its operator
# (`...StringEquals.aws:username`; a condition key may hold dots, so it is the rest of the path).
_STATEMENT_PATH = re.compile(
    r"Statement(?:\[\d+\])?\.(?P<element>[^.]+)(?:\.(?P<inner>[^.]+)(?:\.(?P<key>.+))?)?"
)


_TIMES = {2: "twice", 3: "three times"}


def _repeat_words(path: str, key: str) -> tuple[str, str, Topic]:
    """Where a key written twice at `path` is, in a reader's words, how to write it once, and
    the lesson that teaches that part of a policy."""
    if "." not in path:
        if key == "Statement":
            return "at the policy's top level", "Put every statement in one list.", TOPIC_POLICIES
        return "at the policy's top level", "Keep one, with the value you mean.", TOPIC_POLICIES
    where = _STATEMENT_PATH.fullmatch(path)
    if where is None:
        return "in this object", "Keep one, with the value you mean.", TOPIC_POLICIES
    element, inner = where["element"], where["inner"]
    if inner is None:
        if key == "Condition":
            fix = "Write one Condition holding the conditions of both."
            return "in this statement", fix, TOPIC_CONDITIONS
        return "in this statement", "Keep one, with the value you mean.", TOPIC_POLICIES
    if element == "Condition":
        if where["key"] is None:
            fix = f"Write one {key} block holding the keys of both."
            return "in this Condition", fix, TOPIC_CONDITIONS
        fix = "Keep one, with all its values in one list."
        return f"in this {inner} block", fix, TOPIC_CONDITIONS
    if element in ("Principal", "NotPrincipal") and where["key"] is None:
        return f"in this {element}", "Keep one, with all its values in one list.", TOPIC_POLICIES
    return "in this object", "Keep one, with the value you mean.", TOPIC_POLICIES


def _statement_order(finding: Finding) -> int:
    path = finding.path
    if not path.startswith("Statement"):
        return -1
    if path.startswith("Statement["):
        return int(path[len("Statement[") : path.index("]")])
    return 0


def _did_you_mean(suggestions: list[str]) -> str:
    return f" Did you mean {', '.join(suggestions)}?" if suggestions else ""


def _sample(actions: list[str], total: int, size: int = 3) -> str:
    shown = ", ".join(actions[:size])
    return shown + (f" and {total - size:,} more" if total > size else "")


_ARN_PROBLEMS = {
    "too_few_segments": 'an ARN has six parts, "arn:partition:service:region:account:resource" '
    '(region and account may be empty, as in "arn:aws:s3:::my-bucket").',
    "unknown_partition": 'the partition (second part) must be "aws", "aws-cn", "aws-us-gov" or '
    "another AWS partition.",
    "empty_service": "the service (third part) is empty.",
    "empty_resource": "the resource (last part) is empty.",
}


def _arn_problem(text: str) -> str | None:
    """Why a Resource value is not an ARN IAM accepts, or None (also for "*")."""
    if text == "*" or not text.startswith("arn:"):
        return None  # the parser rejects values that are neither
    parts = text.split(":", 5)
    if len(parts) < 6:
        # a wildcard may stand for the missing parts ("arn:aws:s3:*")
        return None if has_wildcard(text) else "too_few_segments"
    _, partition, service, _, _, resource = parts
    if not (has_wildcard(partition) or "${" in partition or partition in _PARTITIONS):
        return "unknown_partition"
    if not service:
        return "empty_service"
    if not resource:
        return "empty_resource"
    return None


def _wildcard_service(text: str) -> str | None:
    """The service part of an ARN pattern when it holds a wildcard ("arn:aws:*:::bucket"): the
    IAM guide says a wildcard may stand anywhere in an ARN except the service segment."""
    if not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) < 3 or "${" in parts[2]:
        return None
    return parts[2] if has_wildcard(parts[2]) else None


def _wildcard_resource_type(text: str) -> str | None:
    """The resource-type part of an IAM ARN pattern when it holds a wildcard: the resource
    field up to its first "/", or all of it when it has none ("u*er" in
    "arn:aws:iam::111122223333:u*er/alice", "*" in "...:*/alice", "u*" in "...:u*"). The IAM
    guide's ARNs page ("Paths in ARNs") and identifiers page ("IAM ARNs") say a wildcard may
    not stand in the part that names the resource type, such as `user`, and that one for all
    users goes after it (`user/*`). None for every other ARN: other services (their type, if
    any, sits in other places: an S3 bucket ARN has none), a resource field of only `*` (every
    IAM resource, what AWS completes `arn:aws:iam::111122223333` to), a wildcard after the type
    (`user/*`) or in the account (`arn:aws:iam::*:role/x`), a pattern of fewer than six parts,
    and a policy variable before the resource field or in the type part."""
    if not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[2] != "iam" or any("${" in part for part in parts[:5]):
        return None
    resource = parts[5]
    if not resource.strip("*"):
        return None
    kind = resource.split("/", 1)[0]
    if "${" in kind or not has_wildcard(kind):
        return None
    return kind


_PART_NAMES = {3: "the Region", 4: "the account ID"}


def _short_arn(text: str) -> dict[str, Any] | None:
    """For an ARN pattern of fewer than six colon-separated parts that a wildcard let through
    `_arn_problem` ("arn:aws:s3:reports/*"): its parts, service as written, service prefix
    (lowercase) and a likely fix; None when the pattern is not one to question (six parts, no
    known service, a variable, a wildcard before the service: `wildcard_service` speaks to
    those). A service written in capitals ("arn:aws:S3:reports/*") is looked up by its prefix:
    IAM matches an ARN's parts case-sensitively and every prefix is lowercase, so such a
    pattern matches nothing, and its fix is the lowercase one (Access Analyzer's "Invalid ARN
    service case" check)."""
    if not text.startswith("arn:") or "${" in text or not has_wildcard(text):
        return None
    parts = text.split(":", 5)
    if not 4 <= len(parts) < 6 or has_wildcard(parts[2]) or not parts[1]:
        return None
    service = parts[2]
    prefix = service.lower()
    if not _service_formats(prefix):
        return None  # a service the catalogue does not know: nothing to compare with
    lowered = _lowercase_service(text)
    fix = lowered if service != prefix and _fits_service(lowered, prefix) else None
    return {
        "parts": len(parts),
        "service": service,
        "prefix": prefix,
        "suggestion": fix or _filled_arn(lowered),
    }


_KINDS_SAID = 4


def _kinds_said(types: list[catalog.ResourceType]) -> str:
    """An action's resource types, each with its ARN format, as a phrase; no article before
    the catalogue's names, which read badly after "a" ("a accesspointobject"). Past four
    (tagging actions list dozens), the rest are counted."""
    said = [f"{rt.name} ({rt.arn})" if rt.arn else rt.name for rt in types[:_KINDS_SAID]]
    if len(types) == 1:
        return f"one resource type, {said[0]}"
    if len(types) > _KINDS_SAID:
        said.append(f"{len(types) - _KINDS_SAID} other types")
    return f"the resource types {', '.join(said[:-1])} or {said[-1]}"


def _miscased_service(text: str) -> dict[str, Any] | None:
    """For a six-part ARN pattern whose service has capitals ("arn:aws:S3:::reports/*"): the
    service as written, its prefix and the lowercase pattern; None otherwise, or when the
    lowercase service is one the catalogue does not know. Such a pattern passes
    `_arn_problem` and matches nothing (Access Analyzer's "Invalid ARN service case"); without
    this its only warning was that no resource fits the action, which hides the cause."""
    if not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) < 6 or "${" in parts[2] or has_wildcard(parts[2]):
        return None
    service, prefix = parts[2], parts[2].lower()
    if service == prefix or not _service_formats(prefix):
        return None
    return {"service": service, "prefix": prefix, "suggestion": _lowercase_service(text)}


def _case_said(service: str, prefix: str) -> str:
    return (
        f"its service prefix is written {service!r}, where service prefixes are lowercase "
        f"({prefix!r}) and IAM matches each part of an ARN case-sensitively"
    )


def _lowercase_service(text: str) -> str:
    """An ARN pattern with its service part lower-cased ("arn:aws:S3:*" -> "arn:aws:s3:*");
    a text too short to have a service part ("arn:", "arn:aws") is returned as it is."""
    parts = text.split(":", 3)
    if len(parts) < 3:
        return text
    return ":".join([*parts[:2], parts[2].lower(), *parts[3:]])


def _filled_arn(text: str) -> str | None:
    """A short ARN ("arn:aws:s3:reports/*", "arn:aws:s3:reports") with its Region and account
    filled in as its service's ARNs have them: empty ("arn:aws:s3:::reports/*"), else `*`
    ("arn:aws:dynamodb:*:*:table/*"); None when neither fits a resource type of the service,
    or the service is one the catalogue does not know."""
    parts = text.split(":", 5)
    if not 4 <= len(parts) < 6 or "${" in text or has_wildcard(parts[2]):
        return None
    for region, account in (("", ""), ("*", "*")):
        candidate = ":".join([*parts[:3], region, account, parts[-1]])
        if _fits_service(candidate, parts[2]):
            return candidate
    return None


def _short_arn_message(text: str, short: dict[str, Any]) -> str:
    n, service, prefix, fix = short["parts"], short["service"], short["prefix"], short["suggestion"]
    case = _case_said(service, prefix)
    if service != prefix and fix == _lowercase_service(text):  # the case its one mistake
        return f"{text!r} matches no {prefix} resource: {case}." + _fix_said(fix)
    last = text.split(":", 5)[-1]
    where = _PART_NAMES[n - 1]
    message = (
        f"{text!r} has {n} colon-separated parts, not an ARN's six "
        "(arn:partition:service:region:account-id:resource), so "
        f"{last!r} stands where {where} goes and the pattern matches no {prefix} resource"
    )
    message += f"; and {case}." if service != prefix else "."
    return message + _fix_said(fix)


def _fix_said(fix: str | None) -> str:
    """A short ARN's likely fix (`_filled_arn`) as the end of its message."""
    if fix is None:
        return ""
    said = f" Did you mean {fix!r}?"
    return said + (" Or name the Region and account in place of each *." if ":*:*:" in fix else "")


_SERVICE_FORMATS: dict[str, tuple[str, ...]] = {}


def _service_formats(service: str) -> tuple[str, ...]:
    """Every ARN format the catalogue lists for a service's resource types (empty: unknown)."""
    found = _SERVICE_FORMATS.get(service)
    if found is None:
        rows = catalog.levelled_formats(service) if service == service.lower() else ()
        found = _SERVICE_FORMATS[service] = tuple(sorted({f for row in rows for f in row}))
    return found


_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")
_ACCOUNT = re.compile(r"[0-9]{12}|aws")


def _completed_fit(text: str) -> str | None:
    """For an incomplete ARN without wildcards in an identity-based policy (`arn:aws:sqs`):
    the ARN AWS completes it to (`arn:aws:sqs:*:*:*`) when that matches some resource of its
    service, else None (then it matches nothing, and `malformed_arn` says so as elsewhere)."""
    if has_wildcard(text) or "${" in text:
        return None
    completed = complete_arn(text)
    if completed is None:
        return None
    given = text.split(":")
    if len(given) > 3 and given[3] and not _REGION.fullmatch(given[3]):
        return None  # "arn:aws:s3:my-bucket": a resource where the Region goes, not a Region
    if len(given) > 4 and given[4] and not _ACCOUNT.fullmatch(given[4]):
        return None
    service = completed.split(":", 3)[2]
    if not _service_formats(service) or not _fits_service(completed, service):
        return None
    return completed


def _fits_service(pattern: str, service: str) -> bool:
    """Whether some well-formed ARN of one of `service`'s resource types matches `pattern`."""
    return any(can_match(pattern, f) for f in _service_formats(service))


def _uses_variables(policy: Policy) -> bool:
    for st in policy.statements:
        if st.resource is not None and any(p.has_variable for p in st.resource.patterns):
            return True
        for clause in st.conditions:
            if any("${" in v for v in clause.values):
                return True
    return False


def _scope(st: Statement) -> tuple[Any, Any]:
    """Resource/NotResource and Principal/NotPrincipal as sets of texts: statements cover each
    other only when these are equal."""
    res = None if st.resource is None else (st.resource.negated, frozenset(st.resource.texts))
    pri = None if st.principal is None else (st.principal.negated, frozenset(st.principal.texts))
    return res, pri


def _pattern_covers(outer: str, inner: str) -> bool:
    """Whether every action `inner` matches is matched by `outer` (both lower-cased)."""
    if outer == "*" or outer == inner:
        return True
    if not has_wildcard(inner):
        return wildcard_match(outer, inner)
    # a trailing-star prefix covers any pattern that starts with that prefix
    head = outer[:-1]
    return outer.endswith("*") and not has_wildcard(head) and inner.startswith(head)


def _actions_cover(outer: Statement, inner: Statement) -> bool:
    """Whether `outer`'s Action covers all of `inner`'s (NotAction only when identical)."""
    if outer.action.negated or inner.action.negated:
        return outer.action.negated == inner.action.negated and {
            p.folded for p in outer.action.patterns
        } == {p.folded for p in inner.action.patterns}
    return all(
        any(_pattern_covers(o.folded, i.folded) for o in outer.action.patterns)
        for i in inner.action.patterns
    )


# --- can a policy's ARN pattern name a resource of a given type? ------------------------------

# Placeholders of AWS's ARN formats whose values never contain "/" (bucket and table names,
# instance ids...). Every other placeholder may (IAM paths, object keys, secret and log group
# names), so it is treated as matching anything: the check stays quiet rather than wrong.
_NO_SLASH = frozenset(
    {"BucketName", "TableName", "QueueName", "TopicName", "FunctionName", "InstanceId", "KeyId"}
)


def _policy_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """A policy ARN segment as tokens: ("lit", ch), ("one", ""), ("star", "")."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "$" and text.startswith("${", i) and "}" in text[i:]:
            out.append(("star", ""))  # a policy variable: some value, unknown here
            i = text.index("}", i) + 1
            continue
        out.append(("star", "") if ch == "*" else ("one", "") if ch == "?" else ("lit", ch))
        i += 1
    return tuple(out)


def _format_tokens(text: str) -> tuple[tuple[str, str], ...]:
    """An ARN format segment as tokens: ("lit", ch), and for `${Name}` one character then any
    number more, of class "any" or "noslash"."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text.startswith("${", i) and "}" in text[i:]:
            end = text.index("}", i)
            cls = "noslash" if text[i + 2 : end] in _NO_SLASH else "any"
            out.extend((("one", cls), ("star", cls)))
            i = end + 1
            continue
        out.append(("lit", text[i]))
        i += 1
    return tuple(out)


_UNITS_PER_STATE = 3  # one visited state: about 3 µs of Python
_STATES_PER_CHARGE = 16


def _intersects(
    p: tuple[tuple[str, str], ...], t: tuple[tuple[str, str], ...], budget: Budget
) -> bool | None:
    """Whether some string matches both the policy tokens `p` and the format tokens `t`.

    A search over position pairs (at most len(p) * len(t) states, each visited once): the
    product of two small automata, no backtracking and no regex. Each state visited costs
    `_UNITS_PER_STATE` units of `budget`; None when it runs out before an answer.
    """
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    np_, nt = len(p), len(t)
    # The loop makes no Python call per state (a call may straddle a frame chunk's end, see
    # budget.py): states are paid for in batches, the character classes tested inline.
    paid = 0
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        if paid == 0:
            # near the end of the budget, state by state: a refusal marks the budget exhausted
            batch = (
                _STATES_PER_CHARGE if budget.left >= _UNITS_PER_STATE * _STATES_PER_CHARGE else 1
            )
            if not budget.take(_UNITS_PER_STATE * batch):
                return None
            paid = batch
        paid -= 1
        seen.add((i, j))
        if i == np_ and j == nt:
            budget.left += paid * _UNITS_PER_STATE  # states paid for and not visited
            return True
        pk = p[i] if i < np_ else None
        tk = t[j] if j < nt else None
        nxt: list[tuple[int, int]] = []
        if pk is not None and pk[0] == "star":
            nxt.append((i + 1, j))  # the policy's `*` matches nothing more
            if tk is not None and tk[0] != "star":
                nxt.append((i, j + 1))  # ... or the format's next character
        if tk is not None and tk[0] == "star":
            nxt.append((i, j + 1))  # the placeholder takes nothing more
            if pk is not None and (
                pk[0] == "one" or (pk[0] == "lit" and (tk[1] == "any" or pk[1] != "/"))
            ):
                nxt.append((i + 1, j))  # ... or the policy's next character
        if pk is not None and tk is not None and pk[0] != "star" and tk[0] != "star":
            if pk[0] == "lit" and tk[0] == "lit":
                ok = pk[1] == tk[1]
            elif pk[0] == "lit":
                ok = tk[1] == "any" or pk[1] != "/"
            else:
                ok = True
            if ok:
                nxt.append((i + 1, j + 1))
        for n in nxt:
            if n not in seen:
                todo.append(n)
    budget.left += paid * _UNITS_PER_STATE
    return False


# Answers for (pattern, format) pairs; bounded, and only short patterns are kept.
_MATCH_CACHE: dict[tuple[str, str], bool] = {}
_MATCH_CACHE_MAX = 4096
_MAX_CACHED_PATTERN = 256


def _could_match(pattern: str, arn_format: str, budget: Budget) -> bool:
    """Whether the policy's Resource `pattern` could match some ARN of `arn_format`
    (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`), segment by segment like IAM.

    True when unsure (a wildcard spanning segments): the check only reports what it has shown.
    Raises BudgetExhausted when the search cannot be paid for.
    """
    key = (pattern, arn_format)
    known = _MATCH_CACHE.get(key)
    if known is not None:
        return known
    mine = pattern.split(":", 5)
    theirs = arn_format.split(":", 5)
    if len(mine) < 6 or len(theirs) < 6:
        return True  # a wildcard standing for several segments: could be anything
    for a, b in zip(mine, theirs, strict=True):
        if not budget.take(len(a) + len(b)):  # tokenising both segments
            raise BudgetExhausted
        found = _intersects(_policy_tokens(a), _format_tokens(b), budget)
        if found is None:
            raise BudgetExhausted
        if not found:
            break
    else:
        found = True
    if len(pattern) <= _MAX_CACHED_PATTERN:
        if len(_MATCH_CACHE) >= _MATCH_CACHE_MAX:
            _MATCH_CACHE.clear()
        _MATCH_CACHE[key] = found
    return found


# --- size ------------------------------------------------------------------------------------


def policy_size(document: Any, *, count: Literal["chars", "bytes"] = "chars") -> int:
    """The policy's size as AWS counts it: the JSON without white space between elements.

    IAM does not count white space; AWS Organizations counts what is stored, and its console
    strips white space outside quotes before storing, so both count the minified document.
    `count="bytes"` measures UTF-8 bytes (Organizations' SCP limit is in bytes).
    """
    if isinstance(document, str):
        document = json.loads(document)
    minified = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return len(minified.encode("utf-8")) if count == "bytes" else len(minified)


# --- public API ------------------------------------------------------------------------------


def _parse_error(exc: PolicyError, prefix: str = "") -> Finding:
    return Finding(
        code=exc.code,
        severity="error",
        message=exc.message,
        path=_join(prefix, exc.path),
        line=exc.line,
        column=exc.column,
        data={},
        topic=TOPIC_POLICIES,
    )


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}.{path}"


def lint(
    source: str | Mapping[str, Any],
    *,
    kind: str = "identity",
    name: str | None = None,
    limit: int | None = None,
    budget: Budget | None = None,
) -> list[Finding]:
    """Check one policy of `kind` (identity, resource, boundary, session, scp, rcp).

    `source` is JSON text (findings then carry line/column) or a decoded object. `limit`
    overrides the size limit the kind implies (managed policies 6,144 characters; pass
    `SIZE_LIMITS["inline_role"]` etc. for inline policies). A policy that does not parse gives
    exactly one error finding, the parser's.

    The searches behind the checks are charged to `budget` (a fresh `Budget()` when none is
    given); when it runs out, the rest are skipped and a `checks_incomplete` warning says so.
    """
    if budget is None:
        budget = Budget()
    return on_fresh_frame_chunk(_lint_cached, source, kind, name, limit, budget)


def _lint_cached(
    source: str | Mapping[str, Any],
    kind: str,
    name: str | None,
    limit: int | None,
    budget: Budget,
) -> list[Finding]:
    if isinstance(source, str):
        # The sandbox lints the same texts on every keystroke: text input is cached by content,
        # and a cached answer is charged what it cost the first time.
        key = (source, kind, name, limit)
        cached = _linted.get(key)
        if cached is not None and len(cached[0]) <= budget.findings:
            found, cost = cached
            budget.take(min(cost, budget.left))
            budget.findings -= len(found)
            return list(found)
        before = budget.left
        result = _lint(source, kind, name, limit, budget)
        # an answer cut short, or with findings left out, depends on the request: not kept
        if not budget.exhausted and not any(f.code == "findings_truncated" for f in result):
            _linted.put(key, (tuple(result), before - budget.left))
        return result
    return _lint(source, kind, name, limit, budget)


# Lint results for policy texts, with the units they cost.
_linted: Memo[tuple[tuple[Finding, ...], int]] = Memo(256)


def _lint(
    source: str | Mapping[str, Any],
    kind: str,
    name: str | None,
    limit: int | None,
    budget: Budget,
) -> list[Finding]:
    try:
        # anything but text or a mapping goes to the parser as it is, which refuses it with a
        # PolicyError (dict() of `true` or `[[]]` would raise TypeError/ValueError instead)
        policy = parse_policy(
            dict(source) if isinstance(source, Mapping) else source, kind=kind, name=name
        )
    except PolicyError as exc:
        finding = _parse_error(exc)
        if kind == "rcp" and exc.code in RCP_SYNTAX_CODES:  # the lesson on SCPs and RCPs
            finding = replace(finding, topic=TOPIC_SCP)
        return [finding]
    repeated = False
    if isinstance(source, str):
        raw, repeated = _decode(source)
    else:
        raw = source
    limit_name = _KIND_LIMIT.get(kind)
    if limit is None and limit_name is not None:
        limit = SIZE_LIMITS[limit_name]
    return _Linter(policy, raw, limit, limit_name, budget, repeated).run()


def _decode(text: str) -> tuple[Any, bool]:
    """`json.loads(text)` (the parser has read it already, so it is JSON), and whether an
    object in it writes a key twice: a dict keeps one value per key, so it is shorter than the
    pairs it was made of. About 2 µs more than `json.loads` for a typical policy, whose fresh
    lint costs about 200 µs."""
    repeated = False

    def keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(pairs)
        if len(obj) != len(pairs):
            repeated = True
        return obj

    return json.loads(text, object_pairs_hook=keys_once), repeated


def lint_case(case: Mapping[str, Any], *, budget: Budget | None = None) -> list[Finding]:
    """Lint every policy of a case (iam-cases format) with its kind, and its request context
    (`context_check`: values AWS would never send for their key, path `request.context.<key>`).

    Paths are prefixed with the case field (`identity_policies[0].Statement[1]`,
    `scp_levels[1][0]`), as the evaluator's errors are; a policy given as
    `{"name", "document"}` is linted as its document.
    Malformed case fields are left to the evaluator, which reports them. All the case's
    policies share one `budget` (a fresh `Budget()` when none is given).
    """
    if budget is None:
        budget = Budget()
    return on_fresh_frame_chunk(_lint_case, case, budget)


def _lint_case(case: Mapping[str, Any], budget: Budget) -> list[Finding]:
    from .context_check import check_caller_keys, check_context  # worded with this module's

    found: list[Finding] = []
    if not isinstance(case, Mapping):  # not a case at all: the evaluator's error says so
        return found
    for prefix, kind, entry in _case_policies(case):
        name = None
        document = entry
        if isinstance(entry, Mapping) and "document" in entry and "Statement" not in entry:
            name = entry.get("name") if isinstance(entry.get("name"), str) else None
            document = entry["document"]
        if not isinstance(document, str | Mapping):
            continue
        for f in lint(document, kind=kind, name=name, budget=budget):
            found.append(
                Finding(
                    f.code,
                    f.severity,
                    f.message,
                    _join(prefix, f.path),
                    f.line,
                    f.column,
                    f.data,
                    f.topic,
                )
            )
    request = case.get("request")
    if isinstance(request, Mapping):  # after the policies: they keep the first findings shown
        typed = check_context(request.get("context"), budget=budget)
        said = {f.data.get("key") for f in typed}  # one warning a key: its type's first
        callers = check_caller_keys(request.get("principal"), request.get("context"), budget=budget)
        found += typed + [f for f in callers if f.data.get("key") not in said]
    return found


def _case_policies(case: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    identity = case.get("identity_policies")
    if isinstance(identity, list):
        for i, policy in enumerate(identity):
            yield f"identity_policies[{i}]", "identity", policy
    for field_name, kind in (
        ("resource_policy", "resource"),
        ("permissions_boundary", "boundary"),
        ("session_policy", "session"),
    ):
        policy = case.get(field_name)
        if policy is not None:
            yield field_name, kind, policy
    for field_name, kind in (("scp_levels", "scp"), ("rcp_levels", "rcp")):
        levels = case.get(field_name)
        if not isinstance(levels, list):
            continue
        for i, level in enumerate(levels):
            if not isinstance(level, list):
                continue
            for j, policy in enumerate(level):
                yield f"{field_name}[{i}][{j}]", kind, policy
