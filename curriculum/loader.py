"""Apply a checked `Curriculum` to the database: upsert by slug, all or nothing.

Rows are matched by slug and only written when a field differs, so a second load reports
everything as unchanged. Learner progress is never touched, and rows created only in the
admin (slugs no file has) are left alone.

Rows a load wrote are marked `source="file"`, so a course update keeps learners' work: a file
lesson found in another module's folder (the same slug, its old place gone from the files) is
moved, the same row, its progress, checks and assignments with it; a file lesson or module no
longer in the files is retired (unpublished), never deleted, so its progress is kept and it
comes back as it was should the files hold it again; a file lesson or module renamed in the
admin before the admin kept their names is put back under its file's name, the same row
(`curriculum.recovery`). Each move and retirement is said in the report (`LoadReport.notes`).
docs/curriculum.md, "Updating a course", has the rules.

Scenarios, questions and quizzes also record their `source` and, for file rows, a fingerprint
of what the load wrote (`write_tracked`). A load never overwrites an `authored` row, and a
file row whose fingerprint no longer matches was edited in the admin since: the load reports
the conflict and keeps the edit, unless `force` takes the file's version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from curriculum.fingerprints import _current, _plain, _without_defaults, fingerprint
from curriculum.readers import Curriculum, CurriculumError, LessonData, combined
from curriculum.recovery import lesson_places_held, restore_lessons, restore_modules
from glossary.models import GlossaryTerm
from lessons import addresses
from lessons.models import (
    ArtifactSection,
    ComplianceProgram,
    Layer,
    Lesson,
    LessonProgress,
    Module,
    Responsibility,
    Scenario,
    Service,
    Source,
)
from quizzes.models import Question, Quiz
from srm_trainer.typed_text import quoted

M = TypeVar("M", bound=models.Model)
# The rows that record their `source` and the fingerprint of what a load wrote.
Tracked = TypeVar("Tracked", Scenario, Question, Quiz)


@dataclass
class LoadReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)  # rows kept instead of the file's version
    # What the update did to learners' content that a count would hide: moves, retirements,
    # answer keys changed under graded answers (each a line of the command's output).
    notes: list[str] = field(default_factory=list)
    # Scenarios this load changed: a policy question built on one may now be keyed otherwise.
    updated_scenarios: set[str] = field(default_factory=set)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['kept']} kept" if c["kept"] else "")
            + (f", {c['removed']} removed" if c["removed"] else "")
            + (f", {c['renamed']} renamed" if c["renamed"] else "")
            + (f", {c['moved']} moved" if c["moved"] else "")
            + (f", {c['recovered']} recovered" if c["recovered"] else "")
            + (f", {c['retired']} retired" if c["retired"] else "")
            + (f", {c['restored']} restored" if c["restored"] else "")
            for kind, c in self.counts.items()
        ]


class Rows(Generic[M]):
    """The rows a load may update, read in one query instead of one per row, found by the
    fields the load looks them up by: `fields` in the lookup's order, a foreign key by its
    column (`module_id` for `{"module": ..., "slug": ...}`). Where several rows match, the
    first by primary key, as `.first()` would pick."""

    def __init__(self, rows: models.QuerySet[M], *fields: str) -> None:
        self._rows: dict[tuple, M] = {}
        for row in rows.order_by("pk"):
            self._rows.setdefault(tuple(getattr(row, name) for name in fields), row)

    def get(self, lookup: dict) -> M | None:
        return self._rows.get(tuple(_plain(value) for value in lookup.values()))

    def pks(self) -> list:
        return [row.pk for row in self._rows.values()]


def _find(model: type[M], lookup: dict, rows: Rows[M] | None) -> M | None:
    # `_default_manager`: each model the loader writes has one manager, `objects`.
    return model._default_manager.filter(**lookup).first() if rows is None else rows.get(lookup)


def _write(
    model: type[M], lookup: dict, values: dict, rows: Rows[M] | None = None
) -> tuple[M, str]:
    """Create or update one row; says which ("created", "updated", "unchanged")."""
    obj = _find(model, lookup, rows)
    if obj is None:
        return model._default_manager.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if _current(obj, name) != _plain(value)]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return obj, "updated"


@dataclass
class Related(Generic[M]):
    """A many-valued part of a row that the file also sets (a scenario's lessons, a quiz's
    questions): what it is now, what the file wants, and how to make it so. `stored`, when
    given, is what `current` says of a row as the load found it, read for every row at once
    (one query for the lot, not one a row); once `apply` has run, `current` is asked.

    A row just created has nothing to replace: `add`, when given, gives it `wanted` (without
    first reading what it has, as `apply` does), after which `current` would say `added`."""

    current: Callable[[M], Any]
    wanted: Any
    apply: Callable[[M], None]
    stored: Callable[[M], Any] | None = None
    add: Callable[[M], None] | None = None
    added: Any = None


def _state(obj: M, names, related: Related[M] | None, *, found: bool = False) -> dict:
    """The row's state as its fingerprint hashes it; `found`: as the load found it."""
    state = {name: _current(obj, name) for name in names}
    if related is not None:
        read = related.stored if found and related.stored is not None else related.current
        state["_related"] = read(obj)
    return state


