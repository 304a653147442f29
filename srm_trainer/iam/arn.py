"""ARNs and AWS's ARN matching (the Resource element and the Arn* condition operators).

An ARN is `arn:partition:service:region:account:resource`; the resource part may itself hold
`:` and `/`. Matching follows the IAM User Guide
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
"Using wildcards in resource ARNs", and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN):
- `*` alone matches anything, ARN or not;
- otherwise both sides are split into their six colon-delimited parts and each part is
  matched on its own, case-sensitively, so a wildcard in partition/service/region/account
  never crosses a `:` (the doc's example: `arn:aws:someservice:*:111122223333:finance/*` does
  not match `...:us-east-2:999999999999:store/abc:111122223333:finance/document.txt` with
  ArnLike, although StringLike would). The resource part is the rest of the text, so a
  wildcard there matches across `/` and `:`;
- in an identity-based policy (and a permissions boundary, a managed policy too) a pattern
  with fewer than six parts that names its service is completed with `*` in every missing
  part: "When you specify an incomplete ARN (one with fewer than the standard six fields) in an
  identity-based policy, AWS automatically completes the ARN by adding wildcard characters (*)
  to all missing fields" (IAM guide, reference-arns "Using wildcards in paths", and
  reference_identifiers "IAM ARNs"), so `arn:aws:sqs` is `arn:aws:sqs:*:*:*` (`complete_arn`);
- elsewhere (resource-based policies, SCPs, RCPs: the guide says nothing of them; a session
  policy refuses an incomplete ARN, `parser`) a pattern with fewer than six parts matches no
  ARN, unless it ends in `*`: "If the * wildcard is the last character of a resource ARN
  segment, it can expand to match beyond the colon boundaries", so `arn:aws:iam::*` takes the
  rest of the ARN, colons included. That is the engine's reading, as is matching a six-part
  pattern part by part (a `*` ending the Region part does not run on into the account), as the
  ArnLike example requires of the Arn operators; docs/evaluation-core.md says why;
- a request resource that is not an ARN (`"*"` for actions without a resource) is matched by
  `*`, or by a pattern whose wildcards match the whole text.

Policy variables in the Resource element are substituted only in the resource part ("after
the fifth colon"; the doc: "You can't use a variable to replace parts of the ARN before the
fifth colon"); a variable with no value makes the entry match nothing, reported as None.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import RequestContext
from .variables import Template, parse_template
from .wildcard import STAR, Pattern, Token, compile_pattern, compile_tokens, text_cache

__all__ = [
    "Arn",
    "ArnMatcher",
    "COMPLETING_KINDS",
    "ArnPattern",
    "compile_arn_pattern",
    "compile_arn_tokens",
    "compile_resource_pattern",
    "complete_arn",
    "is_incomplete_arn",
    "parse_arn",
    "resource_matches",
]


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


@text_cache(4096)
def parse_arn(text: str) -> Arn | None:
    """Split an ARN into its parts; None when `text` is not one (needs `arn:`, six parts,
    and a partition, a service and a resource)."""
    if not isinstance(text, str) or not text.startswith("arn:"):
        return None
    parts = text.split(":", 5)
    if len(parts) != 6:
        return None
    _, partition, service, region, account, resource = parts
    if not partition or not service or not resource:
        return None
    return Arn(partition, service, region, account, resource)


def _split_parts(text: str, *, skip_variables: bool) -> list[str]:
    """Split at the first five `:`; with variables on, a `:` inside `${...}` does not count."""
    if not skip_variables or "${" not in text:
        return text.split(":", 5)
    parts: list[str] = []
    start = i = 0
    n = len(text)
    while i < n and len(parts) < 5:
        ch = text[i]
        if ch == "$" and text.startswith("${", i):
            close = text.find("}", i + 2)
            if close >= 0:
                i = close + 1
                continue
        if ch == ":":
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def is_incomplete_arn(text: str, variables: bool = False) -> bool:
    """An ARN written with fewer than its six colon-separated fields (`arn:aws:sqs`,
    `arn:aws:s3:*`); a `:` inside a policy variable does not count when `variables`."""
    return text.startswith("arn:") and len(_split_parts(text, skip_variables=variables)) < 6


# The policy kinds whose incomplete ARNs AWS completes (IAM guide, reference-arns "Using
# wildcards in paths"; reference_identifiers "IAM ARNs"): identity-based policies, and a
# permissions boundary, a managed policy too. Session policies refuse such an ARN (`parser`).
COMPLETING_KINDS = frozenset({"identity", "boundary"})


def complete_arn(text: str, variables: bool = False) -> str | None:
    """An incomplete ARN as AWS completes it in an identity-based policy, every missing field
    `*` (`arn:aws:sqs` -> `arn:aws:sqs:*:*:*`); None when `text` has its six fields or names no
    service (`arn:aws`: the guide's rule is shown on ARNs that name one, and a `*` service is
    one the Resource page does not allow, so the engine leaves such a text as it is)."""
    if not text.startswith("arn:"):
        return None
    parts = _split_parts(text, skip_variables=variables)
    if not 3 <= len(parts) < 6:
        return None
    return ":".join(parts + ["*"] * (6 - len(parts)))


class ArnMatcher:
    """A pattern ready to test values: five head parts, the resource part, and the whole text
    (for values that are not ARNs; compiled only when such a value turns up)."""

    __slots__ = ("is_any", "head", "resource", "_whole", "_whole_tokens")

    def __init__(
        self,
        head: tuple[Pattern, ...] | None,
        resource: Pattern | None,
        whole: Pattern | str | tuple[Token, ...],
        *,
        is_any: bool = False,
    ) -> None:
        self.is_any = is_any
        self.head = head
        self.resource = resource
        self._whole: Pattern | None = whole if isinstance(whole, Pattern) else None
        self._whole_tokens: str | tuple[Token, ...] | None = (
            None if isinstance(whole, Pattern) else whole
        )

    @property
    def whole(self) -> Pattern:
        whole = self._whole
        if whole is None:
            source = self._whole_tokens
            assert source is not None  # kept whenever no compiled pattern was given
            whole = compile_pattern(source) if isinstance(source, str) else compile_tokens(source)
            self._whole = whole
        return whole

    def match(self, value: str) -> bool:
        if self.is_any:
            return True
        arn = parse_arn(value)
        if arn is None:
            return self.whole.match(value)
        head = self.head
        resource = self.resource
        if head is None or resource is None:  # a head always comes with a resource part
            return False
        return _match_parts(head, resource, value, arn)


def _match_parts(head: tuple[Pattern, ...], tail: Pattern, value: str, arn: Arn) -> bool:
    """Part-by-part match of an ARN `value`. `head` holds the patterns before the last one:
    five for a full pattern (the tail is the resource part), fewer for a truncated pattern
    ending in `*` (the tail then takes the rest of the ARN, colons included)."""
    if len(head) == 5:
        return (
            head[0].match("arn")
            and head[1].match(arn.partition)
            and head[2].match(arn.service)
            and head[3].match(arn.region)
            and head[4].match(arn.account)
            and tail.match(arn.resource)
        )
    pieces = value.split(":", len(head))
    for pattern, piece in zip(head, pieces, strict=False):
        if not pattern.match(piece):
            return False
    return tail.match(pieces[len(head)])


class ArnPattern:
    """A Resource-element ARN pattern compiled once (see `compile_arn_pattern`).

    Only the parts that a request needs are resolved: the resource part's variables for an
    ARN, the whole text for a resource that is not an ARN.
    """

    __slots__ = (
        "source",
        "variables",
        "_static",
        "_head",
        "_resource_static",
        "_resource_template",
        "_whole_template",
    )

    def __init__(self, source: str, *, variables: bool) -> None:
        self.source = source
        self.variables = variables
        self._static: ArnMatcher | None = None
        self._head: tuple[Pattern, ...] | None = None
        self._resource_static: Pattern | None = None
        self._resource_template: Template | None = None
        self._whole_template: Template | None = None
        if source == "*":
            self._static = ArnMatcher(None, None, compile_pattern("*"), is_any=True)
            return
        parts = _split_parts(source, skip_variables=variables)
        if len(parts) == 6:
            self._head = tuple(compile_pattern(p) for p in parts[:5])
            template = parse_template(parts[5]) if variables else None
            if template is None or template.is_plain:
                self._resource_static = compile_pattern(parts[5])
            else:
                self._resource_template = template
        elif source.endswith("*"):
            # Fewer than six parts, ending in `*`: "If the * wildcard is the last character of
            # a resource ARN segment, it can expand to match beyond the colon boundaries."
            self._head = tuple(compile_pattern(p) for p in parts[:-1])
            self._resource_static = compile_pattern(parts[-1])
        whole = parse_template(source) if variables else None
        if whole is not None and not whole.is_plain:
            self._whole_template = whole
        if self._resource_template is None and self._whole_template is None:
            # The whole-text pattern is only for resources that are not ARNs: compile lazily.
            self._static = ArnMatcher(self._head, self._resource_static, source)

    @property
    def has_variables(self) -> bool:
        return self._static is None

    def matcher(self, context: RequestContext | None) -> ArnMatcher | None:
        """A matcher for this request (None: a variable in the pattern has no value)."""
        if self._static is not None:
            return self._static
        ctx = context if context is not None else RequestContext.empty()
        whole: Pattern | str = self.source
        if self._whole_template is not None:
            resolved = self._whole_template.resolve_pattern(ctx)
            if resolved is None:
                return None
            whole = resolved
        resource = self._resource_static
        if self._resource_template is not None:
            resource = self._resource_template.resolve_pattern(ctx)
            if resource is None:
                return None
        return ArnMatcher(self._head, resource, whole)

    def matches(self, resource: str, context: RequestContext | None = None) -> bool | None:
        """Whether `resource` matches; None when a variable it needs has no value."""
        static = self._static
        if static is not None:
            return static.match(resource)
        ctx = context if context is not None else RequestContext.empty()
        arn = parse_arn(resource)
        if arn is None:
            if self._whole_template is None:
                return compile_pattern(self.source).match(resource)
            whole = self._whole_template.resolve_pattern(ctx)
            if whole is None:
                return None
            return whole.match(resource)
        head = self._head
        if head is None:
            return False
        pattern = self._resource_static
        if pattern is None:
            template = self._resource_template
            assert template is not None  # a head without a static resource part has a template
            pattern = template.resolve_pattern(ctx)
            if pattern is None:
                return None
        return _match_parts(head, pattern, resource, arn)


@text_cache(4096)
def compile_arn_pattern(pattern: str, variables: bool = False) -> ArnPattern:
    """Compile a Resource/NotResource entry once; cached by text and variables flag."""
    return ArnPattern(pattern, variables=variables)


def compile_resource_pattern(pattern: str, variables: bool, complete: bool) -> ArnPattern:
    """`compile_arn_pattern` of an entry of an identity-based policy (`complete`), where an
    incomplete ARN is read completed (`complete_arn`), or of any other policy."""
    if complete:
        completed = complete_arn(pattern, variables)
        if completed is not None:
            return compile_arn_pattern(completed, variables)
    return compile_arn_pattern(pattern, variables)


def resource_matches(
    pattern: str,
    resource: str,
    *,
    context: RequestContext | None = None,
    variables: bool = False,
    complete: bool = False,
) -> bool | None:
    """AWS's Resource-element match of `resource` against `pattern` (`complete`: the entry is
    in an identity-based policy, where an incomplete ARN is completed with `*`).

    None when a policy variable in the pattern has no value: the entry then matches nothing,
    and the caller can say why.
    """
    if pattern == "*":
        return True
    return compile_resource_pattern(pattern, variables, complete).matches(resource, context)


@text_cache(4096)
def compile_arn_tokens(tokens: tuple[Token, ...]) -> ArnMatcher:
    """An ARN matcher from wildcard tokens (the Arn* condition operators, after variables
    were substituted): literal `:` in any `str` token separates the six parts, and only
    `STAR`/`ANY_CHAR` tokens are wildcards."""
    if tokens == (STAR,):
        return ArnMatcher(None, None, "*", is_any=True)
    parts: list[list[Token]] = [[]]
    for tok in tokens:
        if isinstance(tok, str) and len(parts) < 6 and ":" in tok:
            pieces = tok.split(":", 6 - len(parts))
            for k, piece in enumerate(pieces):
                if k:
                    parts.append([])
                if piece:
                    parts[-1].append(piece)
        else:
            parts[-1].append(tok)
    if len(parts) != 6:
        if parts[-1] and parts[-1][-1] is STAR:  # truncated, ending in `*`: see ArnPattern
            head = tuple(compile_tokens(p) for p in parts[:-1])
            return ArnMatcher(head, compile_tokens(parts[-1]), tokens)
        return ArnMatcher(None, None, tokens)
    head = tuple(compile_tokens(p) for p in parts[:5])
    return ArnMatcher(head, compile_tokens(parts[5]), tokens)
