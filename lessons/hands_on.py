"""The course's hands-on pieces: the explorers, the sandbox and its tools, the labs.

One registry, so a module can name its pieces by slug (`hands_on:` in modules.yaml, the
`Module.hands_on` field) and the module page's "Try it yourself" card and the Labs page
(`/labs/`) draw them from the same words. A piece is a page (a URL name) and, for a sandbox
scenario, the preset it opens; its sentence says what the learner does there, never what a
scenario's answer is (lessons ask the learner to predict it first).

Plain data with no model imports: the loader (curriculum/readers.py) and `Module.clean_fields`
both check a module's list with `hands_on_problem`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from srm_trainer.kept_urls import kept_reverse
from srm_trainer.typed_text import quoted


@dataclass(frozen=True)
class Piece:
    slug: str
    title: str
    url_name: str
    sentence: str  # what the learner does there, one sentence
    preset: str = ""  # the scenario (or lab preset) the page opens on

    def get_absolute_url(self) -> str:
        """The page's address under this request's prefix (reversed once: kept_urls)."""
        url = kept_reverse(self.url_name)
        return f"{url}?{urlencode({'preset': self.preset})}" if self.preset else url


# In the order the Labs page lists the pieces no module names (and ties within a module).
PIECES: tuple[Piece, ...] = (
    Piece(
        "srm-explorer",
        "SRM explorer",
        "srm-explorer",
        "Pick an AWS service, compare it with another, and see who secures each layer, "
        "from your data down to the data centre.",
    ),
    Piece(
        "policy-sandbox",
        "Policy sandbox",
        "sandbox",
        "Edit identity and resource policies and a request, and watch the decision and the "
        "statement behind it change as you type; the lessons' scenarios open here as presets.",
    ),
    Piece(
        "effective-permissions",
        "Effective permissions",
        "sandbox-summary",
        "Give a role's policies and see what it can do in each service, level by level "
        "(List, Read, Write…), with the statements that allow each action.",
    ),
    Piece(
        "many-requests",
        "Many requests",
        "sandbox-batch",
        "Ask about many actions on many resources at once and read each decision with the "
        "statement and the evaluation step that decided it.",
    ),
    Piece(
        "compare-policies",
        "Compare two policies",
        "sandbox-compare",
        "Put an old and a new policy side by side and see which actions the change adds "
        "and which it takes away.",
    ),
    Piece(
        "scp-levels",
        "SCPs down the organization tree",
        "sandbox",
        "Follow an upload from an account in a nested OU past the SCPs at each level of the "
        "tree, and predict whether it gets through.",
        preset="scp-allowed-at-every-level",
    ),
    Piece(
        "rcp-perimeter",
        "A resource control policy at the edge",
        "sandbox",
        "A partner outside the organization reads from a bucket that an RCP guards: decide "
        "which policy has the last word.",
        preset="rcp-deny-outside-organization",
    ),
    Piece(
        "compliance-explorer",
        "Compliance explorer",
        "compliance-explorer",
        "Pick a compliance program and see what AWS provides for it, where AWS Artifact "
        "keeps the evidence, and what stays with you.",
    ),
    Piece(
        "network-lab",
        "Network lab",
        "network-lab",
        "Edit a VPC's security groups, network ACLs and routes, trace a flow both ways, and "
        "see the rule that decided each hop.",
    ),
    Piece(
        "waf-lab",
        "WAF lab",
        "waf-lab",
        "Write an AWS WAF web ACL, send requests or a burst at it, and see which rule acts on "
        "each and how a rate-based rule counts.",
    ),
    Piece(
        "kms-cross-account",
        "A KMS key used across accounts",
        "sandbox",
        "A role in one account decrypts with a key from another: read the key policy and "
        "the role's policy and predict what AWS decides.",
        preset="kms-cross-account-both-allow",
    ),
    Piece(
        "findings-lab",
        "Findings-routing lab",
        "findings-lab",
        "Write an Amazon EventBridge event pattern and see, field by field, which sample "
        "GuardDuty and Inspector findings it sends to a target.",
    ),
)

BY_SLUG: dict[str, Piece] = {piece.slug: piece for piece in PIECES}


def pieces(slugs: Any) -> list[Piece]:
    """The pieces a module names, in its order; a slug the registry no longer has (a row
    saved before a piece was removed) is left out rather than failing the page."""
    if not isinstance(slugs, list | tuple):  # a row written around the checks: none shown
        return []
    return [BY_SLUG[slug] for slug in slugs if isinstance(slug, str) and slug in BY_SLUG]


@dataclass(frozen=True)
class ModulePieces:
    """One module's part of the Labs page: the pieces it is the first to name (described
    there) and those an earlier module named (`again`: linked, described above)."""

    module: Any  # a Module row
    first: list[Piece]
    again: list[Piece]


def by_module(modules: Iterable[Any]) -> dict[str, Any]:
    """The Labs page's groups, for `modules` in reading order: each module with its pieces
    (`ModulePieces`; modules naming none are left out), and `more`, the pieces none of them
    names, in the registry's order."""
    seen: set[str] = set()
    groups = []
    for module in modules:
        named = pieces(module.hands_on)
        if not named:
            continue
        first = [piece for piece in named if piece.slug not in seen]
        again = [piece for piece in named if piece.slug in seen]
        seen.update(piece.slug for piece in named)
        groups.append(ModulePieces(module, first, again))
    return {"groups": groups, "more": [piece for piece in PIECES if piece.slug not in seen]}


def known() -> str:
    """The registry's slugs, for messages: "srm-explorer, policy-sandbox, ..."."""
    return ", ".join(BY_SLUG)


def hands_on_problem(value: Any) -> str | None:
    """Why a module's `hands_on` list cannot be used, or None: a list of the registry's
    slugs, each once. Worded to follow the field's name: the loader writes "'hands_on' " and
    this after the module's file and line, the admin this, capitalized, beside the field."""
    if not isinstance(value, list):
        return (
            'must be a list of hands-on piece slugs, such as ["network-lab", "waf-lab"], '
            f"not {_what(value)}"
        )
    seen: set[str] = set()
    for number, slug in enumerate(value, start=1):
        if not isinstance(slug, str):
            return f"item {number} must be a piece's slug, not {_what(slug)}"
        if slug not in BY_SLUG:
            return (
                f"lists {quoted(slug[:80])}, which is not a hands-on piece "
                f"(the known ones: {known()})"
            )
        if slug in seen:
            return f"lists {quoted(slug)} twice"
        seen.add(slug)
    return None


def _what(value: Any) -> str:
    """A wrong value in a message: a text or a number as written (cut short), else its kind."""
    if isinstance(value, str):
        return quoted(value[:80])
    if isinstance(value, (bool, int, float)) or value is None:
        return quoted(value)
    return "a mapping" if isinstance(value, dict) else "a list"
