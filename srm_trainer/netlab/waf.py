"""AWS WAF: a web ACL's rules, evaluated in priority order against HTTP requests.

What the engine follows (AWS WAF Developer Guide):
- rules run from the lowest `Priority` up; the first *terminating* action (Allow, Block, or a
  CAPTCHA/Challenge the request has no valid token for) ends the evaluation; Count, and a
  CAPTCHA/Challenge with a valid token, add the rule's labels and go on; when no rule
  terminates, the web ACL's default action (Allow or Block) applies;
- a label match statement sees only labels added by rules evaluated earlier; a rule's labels
  are added at the end of its evaluation, and a rule holding a geo match statement labels every
  request it evaluates with `awswaf:clientip:geo:country:<code>` (XX when unknown), match or not;
- a rate-based rule counts, per client IP (or for everyone with `CONSTANT`), the requests that
  reach it and match its scope-down statement within its evaluation window, and acts only on
  requests that arrive while that count is over its limit; the first `Limit` requests pass.
  AWS estimates rates with a delay ("usually below 30 seconds"); the engine is exact unless the
  case sets `rate_detection_delay_sec`, which makes every decision use the count as it stood
  that many seconds earlier (both tripping and recovering lag by that much);
- the body is inspected up to the protected resource's limit (8 KB for an ALB or AppSync, 16 KB
  by default elsewhere); `OversizeHandling` says what a larger body does.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import re2

from srm_trainer.iam.fastinit import fast_init

from . import fields as f
from .errors import NetlabError, Problems
from .waf_fields import (
    Field,
    parse_field,
    parse_transforms,
    query_pairs,
    transform,
    transform_cost,
)

# IP sets and regex pattern sets by ARN or name, as a case declares them.
IpSets = dict[str, tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]
RegexSets = dict[str, tuple[re2._Regexp, ...]]

MAX_RULES = 50
MAX_STATEMENTS = 200  # in one web ACL, counting nested ones
MAX_DEPTH = 8
MAX_REQUESTS = 5_000  # after expanding `repeat`
MAX_TEMPLATES = 200
MAX_BODY = 65_536
MAX_TEXT = 8_192
MAX_HEADERS = 50
MAX_ADDRESSES = 1_000  # per IP set
# Request text the evaluation may read, in passes over a byte (~15 ns each, about 60 ms in all):
# for each distinct request, each statement that inspects a component reads it once for each
# pattern it tries, and each distinct component and chain of transformations is transformed once
# (a Python transformation counts as several passes: `waf_fields.TRANSFORM_COST`). Repeats of
# one request cost nothing more (results are memoised), so a 3,000-request burst is cheap; 200
# different 64 KB bodies under 50 rules are not, nor are 199 statements reading one 64 KB body
# (counted once, as one component and chain, they cost 2.7 s).
MAX_INSPECTED = 4_000_000
MAX_RULE_STEPS = 100_000
# A quiz question's case gets this share of the two limits above (5,000 rule evaluations, ~3 ms):
# a quiz's pages evaluate up to 200 questions at once in a process that has not kept their keys
# (the lab's largest burst, ~60 ms, made a page of 60 such questions cost 4-7 s of CPU). The
# course's own bursts need 600.
QUESTION_SHARE = 0.05
MAX_PATTERNS = 10  # per regex pattern set
MAX_SEARCH = 200  # SearchString length (AWS: 200 bytes)
MAX_REGEX = 512  # RegexString length (AWS: 512)
MAX_TIME = 86_400  # a request's time, in seconds: one day
MAX_EVERY = 3_600  # seconds between a burst's repeats
MAX_DETECTION_DELAY = 600  # rate_detection_delay_sec
ACCOUNT = "111122223333"

ACTIONS = ("Allow", "Block", "Count", "CAPTCHA", "Challenge")
TERMINAL_STATUS = {"Block": 403, "CAPTCHA": 405, "Challenge": 202}
TOKEN_STATES = ("valid", "missing", "expired", "invalid")
# What a geo match statement labels every request it evaluates with, matching or not, followed
# by the country code (XX when unknown). AWS WAF also adds a region label; requests here carry
# no region, so it is not added.
GEO_LABEL = "awswaf:clientip:geo:country:"
# What a rule's own label may hold (Developer Guide, "Label syntax and naming requirements"):
# up to five namespaces and a name, each up to 128 characters, none of these reserved words.
LABEL_NAMESPACES = 5
LABEL_PART = 128
RESERVED_LABEL_WORDS = ("awswaf", "aws", "waf", "rulegroup", "webacl", "regexpatternset",
                        "ipset", "managed")  # fmt: skip

# Where a web ACL can be associated, its scope, and the body size WAF inspects by default.
RESOURCES: dict[str, tuple[str, int]] = {
    "CLOUDFRONT": ("CLOUDFRONT", 16_384),
    "AMPLIFY": ("CLOUDFRONT", 16_384),
    "ALB": ("REGIONAL", 8_192),
    "API_GATEWAY": ("REGIONAL", 16_384),
    "APPSYNC": ("REGIONAL", 8_192),
    "COGNITO_USER_POOL": ("REGIONAL", 16_384),
    "APP_RUNNER": ("REGIONAL", 16_384),
    "VERIFIED_ACCESS": ("REGIONAL", 16_384),
}
FIXED_BODY_LIMIT = ("ALB", "APPSYNC")
NOT_PROTECTABLE = {
    "NLB": "a Network Load Balancer works at layer 4 and cannot be associated with a web ACL; "
    "put WAF on CloudFront in front of it, or use an Application Load Balancer",
    "CLASSIC_LOAD_BALANCER": "a Classic Load Balancer cannot be associated with a web ACL",
    "EC2_INSTANCE": "an EC2 instance cannot be associated with a web ACL; put an Application "
    "Load Balancer or CloudFront in front of it",
    "API_GATEWAY_HTTP_API": "only API Gateway REST APIs can be associated with a web ACL, not "
    "HTTP APIs",
    "S3_BUCKET": "an S3 bucket cannot be associated with a web ACL; serve it through CloudFront",
}


# --- statements -----------------------------------------------------------------------------


class AddressRanges:
    """An IP set's blocks as sorted, merged ranges of addresses, one list per IP version: is an
    address in the set is one bisection. Asking each block in turn (`ipaddress`'s `in`, ~0.5 µs
    in Python) cost 9 s of CPU for 199 statements naming a set of 1,000 blocks over 200 requests
    (a 28 KB case), none of it counted by the work limits."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> None:
        self._starts: dict[int, list[int]] = {}
        self._ends: dict[int, list[int]] = {}
        for version in (4, 6):
            blocks = sorted(
                (int(n.network_address), int(n.broadcast_address))
                for n in networks
                if n.version == version
            )
            starts: list[int] = []
            ends: list[int] = []
            for start, end in blocks:
                if ends and start <= ends[-1] + 1:
                    ends[-1] = max(ends[-1], end)
                else:
                    starts.append(start)
                    ends.append(end)
            self._starts[version], self._ends[version] = starts, ends

    def __contains__(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        number = int(address)
        k = bisect_right(self._starts[address.version], number) - 1
        return k >= 0 and number <= self._ends[address.version][k]


@dataclass(frozen=True, slots=True)
class Statement:
    """One node of a rule's statement tree. `kind` is AWS's statement name."""

    kind: str
    uid: int
    children: tuple[Statement, ...] = ()
    field: Field | None = None
    transforms: tuple[str, ...] = ()
    text: str = ""  # search string, regex, label key
    constraint: str = ""  # positional constraint, comparison operator, label scope
    size: int = 0
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    # `networks`, for looking an address up (made from them, so not compared; `field` above
    # hides dataclasses.field here)
    addresses: AddressRanges | None = dataclasses.field(default=None, compare=False, repr=False)
    countries: frozenset[str] = frozenset()
    patterns: tuple[re2._Regexp, ...] = ()  # compiled re2 patterns
    uses_labels: bool = False  # a label match, or built on one: its result depends on labels


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int
    window: int
    aggregate: str  # IP | CONSTANT
    scope_down: Statement | None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    priority: int
    action: str
    labels: tuple[str, ...]  # fully qualified
    statement: Statement | None
    rate: RateLimit | None


@dataclass(frozen=True, slots=True)
class WebAcl:
    name: str
    default_action: str
    rules: tuple[Rule, ...]
    scope: str | None
    label_prefix: str


class _Builder:
    """Parses statements, numbering them (for the per-request memo) and bounding their count.
    The statements of an And or an Or are read each on its own: their problems go to `pb`."""

    def __init__(
        self,
        ip_sets: IpSets,
        regex_sets: RegexSets,
        pb: Problems,
        regexes: RegexBudget,
        scope: str | None = None,
    ) -> None:
        self.count = 0
        self.scope = scope  # CLOUDFRONT or REGIONAL: the web ACL's, given or its resource's
        self.ip_sets = ip_sets
        self.regex_sets = regex_sets
        self.regexes = regexes
        self.ranges: dict[str, AddressRanges] = {}
        self.pb = pb

    def statement(self, raw: Any, path: str, depth: int = 1, top: bool = False) -> Statement:
        self.count += 1
        if self.count > MAX_STATEMENTS:
            raise NetlabError("too_many", f"{path}: the web ACL has more than {MAX_STATEMENTS} "
                              "statements", path=path, stop=True)  # fmt: skip
        if depth > MAX_DEPTH:
            raise NetlabError("too_deep", f"{path}: statements nest more than {MAX_DEPTH} deep",
                              path=path)  # fmt: skip
        if not isinstance(raw, dict) or len(raw) != 1:
            raise NetlabError("invalid_statement", f"{path} must be an object with exactly one "
                              "statement, such as {\"ByteMatchStatement\": {...}}", path=path)  # fmt: skip
        kind, spec = next(iter(raw.items()))
        p = f.join(path, kind)
        uid = self.count
        if kind in ("AndStatement", "OrStatement"):
            f.obj(spec, p, allowed=("Statements",), required=("Statements",))
            items = f.array(spec["Statements"], f"{p}.Statements", limit=MAX_STATEMENTS)
            if len(items) < 2:
                raise NetlabError("invalid_statement", f"{p}.Statements needs at least two "
                                  "statements", path=f"{p}.Statements")  # fmt: skip
            read = [self.pb.attempt(self.statement, s, f"{p}.Statements[{i}]", depth + 1)
                    for i, s in enumerate(items)]  # fmt: skip
            kids = tuple(k for k in read if k is not None)  # all of them, or the parse fails
            return Statement(kind, uid, kids, uses_labels=any(k.uses_labels for k in kids))
        if kind == "NotStatement":
            f.obj(spec, p, allowed=("Statement",), required=("Statement",))
            kid = self.statement(spec["Statement"], f"{p}.Statement", depth + 1)
            return Statement(kind, uid, (kid,), uses_labels=kid.uses_labels)
        if kind == "ByteMatchStatement":
            f.obj(spec, p, allowed=("SearchString", "FieldToMatch", "TextTransformations",
                                    "PositionalConstraint"),
                  required=("SearchString", "FieldToMatch", "PositionalConstraint",
                            "TextTransformations"))  # fmt: skip
            search = spec["SearchString"]
            if not isinstance(search, str) or not search or len(search.encode()) > MAX_SEARCH:
                raise NetlabError("invalid_value", f"{p}.SearchString must be 1 to {MAX_SEARCH} "
                                  "bytes of text", path=f"{p}.SearchString")  # fmt: skip
            constraint = f.string(spec["PositionalConstraint"], f"{p}.PositionalConstraint",
                                  choices=("EXACTLY", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
                                           "CONTAINS_WORD"))  # fmt: skip
            if constraint == "CONTAINS_WORD" and not re2.fullmatch(r"[A-Za-z0-9_]+", search):
                raise NetlabError("invalid_value", f"{p}.SearchString: CONTAINS_WORD needs a "
                                  "search string of letters, digits and _ only",
                                  path=f"{p}.SearchString")  # fmt: skip
            # CONTAINS_WORD is one pass of RE2, in C: finding each place the string occurs and
            # looking at its neighbours in Python cost ~0.5 µs a place ("a" in 64 KB of "a").
            word = (self.regexes.compile(f"(?:^|[^A-Za-z0-9_]){search}(?:[^A-Za-z0-9_]|$)",
                                  f"{p}.SearchString"),) if constraint == "CONTAINS_WORD" else ()  # fmt: skip
            return Statement(kind, uid, field=parse_field(spec["FieldToMatch"],
                                                          f"{p}.FieldToMatch"),
                             transforms=parse_transforms(spec["TextTransformations"],
                                                         f"{p}.TextTransformations"),
                             text=search, constraint=constraint, patterns=word)  # fmt: skip
        if kind == "RegexMatchStatement":
            f.obj(spec, p, allowed=("RegexString", "FieldToMatch", "TextTransformations"),
                  required=("RegexString", "FieldToMatch", "TextTransformations"))  # fmt: skip
            pattern = self._regex(spec["RegexString"], f"{p}.RegexString")
            return Statement(kind, uid, field=parse_field(spec["FieldToMatch"],
                                                          f"{p}.FieldToMatch"),
                             transforms=parse_transforms(spec["TextTransformations"],
                                                         f"{p}.TextTransformations"),
                             text=spec["RegexString"], patterns=(pattern,))  # fmt: skip
        if kind == "RegexPatternSetReferenceStatement":
            f.obj(spec, p, allowed=("ARN", "FieldToMatch", "TextTransformations"),
                  required=("ARN", "FieldToMatch", "TextTransformations"))  # fmt: skip
            arn = f.string(spec["ARN"], f"{p}.ARN", limit=512)
            _same_scope(arn, self.scope, f"{p}.ARN")
            if arn not in self.regex_sets:
                raise NetlabError("unknown_reference", f"{p}.ARN: no regex pattern set {arn!r} "
                                  "in regex_pattern_sets", path=f"{p}.ARN")  # fmt: skip
            return Statement(kind, uid, field=parse_field(spec["FieldToMatch"],
                                                          f"{p}.FieldToMatch"),
                             transforms=parse_transforms(spec["TextTransformations"],
                                                         f"{p}.TextTransformations"),
                             text=arn, patterns=self.regex_sets[arn])  # fmt: skip
        if kind == "SizeConstraintStatement":
            f.obj(spec, p, allowed=("FieldToMatch", "ComparisonOperator", "Size",
                                    "TextTransformations"),
                  required=("FieldToMatch", "ComparisonOperator", "Size",
                            "TextTransformations"))  # fmt: skip
            return Statement(kind, uid, field=parse_field(spec["FieldToMatch"],
                                                          f"{p}.FieldToMatch"),
                             transforms=parse_transforms(spec["TextTransformations"],
                                                         f"{p}.TextTransformations"),
                             constraint=f.string(spec["ComparisonOperator"],
                                                 f"{p}.ComparisonOperator",
                                                 choices=("EQ", "NE", "LE", "LT", "GE", "GT")),
                             size=f.integer(spec["Size"], f"{p}.Size", low=0,
                                            high=21_474_836_480))  # fmt: skip
        if kind == "IPSetReferenceStatement":
            _no_forwarded_ip(spec, p, "IPSetForwardedIPConfig")
            f.obj(spec, p, allowed=("ARN",), required=("ARN",))
            arn = f.string(spec["ARN"], f"{p}.ARN", limit=512)
            _same_scope(arn, self.scope, f"{p}.ARN")
            if arn not in self.ip_sets:
                raise NetlabError("unknown_reference", f"{p}.ARN: no IP set {arn!r} in ip_sets",
                                  path=f"{p}.ARN")  # fmt: skip
            ranges = self.ranges.get(arn)
            if ranges is None:  # one lookup per set, whatever number of statements name it
                ranges = self.ranges[arn] = AddressRanges(self.ip_sets[arn])
            return Statement(kind, uid, text=arn, networks=self.ip_sets[arn], addresses=ranges)
        if kind == "GeoMatchStatement":
            _no_forwarded_ip(spec, p, "ForwardedIPConfig")
            f.obj(spec, p, allowed=("CountryCodes",), required=("CountryCodes",))
            codes = f.array(spec["CountryCodes"], f"{p}.CountryCodes", limit=250)
            for i, code in enumerate(codes):
                if not (isinstance(code, str) and len(code) == 2 and code.isalpha()
                        and code.isupper()):  # fmt: skip
                    raise NetlabError("invalid_value", f"{p}.CountryCodes[{i}] must be a "
                                      "two-letter ISO country code such as US",
                                      path=f"{p}.CountryCodes[{i}]")  # fmt: skip
            if not codes:
                raise NetlabError("invalid_value", f"{p}.CountryCodes is empty",
                                  path=f"{p}.CountryCodes")  # fmt: skip
            return Statement(kind, uid, countries=frozenset(codes))
        if kind == "LabelMatchStatement":
            f.obj(spec, p, allowed=("Scope", "Key"), required=("Scope", "Key"))
            scope = f.string(spec["Scope"], f"{p}.Scope", choices=("LABEL", "NAMESPACE"))
            key = f.string(spec["Key"], f"{p}.Key", limit=1024)
            if not re2.fullmatch(r"[0-9A-Za-z_\-:]+", key):
                raise NetlabError("invalid_value", f"{p}.Key may hold letters, digits, _, - "
                                  "and : only", path=f"{p}.Key")  # fmt: skip
            return Statement(kind, uid, text=key, constraint=scope, uses_labels=True)
        if kind == "RateBasedStatement":
            raise NetlabError("nested_rate_based", f"{p}: a rate-based statement must be a "
                              "rule's top-level statement; it cannot be nested", path=p)  # fmt: skip
        raise NetlabError("unsupported_statement", f"{p}: this lab does not model {kind} "
                          "(it models And/Or/Not, ByteMatch, RegexMatch, RegexPatternSetReference, "
                          "SizeConstraint, IPSetReference, GeoMatch, LabelMatch and RateBased)",
                          path=p)  # fmt: skip

    def _regex(self, raw: Any, path: str) -> re2._Regexp:
        if not isinstance(raw, str) or not raw or len(raw) > MAX_REGEX:
            raise NetlabError("invalid_value", f"{path} must be 1 to {MAX_REGEX} characters",
                              path=path)  # fmt: skip
        return self.regexes.compile(raw, path)


# An IP set's or regex pattern set's ARN names its scope: `...:global/ipset/...` for one made
# with the Global (CloudFront) scope, `...:regional/ipset/...` for one of a Region.
# (Python's `re`: a fixed pattern, linear on an ARN of at most 512 characters.)
_SET_ARN = re.compile(
    r"arn:aws[a-z-]*:wafv2:[^:]*:[^:]*:(global|regional)/(ipset|regexpatternset)/.*"
)


def _same_scope(arn: str, scope: str | None, path: str) -> None:
    """Refuse a set of the other scope than the web ACL's (the Developer Guide, creating an IP
    set: regional sets serve only web ACLs of regional resources, and a web ACL for CloudFront
    takes sets made with the Global (CloudFront) scope). A plain name says no scope."""
    found = _SET_ARN.fullmatch(arn)
    if found is None or scope is None:
        return
    kind = "IP set" if found.group(2) == "ipset" else "regex pattern set"
    if found.group(1) == "regional" and scope == "CLOUDFRONT":
        raise NetlabError("scope_mismatch", f"{path}: {arn!r} is a regional {kind}, and this web "
                          "ACL is for CloudFront (scope CLOUDFRONT), which uses only sets made "
                          f"with the Global (CloudFront) scope: their ARNs hold global/{found.group(2)}/",
                          path=path)  # fmt: skip
    if found.group(1) == "global" and scope == "REGIONAL":
        raise NetlabError("scope_mismatch", f"{path}: {arn!r} is a global (CloudFront) {kind}, "
                          "and this web ACL is regional (scope REGIONAL), which uses only sets of "
                          f"its own Region: their ARNs hold regional/{found.group(2)}/",
                          path=path)  # fmt: skip


def _no_forwarded_ip(spec: Any, path: str, key: str) -> None:
    """Refuse a forwarded-IP setting by name: a real AWS WAF field the lab does not model
    (it would otherwise be called "not a field here", or ignored)."""
    if isinstance(spec, dict) and key in spec:
        raise NetlabError("unsupported_field", f"{path}.{key}: this lab does not model "
                          "forwarded IP addresses (X-Forwarded-For); it uses the address the "
                          "request comes from, the request's ip", path=f"{path}.{key}")  # fmt: skip


def compile_regex(text: str, path: str) -> re2._Regexp:
    """RE2 (linear time, no backreferences or lookaround): no pattern can stall the server.
    Linear in the text, but not in the pattern: see `regex_passes`. RE2 logs each search whose
    DFA runs out of memory to standard error (one line a search, any visitor could fill the
    log): not here, since `regex_passes` already counts the slow path it then takes."""
    options = re2.Options()
    # A megabyte for the program and its DFA: compiling stops there (~7 ms at most; 4 MB let a
    # compile take 75 ms), and searching is counted at its slowest anyway (`regex_passes`).
    options.max_mem = 1 << 20
    options.log_errors = False
    try:
        return re2.compile(text, options)
    except re2.error as exc:
        raise NetlabError("invalid_regex", f"{path}: not a usable regular expression ({exc})",
                          path=path) from None  # fmt: skip


# What a case's regular expressions may come to, in RE2 program steps (instructions), whose
# compiling costs ~0.1-0.6 µs each: 199 statements of `(?i)\p{Greek}{999}`-like patterns (a 1.1 KB
# lab link) cost 3.0 s of CPU to compile, and as many that RE2 refuses as too large, 3.3 s just
# to refuse. A compile RE2 refuses counts as `_REFUSED_STEPS`. With `compile_regex`'s memory,
# one compile takes at most ~7 ms.
MAX_REGEX_STEPS = 50_000
_REFUSED_STEPS = 12_500


class RegexBudget:
    """Compiles one case's regular expressions within `MAX_REGEX_STEPS`, each distinct text
    once; past it, the rest are refused unread, each at its path."""

    __slots__ = ("left", "_kept")

    def __init__(self) -> None:
        self.left = MAX_REGEX_STEPS
        self._kept: dict[str, re2._Regexp] = {}

    def compile(self, text: str, path: str) -> re2._Regexp:
        found = self._kept.get(text)
        if found is not None:
            return found
        if self.left <= 0:
            raise NetlabError("too_costly", f"{path}: the case's regular expressions come to "
                              f"more than the {MAX_REGEX_STEPS:,} steps the lab compiles; use "
                              "fewer or simpler ones", path=path)  # fmt: skip
        try:
            compiled = compile_regex(text, path)
        except NetlabError:
            self.left -= _REFUSED_STEPS
            raise
        self.left -= compiled.programsize
        self._kept[text] = compiled
        return compiled


def _rule(
    raw: Any, path: str, b: _Builder, prefix: str, pb: Problems
) -> tuple[str | None, int | None, Rule | None]:
    """A rule's name, priority and the rule; each field's problem recorded in `pb` (None in
    its place), the next read."""
    f.obj(raw, path, allowed=("Name", "Priority", "Action", "Statement", "RuleLabels",
                              "VisibilityConfig", "CaptchaConfig", "ChallengeConfig"),
          required=("Name", "Priority", "Action", "Statement"))  # fmt: skip
    name = pb.attempt(_waf_name, raw["Name"], f"{path}.Name")
    priority = pb.attempt(f.integer, raw["Priority"], f"{path}.Priority", low=0,
                          high=2_000_000_000)  # fmt: skip
    action = pb.attempt(_action, raw["Action"], f"{path}.Action", ACTIONS)
    labels = pb.attempt(_labels, raw.get("RuleLabels"), f"{path}.RuleLabels", prefix, pb)
    read = pb.attempt(_rule_statement, raw["Statement"], path, b, action)
    if name is None or priority is None or action is None or labels is None or read is None:
        return name, priority, None
    statement, rate = read
    return name, priority, Rule(name, priority, action, labels, statement, rate)


def _waf_name(raw: Any, path: str) -> str:
    """A web ACL's or rule's `Name`: 1 to 128 letters, digits, _ and - (the API's pattern
    `^[\\w\\-]+$`), so "block admin" is refused as AWS WAF refuses it."""
    name = f.name(raw, path, limit=128)
    if not re2.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise NetlabError("invalid_name", f"{path}: a name in AWS WAF holds letters, digits, _ "
                          f"and - only, not spaces or other characters ({name!r})", path=path)  # fmt: skip
    return name


def _labels(raw: Any, path: str, prefix: str, pb: Problems) -> tuple[str, ...] | None:
    """A rule's `RuleLabels`, fully qualified; None when one is refused (recorded in `pb`)."""
    labels: list[str] = []
    refused = False
    for i, item in enumerate(f.array(raw, path, limit=10)):
        label = pb.attempt(_label, item, f"{path}[{i}]")
        refused = refused or label is None
        labels.append(prefix + (label or ""))
    return None if refused else tuple(labels)


def _label(item: Any, lp: str) -> str:
    """A rule's label as the Developer Guide's label requirements allow it: up to five
    namespaces and a name, each of at most 128 characters and none a word AWS WAF reserves."""
    f.obj(item, lp, allowed=("Name",), required=("Name",))
    label = f.string(item["Name"], f"{lp}.Name", limit=1024)
    if not re2.fullmatch(r"[0-9A-Za-z_\-:]+", label) or label.startswith(":") \
            or label.endswith(":") or "::" in label:  # fmt: skip
        raise NetlabError("invalid_label", f"{lp}.Name: a label is names separated by single "
                          "colons, of letters, digits, _ and -", path=f"{lp}.Name")  # fmt: skip
    parts = label.split(":")
    if len(parts) > LABEL_NAMESPACES + 1:
        raise NetlabError("invalid_label", f"{lp}.Name: a label has at most {LABEL_NAMESPACES} "
                          f"namespaces before its name, not {len(parts) - 1}", path=f"{lp}.Name")  # fmt: skip
    for part in parts:
        if len(part) > LABEL_PART:
            raise NetlabError("invalid_label", f"{lp}.Name: each namespace or name of a label "
                              f"has at most {LABEL_PART} characters, and one here has "
                              f"{len(part)}", path=f"{lp}.Name")  # fmt: skip
        if part in RESERVED_LABEL_WORDS:
            raise NetlabError("invalid_label", f"{lp}.Name: {part!r} is reserved by AWS WAF "
                              f"({', '.join(RESERVED_LABEL_WORDS)}) and cannot be a namespace "
                              "or name of your label", path=f"{lp}.Name")  # fmt: skip
    return label


def _rule_statement(
    st_raw: Any, path: str, b: _Builder, action: str | None
) -> tuple[Statement | None, RateLimit | None]:
    """A rule's statement, or its rate-based limit (`action`: the rule's, None if refused)."""
    sp = f"{path}.Statement"
    if isinstance(st_raw, dict) and "RateBasedStatement" in st_raw:
        if len(st_raw) != 1:
            raise NetlabError("invalid_statement", f"{sp} must hold exactly one statement",
                              path=sp)  # fmt: skip
        rp = f"{sp}.RateBasedStatement"
        spec = f.obj(st_raw["RateBasedStatement"], rp,
                     allowed=("Limit", "EvaluationWindowSec", "AggregateKeyType",
                              "ScopeDownStatement", "ForwardedIPConfig", "CustomKeys"),
                     required=("Limit",))  # fmt: skip
        if action == "Allow":
            raise NetlabError("invalid_action", f"{path}.Action: a rate-based rule can use any "
                              "action except Allow", path=f"{path}.Action")  # fmt: skip
        aggregate = f.string(spec.get("AggregateKeyType", "IP"), f"{rp}.AggregateKeyType",
                             choices=("IP", "CONSTANT", "FORWARDED_IP", "CUSTOM_KEYS"))  # fmt: skip
        if aggregate in ("FORWARDED_IP", "CUSTOM_KEYS"):
            raise NetlabError("unsupported_aggregation", f"{rp}.AggregateKeyType: this lab "
                              "aggregates by IP or CONSTANT only", path=f"{rp}.AggregateKeyType")  # fmt: skip
        _no_forwarded_ip(spec, rp, "ForwardedIPConfig")
        if "CustomKeys" in spec:  # read only with CUSTOM_KEYS, which is refused above
            raise NetlabError("unsupported_field", f"{rp}.CustomKeys: this lab aggregates by IP "
                              "or CONSTANT only, so it has no custom keys",
                              path=f"{rp}.CustomKeys")  # fmt: skip
        scope_down = None
        b.count += 1
        if "ScopeDownStatement" in spec:
            scope_down = b.statement(spec["ScopeDownStatement"], f"{rp}.ScopeDownStatement", 2)
        elif aggregate == "CONSTANT":
            raise NetlabError("missing_field", f"{rp}.ScopeDownStatement is required when "
                              "AggregateKeyType is CONSTANT", path=f"{rp}.ScopeDownStatement")  # fmt: skip
        rate = RateLimit(
            f.integer(spec["Limit"], f"{rp}.Limit", low=10, high=2_000_000_000),
            # any whole number first, so 30 is refused as "not one of the four windows" like 90
            f.integer(
                spec.get("EvaluationWindowSec", 300), f"{rp}.EvaluationWindowSec", low=0, high=2**31
            ),  # fmt: skip
            aggregate,
            scope_down,
        )
        if rate.window not in (60, 120, 300, 600):
            raise NetlabError("invalid_value", f"{rp}.EvaluationWindowSec must be 60, 120, 300 "
                              "or 600", path=f"{rp}.EvaluationWindowSec")  # fmt: skip
        return None, rate
    return b.statement(st_raw, sp, top=True), None


def _action(raw: Any, path: str, choices: tuple[str, ...]) -> str:
    """`{"Block": {}}` as in AWS's JSON, or simply `"Block"`."""
    if isinstance(raw, dict):
        if len(raw) != 1:
            raise NetlabError("invalid_action", f"{path} names exactly one action", path=path)
        name, spec = next(iter(raw.items()))
        if not isinstance(spec, dict):
            raise NetlabError(
                "invalid_action", f"{f.join(path, name)} must be an object", path=path
            )
    else:
        name = raw
    return f.string(name, path, choices=choices)


def parse_ip_sets(raw: Any, path: str = "ip_sets", *, problems: Problems | None = None) -> IpSets:
    """IP sets by ARN or name. With `problems`, each address's problem is recorded there and
    the sets are returned as far as they read; without, a NetlabError names them all."""
    if problems is None:
        with Problems() as pb:
            return _ip_sets(raw, path, pb)
    return _ip_sets(raw, path, problems)


def _ip_sets(raw: Any, path: str, problems: Problems) -> IpSets:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > 20:
        raise NetlabError("invalid_type", f"{path} must be an object of at most 20 IP sets "
                          "(ARN or name → list of CIDR blocks)", path=path)  # fmt: skip
    out: IpSets = {}
    for key, value in raw.items():
        # A set refused whole is kept empty: a rule naming it is not refused for that too.
        out[key] = problems.attempt(_ip_set, value, f.join(path, key), problems) or ()
    return out


def _ip_set(
    value: Any, p: str, pb: Problems
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """An IP set's blocks, all of one IP version: AWS WAF's IP set has one `IPAddressVersion`
    (IPV4 or IPV6; the API reference, CreateIPSet). Given as a plain list, or without the
    version, its first block sets it."""
    version, said = None, ""
    if isinstance(value, dict):
        f.obj(value, p, allowed=("Addresses", "IPAddressVersion"), required=("Addresses",))
        if "IPAddressVersion" in value:
            name = f.string(value["IPAddressVersion"], f"{p}.IPAddressVersion",
                            choices=("IPV4", "IPV6"))  # fmt: skip
            version, said = int(name[-1]), f"its IPAddressVersion is {name}"
        value = value["Addresses"]
    items = f.array(value, p, limit=MAX_ADDRESSES, what="addresses")
    blocks = []
    for i, item in enumerate(items):
        block = pb.attempt(_ip_network, item, f"{p}[{i}]")
        if block is None:
            continue
        if version is None:
            version, said = block.version, f"its first block, {block}, is IPv{block.version}"
        if pb.attempt(_of_version, block, version, said, f"{p}[{i}]") is not None:
            blocks.append(block)
    return tuple(blocks)


def _of_version(
    block: ipaddress.IPv4Network | ipaddress.IPv6Network, version: int, said: str, path: str
) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    if block.version != version:
        raise NetlabError(
            "mixed_ip_versions",
            f"{path}: {block} is an IPv{block.version} block, and this IP set is IPv{version} "
            f"({said}): an AWS WAF IP set holds addresses of one IP version. Put the "
            f"IPv{block.version} blocks in a set of their own, and match either set with an "
            "OrStatement",
            path=path,
        )
    return block


def _ip_network(item: Any, path: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    text = f.string(item, path, limit=64)
    f.cidr_notation(text, path)
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):  # the same words as a network ACL's CIDR
            meant = ipaddress.ip_network(text, strict=False)
            raise NetlabError("invalid_cidr", f"{path}: {text!r} has host bits set "
                              f"(did you mean {meant}?)", path=path) from None  # fmt: skip
        raise NetlabError("invalid_cidr", f"{path}: {text!r} is not a CIDR block "
                          "(an IP set lists addresses like 192.0.2.44/32)", path=path) from None  # fmt: skip
    if network.prefixlen == 0:  # AWS WAF's IPSet takes every CIDR range but /0
        raise NetlabError("invalid_cidr", f"{path}: {text!r} is every address, which "
                          "AWS WAF does not accept in an IP set (every range but /0); "
                          "a rule meant for every request needs no IP set", path=path)  # fmt: skip
    return network


def parse_regex_sets(
    raw: Any,
    path: str = "regex_pattern_sets",
    *,
    problems: Problems | None = None,
    regexes: RegexBudget | None = None,
) -> RegexSets:
    """Regex pattern sets by ARN or name; `problems` as for `parse_ip_sets`; `regexes`: the
    case's budget for compiling (its own when None)."""
    regexes = regexes or RegexBudget()
    if problems is None:
        with Problems() as pb:
            return _regex_sets(raw, path, pb, regexes)
    return _regex_sets(raw, path, problems, regexes)


def _regex_sets(raw: Any, path: str, problems: Problems, regexes: RegexBudget) -> RegexSets:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > 10:
        raise NetlabError("invalid_type", f"{path} must be an object of at most 10 regex "
                          "pattern sets (ARN or name → list of regular expressions)", path=path)  # fmt: skip
    out: RegexSets = {}
    for key, value in raw.items():
        out[key] = problems.attempt(_regex_set, value, f.join(path, key), problems, regexes) or ()
    return out


def _regex_set(value: Any, p: str, pb: Problems, regexes: RegexBudget) -> tuple[re2._Regexp, ...]:
    items = f.array(value, p, limit=MAX_PATTERNS, what="patterns")
    return tuple(r for r in (pb.attempt(_pattern, item, f"{p}[{i}]", regexes)
                             for i, item in enumerate(items)) if r is not None)  # fmt: skip


def _pattern(item: Any, path: str, regexes: RegexBudget) -> re2._Regexp:
    if not isinstance(item, str) or not item or len(item) > 200:
        raise NetlabError("invalid_value", f"{path} must be 1 to 200 characters", path=path)
    return regexes.compile(item, path)


def parse_web_acl(raw: Any, path: str = "web_acl", *, ip_sets: IpSets | None = None,
                  regex_sets: RegexSets | None = None,
                  problems: Problems | None = None,
                  regexes: RegexBudget | None = None,
                  resource_scope: str | None = None) -> WebAcl:  # fmt: skip
    """A web ACL. Each rule is read on its own, so a NetlabError names every rule's problems
    (`errors.Problems`); with `problems`, they are recorded there instead. `regexes`: the
    case's budget for compiling (its own when None). `resource_scope`: the scope of the
    resource it protects, which its sets' ARNs must have when it gives no `Scope`."""
    regexes = regexes or RegexBudget()
    if problems is None:
        with Problems() as pb:
            return _web_acl(raw, path, ip_sets or {}, regex_sets or {}, pb, regexes,
                            resource_scope)  # fmt: skip
    return _web_acl(raw, path, ip_sets or {}, regex_sets or {}, problems, regexes,
                    resource_scope)  # fmt: skip


def _web_acl(raw: Any, path: str, ip_sets: IpSets, regex_sets: RegexSets, pb: Problems,
             regexes: RegexBudget, resource_scope: str | None = None) -> WebAcl:  # fmt: skip
    f.obj(raw, path, allowed=("Name", "DefaultAction", "Rules", "Scope", "VisibilityConfig",
                              "Description", "CaptchaConfig", "ChallengeConfig"),
          required=("DefaultAction",))  # fmt: skip
    name = pb.attempt(_waf_name, raw.get("Name", "web-acl"), f"{path}.Name") or "web-acl"
    default = pb.attempt(_action, raw["DefaultAction"], f"{path}.DefaultAction",
                         ("Allow", "Block")) or "Allow"  # fmt: skip
    scope = None
    if "Scope" in raw:
        scope = pb.attempt(f.string, raw["Scope"], f"{path}.Scope",
                           choices=("CLOUDFRONT", "REGIONAL"))  # fmt: skip
    prefix = f"awswaf:{ACCOUNT}:webacl:{name}:"
    b = _Builder(ip_sets, regex_sets, pb, regexes, scope or resource_scope)
    rules = []
    names: set[str] = set()
    priorities: set[int] = set()
    for i, item in enumerate(f.array(raw.get("Rules"), f"{path}.Rules", limit=MAX_RULES,
                                     what="rules")):  # fmt: skip
        read = pb.attempt(_rule, item, f"{path}.Rules[{i}]", b, prefix, pb)
        if read is None:
            continue
        rule_name, priority, rule = read
        if rule_name in names:
            pb.add(NetlabError("duplicate_name", f"{path}.Rules[{i}].Name: {rule_name!r} is "
                               "used twice", path=f"{path}.Rules[{i}].Name"))  # fmt: skip
        if priority in priorities:
            pb.add(NetlabError("duplicate_priority", f"{path}.Rules[{i}].Priority: two rules "
                               f"have priority {priority}", path=f"{path}.Rules[{i}].Priority"))  # fmt: skip
        names.update(filter(None, [rule_name]))
        priorities.update(p for p in [priority] if p is not None)
        if rule is not None:
            rules.append(rule)
    return WebAcl(name, default, tuple(sorted(rules, key=lambda r: r.priority)), scope, prefix)


def parse_waf_rules(case: dict[str, Any], problems: Problems | None = None) -> WebAcl:
    """A WAF case's web ACL, read with its IP sets and regex pattern sets: one NetlabError names
    the problems of all three (or, with `problems`, they are recorded there)."""
    if problems is None:
        with Problems() as pb:
            return parse_waf_rules(case, pb)
    ip_sets = parse_ip_sets(case.get("ip_sets"), problems=problems)
    regexes = RegexBudget()  # one for the sets' patterns and the statements'
    regex_sets = parse_regex_sets(case.get("regex_pattern_sets"), problems=problems,
                                  regexes=regexes)  # fmt: skip
    resource = case.get("resource", "ALB")
    scope = RESOURCES[resource][0] if isinstance(resource, str) and resource in RESOURCES else None
    return parse_web_acl(case.get("web_acl"), ip_sets=ip_sets, regex_sets=regex_sets,
                         problems=problems, regexes=regexes, resource_scope=scope)  # fmt: skip


# --- requests -------------------------------------------------------------------------------


@fast_init  # built once per request: half the cost of the dataclass's own __init__
@dataclass(frozen=True, slots=True)
class WafRequest:
    template: int
    time: float
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address
    country: str | None
    method: str
    uri: str
    query: str
    headers: tuple[tuple[str, str], ...]  # names lower-cased
    body: str
    captcha_token: str
    challenge_token: str


_REQUEST_FIELDS = ("ip", "country", "method", "uri", "query", "headers", "body", "captcha_token",
                   "challenge_token", "time", "repeat", "every", "note")  # fmt: skip


def _text(raw: Any, path: str, default: str, limit: int) -> str:
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise NetlabError("invalid_type", f"{path} must be a string", path=path)
    if len(raw) > limit:
        raise NetlabError("too_long", f"{path} is {len(raw):,} characters; at most {limit:,}",
                          path=path)  # fmt: skip
    return raw


def _headers(raw: Any, path: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list):
        items = []
        for i, pair in enumerate(raw):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise NetlabError("invalid_type", f"{path}[{i}] must be a [name, value] pair",
                                  path=f"{path}[{i}]")  # fmt: skip
            items.append((pair[0], pair[1]))
    else:
        raise NetlabError("invalid_type", f"{path} must be an object or a list of [name, value]",
                          path=path)  # fmt: skip
    if len(items) > MAX_HEADERS:
        raise NetlabError("too_many", f"{path} has {len(items)} headers; at most {MAX_HEADERS}",
                          path=path)  # fmt: skip
    out = []
    for name, value in items:
        name = f.string(name, f.join(path, str(name)), limit=256)
        out.append((name.lower(), _text(value, f.join(path, name), "", MAX_TEXT)))
    return tuple(out)


def parse_requests(
    raw_list: list[Any],
    path: str = "requests",
    *,
    single: bool = False,
    problems: Problems | None = None,
) -> list[WafRequest]:
    """Expand `repeat`/`every`, then order by time (stable): index i is the i-th to arrive.
    `single`: the list wraps a case's one `request`, so errors name `request.ip`, the field
    as written, not `request[0].ip`. Each request, and each of its fields, is read on its own,
    so a NetlabError names every request's problems (`errors.Problems`); with `problems`, they
    are recorded there instead (and what was read is returned)."""
    if problems is None:
        with Problems() as pb:
            return _requests(raw_list, path, single, pb)
    return _requests(raw_list, path, single, problems)


def _requests(raw_list: Any, path: str, single: bool, pb: Problems) -> list[WafRequest]:
    templates = f.array(raw_list, path, limit=MAX_TEMPLATES, what="requests")
    if not templates:
        raise NetlabError("missing_field", f"{path} holds no request", path=path)
    out: list[WafRequest] = []
    clock = 0.0
    count = 0  # requests the rows read so far expand to, those refused for another problem too
    for i, raw in enumerate(templates):
        p = path if single else f"{path}[{i}]"
        read = pb.attempt(_request, raw, p, clock, pb)
        if read is None:
            continue
        parts, time, repeat, every = read
        if count <= MAX_REQUESTS < count + repeat:  # said once, at the row that goes over
            pb.add(NetlabError("too_many", f"{p}.repeat: the sequence would hold more than "
                               f"{MAX_REQUESTS:,} requests", path=f"{p}.repeat"))  # fmt: skip
        count += repeat
        clock = time + (repeat - 1) * every
        if parts is None or pb:
            continue  # the case is refused: its other rows are still read, none expanded
        for k in range(repeat):
            out.append(WafRequest(i, round(time + k * every, 6), *parts))
    out.sort(key=lambda r: r.time)
    return out


# What a request holds after its template and time: ip, country, method, uri, query, headers,
# body, captcha_token, challenge_token (`WafRequest`'s fields in order).
_Parts = tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, str | None, str, str, str,
               tuple[tuple[str, str], ...], str, str, str]  # fmt: skip


def _request(
    raw: Any, p: str, clock: float, pb: Problems
) -> tuple[_Parts | None, float, int, float] | None:
    """One row of `requests`: what each of its requests holds after its time (None when a
    field is refused), and its time, repeat and spacing, which place the rows after it; None
    when those are refused too. Each field's problem is recorded in `pb`, in the order the
    lab's form shows the fields."""
    if not isinstance(raw, dict):
        f.obj(raw, p, allowed=_REQUEST_FIELDS)  # raises: what a request must be
    before = pb.total
    pb.attempt(f.obj, raw, p, allowed=_REQUEST_FIELDS, required=("ip",))
    ip = pb.attempt(_ip, raw["ip"], f"{p}.ip") if "ip" in raw else None
    country = pb.attempt(_country, raw.get("country"), f"{p}.country")
    method = pb.attempt(_method, raw.get("method", "GET"), f"{p}.method")
    uri = pb.attempt(_text, raw.get("uri"), f"{p}.uri", "/", MAX_TEXT)
    query = pb.attempt(_text, raw.get("query"), f"{p}.query", "", MAX_TEXT)
    headers = pb.attempt(_headers, raw.get("headers"), f"{p}.headers")
    captcha_token = pb.attempt(f.string, raw.get("captcha_token", "missing"),
                               f"{p}.captcha_token", choices=TOKEN_STATES)  # fmt: skip
    time = pb.attempt(f.number, raw.get("time", clock), f"{p}.time", low=0, high=MAX_TIME)
    repeat = pb.attempt(f.integer, raw.get("repeat", 1), f"{p}.repeat", low=1,
                        high=MAX_REQUESTS)  # fmt: skip
    every = pb.attempt(f.number, raw.get("every", 0.1), f"{p}.every", low=0, high=MAX_EVERY)
    body = pb.attempt(_text, raw.get("body"), f"{p}.body", "", MAX_BODY)
    challenge_token = pb.attempt(f.string, raw.get("challenge_token", "missing"),
                                 f"{p}.challenge_token", choices=TOKEN_STATES)  # fmt: skip
    if time is None or repeat is None or every is None:
        return None
    if pb.total > before or ip is None or method is None or uri is None or query is None \
            or headers is None or body is None or captcha_token is None \
            or challenge_token is None:  # fmt: skip
        return None, time, repeat, every
    if "?" in uri and "query" not in raw:
        uri, _, query = uri.partition("?")
    parts = (ip, country, method, uri, query, headers, body, captcha_token,
             challenge_token)  # fmt: skip
    return parts, time, repeat, every


def _ip(raw: Any, path: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip_text = f.string(raw, path, limit=64)
    try:
        return ipaddress.ip_address(ip_text)
    except ValueError:
        raise NetlabError("invalid_address", f"{path}: {ip_text!r} is not an IP address",
                          path=path) from None  # fmt: skip


# RFC 9110's token: the characters an HTTP method may hold.
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _method(raw: Any, path: str) -> str:
    """The method as the client sent it. HTTP methods are case-sensitive (RFC 9110, 9.1) and
    AWS WAF inspects the one sent, so `post` is kept as typed: a rule for `POST` does not match
    it unless a LOWERCASE transformation (and a lower-case search string) says so."""
    method = f.string(raw, path, limit=16)
    if not _METHOD.fullmatch(method):
        raise NetlabError("invalid_value", f"{path} must be an HTTP method, one word such as GET or "
                          f"POST, not {method!r}", path=path)  # fmt: skip
    return method


def _country(raw: Any, path: str) -> str | None:
    if raw is None:
        return None
    country = f.string(raw, path, limit=2)
    if len(country) != 2 or not country.isalpha():
        raise NetlabError("invalid_value", f"{path} must be a two-letter code", path=path)
    return country.upper()


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: str
    action: str
    terminating: bool
    note: str = ""


@fast_init  # built once per request: half the cost of the dataclass's own __init__
@dataclass(frozen=True, slots=True)
class WafDecision:
    index: int
    time: float
    ip: str
    action: str  # Allow | Block | CAPTCHA | Challenge
    rule: str  # the terminating rule's name, or "Default_Action"
    labels: tuple[str, ...]
    matches: tuple[RuleMatch, ...]
    status: int | None  # the HTTP status WAF answers with; None when the request goes through
    rate_counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "time": self.time,
            "ip": self.ip,
            "action": self.action,
            "rule": self.rule,
            "labels": list(self.labels),
            "matches": [
                {"rule": m.rule, "action": m.action, "terminating": m.terminating, "note": m.note}
                for m in self.matches
            ],
            "status": self.status,
            "rate_counts": dict(self.rate_counts),
        }


@dataclass(frozen=True, slots=True)
class WafResult:
    attachable: bool
    reason: str
    decisions: tuple[WafDecision, ...]
    body_limit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "attachable": self.attachable,
            "reason": self.reason,
            "body_limit": self.body_limit,
            "decisions": [d.to_dict() for d in self.decisions],
        }


