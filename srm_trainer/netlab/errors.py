"""The one error type the network lab raises for bad input, and what gathers several of them.

Every problem with a network, a flow, a web ACL or a request is a `NetlabError` with a stable
`code` (tests and pages pick their words from it), a human `message` and a `path` naming the
field (`network.subnets[1].cidr`, `web_acl.Rules[0].Statement.ByteMatchStatement`). Callers
catch exactly this; nothing else escapes the parsers.

Items a learner writes side by side (a network ACL's entries, a security group's rules, a web
ACL's rules, an IP set's addresses) are read one by one with a `Problems` collector, so one
error carries every problem found, in the order the parser met them (`problems`, at most
`MAX_PROBLEMS` of them; `total` counts them all): a learner who pasted ten rules with three
mistakes sees the three at once. The error itself is the first problem (its `code`, `message`
and `path`), so a caller that shows one still shows the same one. A problem that leaves the
rest unreadable (the input is not an object, a list is over its limit) still stops the parse:
it is the list's last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

MAX_PROBLEMS = 20  # the problems one error carries; `total` counts the rest


class NetlabError(ValueError):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str = "",
        stop: bool = False,
        problems: Iterable[NetlabError] = (),
        total: int = 0,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        # Reading on after this problem would cost more than the limit it is about allows.
        self.stop = stop
        self.problems: tuple[NetlabError, ...] = tuple(problems)[:MAX_PROBLEMS] or (self,)
        self.total = max(total, len(self.problems))

    def __str__(self) -> str:  # messages already start with the path they are about
        return self.message

    @property
    def more(self) -> int:
        """How many problems were found beyond those `problems` holds."""
        return self.total - len(self.problems)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "path": self.path}
        if self.total > 1:
            out["problems"] = [
                {"code": p.code, "message": p.message, "path": p.path} for p in self.problems
            ]
            out["total"] = self.total
        return out


class Problems:
    """Collects the problems of a parse that reads on past them.

    `with Problems() as found:` around a parse raises, when it ends, one `NetlabError` carrying
    every problem collected, then the one that stopped the parse if one did. Inside it, an item
    or a value read with `found.attempt(read, ...)` that fails is recorded (None in its place)
    and the parse goes on with the next; a problem marked `stop` is not recorded there: it ends
    the parse. Cost: each problem is recorded once, and at most `MAX_PROBLEMS` are kept."""

    def __init__(self) -> None:
        self.found: list[NetlabError] = []
        self.total = 0
        self.stopped = False

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, exc: NetlabError) -> None:
        room = MAX_PROBLEMS - len(self.found)
        if room > 0:
            self.found.extend(exc.problems[:room])
        self.total += exc.total
        self.stopped = self.stopped or exc.stop

    def error(self) -> NetlabError:
        """Everything collected, as one error (the first problem's code, message and path)."""
        first = self.found[0]
        if self.total == 1:
            return first  # raised as it was
        return NetlabError(first.code, first.message, path=first.path, stop=self.stopped,
                           problems=self.found, total=self.total)  # fmt: skip

    def attempt(self, read: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """`read(*args, **kwargs)`, or None (its problem recorded) when it refuses the input."""
        try:
            return read(*args, **kwargs)
        except NetlabError as exc:
            if exc.stop:
                raise
            self.add(exc)
            return None

    def __enter__(self) -> Problems:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, NetlabError):
            self.add(exc)
            raise self.error() from None
        if exc is None and self.found:
            raise self.error()
