"""Draw rules: a quiz that draws its questions from several banks at once (`Quiz.draw_rules`),
e.g. the final exam's five questions from every module.

A rule is `{"module": slug, "count": n}` (questions of that module) or
`{"category": slug, "count": n}` (a bank category). Plain data, checked here without the
database so the model, the admin and the content loader refuse the same bad rules in the same
words; the drawing itself is in `quizzes.exam`.
"""

from __future__ import annotations

import re

from srm_trainer.typed_text import quoted

MAX_RULES = 50
# Questions in one attempt, however it gets them: drawn by every rule together, drawn from one
# category, or listed (a quiz lists at most this many: `quizzes.entries.listing_refused`).
# Each attempt's pages and its result grow with its questions.
MAX_DRAWN = 200
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def rule_target(rule: dict) -> tuple[str, str]:
    """("module" | "category", slug) of a rule already checked by `rule_problems`."""
    return ("module", rule["module"]) if "module" in rule else ("category", rule["category"])


def rule_problems(rules) -> list[str]:
    """Why these rules cannot work ([] when they can), one message per problem, each naming the
    rule by its position (1-based) as a content file's author counts them."""
    if rules in (None, []):
        return []
    if not isinstance(rules, list):
        return ["draw rules must be a list of {module or category, count}"]
    if len(rules) > MAX_RULES:
        return [f"at most {MAX_RULES} draw rules, not {len(rules)}"]
    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    total = 0
    for number, rule in enumerate(rules, start=1):
        where = f"draw rule {number}"
        if not isinstance(rule, dict):
            out.append(f"{where} must be a mapping like {{module: iam, count: 5}}")
            continue
        unknown = sorted(set(rule) - {"module", "category", "count"}, key=str)
        if unknown:
            out.append(f"{where}: unknown field(s) {', '.join(map(quoted, unknown))}")
        targets = [name for name in ("module", "category") if name in rule]
        if len(targets) != 1:
            out.append(f"{where} needs exactly one of 'module' or 'category'")
            continue
        name = targets[0]
        slug = rule[name]
        if not isinstance(slug, str) or not _SLUG.match(slug):
            out.append(f"{where}: '{name}' must be a slug, not {quoted(slug)}")
            continue
        count = rule.get("count")
        if "count" not in rule:
            out.append(f"{where}: 'count' is required")
            continue
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            out.append(
                f"{where}: 'count' must be a whole number of at least 1, not {quoted(count)}"
            )
            continue
        if (name, slug) in seen:
            out.append(f"{where}: {name} {quoted(slug)} already has a rule (merge the counts)")
        seen.add((name, slug))
        total += count
    if total > MAX_DRAWN:
        out.append(f"the draw rules draw {total} questions; at most {MAX_DRAWN} per attempt")
    return out


def rules_total(rules) -> int:
    """How many questions the rules draw (when the banks hold enough)."""
    return sum(rule.get("count", 0) for rule in rules or [] if isinstance(rule, dict))
