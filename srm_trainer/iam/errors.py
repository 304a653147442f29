"""The one error type the evaluation core raises for bad input.

Every problem with a policy or a case is a `PolicyError` with a stable `code` (for tests and
for the presentation layer to pick its words), a human `message`, a `path` into the document
(`Statement[2].Condition.StringLike`) and, when the input was JSON text, `line`/`column`
(1-based). Nothing else escapes the parser: callers catch exactly this.
"""

from __future__ import annotations


class PolicyError(ValueError):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where = f"line {self.line}, column {self.column}"
            if self.path:
                where += f" ({self.path})"
        return f"{where}: {self.message}" if where else self.message

    def with_location(
        self, *, path: str | None = None, line: int | None, column: int | None
    ) -> PolicyError:
        """A copy placed in the source text (the parser knows positions; raisers know paths)."""
        return type(self)(
            self.code,
            self.message,
            path=self.path if path is None else path,
            line=line,
            column=column,
        )

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }


class CaseError(PolicyError):
    """A case (request + policies) that cannot be evaluated; `path` names the field."""