def check_attachment(resource: str, scope: str | None) -> tuple[bool, str]:
    """Whether a web ACL (of `scope`, if known) can be associated with `resource`."""
    if resource in NOT_PROTECTABLE:
        return False, NOT_PROTECTABLE[resource]
    needed, _ = RESOURCES[resource]
    if scope is not None and scope != needed:
        where = ("a global (CLOUDFRONT) web ACL, created in US East (N. Virginia)"
                 if needed == "CLOUDFRONT" else "a REGIONAL web ACL in the resource's Region")  # fmt: skip
        return False, f"{resource} needs {where}; this web ACL's scope is {scope}"
    return True, f"a web ACL can protect {resource}"


@dataclass(slots=True)
class _Window:
    """The arrival times one rate-based rule counts for one aggregation key, and where its
    current window starts in them."""

    times: list[float]
    start: int


@dataclass(slots=True)
class _Client:
    """One client address as the evaluation sees it: its text and its rate windows by rule."""

    text: str
    windows: dict[str, _Window]


class _Evaluator:
    def __init__(self, acl: WebAcl, body_limit: int, delay: float) -> None:
        self.acl = acl
        self.body_limit = body_limit
        self.delay = delay
        # (request template, statement, the labels so far when the statement reads them, by
        # their number in `labels`) → result
        self.memo: dict[tuple[int, int, int], bool] = {}
        label_matches = [
            (st.uid, st.constraint, st.text)
            for rule in acl.rules
            for st in _all_statements(rule.statement if rule.rate is None else rule.rate.scope_down)
            if st.kind == "LabelMatchStatement"
        ]
        self.labels = LabelIndex(label_matches, acl.label_prefix)
        # (request template, component, transformations) → the values a statement inspects
        self.texts: dict[tuple[int, Field, tuple[str, ...]], list[str] | None] = {}
        # Each client address, looked up once per request: its text (each decision names it;
        # str() of an address costs ~3 µs) and its rate windows by rule name. An address hashes
        # in Python (~0.6 µs), so a burst under 20 rate-based rules hashed it 21 times a request.
        self.clients: dict[object, _Client] = {}
        # The windows of rules that aggregate every request together (`CONSTANT`).
        self.everyone: dict[str, _Window] = {}
        # A rule's match record is immutable and the same each time the rule acts the same way:
        # made once (a flood under Count rules made ~1 µs of them per rule per request).
        self.rule_matches: dict[tuple[str, str, bool, str], RuleMatch] = {}
        # Rules holding a geo match statement: each labels every request it evaluates with
        # the client's country, match or not (`GEO_LABEL`).
        self.geo_rules = frozenset(
            r.name for r in acl.rules
            if _has_geo(r.statement if r.rate is None else r.rate.scope_down)
        )  # fmt: skip

    # -- components
    def values(self, fld: Field, req: WafRequest) -> list[str] | None:
        """The component's values (None: the component is missing)."""
        if fld.kind == "UriPath":
            return [req.uri]
        if fld.kind == "QueryString":
            return [req.query]
        if fld.kind == "Method":
            return [req.method]
        if fld.kind == "SingleHeader":
            found = [v for n, v in req.headers if n == fld.name]
            return found[:1] or None
        if fld.kind == "SingleQueryArgument":
            # a name given twice: every value is inspected, and any one matching is a match
            return [v for n, v in query_pairs(req.query) if n == fld.name] or None
        if fld.kind == "AllQueryArguments":
            return [v for _, v in query_pairs(req.query)] or None
        data = req.body.encode("utf-8")
        return [data[: self.body_limit].decode("utf-8", "ignore")]

    def oversize(self, fld: Field, req: WafRequest) -> bool | None:
        """MATCH/NO_MATCH for a body over the limit; None: inspect normally."""
        if fld.kind != "Body" or len(req.body.encode("utf-8")) <= self.body_limit:
            return None
        return {"MATCH": True, "NO_MATCH": False}.get(fld.oversize)

    def matches(self, st: Statement, req: WafRequest, labels: _Labels) -> bool:
        key = (req.template, st.uid, labels.node if st.uses_labels else 0)
        hit = self.memo.get(key)
        if hit is None:
            hit = self._matches(st, req, labels)
            self.memo[key] = hit
        return hit

    def _matches(self, st: Statement, req: WafRequest, labels: _Labels) -> bool:
        kind = st.kind
        if kind == "AndStatement":
            return all(self.matches(c, req, labels) for c in st.children)
        if kind == "OrStatement":
            return any(self.matches(c, req, labels) for c in st.children)
        if kind == "NotStatement":
            return not self.matches(st.children[0], req, labels)
        if kind == "IPSetReferenceStatement":
            assert st.addresses is not None  # the builder makes them with the statement
            return req.ip in st.addresses
        if kind == "GeoMatchStatement":
            return req.country is not None and req.country in st.countries
        if kind == "LabelMatchStatement":
            return st.uid in labels.matched
        fld = st.field
        assert fld is not None  # every other kind of statement inspects a request component
        fixed = self.oversize(fld, req)
        if fixed is not None:
            return fixed
        vkey = (req.template, fld, st.transforms)
        values: list[str] | None
        if vkey in self.texts:
            values = self.texts[vkey]
        else:
            raw = self.values(fld, req)
            values = None if raw is None else [transform(v, st.transforms) for v in raw]
            self.texts[vkey] = values
        if values is None:
            return False
        for value in values:
            if kind == "ByteMatchStatement" and _byte_match(st, value):
                return True
            if kind in ("RegexMatchStatement", "RegexPatternSetReferenceStatement") and any(
                p.search(value) for p in st.patterns
            ):
                return True
            if kind == "SizeConstraintStatement" and _compare(
                len(value.encode("utf-8")), st.constraint, st.size
            ):
                return True
        return False

    # -- rate-based rules
    def client(self, req: WafRequest) -> _Client:
        found = self.clients.get(req.ip)
        if found is None:
            found = self.clients[req.ip] = _Client(str(req.ip), {})
        return found

    def rate_count(self, rule: Rule, req: WafRequest, client: _Client) -> int:
        """Requests of this aggregation instance in the window ending `delay` seconds ago
        (times arrive in order, so a start pointer and a bisection keep this O(log n))."""
        rate = rule.rate
        assert rate is not None  # only rate-based rules are counted
        windows = client.windows if rate.aggregate == "IP" else self.everyone
        slot = windows.get(rule.name)
        if slot is None:
            slot = windows[rule.name] = _Window([], 0)
        times = slot.times
        times.append(req.time)
        horizon = req.time - self.delay  # the moment the estimate reflects
        start = bisect_right(times, horizon - rate.window, lo=slot.start)
        slot.start = start
        return bisect_right(times, horizon, lo=start) - start

    def rule_match(self, rule: str, action: str, terminating: bool, note: str = "") -> RuleMatch:
        key = (rule, action, terminating, note)
        found = self.rule_matches.get(key)
        if found is None:
            found = self.rule_matches[key] = RuleMatch(rule, action, terminating, note)
        return found

    def decide(self, index: int, req: WafRequest) -> WafDecision:
        labels = _Labels(self.labels)
        matches: list[RuleMatch] = []
        counts: dict[str, int] = {}
        client = self.client(req)
        for rule in self.acl.rules:
            if rule.rate is not None:
                rate = rule.rate
                hit = rate.scope_down is None or self.matches(rate.scope_down, req, labels)
                if hit:  # only requests in scope are counted
                    counts[rule.name] = count = self.rate_count(rule, req, client)
                    hit = count > rate.limit
            else:
                statement = rule.statement
                assert statement is not None  # a rule is either rate-based or has a statement
                hit = self.matches(statement, req, labels)
            if rule.name in self.geo_rules:  # added at the end of the rule's evaluation
                geo = GEO_LABEL + (req.country or "XX")
                labels.add(geo)
            if not hit:
                continue
            if rule.labels:
                labels.add(*rule.labels)
            action = rule.action
            if action == "Count":
                matches.append(self.rule_match(rule.name, "Count", False))
                continue
            if action in ("CAPTCHA", "Challenge"):
                state = req.captcha_token if action == "CAPTCHA" else req.challenge_token
                if state == "valid":
                    matches.append(
                        self.rule_match(rule.name, action, False, "valid token: counted")
                    )
                    continue
                matches.append(self.rule_match(rule.name, action, True, f"{state} token"))
                return self._done(index, req, client, action, rule.name, labels, matches, counts)
            matches.append(self.rule_match(rule.name, action, True))
            return self._done(index, req, client, action, rule.name, labels, matches, counts)
        return self._done(index, req, client, self.acl.default_action, "Default_Action", labels,
                          matches, counts)  # fmt: skip

    def _done(self, index: int, req: WafRequest, client: _Client, action: str, rule: str,
              labels: _Labels, matches: list[RuleMatch],
              counts: dict[str, int]) -> WafDecision:  # fmt: skip
        return WafDecision(index, req.time, client.text, action, rule, tuple(labels.items),
                           tuple(matches), TERMINAL_STATUS.get(action), counts)  # fmt: skip


