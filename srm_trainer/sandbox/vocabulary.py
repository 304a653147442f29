"""What the policy editor completes: condition keys for a statement's actions, and condition
operators. Plain functions over the engine's catalogue, so tests call them directly; the views
in `views.py` only read the query and answer JSON."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from srm_trainer.iam import catalog
from srm_trainer.iam.conditions import CONDITION_OPERATORS

MAX_ACTIONS = 20  # a statement may list more; the first twenty are plenty to suggest keys
MAX_ACTION_CHARS = 128
SET_OPERATORS = ("ForAllValues", "ForAnyValue")


def condition_keys_for(actions: Iterable[str]) -> list[str]:
    """The condition keys a statement with these actions can test: each known action's own
    (for a wildcard such as `s3:Get*`, every key its service defines), then AWS's global keys.

    Unknown actions and services add nothing; at most `MAX_ACTIONS` actions are looked at, each
    cut to `MAX_ACTION_CHARS`, so the work per request stays small whatever is sent.
    """
    keys: dict[str, None] = {}
    for raw in islice(actions, MAX_ACTIONS):
        action = raw.strip()[:MAX_ACTION_CHARS]
        prefix, sep, name = action.partition(":")
        if not sep or not prefix or "*" in prefix or "?" in prefix:
            continue
        if "*" in name or "?" in name:
            keys.update(dict.fromkeys(catalog.service_condition_keys(prefix)))
        else:
            keys.update(dict.fromkeys(catalog.condition_keys(action)))
    keys.update(dict.fromkeys(catalog.GLOBAL_CONDITION_KEYS))
    return list(keys)


def condition_operator_names() -> list[str]:
    """Every operator name a Condition block takes: the engine's base operators with their
    `IfExists` forms (Null has none), then the same prefixed by each set operator."""
    plain = [
        form
        for base in CONDITION_OPERATORS
        for form in (base, f"{base}IfExists")
        if form != "NullIfExists"
    ]
    with_sets = [f"{s}:{op}" for s in SET_OPERATORS for op in plain if op != "Null"]
    return plain + with_sets


def policy_marks(text: str) -> list[dict[str, object]]:
    """The engine's findings on one identity policy, as the editor marks them: those that have
    a place in the text (line and column), errors first. `lint` bounds its own work (a budget
    per call) and caches by text, so a learner's pause costs one check."""
    from srm_trainer.iam import lint  # loads the catalogue on first use

    found = [f for f in lint(text, kind="identity") if f.line]
    found.sort(key=lambda f: (f.severity != "error", f.line or 0, f.column or 0))
    return [
        {"line": f.line, "column": f.column or 1, "severity": f.severity, "message": f.message}
        for f in found
    ]
