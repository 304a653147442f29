"""Quizzes in the Django admin. Files under lessons/content/quizzes/ remain the source of truth
for shipped quizzes; attempts are learner records and are read-only here.

Saving a question runs `Question.clean()`, the same validation as the loader, so the admin
refuses what the loader refuses. Rows that are broken anyway (saved before the checks, or
broken by a scenario edit) are flagged in the list and can be filtered.
"""

from django.contrib import admin

from lessons.admin import AutocompleteRowsInline, ListColumnsAdmin, lesson_text
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion, ReviewCard


class QuizQuestionInline(AutocompleteRowsInline):
    model = QuizQuestion
    fields = ("order", "question")
    autocomplete_fields = ("question",)
    extra = 0

    def get_queryset(self, request):
        # Each row is titled by `QuizQuestion.__str__` (quiz and question slugs), and its
        # autocomplete shows the question (`AutocompleteRowsInline`).
        return super().get_queryset(request).select_related("quiz", "question")


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "module",
        "feedback",
        "pass_mark",
        "attempts_allowed",
        "time_limit",
        "published",
        "source",
    )
    list_filter = ("published", "feedback", "module", "source")
    readonly_fields = ("source",)
    search_fields = ("title", "slug", "description")
    # The instructor who wrote it in /teach/: searched for, not a <select> of every account.
    autocomplete_fields = ("owner",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuizQuestionInline]


class BrokenFilter(admin.SimpleListFilter):
    title = "usable"
    parameter_name = "broken"

    def lookups(self, request, model_admin):
        return [("yes", "Broken (skipped for learners)"), ("no", "Usable")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        broken = [q.pk for q in queryset.select_related("scenario") if q.problems()]
        if self.value() == "yes":
            return queryset.filter(pk__in=broken)
        return queryset.exclude(pk__in=broken)


@admin.register(Question)
class QuestionAdmin(ListColumnsAdmin):
    list_display = ("slug", "type", "category", "module", "lesson", "scenario", "source", "usable")
    list_filter = (BrokenFilter, "type", "category", "module", "level", "source", "tags")
    readonly_fields = ("source", "problems_found")
    # Bank tags are made in /teach/ (the groups hold no permission on tags themselves); the
    # admin attaches existing ones.
    filter_horizontal = ("tags",)
    search_fields = ("slug", "prompt", "explanation", "category")
    list_select_related = ("module", "lesson__module", "scenario")
    list_deferred = (*lesson_text("lesson"), "module__summary")
    # owner: the instructor who wrote it in /teach/, searched for, not a <select> of every account
    autocomplete_fields = ("scenario", "owner")
    raw_id_fields = ("lesson",)

    @admin.display(boolean=True, description="usable")
    def usable(self, obj: Question) -> bool:
        return not obj.problems()

    @admin.display(description="problems")
    def problems_found(self, obj: Question) -> str:
        if obj.pk is None:
            return "-"
        return "; ".join(p.message for p in obj.problems()) or "None: learners can take it."


def _as_percent(score) -> str:
    return "–" if score is None else f"{round(float(score) * 100)}%"


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = (
        "question",
        "response",
        "score_percent",
        "correct",
        "tries",
        "certainty",
        "credit",
        "saved_at",
        "graded_at",
    )
    readonly_fields = fields

    @admin.display(description="score")
    def score_percent(self, obj) -> str:
        return _as_percent(obj.score)

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # Each row names its question (a read-only field, and `Answer.__str__`).
        return super().get_queryset(request).select_related("question")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "started_at", "submitted_at", "score_percent", "passed")
    # An attempt's page on the site belongs to its learner alone (staff would get a 404).
    view_on_site = False
    list_filter = ("quiz", "passed")
    search_fields = ("user__username", "quiz__slug")
    list_select_related = ("quiz", "user")
    inlines = [AnswerInline]
    # A row per learner and go: a filtered list does not count the whole table again for
    # "(N total)"; it offers "Show all" instead.
    show_full_result_count = False

    @admin.display(description="score", ordering="score")
    def score_percent(self, obj) -> str:
        return _as_percent(obj.score)

    def get_readonly_fields(self, request, obj=None):
        return ["score_percent", *(f.name for f in self.model._meta.fields if f.name != "score")]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ("user", "question", "due", "reviews", "lapses", "last_reviewed_at")
    list_filter = ("question__category",)
    search_fields = ("user__username", "question__slug")
    list_select_related = ("user", "question")
    raw_id_fields = ("user", "question")
    show_full_result_count = False  # a row per learner and question: see AttemptAdmin
