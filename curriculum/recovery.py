"""A file's lesson or module renamed in the admin before the admin kept those names
(lessons/admin.py, `FileIdentityForm`), brought back to its file's name by the next load, the
same row.

Renamed there, the next load did not find the row by its file's name: it added the file's lesson
again as a new row, without its learners' progress, and retired the renamed one with the
progress on it (a module came back as a second module). A database renamed before the fix still
holds such rows. The load recognises one by what the database kept of where it stood:

- the old addresses the admin's rename recorded (`EarlierAddress`, `EarlierModuleSlug`: written
  since 2026-12-06), and
- the audit log of content changes (django-auditlog's `LogEntry`, kept since 2026-11-30), whose
  entries for the row give each slug and module it had, newest first.

A row is brought back only when it is the files' (`source="file"`) and still published (the load
would retire it now: one an earlier load retired has lost nothing to this one), its present name
is no longer in the files, the files' name it once had is in them and no row stands there, and
it is the only such row for that name and that name the only one for it. Anything less certain
is said, with the rows and how to fix it, and the load does what it did before; so is a row
renamed under the 2026-12-01 release, which migration lessons/0015 took for one written in the
admin (no file had its name), while it holds learners' work. docs/curriculum.md, "A lesson or
module renamed in the admin".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from curriculum.readers import Curriculum
from lessons import addresses
from lessons.models import (
    EarlierAddress,
    EarlierModuleSlug,
    KnowledgeCheck,
    Lesson,
    LessonProgress,
    Module,
    Source,
)
from srm_trainer.typed_text import quoted

if TYPE_CHECKING:
    from curriculum.loader import LoadReport


def _changes(model: type[Lesson | Module], pks: Iterable[int]) -> dict[int, list[dict]]:
    """Each row's recorded updates (auditlog's {field: [before, after]}), newest first."""
    found: dict[int, list[dict]] = {}
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in pks],
        action=LogEntry.Action.UPDATE,
    ).order_by("-timestamp", "-pk")
    for pk, changes in entries.values_list("object_pk", "changes"):
        if isinstance(changes, dict):  # the version kept here stores a JSON object
            found.setdefault(int(pk), []).append(changes)
    return found


def _before(changes: dict, name: str) -> str | None:
    """The value `name` had before this change, if the change was to it."""
    pair = changes.get(name)
    if isinstance(pair, list) and len(pair) == 2 and pair[0] not in (None, "None", ""):
        return str(pair[0])
    return None


def module_slugs_held(modules: list[Module]) -> dict[int, set[str]]:
    """Every slug each module has had, by its pk: its own, those it was renamed from in the
    admin (`EarlierModuleSlug`), and those the audit log shows it had."""
    held = {module.pk: {module.slug} for module in modules}
    for slug, pk in EarlierModuleSlug.objects.filter(module__in=held).values_list("slug", "module"):
        held[pk].add(slug)
    for pk, entries in _changes(Module, held).items():
        for changes in entries:
            was = _before(changes, "slug")
            if was:
                held[pk].add(was)
    return held


def lesson_places_held(lessons: list[Lesson]) -> dict[int, set[str]]:
    """Every place (`module/slug`) each lesson has stood at, by its pk: where it is, the old
    addresses recorded for it (`EarlierAddress`), and the places the audit log's entries for it
    give, walking back from where it is now (a module named by its pk, read as it is now)."""
    held = {lesson.pk: {lesson.path} for lesson in lessons}
    for module_slug, lesson_slug, pk in EarlierAddress.objects.filter(lesson__in=held).values_list(
        "module_slug", "lesson_slug", "lesson"
    ):
        held[pk].add(f"{module_slug}/{lesson_slug}")
    logged = _changes(Lesson, held)
    if not logged:
        return held
    slugs: dict[int, str] = dict(Module.objects.values_list("pk", "slug"))
    for lesson in lessons:
        module: int | None = lesson.module_id
        slug = lesson.slug
        for changes in logged.get(lesson.pk, ()):
            slug = _before(changes, "slug") or slug
            was = _before(changes, "module")
            if was is not None:
                module = int(was) if was.isdigit() else None
            if module in slugs:
                held[lesson.pk].add(f"{slugs[module]}/{slug}")
    return held


def _claims(
    new: Iterable[str], gone: list, held: dict[int, set[str]]
) -> tuple[dict[str, list], dict[int, list[str]]]:
    """For each of the files' names no row has, the gone rows that once had it; for each gone
    row, those names."""
    rows_for: dict[str, list] = {}
    names_for: dict[int, list[str]] = {}
    for name in sorted(new):
        for row in gone:
            if name in held[row.pk]:
                rows_for.setdefault(name, []).append(row)
                names_for.setdefault(row.pk, []).append(name)
    return rows_for, names_for


def restore_modules(cur: Curriculum, report: LoadReport) -> None:
    """A file module renamed in the admin gets its slug in `modules.yaml` back (before the load
    looks modules up by slug), so the load does not add the module again and empty this one:
    its app quizzes, old addresses and place in the course stay with it. Its admin slug leads
    to it (`addresses.record_module_move`)."""
    wanted = {m.slug for m in cur.modules}
    rows = list(Module.objects.only("slug", "source", "published"))
    new = wanted - {row.slug for row in rows}
    gone = [
        row
        for row in rows
        if row.source == Source.FILE and row.published and row.slug not in wanted
    ]
    if not new or not gone:
        return
    rows_for, names_for = _claims(new, gone, module_slugs_held(gone))
    for slug, found in rows_for.items():
        row = found[0]
        if len(found) > 1 or len(names_for[row.pk]) > 1:
            report.notes.append(_module_unsure(slug, found, names_for))
            continue
        before = row.slug
        row.slug = slug
        row.save(update_fields=["slug"])
        addresses.record_module_move(row, module_slug=before)
        report.add("modules", "recovered")
        report.notes.append(
            f"recovered: module {quoted(before)} is the files' {quoted(slug)}, renamed in the "
            f"admin: it is {quoted(slug)} again, the same module with its lessons and their "
            f"learners' progress, and /learn/{before}/ leads to it"
        )


def _module_unsure(slug: str, found: list[Module], names_for: dict[int, list[str]]) -> str:
    if len(found) > 1:
        rows = " and ".join(f"{quoted(row.slug)} (id {row.pk})" for row in found)
        what = f"modules {rows} were each the files' {quoted(slug)} once"
    else:
        row = found[0]
        names = " and ".join(map(quoted, names_for[row.pk]))
        what = f"module {quoted(row.slug)} (id {row.pk}) was once each of the files' {names}"
    return (
        f"not recovered: {what}, renamed in the admin, and the load cannot tell which is "
        f"which: {quoted(slug)} is added as a new module, the lessons its folder holds move "
        "to it with their progress, and a renamed one the files no longer have is retired. "
        "A quiz written in the app for a retired one still names it: give it the new module "
        "in the admin"
    )


def restore_lessons(cur: Curriculum, modules: dict[str, Module], report: LoadReport) -> None:
    """A file lesson renamed in the admin (its slug, its module or both) is put back at its
    file's place (after `formerly:` renames, before moves and the lookup by place), so the load
    does not add it again without its progress and retire it with the progress on it. Its
    admin address leads to it (`addresses.record_move`)."""
    rows = list(
        Lesson.objects.select_related("module").only(
            "slug", "source", "published", "module_id", "module__slug"
        )
    )
    at = {row.path: row for row in rows}
    wanted = {le.path: le for le in cur.lessons}
    gone = [row for row in rows if row.source == Source.FILE and row.path not in wanted]
    authored = [row for row in rows if row.source == Source.AUTHORED]
    if not gone and not authored:
        return
    held = lesson_places_held(gone + authored)
    live = [row for row in gone if row.published]  # a retired one loses nothing to this load
    rows_for, names_for = _claims(set(wanted) - set(at), live, held)
    put_back = set()
    for path, found in rows_for.items():
        row = found[0]
        if len(found) > 1 or len(names_for[row.pk]) > 1:
            report.notes.append(_lesson_unsure(path, found, names_for))
            continue
        le, before = wanted[path], row.path
        addresses.record_move(row, module_slug=row.module.slug, lesson_slug=row.slug)
        row.slug, row.module = le.slug, modules[le.module]
        row.save(update_fields=["slug", "module"])  # a new module recounts its completions
        put_back.add(row.pk)
        report.add("lessons", "recovered")
        report.notes.append(
            f"recovered: lesson {quoted(before)} is the files' {quoted(path)}, renamed in the "
            f"admin: it is {quoted(path)} again, the same lesson (its progress, knowledge "
            f"checks and cohort assignments kept), and /learn/{before}/ leads to it"
        )
    # Already split by an earlier load: the files' lesson stands as another row, the renamed
    # one (retired by that load) holds the work. Said while it holds any; no rows are merged.
    split = {
        row.pk: (row, path)
        for row in gone
        if row.pk not in put_back
        for path in sorted(held[row.pk] - {row.path})
        if path in at and at[path].source == Source.FILE
    }
    for row, path in split.values():
        work = _work(row)
        if work:
            report.notes.append(_lesson_split(row, at[path], work))
    # Renamed under the 2026-12-01 release, before rows recorded their source: migration
    # lessons/0015 took the renamed row for one written in the admin (no file had its name).
    # Not the files' to rename; said while it holds learners' work.
    for row in authored:
        places = sorted(path for path in held[row.pk] - {row.path} if path in wanted)
        work = _work(row) if places else ""
        if work:
            report.notes.append(_lesson_marked_authored(row, places[0], at.get(places[0]), work))


def _work(lesson: Lesson) -> str:
    """What learners did on a lesson, in words ("3 completions, 1 knowledge check"), or ""."""
    from curriculum.loader import count_of

    done = LessonProgress.objects.filter(lesson=lesson).count()
    checks = KnowledgeCheck.objects.filter(lesson=lesson).count()
    parts = [count_of(done, "completion")] if done else []
    return ", ".join(parts + ([count_of(checks, "knowledge check")] if checks else []))


def _lesson_unsure(path: str, found: list[Lesson], names_for: dict[int, list[str]]) -> str:
    if len(found) > 1:
        rows = " and ".join(f"{quoted(row.path)} (id {row.pk})" for row in found)
        what = f"lessons {rows} were each the files' {quoted(path)} once"
        fix = f"the one it is (say {quoted(found[0].path)})"
    else:
        row = found[0]
        names = " and ".join(map(quoted, names_for[row.pk]))
        what = f"lesson {quoted(row.path)} (id {row.pk}) was once each of the files' {names}"
        fix = quoted(row.path)
    return (
        f"not recovered: {what}, renamed in the admin, and the load cannot tell which is "
        f"which: {quoted(path)} is added as a new lesson, and a renamed one the files no "
        f"longer have is retired with its progress. To keep the progress: delete the new "
        f"{quoted(path)} in the admin before learners use it, add 'formerly: {fix}' to its "
        "file's front matter and load again"
    )


def _lesson_split(row: Lesson, other: Lesson, work: str) -> str:
    state = "" if row.published else ", retired"
    return (
        f"not recovered: lesson {quoted(row.path)} (id {row.pk}{state}, {work}) is the files' "
        f"{quoted(other.path)}, renamed in the admin, but an earlier load added "
        f"{quoted(other.path)} again as another lesson (id {other.pk}): the learners' work "
        f"stays on {quoted(row.path)}. If {quoted(other.path)} holds no learners' work yet, "
        f"delete it in the admin, tick Published on {quoted(row.path)} and load again: the "
        f"load then makes it {quoted(other.path)} again. Otherwise the two are not merged"
    )


def _lesson_marked_authored(row: Lesson, path: str, other: Lesson | None, work: str) -> str:
    there = f"another lesson (id {other.pk})" if other else "a new lesson"
    return (
        f"not recovered: lesson {quoted(row.path)} (id {row.pk}, {work}), written in the admin, "
        f"once stood at the files' {quoted(path)}, which this load keeps as {there}. If it is "
        "that lesson, renamed in the admin before rows recorded where they came from (the "
        "2026-12-01 release), the learners' work is on it, not on the files' lesson: delete "
        f"{quoted(path)} in the admin while it holds no learners' work, give "
        f"{quoted(row.path)} the slug and module of {quoted(path)} there, and load again"
    )