def write_tracked(
    model: type[Tracked],
    lookup: dict,
    values: dict,
    *,
    report: LoadReport,
    kind: str,
    force: bool = False,
    related: Related[Tracked] | None = None,
    rows: Rows[Tracked] | None = None,
    optional: tuple[str, ...] = (),
) -> tuple[Tracked, str]:
    """Create or update a source-tracked row; says which ("created", "updated", "unchanged",
    or "kept" when the row is authored, or edited since the last load and not `force`d).

    `optional`: fields of `values` that join the fingerprint only when set, added after rows
    were first loaded (a question's level, a quiz's time limit). A row whose such field is
    still at its default was fingerprinted without it, so a file that now sets one is an
    update, not an admin edit: without this, adding `level:` to a question loaded before
    kept its old text back as "edited in the admin" on every load."""
    obj = _find(model, lookup, rows)
    name = f"{kind} {quoted(next(iter(lookup.values())))}"
    if obj is None:
        if related is None:  # its fingerprint is known before it is written
            state = {field: _plain(value) for field, value in values.items()}
            created = {"source": Source.FILE, "file_fingerprint": fingerprint(state)}
            return model._default_manager.create(**lookup, **values, **created), "created"
        obj = model._default_manager.create(**lookup, **values, source=Source.FILE)
        if related.add is None:
            related.apply(obj)
            state = _state(obj, values, related)
        else:
            related.add(obj)
            state = {**_state(obj, values, None), "_related": related.added}
        obj.file_fingerprint = fingerprint(state)
        obj.save(update_fields=["file_fingerprint"])
        return obj, "created"
    if obj.source == Source.AUTHORED:
        report.conflicts.append(
            f"{name} was written in the app, not loaded from a file: the file's version was "
            "not loaded (rename one of them)"
        )
        return obj, "kept"
    before = _state(obj, values, related, found=True)
    changed: list[str] = [n for n, value in values.items() if before[n] != _plain(value)]
    related_changed = related is not None and before["_related"] != related.wanted
    as_is = fingerprint(before)
    edited = bool(obj.file_fingerprint) and obj.file_fingerprint not in (
        as_is,
        _without_defaults(model, before, optional),
    )
    if (changed or related_changed) and edited and not force:
        report.conflicts.append(
            f"{name} was edited in the admin since the last load: the edit was kept "
            "(run with --force to take the file's version)"
        )
        return obj, "kept"
    if not (changed or related_changed):
        # Nothing to write but a missing or stale fingerprint: a save would only wake every
        # receiver (audit diff, search index, cached reading order) for a row that is the same.
        if as_is != obj.file_fingerprint:
            obj.file_fingerprint = as_is
            obj.save(update_fields=["file_fingerprint"])
        return obj, "unchanged"
    for n in changed:
        setattr(obj, n, values[n])
    if related is not None and related_changed:
        related.apply(obj)
    obj.file_fingerprint = fingerprint(_state(obj, values, related))
    obj.save(update_fields=[*changed, "file_fingerprint"])
    return obj, "updated"


def _upsert(
    model: type[M],
    report: LoadReport,
    kind: str,
    lookup: dict,
    values: dict,
    rows: Rows[M] | None = None,
) -> M:
    obj, outcome = _write(model, lookup, values, rows)
    report.add(kind, outcome)
    return obj