def _byte_match(st: Statement, value: str) -> bool:
    constraint, search = st.constraint, st.text
    if constraint == "EXACTLY":
        return value == search
    if constraint == "STARTS_WITH":
        return value.startswith(search)
    if constraint == "ENDS_WITH":
        return value.endswith(search)
    if constraint == "CONTAINS":
        return search in value
    # CONTAINS_WORD: the string, with no letter, digit or _ on either side: A-Z, a-z, 0-9 or _
    # are the Developer Guide's word characters (an "é" is not one). The pattern says so.
    return st.patterns[0].search(value) is not None


def _compare(size: int, op: str, limit: int) -> bool:
    return {
        "EQ": size == limit,
        "NE": size != limit,
        "LE": size <= limit,
        "LT": size < limit,
        "GE": size >= limit,
        "GT": size > limit,
    }[op]


class LabelIndex:
    """Which label match statements of a web ACL each label satisfies, worked out once a label
    (a label can only come from a rule's `RuleLabels` or a country, so there are at most a few
    hundred) from its component suffixes (what LABEL scope matches) and runs of whole namespace
    components (NAMESPACE), as written and, for this web ACL's own, without its prefix. Asking
    every label in turn for every statement (`_label_matches`, ~1 µs each in Python) cost 14 s
    of CPU for 150 label match statements after 49 rules of 10 labels each, over 200 requests
    (a 3.8 KB lab link). Also numbers each sequence of labels a request gathers (a trie), the
    key the per-request memo keeps results by, instead of the whole sequence."""

    __slots__ = ("_prefix", "_wanted", "_satisfied", "_trie")

    def __init__(self, statements: Iterable[tuple[int, str, str]], prefix: str) -> None:
        self._prefix = prefix
        # (as written or own, what is looked up, its text) → the statements (uids) wanting it
        self._wanted: dict[tuple[int, str, str], list[int]] = {}
        for uid, scope, key in statements:
            which = 0 if key.startswith("awswaf:") else 1
            if scope == "LABEL":
                self._wanted.setdefault((which, "suffix", key), []).append(uid)
            else:
                want = ":".join(p for p in key.split(":") if p)
                self._wanted.setdefault((which, "run" if want else "any", want), []).append(uid)
        self._satisfied: dict[str, frozenset[int]] = {}
        self._trie: dict[
            tuple[int, tuple[str, ...]], tuple[int, tuple[str, ...], frozenset[int]]
        ] = {}

    def satisfied(self, label: str) -> frozenset[int]:
        """The label match statements `label` satisfies."""
        found = self._satisfied.get(label)
        if found is None:
            uids: set[int] = set()
            for which, text in ((0, label), (1, label[len(self._prefix) :])):
                if which and not label.startswith(self._prefix):
                    continue
                parts = text.split(":")
                looked = [(which, "any", "")]
                looked += [
                    (which, "suffix", ":".join(parts[-n:])) for n in range(1, len(parts) + 1)
                ]
                spaces = parts[:-1]
                looked += [
                    (which, "run", ":".join(spaces[i:j]))
                    for i in range(len(spaces))
                    for j in range(i + 1, len(spaces) + 1)
                ]
                for where in looked:
                    uids.update(self._wanted.get(where, ()))
            found = self._satisfied[label] = frozenset(uids)
        return found

    def step(
        self, node: int, labels: tuple[str, ...], seen: set[str]
    ) -> tuple[int, tuple[str, ...], frozenset[int]]:
        """What adding `labels` to the sequence numbered `node` (whose labels are `seen`) gives:
        the new sequence's number, the labels not there yet, and the statements they satisfy.
        Worked out once for each sequence and rule, so a burst pays a lookup a rule."""
        key = (node, labels)
        found = self._trie.get(key)
        if found is None:
            new = tuple(dict.fromkeys(x for x in labels if x not in seen))
            satisfied = frozenset().union(*(self.satisfied(x) for x in new))
            found = self._trie[key] = (len(self._trie) + 1 if new else node, new, satisfied)
        return found


