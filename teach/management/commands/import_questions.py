"""`manage.py import_questions FILE --format json|gift --owner USERNAME [--quiz SLUG]`.

The same reader and checks as /teach/'s import: the whole file or nothing. A JSON quiz file
creates its quiz (a draft); with `--quiz`, the questions are added to that quiz instead.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from quizzes.models import Quiz
from teach.access import can_teach
from teach.transfer import importer
from teach.transfer.drafts import MAX_TEXT_CHARS, TransferError


class Command(BaseCommand):
    help = "Import questions (and a quiz) from a JSON or GIFT file: all of it, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=importer.FORMATS, required=True, dest="fmt")
        parser.add_argument("--owner", required=True, help="the instructor who will own them")
        parser.add_argument("--quiz", default="", help="add the questions to this quiz (slug)")

    def handle(self, *args, file: Path, fmt: str, owner: str, quiz: str, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"Nothing was imported. There is no user {owner!r}.")
        if not can_teach(user):
            raise CommandError(
                f"Nothing was imported. {owner!r} is not an instructor (make_instructor {owner})."
            )
        into = None
        if quiz:
            into = Quiz.objects.filter(slug=quiz).first()
            if into is None:
                raise CommandError(f"Nothing was imported. There is no quiz {quiz!r}.")
        try:
            if file.stat().st_size > MAX_TEXT_CHARS * 4:
                raise TransferError(f"the file is too large (at most {MAX_TEXT_CHARS // 1024} KB)")
            text = importer.decode(file.read_bytes())
            result = importer.run(text, fmt, owner=user, into=into)
        except OSError as exc:
            raise CommandError(
                f"Nothing was imported. Cannot read {file}: {exc.strerror}"
            ) from None
        except TransferError as exc:
            lines = "\n".join(f"{file}: {line}" for line in exc.lines())
            raise CommandError(f"Nothing was imported.\n{lines}") from None
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"  {warning}"))
        target = result.quiz or result.into
        where = f" into quiz {target.slug!r}" if target else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(result.questions)} question(s){where}"
                + (f", {len(result.new_scenarios)} new scenario(s)" if result.new_scenarios else "")
                + f", owned by {user.get_username()}."
            )
        )
