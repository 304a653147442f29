"""The one error type the findings-routing engine raises for bad input.

A `PatternError` has a stable `code` (tests and the page pick their words from it), a
`message` that says what is wrong, and where: `line`/`column` (1-based) for text that is not
JSON, and `path` (`detail.severity[0].numeric`) for a pattern that is JSON but not a pattern
EventBridge would accept. Callers catch exactly this; nothing else escapes the parsers.

`lab_only` marks a refusal that is the lab's own: a form AWS's guide leaves open and that
AWS's Event Ruler accepts (an empty prefix, a cidr with host bits), or one past the lab's
limits. The page then says the lab refuses it, not that EventBridge would.
"""

from __future__ import annotations

from typing import Any


class PatternError(ValueError):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str = "",
        line: int = 0,
        column: int = 0,
        lab_only: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.lab_only = lab_only

    @property
    def refused_by(self) -> str:
        """Who refuses it, to start a sentence: "EventBridge would refuse" or "The lab refuses"."""
        return "The lab refuses" if self.lab_only else "EventBridge would refuse"

    def __str__(self) -> str:
        return self.where + self.message

    @property
    def where(self) -> str:
        """Where the problem is, as `str(self)` starts: a line and column, a path, or nothing."""
        if self.line:
            return f"Line {self.line}, column {self.column}: "
        if self.path:
            return f"At {self.path}: "
        return ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.path:
            out["path"] = self.path
        if self.line:
            out.update(line=self.line, column=self.column)
        if self.lab_only:
            out["lab_only"] = True
        return out