class _Labels:
    """A request's labels so far, in the order they were added; the label match statements they
    satisfy (`LabelIndex`), and the number of their sequence."""

    __slots__ = ("items", "_seen", "_index", "node", "matched")

    def __init__(self, index: LabelIndex) -> None:
        self.items: list[str] = []
        self._seen: set[str] = set()
        self._index = index
        self.node = 0
        self.matched: frozenset[int] = frozenset()

    def add(self, *labels: str) -> None:
        self.node, new, satisfied = self._index.step(self.node, labels, self._seen)
        if new:
            self.items.extend(new)
            self._seen.update(new)
            if satisfied:
                self.matched |= satisfied


def _label_matches(scope: str, key: str, label: str, prefix: str) -> bool:
    """A key without the `awswaf:` prefix is looked up in this web ACL's own context; LABEL
    matches the label's last components (name and any namespaces before it), NAMESPACE any run
    of whole namespace components."""
    if not key.startswith("awswaf:"):
        if not label.startswith(prefix):
            return False
        label = label[len(prefix) :]
    parts = label.split(":")
    if scope == "LABEL":
        want = key.split(":")
        return parts[-len(want) :] == want if len(want) <= len(parts) else False
    want = [p for p in key.split(":") if p]
    spaces = parts[:-1]
    return any(spaces[i : i + len(want)] == want for i in range(len(spaces) - len(want) + 1))


