"""The glossary in the admin, read-only: `lessons/content/glossary.yaml` is its source, and
`load_curriculum` replaces the rows with the file's terms (a row edited here would be lost)."""

from django.contrib import admin

from glossary.models import GlossaryTerm
from lessons.admin import FromContentFile, ListColumnsAdmin, lesson_text


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(FromContentFile, ListColumnsAdmin):
    list_display = ("term", "slug", "lesson")
    list_select_related = ("lesson", "lesson__module")
    # The list shows a lesson's name: not its body, nor the term's definition.
    list_deferred = ("definition", "aliases", "related", "source_url", *lesson_text("lesson"))
    search_fields = ("term", "slug", "definition", "aliases")
    readonly_fields = ("slug", "term", "aliases", "definition", "lesson", "related", "source_url")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
