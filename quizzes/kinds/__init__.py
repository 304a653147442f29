"""The question kinds, one module each, behind one registry.

Everything that depends on a question's type asks its kind (`kind_of(question)` or
`question.kind`) instead of switching on the type: the content reader, `Question.clean()`,
the learner's form, grading, and the templates (each kind has
`templates/quizzes/kinds/<value>.html` with `controls`, `feedback` and optional `recap`
partials; `feedback` also draws `Kind.key`, the right answer of a question left unanswered,
when given `unanswered`). To add a kind: write a module with a `Kind` subclass and its template, and add the
module to `_MODULES` below (then `makemigrations` records the new type choice).
"""

from __future__ import annotations

from quizzes.kinds import (
    categorize,
    flow_decision,
    flow_fix,
    least_privilege,
    multiple,
    ordering,
    policy_decision,
    route_findings,
    single,
    true_false,
    waf_rule,
)
from quizzes.kinds.base import Grade, Kind, Problem, keep_ids, same_entry, small_edit, text_id

_MODULES = (
    single,
    multiple,
    true_false,
    ordering,
    categorize,
    policy_decision,
    least_privilege,
    flow_decision,
    waf_rule,
    flow_fix,
    route_findings,
)

KINDS: dict[str, Kind] = {module.KIND.value: module.KIND for module in _MODULES}


def choices() -> list[tuple[str, str]]:
    """(value, label) for the model field and filters, in the registry's order."""
    return [(kind.value, kind.label) for kind in KINDS.values()]


def get(value: str) -> Kind | None:
    return KINDS.get(value)


def kind_of(question) -> Kind:
    """The kind of `question`; KeyError for a type no module registers."""
    return KINDS[question.type]


__all__ = [
    "KINDS",
    "Grade",
    "Kind",
    "Problem",
    "choices",
    "get",
    "keep_ids",
    "kind_of",
    "same_entry",
    "small_edit",
    "text_id",
]