def _scenario_lessons(wanted: list[int], linked: dict[int, list[int]]) -> Related[Scenario]:
    """A scenario's lessons as the file wants them (`wanted`, their pks, sorted); `linked`:
    each stored scenario's, read for all at once."""

    def apply(row: Scenario) -> None:
        row.lessons.set(wanted)

    def add(row: Scenario) -> None:
        row.lessons.add(*wanted)

    return Related(
        current=lambda row: sorted(row.lessons.values_list("pk", flat=True)),
        wanted=wanted,
        apply=apply,
        stored=lambda row: sorted(linked.get(row.pk, [])),
        add=add,
        added=sorted(set(wanted)),
    )


@transaction.atomic
def load_curriculum(cur: Curriculum, *, force: bool = False) -> LoadReport:
    report = LoadReport()
    modules = {}
    restore_modules(cur, report)  # a file module renamed in the admin (`curriculum.recovery`)
    stored = Rows(Module.objects.all(), "slug")
    for m in cur.modules:
        modules[m.slug] = _upsert(
            Module,
            report,
            "modules",
            {"slug": m.slug},
            {
                "title": m.title,
                "summary": m.summary,
                "order": m.order,
                "published": m.published,
                "hands_on": list(m.hands_on),
                "source": Source.FILE,
            },
            stored,
        )
    plan, refused = rename_plan(cur)
    if refused:  # the command refuses these before loading (`refused_renames`)
        raise combined(refused)
    _rename_lessons(plan, modules, report)
    restore_lessons(cur, modules, report)  # a file lesson renamed in the admin
    _move_lessons(cur, modules, report)
    lessons = {}
    stored = Rows(Lesson.objects.all(), "module_id", "slug")
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
                "level": le.level,
                "sources": [{"title": t, "url": u} for t, u in le.sources],
                "source": Source.FILE,
            },
            stored,
        )
    _retire_lessons(cur, lessons, report)
    stored = Rows(Layer.objects.all(), "slug")
    layers = {
        la.slug: _upsert(
            Layer,
            report,
            "layers",
            {"slug": la.slug},
            {"name": la.name, "description": la.description, "order": la.order},
            stored,
        )
        for la in cur.layers
    }
    stored = Rows(Service.objects.all(), "slug")
    held = Rows(Responsibility.objects.all(), "service_id", "layer_id")
    for s in cur.services:
        service = _upsert(
            Service,
            report,
            "services",
            {"slug": s.slug},
            {"name": s.name, "model": s.model, "summary": s.summary, "order": s.order},
            stored,
        )
        for layer_slug, (owner, reason) in s.responsibilities.items():
            _upsert(
                Responsibility,
                report,
                "responsibilities",
                {"service": service, "layer": layers[layer_slug]},
                {"owner": owner, "reason": reason},
                held,
            )
    stored = Rows(Scenario.objects.filter(slug__in=[sc.slug for sc in cur.scenarios]), "slug")
    linked: dict[int, list[int]] = {}  # each stored scenario's lessons, as `current` reads them
    for scenario_id, lesson_id in Scenario.lessons.through.objects.filter(
        scenario_id__in=stored.pks()
    ).values_list("scenario_id", "lesson_id"):
        linked.setdefault(scenario_id, []).append(lesson_id)
    for sc in cur.scenarios:
        wanted = sorted(lessons[path].pk for path in sc.lessons)
        _, outcome = write_tracked(
            Scenario,
            {"slug": sc.slug},
            {
                "title": sc.title,
                "situation": sc.situation,
                "explanation": sc.explanation,
                "case": sc.case,
                "order": sc.order,
                "rule": {"title": sc.rule[0], "url": sc.rule[1]} if sc.rule else {},
            },
            report=report,
            kind="scenario",
            force=force,
            related=_scenario_lessons(wanted, linked),
            rows=stored,
        )
        report.add("scenarios", outcome)
        if outcome == "updated":
            report.updated_scenarios.add(sc.slug)
    stored = Rows(ArtifactSection.objects.all(), "slug")
    sections = {
        a.slug: _upsert(
            ArtifactSection,
            report,
            "artifact sections",
            {"slug": a.slug},
            {"name": a.name, "description": a.description, "order": a.order},
            stored,
        )
        for a in cur.artifact_sections
    }
    stored = Rows(ComplianceProgram.objects.all(), "slug")
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
            stored,
        )
    _load_glossary(cur, lessons, report)
    return report


