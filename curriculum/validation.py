"""Checks on content that every door shares: the loader, the admin and the editors.

Low in the dependency order (see `curriculum`): this module imports only the engine, so the
`lessons` and `quizzes` models can call it from `clean()`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from srm_trainer.iam import PolicyError, evaluate
from srm_trainer.sandbox.state import MAX_BODY_BYTES, MAX_STATEMENTS, statement_count
from srm_trainer.typed_text import quoted

DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")
LEVELS = ("foundational", "associate", "advanced")
MIN_LESSON_SOURCES = 2
# A lesson's reading time in minutes: 0 said "0 min" on the module page and 99,999,999 was
# taken; four hours is past any one sitting (split the lesson).
LESSON_MINUTES = (1, 240)
MINUTES_PROBLEM = "must be between 1 and 240 (the reading time; split a longer lesson)"
# The longest Markdown each text takes, through every door (the files, the admin, the editors,
# imports): it is rendered when it is saved, at up to ~6.5 µs a character (docs/limits.md), and
# the admin took Django's whole 2.5 MB form, ~16 s of one request. Each is many times the
# longest the course has (a lesson ~12,600 characters, a prompt ~400, a situation ~770).
MAX_LESSON_BODY = 100_000
# The Markdown parser's block rules run at every line (~25 µs a line each time a body is read):
# 100,000 characters of one-letter list items were 24,000 lines, 0.6 s a parse and 1.2 s for
# the admin's save. The course's longest lesson has 251 lines.
MAX_LESSON_LINES = 2_000
MAX_PROMPT_CHARS = 5000
MAX_EXPLANATION_CHARS = 10_000
MAX_SCENARIO_TEXT = 5000  # a scenario's situation or its explanation


def length_problem(text: str | None, limit: int) -> str | None:
    """Why `text` is too long (“is 6,001 characters long; at most 5,000 are taken”), or None."""
    if text is None or len(text) <= limit:
        return None
    return f"is {len(text):,} characters long; at most {limit:,} are taken"


def lines_problem(text: str | None, limit: int) -> str | None:
    """Why `text` has too many lines (“has 2,001 lines; at most 2,000 are taken”), or None."""
    lines = text.count("\n") + 1 if text else 0
    if lines <= limit:
        return None
    return f"has {lines:,} lines; at most {limit:,} are taken"


def scenario_case_problem(case: Any) -> str | None:
    """Why a scenario's case cannot be used, or None: it must be a valid case whose `expect`
    the engine agrees with (lessons show `expect` as the answer)."""
    found = scenario_case_check(case)
    return found[1] if found else None


def scenario_case_check(case: Any) -> tuple[str, str] | None:
    """`scenario_case_problem` with the part of the case it is about: ("expect", message) for
    the expected decision (not one, or not the engine's), else ("case", message). An editor
    shows the first beside its expected-decision field."""
    if not isinstance(case, dict):
        return "case", "the case must be a mapping in the IAM case format"
    expect = case.get("expect")
    if expect not in DECISIONS:
        return "expect", "case.expect must be Allow, ExplicitDeny or ImplicitDeny"
    too_large = _too_large(case)
    if too_large:
        return "case", too_large
    try:
        text = json.dumps(case, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):  # not JSON (set in memory, never saved): not kept
        return _engine_check(case)
    return _kept_check(text)


@lru_cache(maxsize=128)
def _kept_check(text: str) -> tuple[str, str] | None:
    """`_engine_check` kept per process by the case: an import or a saved question checks a
    scenario from several places (the scenario's own check, the question kind's)."""
    return _engine_check(json.loads(text))


def _engine_check(case: dict) -> tuple[str, str] | None:
    expect = case.get("expect")
    try:
        decision = evaluate(case).decision
    except PolicyError as exc:
        return "case", f"invalid case: {exc}"
    if decision != expect:
        return "expect", f"the case expects {expect} but the engine decides {decision}"
    return None


def _too_large(case: dict) -> str | None:
    """A scenario must open in the sandbox (its presets, its links), so the sandbox's limits
    apply: they also bound what evaluating it costs, which every answer and every quiz page
    showing the question pays again (a 244 KB case from an import cost 20 s of CPU)."""
    try:
        size = len(json.dumps(case, separators=(",", ":")))
    except (TypeError, ValueError):
        return None  # not JSON: the engine says what is wrong with it
    if size > MAX_BODY_BYTES:
        return (
            f"the case is {size:,} characters of JSON; a scenario takes at most "
            f"{MAX_BODY_BYTES:,}, what the sandbox opens"
        )
    policies = [case.get(k) for k in ("resource_policy", "permissions_boundary", "session_policy")]
    for key in ("identity_policies", "scp_levels", "rcp_levels"):
        found = case.get(key)
        if isinstance(found, list):
            for item in found:
                policies.extend(
                    item if key != "identity_policies" and isinstance(item, list) else [item]
                )
    count = statement_count(p for p in policies if isinstance(p, str | dict))
    if count > MAX_STATEMENTS:
        return (
            f"the case's policies hold {count:,} statements; a scenario takes at most "
            f"{MAX_STATEMENTS}, what the sandbox evaluates at once"
        )
    request = case.get("request")
    context = request.get("context") if isinstance(request, dict) else None
    compared = _comparisons(policies, context if isinstance(context, dict) else {})
    if compared > MAX_SCENARIO_COMPARISONS:
        return (
            f"the case's conditions would compare {compared:,} policy values with the "
            f"request's; a scenario takes at most {MAX_SCENARIO_COMPARISONS:,} (a quiz page "
            "evaluates every question's scenario): list fewer values"
        )
    return None


# Condition comparisons one evaluation of a scenario may make (each value a condition lists
# against each value the request carries for its key; ~0.5 µs each). A quiz's pages evaluate up
# to 200 questions at once in a process that has not kept their keys.
MAX_SCENARIO_COMPARISONS = 10_000


def _comparisons(policies: list[Any], context: dict) -> int:
    lengths = {str(k).lower(): len(v) if isinstance(v, list) else 1 for k, v in context.items()}
    total = 0
    for policy in policies:
        if isinstance(policy, str):
            try:
                policy = json.loads(policy)
            except (ValueError, RecursionError):
                continue  # the engine says where it breaks
        if isinstance(policy, dict) and "document" in policy and "Statement" not in policy:
            policy = policy["document"]
        statements = policy.get("Statement") if isinstance(policy, dict) else None
        for st in statements if isinstance(statements, list) else [statements]:
            condition = st.get("Condition") if isinstance(st, dict) else None
            for block in condition.values() if isinstance(condition, dict) else ():
                for key, values in block.items() if isinstance(block, dict) else ():
                    listed = len(values) if isinstance(values, list) else 1
                    total += listed * lengths.get(str(key).lower(), 1)
    return total


def link_problem(link: Any, what: str) -> str | None:
    """Why a documentation link ({title, url}) cannot be shown, or None. Only https
    addresses: a page that cites AWS's documentation must not send learners anywhere odd."""
    if not isinstance(link, dict):
        return f"{what} must be a mapping with 'title' and 'url'"
    unknown = sorted(set(link) - {"title", "url"})
    if unknown:
        return f"{what} has an unknown field {quoted(unknown[0])} (expected title and url)"
    title, url = link.get("title"), link.get("url")
    if not isinstance(title, str) or not title.strip():
        return f"{what} needs a 'title' (the page's name)"
    if len(title) > 200:
        return f"{what}: the title is longer than 200 characters"
    if not isinstance(url, str) or not url.strip():
        return f"{what} needs a 'url'"
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url.strip()):
        return f"{what}: the url must be an https address, not {quoted(url)}"
    if len(url) > 500:
        return f"{what}: the url is longer than 500 characters"
    return None