def _has_geo(st: Statement | None) -> bool:
    """Whether a statement tree holds a geo match statement."""
    if st is None:
        return False
    return st.kind == "GeoMatchStatement" or any(_has_geo(c) for c in st.children)


def _all_statements(st: Statement | None) -> Iterator[Statement]:
    """Every statement in the tree."""
    if st is None:
        return
    yield st
    for child in st.children:
        yield from _all_statements(child)


def regex_passes(pattern: re2._Regexp) -> int:
    """What a regular expression's search costs a byte of text, in passes (`MAX_INSPECTED`).
    RE2 searches with a DFA, a pass or so, until its states outgrow their memory; then it steps
    every instruction of the program for each byte. `(?:[a-z]{1,50}){1,20}Q` (2,004
    instructions) took 15 µs a byte, ~7.5 ns an instruction: one such statement over a 64 KB
    body cost 0.9 s of CPU, four 3.6 s, counted as one pass each. So a pattern counts as that
    worst case, half a pass an instruction (the course's own patterns: a few dozen)."""
    return 1 + pattern.programsize // 2


def _passes(st: Statement) -> int:
    """How many times matching `st` reads its component's text, at worst."""
    if st.kind in ("RegexMatchStatement", "RegexPatternSetReferenceStatement"):
        return sum(regex_passes(p) for p in st.patterns)
    return 1  # a byte match (CONTAINS_WORD's pattern is a word between two classes), a size


