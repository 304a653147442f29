"""`manage.py export_quiz SLUG --format json|gift [--output FILE]`.

JSON holds the whole quiz (docs/question-format.md); GIFT only the kinds Moodle shares with
us, and the questions left out are named on stderr (and in a comment at the file's top).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.models import Quiz
from teach.transfer import gift, json_format


class Command(BaseCommand):
    help = "Write a quiz as JSON (everything) or GIFT (the choice kinds) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=("json", "gift"), required=True, dest="fmt")
        parser.add_argument("--output", type=Path, help="write here instead of stdout")

    def handle(self, *args, slug: str, fmt: str, output: Path | None, **options):
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None:
            raise CommandError(f"There is no quiz {slug!r}.")
        if fmt == "json":
            text = json_format.export_quiz(quiz)
        else:
            questions = json_format.quiz_questions(quiz)
            exported = gift.export(questions)
            if len(exported.left_out) == len(questions):
                raise CommandError(
                    f"Nothing to write: quiz {slug!r} has no single-choice, multiple-select or "
                    "true/false question, the kinds GIFT holds."
                )
            if exported.left_out:
                names = ", ".join(q.slug for q in exported.left_out)
                self.stderr.write(f"Left out (GIFT has no such kind): {names}")
            text = exported.text
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from None
        self.stderr.write(f"Wrote {output}.")