def sources_problem(sources: Any, *, minimum: int = MIN_LESSON_SOURCES) -> str | None:
    """Why a lesson's sources list is not usable, or None: at least `minimum` links to the
    AWS documentation pages the lesson rests on, each with a title and an https url."""
    if not isinstance(sources, list):
        return "'sources' must be a list of {title, url} links"
    for index, link in enumerate(sources, start=1):
        problem = link_problem(link, f"source #{index}")
        if problem:
            return problem
    urls = [link["url"].strip() for link in sources]
    if len(set(urls)) != len(urls):
        return "'sources' lists the same url twice"
    if len(sources) < minimum:
        return (
            f"a lesson needs at least {minimum} sources (the AWS documentation pages it rests "
            f"on), found {len(sources)}"
        )
    return None


def _kind_of(value: Any) -> str:
    """A JSON value's kind in words, for a message about it."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "null"


def sentences_problem(value: Any) -> str | None:
    """Why a list of sentences (a compliance program's `aws_provides`, `customer_keeps`) is
    not usable, or None: the page prints each item as a bullet, so anything but a non-empty
    list of non-empty texts printed letters, keys, or failed the page. The loader's rule."""
    if not isinstance(value, list):
        return f'Must be a list of sentences, ["...", "..."], not {_kind_of(value)}.'
    if not value:
        return "Needs at least one sentence."
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str):
            return f"Item {number} is not a sentence: it is {_kind_of(item)}."
        if not item.strip():
            return f"Item {number} is empty."
    return None
