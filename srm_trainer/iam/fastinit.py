"""A faster `__init__` for the engine's frozen, slotted dataclasses.

A frozen dataclass sets each field in `__init__` through `object.__setattr__`, a generic call
that costs a few hundred machine instructions a field, and an evaluation builds a dozen such
objects (the case, its policies' slots, statement references, reasons). `fast_init` gives the
class an `__init__` that sets each slot through its own member descriptor instead, about half
the cost: the same signature, defaults and `__post_init__`, the same object. The class stays
frozen (assigning to a field still raises), and equality, hashing, `repr` and
`dataclasses.replace` are the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["fast_init"]

T = TypeVar("T")


def fast_init(cls: type[T]) -> type[T]:
    """Decorate a `@dataclass(frozen=True, slots=True)` class (put it above the dataclass)."""
    params = dataclasses.fields(cls)  # type: ignore[arg-type]
    env: dict[str, Any] = {"_NO_VALUE": _NO_VALUE}
    signature: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    for f in params:
        name = f.name
        descriptor = cls.__dict__[name]
        env[f"_set_{name}"] = descriptor.__set__
        if f.default is not dataclasses.MISSING:
            env[f"_default_{name}"] = f.default
            value = f"_default_{name}"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory_{name}"] = f.default_factory
            value = f"_factory_{name}()"
        else:
            value = ""
        if not f.init:
            if value:
                body.append(f"_set_{name}(self, {value})")
            continue
        if value.endswith("()"):  # a factory: called only when no value is given
            param = f"{name}=_NO_VALUE"
            body.append(f"_set_{name}(self, {value} if {name} is _NO_VALUE else {name})")
        else:
            param = f"{name}={value}" if value else name
            body.append(f"_set_{name}(self, {name})")
        (keyword_only if f.kw_only else signature).append(param)
    if keyword_only:
        signature += ["*", *keyword_only]
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(signature)}):\n    " + "\n    ".join(body or ["pass"])
    exec(source, env)  # noqa: S102  (our own field names, checked by dataclasses)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    type.__setattr__(cls, "__init__", init)
    return cls


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE = _NoValue()
