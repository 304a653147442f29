"""Route the findings: the learner writes an Amazon EventBridge event pattern, the findings
engine (`srm_trainer.detection`) grades it against sample GuardDuty and Inspector findings.

`data` is `{"samples": [slug, ...], "want": [slug, ...], "model": "<pattern JSON text>"}`: the
sample findings (`srm_trainer/detection/sample_events.json`) the pattern is tried on, in the
order the question lists them; the ones that must reach the rule's target (the prompt says
which in words); and the author's own pattern, shown after answering. `problems()` checks the
model routes exactly `want`, so every question is known to be solvable as the grader reads it.

A pattern is right when, over the question's samples, it matches exactly the wanted ones and
leaves none undecided. Partial credit is the wanted findings it sends, out of every finding
that is wanted, sent or undecided (|wanted ∩ sent| / |wanted ∪ sent ∪ undecided|): a pattern
that sends nothing scores 0 and one that sends everything the share of wanted findings, so
neither "match nothing" nor "match everything" passes a quiz. A pattern the engine cannot read
is refused by the form with its line and column (kept as a draft, not a try), as a policy or
network rules that do not parse are.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from quizzes.kinds.base import Grade, Kind, Problem, as_sentence, full_marks
from srm_trainer.detection import LIMITS, Outcome, PatternError, match, parse_pattern, samples
from srm_trainer.iam.json_mistakes import located
from srm_trainer.typed_text import Textarea

MAX_PATTERN_CHARS = LIMITS["pattern_chars"]
MIN_SAMPLES = 3
REASONS_SHOWN = 3  # mismatches whose field-by-field reason the feedback shows
STEPS_SHOWN = 40  # steps of one reason (the engine records up to 200)
DATA_FIELDS = ("samples", "want", "model")
WORDS = {Outcome.MATCH: "sent", Outcome.NO_MATCH: "not sent", Outcome.UNDECIDED: "undecided"}


@lru_cache(maxsize=1)
def _by_slug() -> dict[str, Any]:
    return {s.slug: s for s in samples()}


def sample_slugs() -> list[str]:
    """Every sample finding's slug, in the lab's order (the editor's checkboxes)."""
    return list(_by_slug())


def describe(slug: str) -> dict[str, str]:
    """A sample as the question lists it: what happened, and the fields a pattern tests most
    (service, finding type, severity as written, resource type)."""
    sample = _by_slug()[slug]
    event = json.loads(sample.text)  # plain JSON values: 8.0 stays "8.0"
    detail = event.get("detail") or {}
    if sample.service == "GuardDuty":
        resource = str((detail.get("resource") or {}).get("resourceType", ""))
    else:
        resource = str(((detail.get("resources") or [{}])[0] or {}).get("type", ""))
    return {
        "slug": slug,
        "title": sample.title,
        "service": sample.service,
        "type": str(detail.get("type", "")),
        "severity": json.dumps(detail.get("severity"))
        if detail.get("severity") is not None
        else "",
        "resource": resource,
        "text": sample.text,
    }


def _pattern_error(exc: PatternError) -> dict[str, Any]:
    # refused_by: "The lab refuses" where the refusal is the lab's own, not EventBridge's.
    return {"error": str(exc), "line": exc.line or None, "column": exc.column or None,
            "refused_by": exc.refused_by}  # fmt: skip


def _steps(result) -> list[dict[str, Any]]:
    return [
        {
            "depth": step.indent,
            "outcome": step.outcome.value,
            "path": step.path,
            "found": step.found,
            "text": step.text,
            "rule": step.rule_name,
            "doc": step.doc,
        }
        for step in result.steps[:STEPS_SHOWN]
    ]


def route(slugs: list[str], want: list[str], text: str) -> dict[str, Any]:
    """What the pattern `text` does with each sample of `slugs`, against `want`: JSON-ready rows,
    the score, and the engine's reasons for the first few mismatches. PatternError when the
    pattern cannot be read."""
    pattern = parse_pattern(text)
    wanted = set(want)
    rows: list[dict[str, Any]] = []
    reasons: list[dict[str, Any]] = []
    sent = right_sent = undecided = 0
    for slug in slugs:
        if slug not in _by_slug():
            continue  # a sample gone from the lab since the question was saved: not graded on
        result = match(pattern, _by_slug()[slug].event)
        got = result.outcome
        ok = got is not Outcome.UNDECIDED and (got is Outcome.MATCH) == (slug in wanted)
        sent += got is Outcome.MATCH
        right_sent += got is Outcome.MATCH and slug in wanted
        undecided += got is Outcome.UNDECIDED
        row = describe(slug) | {"want": slug in wanted, "got": WORDS[got], "ok": ok}
        del row["text"]
        rows.append(row)
        if not ok and len(reasons) < REASONS_SHOWN:
            more = max(0, len(result.steps) - STEPS_SHOWN) + result.more
            reasons.append(
                {"slug": slug, "title": row["title"], "want": row["want"], "got": row["got"],
                 "steps": _steps(result), "more": more}
            )  # fmt: skip
    # Wanted, sent or undecided: every finding the score is about.
    union = (
        len(wanted)
        + (sent - right_sent)
        + sum(1 for r in rows if r["got"] == "undecided" and not r["want"])
    )
    mistakes = sum(1 for r in rows if not r["ok"])
    return {
        "rows": rows,
        "reasons": reasons,
        "mistakes": mistakes,
        "wanted": len(wanted),
        "sent": sent,
        "wanted_sent": right_sent,
        "unwanted_sent": sent - right_sent,
        "undecided": undecided,
        "score": right_sent / union if union else 0.0,
    }


def _short_enough(text: str) -> None:
    """The length check in the page's words (Django's own is "Ensure this value...")."""
    if len(text) > MAX_PATTERN_CHARS:
        raise ValidationError(
            f"Your pattern is {len(text):,} characters; EventBridge takes at most "
            f"{MAX_PATTERN_CHARS:,} here. Nothing was cut: shorten it."
        )


def _slug_list(data: dict, key: str, known: list[str]) -> tuple[list[str], list[Problem]]:
    value = data.get(key)
    what = "sample findings" if key == "samples" else "findings that must reach the target"
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return [], [Problem(f"'{key}' must be a list of sample finding slugs ({what})", (key,))]
    for n, slug in enumerate(value):
        if slug not in known:
            return [], [
                Problem(
                    f"{key} #{n + 1}: {slug!r} is not one of the sample findings "
                    f"(one of: {', '.join(known)})",
                    (key, n),
                )
            ]
        if slug in value[:n]:
            return [], [
                Problem(
                    f"{key} #{n + 1}: {slug!r} is listed twice",
                    (key, n),
                    plain=f"“{slug}” is listed twice.",
                )  # fmt: skip
            ]
    return value, []


class RouteFindings(Kind):
    value = "route_findings"
    label = "Route the findings (event pattern)"
    file_fields = DATA_FIELDS
    file_requires = {
        "samples": "the sample findings the pattern is tried on (slugs from the findings lab)",
        "want": "the samples that must reach the rule's target",
        "model": "our own pattern that routes exactly those, as JSON text under `model: |`",
    }
    recap_template = "quizzes/kinds/route_findings.html#recap"

    def data_from_file(self, raw: dict) -> dict:
        data: dict[str, Any] = {}
        for key in DATA_FIELDS:
            value = raw.get(key)
            if isinstance(value, list):
                value = [v.strip() if isinstance(v, str) else v for v in value]
            data[key] = value
        return data

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        data = question.data if isinstance(question.data, dict) else {}
        unknown = sorted(set(data) - set(DATA_FIELDS))
        if unknown:
            return [
                Problem(
                    f"unknown field {unknown[0]!r} (expected: {', '.join(DATA_FIELDS)})",
                    (unknown[0],),
                )
            ]
        chosen, want, problems = self._findings(data)
        if problems:
            # The model read alone (no finding to route) is said with them: a model that is
            # not JSON was said only on the save after the ticks were put right.
            return problems + self.model_problems([], [], data.get("model"))
        return self.model_problems(chosen, want, data.get("model"))

    def _findings(self, data: dict) -> tuple[list[str], list[str], list[Problem]]:
        """The samples and the findings that must reach the target, and what is wrong with
        them (the first problem)."""
        known = sample_slugs()
        chosen, problems = _slug_list(data, "samples", known)
        if problems:
            return chosen, [], problems
        if len(chosen) < MIN_SAMPLES:
            return (
                chosen,
                [],
                [
                    Problem(
                        f"'samples' must list at least {MIN_SAMPLES} sample findings",
                        ("samples",),
                        plain=f"Choose at least {MIN_SAMPLES} sample findings to try patterns on.",
                    )
                ],
            )
        want, problems = _slug_list(data, "want", known)
        if problems:
            return chosen, want, problems
        for n, slug in enumerate(want):
            if slug not in chosen:
                return (
                    chosen,
                    want,
                    [
                        Problem(
                            f"want #{n + 1}: {slug!r} is not among the question's samples",
                            ("want", n),
                            plain=f"“{slug}” must reach the target but is not one of the samples "
                            "shown: tick it as a sample too.",
                        )
                    ],
                )
        if not want or len(want) == len(chosen):
            # Said to a teacher as the one of the two that is wrong: "tick at least one ...
            # and leave one" read as the first when every finding shown was ticked.
            plain = (
                "Tick at least one finding that must reach the target: a rule that sends "
                "nothing teaches nothing."
                if not want
                else "Every finding shown is ticked as one that must reach the target: show "
                "at least one that must not, or a rule that sends everything is right."
            )
            return (
                chosen,
                want,
                [
                    Problem(
                        "'want' must name at least one of the samples, and leave at least one out "
                        "(a rule that sends everything, or nothing, teaches nothing)",
                        ("want",),
                        plain=plain,
                    )
                ],
            )
        return chosen, want, []

    def model_problems(self, chosen: list[str], want: list[str], model: Any) -> list[Problem]:
        """Why the author's pattern does not show the question solvable: it must be read by the
        engine and route exactly `want` among `chosen`, nothing undecided."""
        at = ("model",)
        if not isinstance(model, str) or not model.strip():
            return [
                Problem(
                    "'model' must be a pattern that routes exactly the wanted findings, as JSON "
                    "text",
                    at,
                    plain="Write the model pattern: learners see it after answering, and the "
                    "engine checks it routes exactly the ticked findings.",
                )
            ]
        try:
            result = route(chosen, want, model)
        except PatternError as exc:
            # "model pattern, line 3, column 9: ...", as every JSON box says its place.
            refusal = (
                located(exc.message, exc.line, exc.column, "model pattern")
                if exc.line
                else f"model pattern: {exc}"
            )
            return [Problem(refusal, at, plain=as_sentence(f"The {refusal}"))]
        wrong = [r for r in result["rows"] if not r["ok"]]
        if not wrong:
            return []
        # A file's author writes the samples' slugs; the editor's author ticks them by title.
        said, plain = [], []
        for r in wrong:
            if r["got"] == "undecided":
                what = "is undecided (the guide does not settle it)"
            elif r["want"]:
                what = "must reach the target but is not sent"
            else:
                what = "is sent but must not be"
            said.append(f"{r['slug']} {what}")
            plain.append(f"“{r['title']}” {what}")
        words = "; ".join(said)
        return [
            Problem(
                f"model pattern: it does not route exactly the wanted findings: {words}",
                at,
                plain="The model pattern does not route exactly the ticked findings: "
                f"{'; '.join(plain)}.",
            )
        ]

    # --- the learner's form ---------------------------------------------------------------

    def add_fields(self, form) -> None:
        form.fields["pattern"] = forms.CharField(
            strip=False,
            validators=[_short_enough],
            error_messages={"required": "Write an event pattern first."},
            widget=Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        )
        data = form.question.data if isinstance(form.question.data, dict) else {}
        slugs = [s for s in data.get("samples") or [] if s in _by_slug()]
        form.findings = [describe(s) for s in slugs]

    def clean_form(self, form, data: dict) -> None:
        if data.get("pattern"):
            try:
                parse_pattern(data["pattern"])
            except PatternError as exc:
                # A message with no line or path starts the second sentence: capitalised.
                form.add_error(
                    "pattern", as_sentence(f"{exc.refused_by} this pattern. {capfirst(str(exc))}")
                )

    def response(self, form) -> dict:
        return {"pattern": form.cleaned_data["pattern"]}

    def draft(self, form) -> dict | None:
        """A pattern is never lost, even when it does not read yet."""
        text = form.data.get("pattern", "")
        if text and len(text) <= MAX_PATTERN_CHARS:
            return {"pattern": text}
        return None

    def pattern_text(self, form) -> str:
        return form.current("pattern") or ""

    def key(self, question) -> dict:
        """Which samples must reach the target and which must not; the model pattern is
        the question's own (`data["model"]`), which the feedback partial shows."""
        want = set(question.data.get("want") or [])
        rows = []
        for slug in question.data.get("samples") or []:
            if slug in _by_slug():
                row = describe(slug)
                del row["text"]
                rows.append(row | {"want": slug in want})
        return {"expected": rows}

    def grade(self, question, response: dict) -> Grade:
        """response: {"pattern": JSON text}. A pattern that cannot be read scores 0 and says
        where it breaks (the form refuses one; a draft kept at submission can hold one)."""
        data = question.data
        try:
            result = route(data["samples"], data["want"], response.get("pattern") or "")
        except PatternError as exc:
            return Grade(0.0, False, _pattern_error(exc))
        score = 1.0 if result["mistakes"] == 0 else result["score"]  # 1 only with none wrong
        return Grade(score, full_marks(score), result)

    def answer_lines(self, response: dict) -> list[str]:
        return [response["pattern"]] if response.get("pattern") else []


KIND = RouteFindings()
