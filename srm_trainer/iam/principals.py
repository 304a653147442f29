"""Who is calling, and does a Principal/NotPrincipal element name them.

Two halves:
- `classify_principal` reads one value of a policy's Principal element once, at parse time, into a
  `PrincipalEntry` (account, user, role, role session, federated user, service, ...).
- `parse_caller` reads the case's `request.principal` into a `Caller`, and `match_entry` /
  `match_principal_block` decide whether a statement names that caller and *how*: the how matters
  to the evaluator, because AWS treats a grant to an account (delegation to the account's IAM
  policies) differently from a grant to a user, a role or a role session.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import CaseError
from .fastinit import fast_init
from .model import PrincipalBlock, PrincipalEntry

CallerKind = Literal[
    "user", "role_session", "federated_user", "root", "service", "web_identity", "anonymous"
]

MatchKind = Literal[
    "everyone",  # "*" / {"AWS": "*"} (or an Allow with NotPrincipal not naming the caller)
    "account",  # the caller's account (root ARN or bare account id): delegates to IAM policies
    "user",  # the IAM user's ARN
    "role",  # the role's ARN, caller is a session of it: still limited by boundary/session policy
    "federating_user",  # the IAM user who created the caller's federated user session: likewise
    "session",  # the assumed-role session ARN itself
    "federated_user",  # the federated user session ARN
    "service",  # a service principal
    "other",  # a Federated provider, CanonicalUser or any other text equal to the caller's
]


def is_account_id(text: str) -> bool:
    """Twelve ASCII digits, as AWS writes an account id: `str.isdigit()` alone also takes
    other scripts' digits ("１１１１２２２２３３３３"), which no account id is."""
    return len(text) == 12 and text.isascii() and text.isdigit()


def _split_arn(text: str) -> list[str] | None:
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts


def classify_principal(type_: str, value: str) -> PrincipalEntry:
    """Classify one Principal value (`type_` is the map key, or `*` for `"Principal": "*"`)."""
    if type_ == "*":
        return PrincipalEntry("*", value, "everyone")
    if type_ == "Service":
        return PrincipalEntry("Service", value, "service")
    if type_ == "Federated":
        return PrincipalEntry("Federated", value, "federated")
    if type_ == "CanonicalUser":
        return PrincipalEntry("CanonicalUser", value, "canonical_user")
    # AWS
    if value == "*":
        return PrincipalEntry("AWS", value, "everyone")
    if is_account_id(value):
        return PrincipalEntry("AWS", value, "account", account=value)
    parts = _split_arn(value)
    if parts is None:
        return PrincipalEntry("AWS", value, "other")
    _, _, service, _, account, resource = parts
    if service == "iam":
        if resource == "root":
            return PrincipalEntry("AWS", value, "account", account=account)
        if resource.startswith("user/"):
            return PrincipalEntry(
                "AWS", value, "user", account=account, name=resource.rsplit("/", 1)[1]
            )
        if resource.startswith("role/"):
            return PrincipalEntry(
                "AWS", value, "role", account=account, name=resource.rsplit("/", 1)[1]
            )
    elif service == "sts":
        if resource.startswith("assumed-role/"):
            pieces = resource.split("/")
            if len(pieces) == 3:
                return PrincipalEntry(
                    "AWS", value, "assumed_role", account=account, name=pieces[1], session=pieces[2]
                )
        elif resource.startswith("federated-user/"):
            return PrincipalEntry(
                "AWS", value, "federated_user", account=account, name=resource.split("/", 1)[1]
            )
    return PrincipalEntry("AWS", value, "other", account=account)


@fast_init
@dataclass(frozen=True, slots=True)
class Caller:
    """The principal making the request, as the case names it.

    `account` is None for services, web identity providers and anonymous callers. For a role
    session, `name` is the role name and `session` the session name (None when the case gave the
    role ARN: a session of that role whose name does not matter). For a federated user session,
    `federated_by` is the ARN of the IAM user who created it with GetFederationToken, when the
    case says (`request.federated_by`): a Principal naming that user reaches the session.
    """

    kind: CallerKind
    text: str
    account: str | None = None
    name: str | None = None
    session: str | None = None
    federated_by: str | None = None

    @property
    def has_account(self) -> bool:
        return self.account is not None

    @property
    def subject_to_identity_policies(self) -> bool:
        """Only IAM identities (and their sessions) carry identity policies, SCPs and boundaries."""
        return self.kind in ("user", "role_session", "federated_user", "root")


