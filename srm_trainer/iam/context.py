"""The request context: condition keys and their values, exactly as the case gives them.

The engine adds nothing (no implied `aws:username`, no `aws:CurrentTime`): a key that is not
here is *missing*, which is what AWS's missing-key rules need to see. Values are normalised to
strings once, here, so every operator compares text: `True` → `"true"`, `5` → `"5"`. A list
makes the key *multivalued* (even with one or zero elements), because AWS distinguishes keys
by how many values the request carries, not by how many the policy lists.

Key names are case-insensitive (AWS: "`aws:CurrentTime` is equivalent to `AWS:currenttime`");
values keep their case.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from .errors import PolicyError

# Values one multivalued key may carry. A set operator compares each with each value a policy
# lists for the key, so the cost is their product: 1,600 values against 1,600 ArnLike patterns
# (57 KB) made one anonymous API request cost 1.4 s of CPU, and a scenario's case 20 s. AWS's
# longest such lists are a request's tags (`aws:TagKeys`), at most 50 on a resource.
MAX_CONTEXT_VALUES = 50

__all__ = ["RequestContext", "normalise_scalar"]

_EMPTY: dict[str, tuple[str, ...]] = {}


def normalise_scalar(value: object) -> str | None:
    """The string form of a JSON scalar (None when the value is not one AWS could send)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return repr(value)  # as written in the JSON: 5.0 → "5.0", 1.5 → "1.5"
    return None


class RequestContext:
    """Immutable mapping of condition key → values (always a tuple of strings)."""

    __slots__ = ("_values", "_multi", "_names", "verdicts")

    _values: dict[str, tuple[str, ...]]
    _multi: frozenset[str]
    _names: tuple[str, ...]
    verdicts: dict[tuple[object, bool], object]

    def __init__(self) -> None:  # use from_mapping / empty
        raise TypeError("use RequestContext.from_mapping(...)")

    @classmethod
    def _build(
        cls, values: dict[str, tuple[str, ...]], multi: frozenset[str], names: tuple[str, ...]
    ) -> RequestContext:
        self = object.__new__(cls)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_multi", multi)
        object.__setattr__(self, "_names", names)
        # Each condition clause's verdict in this context (`ConditionClause.evaluate`): a batch
        # evaluates the same clauses in one context for every action and resource it holds.
        object.__setattr__(self, "verdicts", {})
        return self

    @classmethod
    def empty(cls) -> RequestContext:
        return _EMPTY_CONTEXT

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, object] | None, *, path: str = "request.context"
    ) -> RequestContext:
        """Validate and normalise `raw` (None or {} give the empty context).

        Raises PolicyError `invalid_context` (path `request.context.<key>`) for a value that is
        not a string, number, boolean or list of those, and for two keys differing only in case.
        """
        if raw is None:
            return _EMPTY_CONTEXT
        if isinstance(raw, RequestContext):
            return raw
        if not isinstance(raw, Mapping):
            raise PolicyError(
                "invalid_context",
                "The request context must be an object of condition keys, "
                f"not {type(raw).__name__}.",
                path=path,
            )
        if not raw:
            return _EMPTY_CONTEXT
        values: dict[str, tuple[str, ...]] = {}
        multi: set[str] = set()
        names: list[str] = []
        for key, value in raw.items():
            if not isinstance(key, str) or not key:
                raise PolicyError(
                    "invalid_context", "A condition key must be a non-empty string.", path=path
                )
            folded = key.lower()
            if folded in values:
                raise PolicyError(
                    "invalid_context",
                    f"The condition key {key!r} appears twice (key names are case-insensitive).",
                    path=f"{path}.{key}",
                )
            if isinstance(value, list | tuple):
                if len(value) > MAX_CONTEXT_VALUES:
                    raise PolicyError(
                        "invalid_context",
                        f"{key!r} has {len(value):,} values; a condition key takes at most "
                        f"{MAX_CONTEXT_VALUES} here (AWS puts at most 50 tags on a resource).",
                        path=f"{path}.{key}",
                    )
                items = []
                for item in value:
                    text = normalise_scalar(item)
                    if text is None:
                        raise PolicyError(
                            "invalid_context",
                            f"The values of {key!r} must be strings, numbers or booleans.",
                            path=f"{path}.{key}",
                        )
                    items.append(text)
                values[folded] = tuple(items)
                multi.add(folded)
            else:
                text = normalise_scalar(value)
                if text is None:
                    raise PolicyError(
                        "invalid_context",
                        f"The value of {key!r} must be a string, a number, a boolean "
                        "or a list of those.",
                        path=f"{path}.{key}",
                    )
                values[folded] = (text,)
            names.append(key)
        return cls._build(values, frozenset(multi), tuple(names))

    def get(self, key: str) -> tuple[str, ...] | None:
        """The values of `key` (case-insensitive), `()` for an empty list, None when missing."""
        return self._values.get(key.lower())

    def is_multivalued(self, key: str) -> bool:
        """True when the case gave a list for `key`."""
        return key.lower() in self._multi

    def keys(self) -> tuple[str, ...]:
        """The key names as the case spelled them, in order."""
        return self._names

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._values

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def to_dict(self) -> dict[str, str | list[str]]:
        """JSON-ready form (for explanations and permalinks)."""
        out: dict[str, str | list[str]] = {}
        for name in self._names:
            folded = name.lower()
            vals = self._values[folded]
            out[name] = list(vals) if folded in self._multi else vals[0]
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RequestContext):
            return NotImplemented
        return self._values == other._values and self._multi == other._multi

    def __hash__(self) -> int:
        return hash((frozenset(self._values.items()), self._multi))

    def __repr__(self) -> str:
        return f"RequestContext({self.to_dict()!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("RequestContext is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("RequestContext is immutable")


_EMPTY_CONTEXT = RequestContext._build(_EMPTY, frozenset(), ())
