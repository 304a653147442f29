"""The glossary in the admin, read-only: `lessons/content/glossary.yaml` is its source, and
`load_curriculum` replaces the rows with the file's terms (a row edited here would be lost)."""

from django.contrib import admin
from django.urls import reverse

from glossary.models import GlossaryTerm
from lessons.admin import FromContentFile, ListColumnsAdmin, lesson_text
from srm_trainer.gone import refusal_page


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(FromContentFile, ListColumnsAdmin):
    list_display = ("term", "slug", "lesson")
    list_select_related = ("lesson", "lesson__module")
    # The list shows a lesson's name: not its body, nor the term's definition.
    list_deferred = ("definition", "aliases", "related", "source_url", *lesson_text("lesson"))
    search_fields = ("term", "slug", "definition", "aliases")
    # Counted once, not twice: "(N total)" counted all 26,700 terms of the bench's course again
    # on every page (~2 ms each on PostgreSQL); a searched list offers "Show all" instead.
    show_full_result_count = False
    readonly_fields = ("slug", "term", "aliases", "definition", "lesson", "related", "source_url")

    def has_add_permission(self, request) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Django's refusal was the plain 403 page, which told the administrator to "ask your
        instructor or an administrator": say where terms come from instead."""
        return _from_files(request, "added")

    def delete_view(self, request, object_id, extra_context=None):
        return _from_files(request, "deleted")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _from_files(request, done: str):
    """The 403 page for adding or deleting a term (`done`), saying what is true: the glossary
    is the course files' (docs/curriculum.md), and the next load writes it from them."""
    why = (
        f"Glossary terms are not {done} in the admin: they come from the course files, "
        "lessons/content/glossary.yaml, which manage.py load_curriculum reads (each deploy runs "
        "it). Change the term there; the next load writes the glossary from it."
    )
    back_url = reverse("admin:glossary_glossaryterm_changelist")
    return refusal_page(request, why, back_url=back_url, back_label="Back to the glossary terms")