def _inspecting(st: Statement | None) -> Iterator[Statement]:
    """Every statement in the tree that inspects a request component."""
    if st is None:
        return
    if st.field is not None:
        yield st
    for child in st.children:
        yield from _inspecting(child)


def _check_budget(
    acl: WebAcl, requests: list[WafRequest], body_limit: int, share: float = 1.0
) -> None:
    """Refuse, before any work, a case whose inspection would read too much text, or whose
    requests × rules would take too long (about 3 µs each on the machine this was set on).
    `share` scales both limits (a quiz question, which pages evaluate by the dozen, gets
    `QUESTION_SHARE`)."""
    steps = len(requests) * max(1, len(acl.rules))
    max_steps = int(MAX_RULE_STEPS * share)
    who = "the lab" if share >= 1 else "a quiz question"
    if steps > max_steps:
        raise NetlabError(
            "too_costly",
            f"requests: {len(requests):,} requests × {len(acl.rules)} rules is more than the "
            f"{max_steps:,} rule evaluations {who} takes; send fewer requests or use fewer rules",
            path="requests",
        )
    # Every inspecting statement, and the passes over its component that matching takes (a
    # pattern set tries each of its patterns); and each distinct component and chain of
    # transformations, made once for each request and kept (`_Evaluator.texts`).
    reads: list[tuple[Field, int]] = []
    chains: set[tuple[Field, tuple[str, ...]]] = set()
    for rule in acl.rules:
        for st in _inspecting(rule.statement if rule.rate is None else rule.rate.scope_down):
            assert st.field is not None  # `_inspecting` yields only statements that have one
            reads.append((st.field, _passes(st)))
            chains.add((st.field, st.transforms))
    costs = [(fld, transform_cost(transforms)) for fld, transforms in chains]
    firsts = {r.template: r for r in requests}
    total = 0
    for req in firsts.values():
        sizes = {
            "UriPath": len(req.uri),
            "QueryString": len(req.query),
            "SingleQueryArgument": len(req.query),
            "AllQueryArguments": len(req.query),
            "Method": len(req.method),
            "SingleHeader": max((len(v) for _, v in req.headers), default=0),
            "Body": min(len(req.body), body_limit),
        }
        total += sum(sizes[fld.kind] * passes for fld, passes in reads)
        total += sum(sizes[fld.kind] * cost for fld, cost in costs)
    max_inspected = int(MAX_INSPECTED * share)
    if total > max_inspected:
        raise NetlabError(
            "too_costly",
            f"requests: evaluating this would read about {total / 1e6:.1f} MB of request text "
            f"(each distinct request's parts, once for each statement and pattern that "
            f"inspects them, a regular expression as many times as it has steps, and again for "
            f"each transformation, URL decoding counting as several); {who} reads at most "
            f"{max_inspected / 1e6:g} MB. Use fewer distinct requests (repeat one instead), "
            "smaller bodies, simpler regular expressions, or fewer rules, statements or "
            "transformations",
            path="requests",
        )