def rename_plan(cur: Curriculum) -> tuple[list[tuple[LessonData, Lesson]], list[CurriculumError]]:
    """The stored lessons the files say were renamed (`formerly:`), each with the lesson it
    is now, and the declarations the database refuses (each at the file's `formerly:` line).

    A lesson already in the database under its slug has nothing to rename (a database loaded
    after the rename, or a fresh one). Otherwise each old name is looked for: "module/slug" as
    written, a bare slug in the lesson's module, else as a move is found (the one file lesson
    with that slug whose place is gone from the files: its module's slug changed too). An old
    name the database never had is fine (a fresh database, or one that skipped the releases
    that had it), unless a lesson of that module is about to be retired: then the name is
    most likely mistyped, and the load would strand that lesson's progress."""
    rows = list(Lesson.objects.select_related("module").only("slug", "source", "published",
                                                              "module__slug"))  # fmt: skip
    at = {row.path: row for row in rows}
    wanted = {le.path for le in cur.lessons}
    gone = [row for row in rows if row.source == Source.FILE and row.path not in wanted]
    # The slugs at places new to the database: a gone lesson with one of them is moving there
    # (`_move_lessons`), not being retired.
    arriving = {le.slug for le in cur.lessons if le.path not in at}
    named = {old for le in cur.lessons for old in le.former_paths()}  # renamed, not retired
    plan: list[tuple[LessonData, Lesson]] = []
    refused: list[CurriculumError] = []
    taken: dict[int, LessonData] = {}

    @cache
    def returning() -> set[int]:
        """Gone lessons that once stood at a place new to the database, which the load may
        give back to them (`recovery.restore_lessons`): not retiring. Read only if asked."""
        new = wanted - set(at)
        held = lesson_places_held(gone)
        return {row.pk for row in gone if held[row.pk] & new}

    def refuse(le: LessonData, why: str) -> None:
        refused.append(
            CurriculumError(le.source, le.formerly_line, f"front matter: 'formerly' {why}")
        )

    for le in cur.lessons:
        if not le.formerly or le.path in at:
            continue
        found: list[Lesson] = []
        for name, old in zip(le.formerly, le.former_paths(), strict=True):
            if old in at:
                found.append(at[old])
            elif "/" not in name:
                same = [row for row in gone if row.slug == name]
                if len(same) > 1:
                    places = ", ".join(quoted(row.path) for row in same)
                    refuse(le, f"names {quoted(name)}, which lessons in several modules had "
                               f"({places}): write the one meant as module-slug/lesson-slug")  # fmt: skip
                found.extend(same[:1] if len(same) == 1 else [])
        if len(found) > 1:
            names = " and ".join(quoted(row.path) for row in found)
            refuse(le, f"names {names}, both lessons in the database: only one of them can "
                       f"become {quoted(le.path)}")  # fmt: skip
            continue
        if not found:
            modules = {old.split("/")[0] for old in le.former_paths()}
            retiring = sorted(
                row.path
                for row in gone
                if row.published
                and row.module.slug in modules
                and row.slug not in arriving
                and row.path not in named
                and row.pk not in returning()
            )
            if retiring:
                refuse(le, f"names {', '.join(map(quoted, le.former_paths()))}, which the "
                           "database has no lesson at; this load would retire "
                           f"{', '.join(map(quoted, retiring))}: is that the old name?")  # fmt: skip
            continue
        row = found[0]
        if row.source != Source.FILE:
            refuse(le, f"names {quoted(row.path)}, a lesson written in the admin, not loaded "
                       "from the files: it is not the files' to rename")  # fmt: skip
        elif row.pk in taken:
            refuse(le, f"names {quoted(row.path)}, which {taken[row.pk].source} renames too")
        else:
            taken[row.pk] = le
            plan.append((le, row))
    return plan, refused


def refused_renames(cur: Curriculum) -> list[CurriculumError]:
    """The `formerly:` declarations the database refuses (run before loading anything)."""
    return rename_plan(cur)[1]


