"""The evaluation core: AWS IAM policies parsed, evaluated and explained, in plain Python.

    from srm_trainer.iam import evaluate, parse_policy, parse_case, Decision, PolicyError, CaseError

    decision = evaluate(case)          # a dict, JSON text of one case, or a parsed Case
    decision.decision                  # "Allow" | "ExplicitDeny" | "ImplicitDeny"
    decision.to_dict()                 # {"decision", "decisive", "steps", "explanations"}

`lint` (policy findings) and `catalog` (the AWS action catalogue) load lazily: importing this
package reads no catalogue data. Nothing here imports Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .case import Case, parse_case
from .decision import Decision
from .errors import CaseError, PolicyError
from .evaluate import evaluate
from .parser import parse_policy

if TYPE_CHECKING:
    from . import catalog
    from .findings import lint

__all__ = [
    "Case",
    "CaseError",
    "Decision",
    "PolicyError",
    "catalog",
    "evaluate",
    "lint",
    "parse_case",
    "parse_policy",
]


def __getattr__(name: str) -> Any:
    """Load `lint` and `catalog` on first use (they bring the catalogue with them)."""
    if name == "lint":
        from .findings import lint

        return lint
    if name == "catalog":
        import importlib

        return importlib.import_module(f"{__name__}.catalog")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
