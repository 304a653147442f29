"""The SRM explorer and the compliance explorer: pick something, see who owns what."""

from __future__ import annotations

from dataclasses import dataclass

from lessons.models import ComplianceProgram, Layer, Responsibility, Service


@dataclass(frozen=True)
class Row:
    layer: Layer
    cells: list[Responsibility | None]  # one per shown service, in column order


@dataclass(frozen=True)
class SrmView:
    services: list[Service]
    shown: list[Service]  # the selected service, then the one compared with it
    rows: list[Row]
    selected: Service | None
    compare: Service | None


def srm_view(*, service_slug: str | None, compare_slug: str | None) -> SrmView:
    """Everything the explorer shows, in three queries whatever the number of services."""
    services = list(Service.objects.all())
    layers = list(Layer.objects.all())
    by_slug = {s.slug: s for s in services}
    selected = by_slug.get(service_slug or "") or (services[0] if services else None)
    compare = by_slug.get(compare_slug or "")
    if compare is not None and selected is not None and compare.pk == selected.pk:
        compare = None
    shown = [s for s in (selected, compare) if s is not None]
    cells: dict[tuple[int, int], Responsibility] = {
        (r.service_id, r.layer_id): r for r in Responsibility.objects.filter(service__in=shown)
    }
    rows = [Row(layer, [cells.get((s.pk, layer.pk)) for s in shown]) for layer in layers]
    return SrmView(services, shown, rows, selected, compare)


@dataclass(frozen=True)
class ComplianceView:
    programs: list[ComplianceProgram]
    selected: ComplianceProgram | None


def compliance_view(*, program_slug: str | None) -> ComplianceView:
    programs = list(ComplianceProgram.objects.select_related("artifact_section"))
    by_slug = {p.slug: p for p in programs}
    selected = by_slug.get(program_slug or "") or (programs[0] if programs else None)
    return ComplianceView(programs, selected)
