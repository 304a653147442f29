"""The SRM explorer and the compliance explorer: pick something, see who owns what."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from lessons.models import ComplianceProgram, Layer, Responsibility, Service
from srm_trainer.versioned_cache import VersionedCache


@dataclass(frozen=True)
class Row:
    layer: Layer
    cells: list[Responsibility | None]  # one per shown service, in column order
    services: list[Service] = field(default_factory=list)  # the shown services, in that order

    @property
    def columns(self) -> list[tuple[Service, Responsibility | None]]:
        """Each cell with its service: on a phone a compared cell is labelled with its name."""
        return list(zip(self.services, self.cells, strict=True))


@dataclass(frozen=True)
class SrmView:
    services: list[Service]
    shown: list[Service]  # the selected service, then the one compared with it
    rows: list[Row]
    selected: Service | None
    compare: Service | None


@dataclass(frozen=True)
class SrmRows:
    """Every service, layer and responsibility, as read once per version (`srm_rows`)."""

    services: tuple[Service, ...]
    layers: tuple[Layer, ...]
    cells: dict[tuple[int, int], Responsibility]  # by (service id, layer id)
    drawn: dict[str, SafeString] = field(default_factory=dict)  # figures drawn from these rows


def _read_srm() -> SrmRows:
    services = tuple(Service.objects.all())
    layers = tuple(Layer.objects.all())
    return SrmRows(
        services,
        layers,
        {(r.service_id, r.layer_id): r for r in Responsibility.objects.all()},
    )


# The explorer and the SRM diagram read the same three small tables on every page; they change
# only when an editor saves a service, layer or responsibility (lessons/apps.py calls
# `srm_changed`), so every process keeps them until then.
_srm = VersionedCache("lessons:srm-rows-version", _read_srm)


def srm_rows() -> SrmRows:
    """The SRM rows (shared by every request: read them, never change them)."""
    return _srm.get()


def srm_changed() -> None:
    _srm.changed()


def srm_view(*, service_slug: str | None, compare_slug: str | None) -> SrmView:
    """Everything the explorer shows, from the kept rows (`srm_rows`): no query once kept,
    three whatever the number of services when not."""
    rows = srm_rows()
    services = list(rows.services)
    layers = rows.layers
    by_slug = {s.slug: s for s in services}
    selected = by_slug.get(service_slug or "") or (services[0] if services else None)
    compare = by_slug.get(compare_slug or "")
    if compare is not None and selected is not None and compare.pk == selected.pk:
        compare = None
    shown = [s for s in (selected, compare) if s is not None]
    cells = rows.cells
    table = [Row(layer, [cells.get((s.pk, layer.pk)) for s in shown], shown) for layer in layers]
    return SrmView(services, shown, table, selected, compare)


@dataclass(frozen=True)
class ComplianceView:
    programs: list[ComplianceProgram]
    selected: ComplianceProgram | None


def compliance_view(*, program_slug: str | None) -> ComplianceView:
    programs = list(ComplianceProgram.objects.select_related("artifact_section"))
    by_slug = {p.slug: p for p in programs}
    selected = by_slug.get(program_slug or "") or (programs[0] if programs else None)
    return ComplianceView(programs, selected)
