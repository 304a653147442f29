"""`manage.py load_curriculum`: load lessons/content/ into the database (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.curriculum import CONTENT_DIR, CurriculumError, read_curriculum
from lessons.loader import load_curriculum


class Command(BaseCommand):
    help = "Load the curriculum from lessons/content/ (update by slug; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--path", type=Path, default=CONTENT_DIR, help="the content folder")

    def handle(self, *args, path: Path, **options):
        try:
            curriculum = read_curriculum(path)
        except CurriculumError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        report = load_curriculum(curriculum)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Curriculum loaded: {report.total('created')} created, "
                f"{report.total('updated')} updated, {report.total('unchanged')} unchanged."
            )
        )