def _rename_lessons(
    plan: list[tuple[LessonData, Lesson]], modules: dict[str, Module], report: LoadReport
) -> None:
    """A lesson renamed (`formerly:`) is the same row under its new slug (and module, when it
    moved too): its progress, checks, assignments and questions stay on it, where a new row
    would start them from nothing. Its old address leads to it (`addresses`)."""
    for le, row in plan:
        before = row.path
        addresses.record_move(row, module_slug=row.module.slug, lesson_slug=row.slug)
        row.slug, row.module = le.slug, modules[le.module]
        row.save(update_fields=["slug", "module"])  # a new module recounts its completions
        report.add("lessons", "renamed")
        report.notes.append(
            f"renamed: lesson {quoted(before)} to {quoted(row.path)} (its progress, knowledge "
            "checks and cohort assignments go with it; the old address leads to it)"
        )


def _move_lessons(cur: Curriculum, modules: dict[str, Module], report: LoadReport) -> None:
    """A file lesson whose place (module/slug) is gone from the files while exactly one new
    place has its slug was moved there (its file moved to another module's folder, or its
    module's slug changed): the row goes with it, so the progress, knowledge checks, cohort
    assignments and question links on it are kept (a new row would start them from nothing,
    and the old one would stay in its old module). An ambiguous slug is not guessed at."""
    wanted = {(le.module, le.slug) for le in cur.lessons}
    rows = list(Lesson.objects.select_related("module").only("slug", "source", "module__slug"))
    have = {(row.module.slug, row.slug) for row in rows}
    gone: dict[str, list[Lesson]] = {}
    for row in rows:
        if row.source == Source.FILE and (row.module.slug, row.slug) not in wanted:
            gone.setdefault(row.slug, []).append(row)
    new: dict[str, list[str]] = {}
    for module, slug in sorted(wanted - have):
        new.setdefault(slug, []).append(module)
    for slug, left in gone.items():
        places = new.get(slug, [])
        if len(left) != 1 or len(places) != 1:
            continue
        row, before = left[0], left[0].path
        addresses.record_move(row, module_slug=row.module.slug, lesson_slug=row.slug)
        row.module = modules[places[0]]
        row.save(update_fields=["module"])  # lessons.progress recounts both modules' completions
        report.add("lessons", "moved")
        report.notes.append(
            f"moved: lesson {quoted(before)} to {quoted(row.path)} (its progress, knowledge "
            "checks and cohort assignments go with it)"
        )


def _retire_lessons(cur: Curriculum, lessons: dict[str, Lesson], report: LoadReport) -> None:
    """A file lesson or module no longer in the files is unpublished, never deleted: deleting
    would take every learner's progress and checks on it (and a module's lessons) with it. A
    lesson or module made only in the admin (`authored`) is not the files' to retire."""
    kept = [row.pk for row in lessons.values()]
    retired = Lesson.objects.filter(source=Source.FILE, published=True).exclude(pk__in=kept)
    for row in retired.select_related("module").order_by("module__slug", "slug"):
        row.published = False
        row.save(update_fields=["published"])
        done = LessonProgress.objects.filter(lesson=row).count()
        report.add("lessons", "retired")
        report.notes.append(
            f"retired: lesson {quoted(row.path)} is no longer in the files: unpublished; "
            f"{count_of(done, 'completion')} of it kept (back in the files, it is published again)"
        )
    listed = [m.slug for m in cur.modules]
    for module in Module.objects.filter(source=Source.FILE, published=True).exclude(
        slug__in=listed
    ):
        module.published = False
        module.save(update_fields=["published"])
        left = module.lessons.filter(published=True).count()
        report.add("modules", "retired")
        report.notes.append(
            f"retired: module {quoted(module.slug)} is no longer in the files: unpublished"
            + (f", with the {count_of(left, 'lesson')} still in it" if left else "")
        )


def count_of(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _load_glossary(cur: Curriculum, lessons: dict, report: LoadReport) -> None:
    """The file is the glossary's only source (the admin shows it read-only), so a term no
    longer in the file is removed."""
    stored = Rows(GlossaryTerm.objects.all(), "slug")
    for t in cur.glossary:
        _upsert(
            GlossaryTerm,
            report,
            "glossary terms",
            {"slug": t.slug},
            {
                "term": t.term,
                "aliases": list(t.aliases),
                "definition": t.definition,
                "lesson_id": lessons[t.lesson].pk,
                "related": list(t.related),
                "source_url": t.source_url,
            },
            stored,
        )
    for stale in GlossaryTerm.objects.exclude(slug__in=[t.slug for t in cur.glossary]):
        stale.delete()
        report.add("glossary terms", "removed")