def evaluate_waf(acl: WebAcl, requests: list[WafRequest], *, resource: str = "ALB",
                 body_limit: int | None = None, rate_detection_delay: float = 0.0,
                 share: float = 1.0) -> WafResult:  # fmt: skip
    """Evaluate `requests` (in time order) against `acl` protecting `resource` (`share`: of the
    work limits, `_check_budget`)."""
    ok, reason = check_attachment(resource, acl.scope)
    if not ok:
        return WafResult(False, reason, ())
    limit = body_limit or RESOURCES[resource][1]
    _check_budget(acl, requests, limit, share)
    ev = _Evaluator(acl, limit, rate_detection_delay)
    return WafResult(True, reason, tuple(ev.decide(i, r) for i, r in enumerate(requests)), limit)


@dataclass(frozen=True, slots=True)
class WafCase:
    """A WAF case, read: what `evaluate_waf` takes."""

    acl: WebAcl
    requests: list[WafRequest]
    resource: str
    body_limit: int | None
    delay: float


def read_waf_case(case: dict[str, Any]) -> WafCase:
    """Parse a WAF case (`FORMAT.md`). One NetlabError names the problems of all of it: the
    resource, the IP sets, regex pattern sets and web ACL (`parse_waf_rules`), every request
    and each of its fields (`parse_requests`), the body limit and the detection delay, in that
    order (at most `errors.MAX_PROBLEMS`, the rest counted)."""
    with Problems() as pb:
        resource = pb.attempt(f.string, case.get("resource", "ALB"), "resource",
                              choices=(*RESOURCES, *NOT_PROTECTABLE))  # fmt: skip
        acl = pb.attempt(parse_waf_rules, case, pb)
        requests = None
        if ("request" in case) == ("requests" in case):
            pb.add(NetlabError("missing_field", "a WAF case has either request or requests",
                               path="request"))  # fmt: skip
        elif "request" in case:
            requests = pb.attempt(parse_requests, [case["request"]], "request", single=True,
                                  problems=pb)  # fmt: skip
        else:
            requests = pb.attempt(parse_requests, case["requests"], problems=pb)
        body_limit = pb.attempt(_body_limit, case, resource)
        delay = pb.attempt(f.number, case.get("rate_detection_delay_sec", 0),
                           "rate_detection_delay_sec", low=0, high=MAX_DETECTION_DELAY)  # fmt: skip
    # Nothing was refused, so each was read.
    assert resource is not None and acl is not None and requests is not None
    assert delay is not None
    return WafCase(acl, requests, resource, body_limit, delay)


