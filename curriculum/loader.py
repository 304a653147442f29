"""Apply a checked `Curriculum` to the database: upsert by slug, all or nothing.

Rows are matched by slug and only written when a field differs, so a second load reports
everything as unchanged. Learner progress is never touched, and rows created only in the
admin (slugs no file has) are left alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models, transaction

from curriculum.readers import Curriculum
from lessons.models import (
    ArtifactSection,
    ComplianceProgram,
    Layer,
    Lesson,
    Module,
    Responsibility,
    Scenario,
    Service,
)


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]


def _write(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, str]:
    """Create or update one row; says which ("created", "updated", "unchanged")."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return obj, "updated"


def _upsert(model: type[models.Model], report: LoadReport, kind: str, lookup: dict, values: dict):
    obj, outcome = _write(model, lookup, values)
    report.add(kind, outcome)
    return obj


@transaction.atomic
def load_curriculum(cur: Curriculum) -> LoadReport:
    report = LoadReport()
    modules = {}
    for m in cur.modules:
        modules[m.slug] = _upsert(
            Module,
            report,
            "modules",
            {"slug": m.slug},
            {"title": m.title, "summary": m.summary, "order": m.order, "published": m.published},
        )
    lessons = {}
    for le in cur.lessons:
        lessons[f"{le.module}/{le.slug}"] = _upsert(
            Lesson,
            report,
            "lessons",
            {"module": modules[le.module], "slug": le.slug},
            {
                "title": le.title,
                "summary": le.summary,
                "body": le.body,
                "minutes": le.minutes,
                "order": le.order,
                "published": le.published,
            },
        )
    layers = {
        la.slug: _upsert(
            Layer,
            report,
            "layers",
            {"slug": la.slug},
            {"name": la.name, "description": la.description, "order": la.order},
        )
        for la in cur.layers
    }
    for s in cur.services:
        service = _upsert(
            Service,
            report,
            "services",
            {"slug": s.slug},
            {"name": s.name, "model": s.model, "summary": s.summary, "order": s.order},
        )
        for layer_slug, (owner, reason) in s.responsibilities.items():
            _upsert(
                Responsibility,
                report,
                "responsibilities",
                {"service": service, "layer": layers[layer_slug]},
                {"owner": owner, "reason": reason},
            )
    for sc in cur.scenarios:
        scenario, outcome = _write(
            Scenario,
            {"slug": sc.slug},
            {"title": sc.title, "situation": sc.situation, "case": sc.case, "order": sc.order},
        )
        wanted = {lessons[path].pk for path in sc.lessons}
        if set(scenario.lessons.values_list("pk", flat=True)) != wanted:
            scenario.lessons.set(wanted)
            outcome = "created" if outcome == "created" else "updated"
        report.add("scenarios", outcome)
    sections = {
        a.slug: _upsert(
            ArtifactSection,
            report,
            "artifact sections",
            {"slug": a.slug},
            {"name": a.name, "description": a.description, "order": a.order},
        )
        for a in cur.artifact_sections
    }
    for p in cur.programs:
        _upsert(
            ComplianceProgram,
            report,
            "compliance programs",
            {"slug": p.slug},
            {
                "name": p.name,
                "kind": p.kind,
                "jurisdiction": p.jurisdiction,
                "summary": p.summary,
                "aws_provides": list(p.aws_provides),
                "customer_keeps": list(p.customer_keeps),
                "artifact_section": sections.get(p.artifact_section),
                "artifact_item": p.artifact_item,
                "order": p.order,
            },
        )
    return report
