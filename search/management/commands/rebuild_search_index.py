"""`manage.py rebuild_search_index`: index every module, lesson, scenario, glossary term and
question again.

Edits keep the index in step on their own, and `load_curriculum` rebuilds it; this is for
after a restore, a migration that rebuilt the table, or a change to what a source indexes.
"""

from django.core.management.base import BaseCommand

from search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the content in the database."

    def handle(self, *args, **options):
        written = rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {written} documents."))