def _body_limit(case: dict[str, Any], resource: str | None) -> int | None:
    """The case's `body_inspection_limit_kb` in bytes; None: the resource's own."""
    if "body_inspection_limit_kb" not in case:
        return None
    kb = f.integer(case["body_inspection_limit_kb"], "body_inspection_limit_kb", low=16,
                   high=64)  # fmt: skip
    if kb not in (16, 32, 48, 64):
        raise NetlabError("invalid_value", "body_inspection_limit_kb must be 16, 32, 48 or "
                          "64", path="body_inspection_limit_kb")  # fmt: skip
    if resource in FIXED_BODY_LIMIT:
        raise NetlabError("not_applicable", f"body_inspection_limit_kb: {resource} inspects "
                          "a fixed 8 KB of the body", path="body_inspection_limit_kb")  # fmt: skip
    return kb * 1024


def evaluate_read_case(read: WafCase, *, share: float = 1.0) -> WafResult:
    """Evaluate a case `read_waf_case` read (`share`: of the work limits, `_check_budget`)."""
    return evaluate_waf(read.acl, read.requests, resource=read.resource,
                        body_limit=read.body_limit, rate_detection_delay=read.delay,
                        share=share)  # fmt: skip


def evaluate_waf_case(case: dict[str, Any], *, share: float = 1.0) -> WafResult:
    """Parse a WAF case (`FORMAT.md`, `read_waf_case`) and evaluate it. `share` scales the work
    limits (`_check_budget`): a quiz question gets `QUESTION_SHARE`."""
    return evaluate_read_case(read_waf_case(case), share=share)
