"""`manage.py load_curriculum`: load lessons/content/ into the database (idempotent).

Lessons first, then quizzes (which refer to lessons and scenarios), in one transaction: a
broken file anywhere aborts the whole load and changes nothing. Every file is read and checked
before that, the quizzes too when a lesson is refused, so one run names every problem found
(up to `readers.MAX_PROBLEMS`, then how many more), each with its file and line.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curriculum.loader import load_curriculum, refused_renames
from curriculum.quiz_loader import load_quizzes, refused_changes
from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CONTENT_DIR, CurriculumError, Problems, read_curriculum
from curriculum.signals import curriculum_loaded


class Command(BaseCommand):
    help = "Load the curriculum from lessons/content/ (update by slug; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CONTENT_DIR, help="the content folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="take the file's version of rows edited in the admin since the last load "
            "(rows written in the app are never overwritten)",
        )

    def handle(self, *args, path: Path, force: bool = False, **options):
        found = Problems()
        curriculum = read_curriculum(path, problems=found)
        quizzes = read_quizzes(path, curriculum, problems=found)
        if not found:  # what the database refuses: a question's type changed under answers,
            # a rename (`formerly:`) naming what is not there to rename
            for problem in [*refused_renames(curriculum), *refused_changes(quizzes)]:
                found.add(problem)
        if found:
            raise CommandError(refusal(found.error())) from None
        with transaction.atomic():
            report = load_curriculum(curriculum, force=force)
            load_quizzes(quizzes, report, force=force)
            curriculum_loaded.send(sender=self.__class__)  # e.g. search rebuilds its index
        for line in report.lines():
            self.stdout.write(f"  {line}")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(f"  kept: {conflict}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Curriculum loaded: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('unchanged')} unchanged"
                + (f", {report.total('kept')} kept (see above)." if report.conflicts else ".")
            )
        )


def refusal(exc: CurriculumError) -> str:
    """What the command says when it loads nothing: the one problem, or each on its own line,
    in the order found, then how many more (the words the teaching area's import uses)."""
    if exc.total == 1:
        return f"Nothing was loaded. {exc}"
    shown = f"the first {len(exc.problems)}, " if exc.more else ""
    lines = "\n".join(f"  {line}" for line in exc.lines())
    return f"Nothing was loaded: {exc.total} problems ({shown}in the order found):\n{lines}"