# Callers by their text: a batch or a server asks about the same few principals again and
# again. Only valid texts of exact `str` are kept (a `Caller` is immutable); bounded: emptied
# when full, and long texts are not kept.
_CALLERS: dict[str, Caller] = {}
_CALLERS_MAX = 4096
_CALLER_MAX_LEN = 256


def parse_caller(text: object, *, path: str = "request.principal") -> Caller:
    """Read `request.principal` (see FORMAT.md for the accepted forms)."""
    if type(text) is str:
        known = _CALLERS.get(text)
        if known is not None:
            return known
        caller = _parse_caller(text, path)
        if len(text) <= _CALLER_MAX_LEN:
            if len(_CALLERS) >= _CALLERS_MAX:
                _CALLERS.clear()
            _CALLERS[text] = caller
        return caller
    return _parse_caller(text, path)


def _parse_caller(text: object, path: str) -> Caller:
    if not isinstance(text, str) or not text:
        raise CaseError("invalid_principal", f"{path} must be a non-empty string", path=path)
    if text == "*":
        return Caller("anonymous", text)
    if is_account_id(text):
        return Caller("root", text, account=text)
    parts = _split_arn(text)
    if parts is not None:
        _, _, service, _, account, resource = parts
        if not is_account_id(account):
            raise CaseError(
                "invalid_principal", f"{path}: no 12-digit account id in {text!r}", path=path
            )
        if service == "iam":
            if resource == "root":
                return Caller("root", text, account=account)
            if resource.startswith("user/") and len(resource) > 5:
                return Caller("user", text, account=account, name=resource.rsplit("/", 1)[1])
            if resource.startswith("role/") and len(resource) > 5:
                return Caller(
                    "role_session", text, account=account, name=resource.rsplit("/", 1)[1]
                )
            if resource.startswith(("saml-provider/", "oidc-provider/")):
                return Caller("web_identity", text)
        elif service == "sts":
            pieces = resource.split("/")
            if pieces[0] == "assumed-role" and len(pieces) == 3 and pieces[1] and pieces[2]:
                return Caller(
                    "role_session", text, account=account, name=pieces[1], session=pieces[2]
                )
            if pieces[0] == "federated-user" and len(pieces) >= 2 and pieces[1]:
                return Caller(
                    "federated_user", text, account=account, name=resource.split("/", 1)[1]
                )
        raise CaseError(
            "invalid_principal",
            f"{path}: {text!r} is not a user, role, role session, federated user or root ARN",
            path=path,
        )
    if ":" not in text and "/" not in text and "." in text and " " not in text:
        lowered = text.lower()
        if lowered.endswith((".amazonaws.com", ".amazonaws.com.cn")) and not lowered.startswith(
            "cognito-identity."
        ):
            return Caller("service", text)
        return Caller("web_identity", text)  # accounts.google.com, cognito-identity.amazonaws.com
    raise CaseError(
        "invalid_principal",
        f'{path}: {text!r} is not an ARN, a service principal or "*"',
        path=path,
    )


def match_entry(entry: PrincipalEntry, caller: Caller) -> MatchKind | None:
    """How `entry` names `caller`, or None. Wildcards other than a lone `*` are literal text:
    AWS does not allow them in principals."""
    form = entry.form
    if form == "everyone":
        return "everyone"
    kind = caller.kind
    if form == "account":
        if caller.account == entry.account and kind in (
            "user",
            "role_session",
            "federated_user",
            "root",
        ):
            return "account"
        return None
    if form == "user":
        if kind == "user":
            return "user" if caller.text == entry.value else None
        # policy-eval-denyallow: a grant to the ARN of the IAM user who federated reaches the
        # federated user session (limited by its boundary and session policy, see evaluate.py).
        if kind == "federated_user" and caller.federated_by == entry.value:
            return "federating_user"
        return None
    if form == "role":
        # A role ARN matches every session of the role (AWS stores the role's unique id).
        if kind == "role_session" and caller.account == entry.account and caller.name == entry.name:
            return "role"
        return None
    if form == "assumed_role":
        if (
            kind == "role_session"
            and caller.session is not None
            and caller.account == entry.account
            and caller.name == entry.name
            and caller.session == entry.session
        ):
            return "session"
        return None
    if form == "federated_user":
        return "federated_user" if kind == "federated_user" and caller.text == entry.value else None
    if form == "service":
        if kind == "service" and caller.text.lower() == entry.value.lower():
            return "service"
        return None
    # federated provider, canonical user, anything else: the exact text
    return "other" if caller.text == entry.value else None


# How directly a Principal entry names the caller: lower is more direct (a named user or session
# beats everyone, which beats the caller's role, which beats its whole account).
MATCH_RANK = {
    "user": 0,
    "session": 0,
    "federated_user": 0,
    "service": 0,
    "other": 0,
    "everyone": 1,
    "role": 2,
    "federating_user": 2,
    "account": 3,
}


