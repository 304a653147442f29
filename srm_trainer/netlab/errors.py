"""The one error type the network lab raises for bad input.

Every problem with a network, a flow, a web ACL or a request is a `NetlabError` with a stable
`code` (tests and pages pick their words from it), a human `message` and a `path` naming the
field (`network.subnets[1].cidr`, `web_acl.Rules[0].Statement.ByteMatchStatement`). Callers
catch exactly this; nothing else escapes the parsers.
"""

from __future__ import annotations


class NetlabError(ValueError):
    def __init__(self, code: str, message: str, *, path: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def __str__(self) -> str:  # messages already start with the path they are about
        return self.message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "path": self.path}
