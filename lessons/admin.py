"""The curriculum in the Django admin. Files under lessons/content/ remain the source of truth
for shipped content (see lessons/content/README.md); the admin is for quick fixes and for
content that lives only in the database."""

from django.contrib import admin

from lessons.models import (
    ArtifactSection,
    ComplianceProgram,
    Layer,
    Lesson,
    LessonProgress,
    Module,
    Responsibility,
    Scenario,
    Service,
)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("order", "slug", "title", "minutes", "published")
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "order", "published", "lesson_count")
    list_editable = ("order", "published")
    search_fields = ("title", "slug", "summary")
    list_filter = ("published",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LessonInline]

    @admin.display(description="Lessons")
    def lesson_count(self, obj: Module) -> int:
        return obj.lessons.count()


class ScenarioLessonInline(admin.TabularInline):
    model = Scenario.lessons.through
    extra = 0
    verbose_name = "scenario shown in this lesson"
    verbose_name_plural = "scenarios shown in this lesson"
    autocomplete_fields = ("scenario",)


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "order", "level", "minutes", "published")
    list_filter = ("module", "level", "published")
    list_editable = ("order", "published")
    list_select_related = ("module",)
    search_fields = ("title", "slug", "summary", "body")
    ordering = ("module__order", "order")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ScenarioLessonInline]
    fieldsets = (
        (None, {"fields": ("module", "title", "slug", "summary")}),
        (
            "Content",
            {
                "fields": ("body",),
                "description": "Markdown. See lessons/content/README.md for conventions.",
            },
        ),
        ("Settings", {"fields": ("order", "level", "minutes", "published")}),
        (
            "Sources",
            {
                "fields": ("sources",),
                "description": "The AWS documentation pages the lesson rests on, shown as links "
                "at the end of the lesson. Content files must list at least two.",
            },
        ),
    )


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ("layer", "owner", "reason")
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "model", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug", "summary")
    inlines = [ResponsibilityInline]


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("service", "layer", "owner", "reason")
    list_filter = ("owner", "service", "layer")
    list_select_related = ("service", "layer")
    search_fields = ("reason", "service__name", "layer__name")


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "expected", "order", "source", "usable")
    search_fields = ("title", "slug", "situation")
    list_filter = ("lessons__module", "source")
    readonly_fields = ("source",)
    filter_horizontal = ("lessons",)

    @admin.display(boolean=True, description="engine agrees")
    def usable(self, obj: Scenario) -> bool:
        return obj.problem() is None


@admin.register(ArtifactSection)
class ArtifactSectionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name", "description")


@admin.register(ComplianceProgram)
class ComplianceProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "artifact_section", "order")
    list_filter = ("kind", "artifact_section")
    list_editable = ("order",)
    search_fields = ("name", "slug", "summary")


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "lesson", "completed_at")
    list_filter = ("lesson__module",)
    list_select_related = ("user", "lesson", "lesson__module")
    search_fields = ("user__username", "lesson__title")
    date_hierarchy = "completed_at"
