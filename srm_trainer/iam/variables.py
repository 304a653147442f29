"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`, defaults
(`${aws:username, 'guest'}`) and the escapes `${*}`, `${?}`, `${$}`.

Only policies with `"Version": "2012-10-17"` have variables; callers pass `variables=True`
only then, otherwise `${...}` is plain text (IAM User Guide, reference_policies_variables:
"variables like ${aws:username} are treated as literal strings in the policy").

Rules followed here (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
- any *single-valued* context key can be a variable, looked up case-insensitively; a
  multivalued key (a list in the request context) cannot be used as a variable, so it has no
  value (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html);
- a variable whose key is missing has *no value*; with a default (`, 'text'`) the default is
  used instead. What "no value" does is the caller's business (Resource: the entry matches
  nothing; Condition: a null value that only negated operators are satisfied by), so
  resolution returns None and the caller decides;
- a substituted value is literal text: a `*` inside a user name is not a wildcard. The escapes
  `${*}` and `${?}` are how a policy writes a literal `*` or `?` where wildcards apply.

Templates are parsed once and cached; resolving one is a few string joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from .context import RequestContext
from .wildcard import Pattern, Token, compile_pattern, compile_tokens, text_cache, text_tokens

__all__ = [
    "Escape",
    "Template",
    "Variable",
    "has_variables",
    "listed_variable_keys",
    "parse_template",
    "resolve_pattern",
    "resolve_text",
    "resolve_variable",
]

_ESCAPES = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    """`${key}` or `${key, 'default'}` as written in the policy."""

    key: str
    default: str | None = None

    @property
    def text(self) -> str:
        if self.default is None:
            return "${" + self.key + "}"
        return "${" + self.key + ", '" + self.default + "'}"


@dataclass(frozen=True, slots=True)
class Escape:
    """`${*}`, `${?}` or `${$}`: a literal character, never a wildcard."""

    char: str


Part = str | Variable | Escape


def resolve_variable(variable: Variable, context: RequestContext) -> str | None:
    """The value a variable stands for, or None when it has no value."""
    values = context.get(variable.key)
    if values is not None and len(values) == 1 and not context.is_multivalued(variable.key):
        return values[0]
    return variable.default


class Template:
    """A policy string split into raw text, variables and escapes (immutable; build it with
    `parse_template`, which caches)."""

    __slots__ = ("source", "parts", "variables", "has_variables", "is_plain")

    def __init__(self, source: str, parts: tuple[Part, ...]) -> None:
        self.source = source
        self.parts = parts
        self.variables: tuple[Variable, ...] = tuple(p for p in parts if isinstance(p, Variable))
        self.has_variables = bool(self.variables)
        # No `${...}` at all: resolving gives `source` back.
        self.is_plain = all(isinstance(p, str) for p in parts)

    def __repr__(self) -> str:
        return f"Template({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Template) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def values_for(self, context: RequestContext) -> tuple[str, ...] | None:
        """The value of each variable, in order; None when one of them has no value."""
        out: list[str] = []
        for variable in self.variables:
            value = resolve_variable(variable, context)
            if value is None:
                return None
            out.append(value)
        return tuple(out)

    def text_with(self, values: tuple[str, ...]) -> str:
        """The text with `values` substituted for the variables and escapes applied."""
        out: list[str] = []
        it = iter(values)
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Escape):
                out.append(part.char)
            else:
                out.append(next(it))
        return "".join(out)

    def tokens_with(self, values: tuple[str, ...]) -> tuple[Token, ...]:
        """Wildcard tokens: `*`/`?` in the policy's own text are wildcards; escapes and the
        substituted `values` are literal text."""
        out: list[Token] = []
        it = iter(values)
        for part in self.parts:
            if isinstance(part, str):
                out.extend(text_tokens(part))
            elif isinstance(part, Escape):
                out.append(part.char)
            else:
                value = next(it)
                if value:
                    out.append(value)
        return tuple(out)

    def resolve_text(self, context: RequestContext) -> str | None:
        """The text with variables substituted and escapes applied.

        None when a variable has no value."""
        if self.is_plain:
            return self.source
        values = self.values_for(context)
        return None if values is None else self.text_with(values)

    def resolve_tokens(self, context: RequestContext) -> tuple[Token, ...] | None:
        """`tokens_with` for this request's values; None when a variable has no value."""
        values = self.values_for(context)
        return None if values is None else self.tokens_with(values)

    def resolve_pattern(
        self, context: RequestContext, *, ignore_case: bool = False
    ) -> Pattern | None:
        """The compiled wildcard pattern after substitution (None: a variable has no value)."""
        if self.is_plain:
            return compile_pattern(self.source, ignore_case=ignore_case)
        values = self.values_for(context)
        if values is None:
            return None
        return _pattern_for(self.source, values, ignore_case)


@text_cache(4096)
def _pattern_for(source: str, values: tuple[str, ...], ignore_case: bool) -> Pattern:
    return compile_tokens(parse_template(source).tokens_with(values), ignore_case=ignore_case)


def listed_variable_keys(texts: list[str] | tuple[str, ...], context: RequestContext) -> list[str]:
    """The keys of the variables in `texts` that the request sends as a list (each once, as
    the policy writes it): a multivalued key has no value as a variable."""
    out: dict[str, None] = {}
    for text in texts:
        for variable in parse_template(text).variables:
            if variable.default is None and context.is_multivalued(variable.key):
                out[variable.key] = None
    return list(out)


def has_variables(text: str) -> bool:
    """Cheap pre-check: can `text` hold a variable or escape at all?"""
    return "${" in text


def _parse_inner(inner: str) -> Variable | Escape | None:
    if inner in _ESCAPES:
        return Escape(_ESCAPES[inner])
    if "$" in inner or "{" in inner:
        return None
    default: str | None = None
    key = inner
    if "," in inner:
        key, rest = inner.split(",", 1)
        rest = rest.strip()
        if len(rest) < 2 or rest[0] != "'" or rest[-1] != "'" or "'" in rest[1:-1]:
            return None
        default = rest[1:-1]
    key = key.strip()
    if not key:
        return None
    return Variable(key, default)


@text_cache(4096)
def parse_template(text: str) -> Template:
    """Split `text` into raw text, variables and escapes. Malformed `${...}` stays raw text."""
    if "${" not in text:
        return Template(text, (text,) if text else ())
    parts: list[Part] = []
    buf: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        j = text.find("${", i)
        if j < 0:
            buf.append(text[i:])
            break
        buf.append(text[i:j])
        close = text.find("}", j + 2)
        parsed = _parse_inner(text[j + 2 : close]) if close >= 0 else None
        if parsed is None:
            buf.append("${")
            i = j + 2
            continue
        raw = "".join(buf)
        if raw:
            parts.append(raw)
        buf = []
        parts.append(parsed)
        i = close + 1
    raw = "".join(buf)
    if raw:
        parts.append(raw)
    return Template(text, tuple(parts))


def resolve_text(text: str, context: RequestContext) -> str | None:
    """Substitute the variables in `text` (no wildcards involved), None when one has no value."""
    return parse_template(text).resolve_text(context)


def resolve_pattern(
    text: str, context: RequestContext, *, ignore_case: bool = False
) -> Pattern | None:
    """Compile `text` as a wildcard pattern after substitution (None: a variable has no value)."""
    return parse_template(text).resolve_pattern(context, ignore_case=ignore_case)
