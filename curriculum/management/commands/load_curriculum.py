"""`manage.py load_curriculum`: load lessons/content/ into the database (idempotent).

Lessons first, then quizzes (which refer to lessons and scenarios), in one transaction: a
broken file anywhere aborts the whole load and changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from curriculum.loader import load_curriculum
from curriculum.quiz_loader import load_quizzes
from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CONTENT_DIR, CurriculumError, read_curriculum
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
        try:
            curriculum = read_curriculum(path)
            quizzes = read_quizzes(path, curriculum)
        except CurriculumError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        with transaction.atomic():
            report = load_curriculum(curriculum, force=force)
            load_quizzes(quizzes, report, force=force)
            curriculum_loaded.send(sender=self.__class__)  # e.g. search rebuilds its index
        for line in report.lines():
            self.stdout.write(f"  {line}")
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(f"  kept: {conflict}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Curriculum loaded: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('unchanged')} unchanged"
                + (f", {report.total('kept')} kept (see above)." if report.conflicts else ".")
            )
        )
