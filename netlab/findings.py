"""The findings-routing lab: its presets, and what the page shows for a pattern.

Plain functions over the engine (`srm_trainer.detection`): the view only reads the form and
renders what `outcome` returns, so tests call this directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from srm_trainer.detection import (
    FindingType,
    Outcome,
    PatternError,
    Result,
    Sample,
    decode_type,
    match,
    parse_pattern,
    samples,
    severity_band,
)
from srm_trainer.detection.guardduty import FORMAT_DOC, SEVERITY_DOC, Band
from srm_trainer.detection.jsontext import Num
from srm_trainer.detection.match import rules_used
from srm_trainer.detection.pattern import LIMITS

# The page's form is one textarea; a body past this is refused before it is read as a pattern.
MAX_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class Preset:
    slug: str
    title: str
    situation: str
    pattern: str


PRESETS = {
    p.slug: p
    for p in (
        Preset(
            "high-severity-guardduty",
            "All high-severity GuardDuty findings",
            "The rule that pages the on-call engineer: every GuardDuty finding of High or Critical "
            "severity (7.0 and above). `numeric` compares the values, so 8, 8.0 and 9.2 all pass.",
            '{\n  "source": ["aws.guardduty"],\n  "detail-type": ["GuardDuty Finding"],\n'
            '  "detail": {\n    "severity": [{"numeric": [">=", 7]}]\n  }\n}',
        ),
        Preset(
            "iam-credentials",
            "Only findings about IAM credentials",
            "A Lambda function that deactivates an exposed access key should only see findings "
            "whose affected resource is an access key. Notice the S3 finding: it names the key "
            "that made the call, but the resource it is about is the bucket.",
            '{\n  "source": ["aws.guardduty"],\n  "detail": {\n    "resource": {\n'
            '      "resourceType": ["AccessKey"]\n    }\n  }\n}',
        ),
        Preset(
            "inspector-critical-ecr",
            "Inspector critical vulnerabilities in ECR images",
            "Open a ticket for the team that owns the image when Inspector finds a critical, "
            "still active vulnerability in a container image. `resources` is a list of objects: "
            "the type must be found in one of them.",
            '{\n  "source": ["aws.inspector2"],\n  "detail-type": ["Inspector2 Finding"],\n'
            '  "detail": {\n    "severity": ["CRITICAL"],\n    "status": ["ACTIVE"],\n'
            '    "resources": {\n      "type": ["AWS_ECR_CONTAINER_IMAGE"]\n    }\n  }\n}',
        ),
        Preset(
            "ec2-from-either-service",
            "Anything about EC2 instances, from either service ($or)",
            "One rule for the team that runs the instances: GuardDuty findings about an "
            "instance, or Inspector findings about one. `$or` lists the two shapes.",
            '{\n  "$or": [\n    {"detail": {"resource": {"resourceType": ["Instance"]}}},\n'
            '    {"detail": {"resources": {"type": ["AWS_EC2_INSTANCE"]}}}\n  ]\n}',
        ),
        Preset(
            "exact-severity-trap",
            "A rule that lets High findings slip (deliberately wrong)",
            "Someone wrote the paging rule with exact values 7 and 8. Which High and Critical "
            "findings does it miss, and why? Fix it with `numeric`.",
            '{\n  "source": ["aws.guardduty"],\n  "detail": {\n    "severity": [7, 8]\n  }\n}',
        ),
        Preset(
            "not-quite-json",
            "A pattern that is not quite JSON",
            "A comma too many: EventBridge would refuse this rule. Read where the lab says the "
            "problem is, and fix it.",
            '{\n  "source": ["aws.guardduty", "aws.inspector2",],\n  "detail": {\n'
            '    "severity": [{"numeric": [">=", 7]}]\n  }\n}',
        ),
    )
}
STARTER = "high-severity-guardduty"


@dataclass(frozen=True)
class Row:
    """One sample event and what the pattern did with it."""

    sample: Sample
    result: Result
    finding_type: FindingType | None
    severity: str  # as written in the event
    band: Band | None  # GuardDuty's band for a numeric severity
    resource: str

    @property
    def verdict(self) -> str:
        return {Outcome.MATCH: "matched", Outcome.NO_MATCH: "not matched",
                Outcome.UNDECIDED: "undecided"}[self.result.outcome]  # fmt: skip


@dataclass(frozen=True)
class LabOutcome:
    text: str
    error: PatternError | None
    rows: tuple[Row, ...]
    error_line: str = ""  # the line of the text the error is on, for a JSON syntax error
    caret: int = 0  # its column, counted from 0
    notes: tuple[str, ...] = ()  # how EventBridge reads the pattern where it differs from its look

    @property
    def error_parts(self) -> tuple[str, str, str]:
        """The error's line cut at its column: before, the character there (a space past the
        end), after; the page marks the middle one."""
        line = self.error_line
        return line[: self.caret], line[self.caret : self.caret + 1] or " ", line[self.caret + 1 :]

    @property
    def matched(self) -> int:
        return sum(1 for r in self.rows if r.result.outcome is Outcome.MATCH)

    @property
    def rules(self) -> list[tuple[str, str]]:
        """The rules the steps name, each with its page in AWS's guide, for one list of links."""
        return rules_used(r.result for r in self.rows)

    @property
    def undecided(self) -> int:
        return sum(1 for r in self.rows if r.result.outcome is Outcome.UNDECIDED)


def _row(sample: Sample, result: Result) -> Row:
    detail = sample.event.get("detail", {})
    severity = detail.get("severity")
    band = severity_band(severity.value) if isinstance(severity, Num) else None
    if sample.service == "GuardDuty":
        kind = decode_type(detail.get("type", ""))
        resource = str(detail.get("resource", {}).get("resourceType", ""))
    else:
        kind = None
        first = (detail.get("resources") or [{}])[0]
        resource = str(first.get("type", ""))
    shown = severity.text if isinstance(severity, Num) else str(severity or "")
    return Row(sample, result, kind, shown, band, resource)


def outcome(text: str) -> LabOutcome:
    """What the page shows for the pattern `text`: every sample event matched or not, or the
    error that keeps the pattern from being read (with the line it is on)."""
    try:
        pattern = parse_pattern(text)
    except PatternError as exc:
        line = ""
        if exc.line:
            lines = text.splitlines() or [""]
            line = lines[exc.line - 1] if exc.line <= len(lines) else ""
        return LabOutcome(text, exc, (), line[:200], max(0, min(exc.column - 1, 200)))
    rows = tuple(_row(s, match(pattern, s.event)) for s in samples())
    return LabOutcome(text, None, rows, notes=pattern.notes)


DOCS = {"format": FORMAT_DOC, "severity": SEVERITY_DOC}
__all__ = ["DOCS", "LIMITS", "MAX_BODY_BYTES", "PRESETS", "STARTER", "LabOutcome", "Row", "outcome"]