def best_match(block: PrincipalBlock, caller: Caller) -> MatchKind | None:
    """The strongest way a Principal element names the caller (a direct grant beats a grant to
    the role, which beats a grant to the account), or None."""
    best: MatchKind | None = None
    for entry in block.entries:
        found = match_entry(entry, caller)
        if found is not None and (best is None or MATCH_RANK[found] < MATCH_RANK[best]):
            best = found
            if MATCH_RANK[found] == 0:
                break
    return best


def _named_links(block: PrincipalBlock, caller: Caller) -> tuple[bool, ...]:
    """For NotPrincipal: is each identity AWS evaluates for this caller named in the block?

    AWS may check the account, then the role, then the session (or the account, then the user):
    the caller escapes a NotPrincipal only when every link is listed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    """
    kinds = {match_entry(e, caller) for e in block.entries}
    if "everyone" in kinds:
        return (True,)
    account = "account" in kinds
    kind = caller.kind
    if kind == "user":
        return (account, "user" in kinds)
    if kind == "role_session":
        links = [account, "role" in kinds]
        if caller.session is not None:
            links.append("session" in kinds)
        return tuple(links)
    if kind == "federated_user":
        return (account, "federated_user" in kinds)
    if kind == "root":
        return (account,)
    return (bool(kinds - {None}),)


def not_principal_excludes(block: PrincipalBlock, caller: Caller, *, effect: str = "Deny") -> bool:
    """True when a NotPrincipal element keeps the statement from applying to the caller.

    With Deny the caller escapes only when every identity AWS evaluates for it is listed (its
    account too). With Allow the statement grants everyone except those listed, so naming any
    of the caller's identities (its user, role, session or account) leaves it out of the grant.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    """
    links = _named_links(block, caller)
    return any(links) if effect == "Allow" else all(links)


# aws:PrincipalType for each caller kind (IAM guide, "AWS global condition context keys":
# Account for the root user, User, FederatedUser, AssumedRole for a role session, Anonymous).
_PRINCIPAL_TYPES: dict[CallerKind, str] = {
    "root": "Account",
    "user": "User",
    "federated_user": "FederatedUser",
    "role_session": "AssumedRole",
    "anonymous": "Anonymous",
}


def default_context(principal: str) -> dict[str, str]:
    """The principal keys AWS puts in the request context for this caller, as far as the
    caller's ARN says them (IAM guide, "AWS global condition context keys"): what a tool
    pre-fills so a learner sees them (the engine itself never adds keys to a case).

    - aws:PrincipalType: Account, User, FederatedUser, AssumedRole (a role ARN is read as a
      session of the role) or Anonymous;
    - aws:PrincipalArn: the user's, federated user's or root ARN; for a role session the
      role's ARN, not the session's (the role's path is not in a session ARN, so none is given);
    - aws:PrincipalAccount, aws:PrincipalIsAWSService (signed requests only);
    - aws:username for an IAM user; aws:PrincipalServiceName for a service principal;
    - aws:userid where it is made of names alone: the account id for the root user,
      `account:name` for a federated user, `anonymous`. A user's or role's unique id (AIDA…,
      AROA…) is AWS's to assign, so it is left out rather than invented.

    An unreadable principal gives no keys (the case's own check reports it)."""
    try:
        caller = parse_caller(principal)
    except CaseError:
        return {}
    kind = caller.kind
    out: dict[str, str] = {}
    if kind == "anonymous":
        return {"aws:PrincipalType": "Anonymous", "aws:userid": "anonymous"}
    if kind == "service":
        return {"aws:PrincipalIsAWSService": "true", "aws:PrincipalServiceName": principal}
    if kind == "web_identity" or caller.account is None:
        return out
    partition = principal.split(":", 2)[1] if principal.startswith("arn:") else "aws"
    account = caller.account
    arn = principal
    if kind == "root":
        arn = f"arn:{partition}:iam::{account}:root"
        out["aws:userid"] = account
    elif kind == "role_session" and caller.session is not None:
        arn = f"arn:{partition}:iam::{account}:role/{caller.name}"
    elif kind == "federated_user":
        out["aws:userid"] = f"{account}:{caller.name}"
    elif kind == "user" and caller.name:
        out["aws:username"] = caller.name
    out["aws:PrincipalType"] = _PRINCIPAL_TYPES[kind]
    out["aws:PrincipalArn"] = arn
    out["aws:PrincipalAccount"] = account
    out["aws:PrincipalIsAWSService"] = "false"
    return out
