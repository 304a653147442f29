"""Quizzes in the Django admin. Files under lessons/content/quizzes/ remain the source of truth
for shipped quizzes; attempts are learner records and are read-only here."""

from django.contrib import admin

from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion, ReviewCard


class QuizQuestionInline(admin.TabularInline):
    model = QuizQuestion
    fields = ("order", "question")
    autocomplete_fields = ("question",)
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "module",
        "feedback",
        "pass_mark",
        "attempts_allowed",
        "published",
    )
    list_filter = ("published", "feedback", "module")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuizQuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("slug", "type", "category", "module", "lesson", "scenario")
    list_filter = ("type", "category", "module")
    search_fields = ("slug", "prompt", "explanation", "category")
    list_select_related = ("module", "lesson__module", "scenario")
    autocomplete_fields = ("scenario",)
    raw_id_fields = ("lesson",)


def _as_percent(score) -> str:
    return "–" if score is None else f"{round(float(score) * 100)}%"


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("question", "response", "score_percent", "correct", "saved_at", "graded_at")
    readonly_fields = fields

    @admin.display(description="score")
    def score_percent(self, obj) -> str:
        return _as_percent(obj.score)

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "started_at", "submitted_at", "score_percent", "passed")
    # An attempt's page on the site belongs to its learner alone (staff would get a 404).
    view_on_site = False
    list_filter = ("quiz", "passed")
    search_fields = ("user__username", "quiz__slug")
    list_select_related = ("quiz", "user")
    inlines = [AnswerInline]

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
