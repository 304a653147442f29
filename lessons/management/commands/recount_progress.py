"""`manage.py recount_progress`: check, or rebuild, the lessons completed per learner and module
(`ModuleCompletions`) from the progress rows.

Completions keep the counts in step on their own (lessons/progress.py); this is for after
progress rows were written without the model's signals (`bulk_create`, a restore, raw SQL).
`--check` changes nothing and exits with status 1 when a count is wrong, for a monitor.
"""

from django.core.management.base import BaseCommand, CommandError

from lessons import progress


class Command(BaseCommand):
    help = "Check or rebuild the per-module completion counts from the lesson progress rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report wrong counts and change nothing."
        )

    def handle(self, *args, check=False, **options):
        if check:
            wrong = progress.count_drift()
            for (user_id, module_id), (kept, counted) in sorted(wrong.items()):
                self.stdout.write(
                    f"user {user_id}, module {module_id}: kept {kept}, progress rows {counted}"
                )
            if wrong:
                raise CommandError(f"{_counts(len(wrong))} wrong; run without --check.")
            self.stdout.write(self.style.SUCCESS("Completion counts match the progress rows."))
            return
        wrong = progress.recount()
        self.stdout.write(
            self.style.SUCCESS(f"Completion counts rebuilt ({_counts(wrong)} wrong).")
        )


def _counts(n: int) -> str:
    """'1 count was', '2 counts were': the monitor's line reads as a sentence."""
    return "1 completion count was" if n == 1 else f"{n} completion counts were"
