"""Quizzes in the Django admin. Files under lessons/content/quizzes/ remain the source of truth
for shipped quizzes; attempts are learner records and are read-only here.

Saving a question runs `Question.clean()`, the same validation as the loader, so the admin
refuses what the loader refuses. Rows that are broken anyway (saved before the checks, or
broken by a scenario edit) are flagged in the list and can be filtered.

A quiz's questions are numbered 1..n, as /teach/ keeps them: its inline refuses a position
given twice or below 1, and its save closes the gaps under the quiz's lock (`quizzes.entries`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BoundField
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy

from curriculum.fingerprints import archived_by_hand
from lessons import reading_order
from lessons.admin import (
    AutocompleteRowsInline,
    FileSlugForm,
    InlinesInLowerCase,
    ListColumnsAdmin,
    RowKnowsItsChoiceForm,
    lesson_text,
    records_in_words,
)
from lessons.models import Source
from quizzes import hooks
from quizzes.answer_key import REKEYED, key_changed, removed_choices, removed_notice
from quizzes.entries import listing_refused, questions_leaving, set_entries
from quizzes.models import (
    Answer,
    Attempt,
    Question,
    Quiz,
    QuizQuestion,
    ReviewCard,
    whole_percent,
)
from quizzes.renames import follow_slug, rename_in_lessons
from srm_trainer.admin_names import NamedControlsAdmin
from srm_trainer.admin_stale import EditedElsewhereAdmin

# The id of the line above a quiz's question rows that says how positions work
# (templates/admin/quizzes/quiz/change_form.html): one for every row, and seen on a phone,
# where the admin hides a column's help icon.
POSITIONS_HELP = "entries-positions-help"


class PositionBoundField(BoundField):
    """A row's position, described by the line above the rows (and by its own error, if it
    has one). As a field's help text it was only a header's tooltip, hidden on a phone, and
    each input pointed at a per-row help text the tabular inline never draws."""

    @property
    def aria_describedby(self):
        ids = [POSITIONS_HELP]
        if self.auto_id and self.errors:
            ids.append(f"{self.auto_id}_error")
        return " ".join(ids)


class PositionField(forms.IntegerField):
    bound_field_class = PositionBoundField


def _entry_named(form: forms.ModelForm) -> str:
    """The row's question as saved (its inline row reads it with the entry), for the row's
    inputs' names."""
    if form.instance.pk is None:
        return "the new question"
    return f"“{form.instance.question.slug}”"


class QuizEntryForm(RowKnowsItsChoiceForm):
    # Blank (a row just added) puts the question last; the model refuses 0 and below too.
    order = PositionField(
        label="position",
        required=False,
        min_value=1,
        error_messages={"min_value": "Positions start at 1."},
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),  # 5em, not half a phone
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A row's inputs have no <label> (the table's header names the column): each is named
        # for its row, so a screen reader says whose position it is.
        self.fields["order"].widget.attrs["aria-label"] = f"Position of {_entry_named(self)}"

    def _post_clean(self):
        """The row's title (`QuizQuestion.__str__`, "quiz #2: beta") keeps naming the entry as
        it is saved, not as typed: on a refused page the fields show what was typed, and the
        title is what still says where each row's question is now. (Nothing is saved from the
        instance: `set_entries` reads the entries again.)"""
        if self.instance.pk is None:
            return super()._post_clean()
        saved = self.instance.order, self.instance.question
        super()._post_clean()
        self.instance.order, self.instance.question = saved


def _repeated(kept: list[tuple[int, forms.ModelForm]], key: str) -> dict:
    """Each value of the field `key` that two or more of these rows give, with those rows."""
    rows: dict = {}
    for row, form in kept:
        if form.cleaned_data.get(key) is not None:
            rows.setdefault(form.cleaned_data[key], []).append((row, form))
    return {value: repeated for value, repeated in rows.items() if len(repeated) > 1}


def _named(form: forms.ModelForm, row: int) -> str:
    question = form.cleaned_data.get("question")
    return f"“{question.slug}”" if question is not None else f"row {row}"


class QuizEntriesFormSet(BaseInlineFormSet):
    """A quiz's entries as the admin edits them: each question once, each position once. The
    save (`QuizAdmin.save_formset`) closes the gaps, as every other edit of a quiz leaves its
    positions 1..n. A refused save shows the rows as they were sent."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:  # its checkbox, under "Delete?" only
            form.fields[DELETION_FIELD_NAME].widget.attrs["aria-label"] = (
                f"Delete {_entry_named(form)}"
            )

    def kept(self) -> list[tuple[int, forms.ModelForm]]:
        """The rows that stay (numbered from 1 as shown) and are valid so far: not deleted,
        and not a row added and left empty."""
        return [
            (row, form)
            for row, form in enumerate(self.forms, start=1)
            if hasattr(form, "cleaned_data")
            and not form.cleaned_data.get(DELETION_FIELD_NAME)
            and (form.instance.pk is not None or form.has_changed())
        ]

    def clean(self):
        kept = self.kept()
        questions, orders = _repeated(kept, "question"), _repeated(kept, "order")
        problems = [
            f"“{question.slug}” is in {len(repeated)} rows: a quiz has each question once. "
            "Delete the extra rows."
            for question, repeated in questions.items()
        ]
        problems += [
            f"Position {order} is given to "
            f"{get_text_list([_named(form, row) for row, form in repeated], 'and')}: "
            "give each question a position of its own."
            for order, repeated in orders.items()
        ]
        for key, found, error in (
            ("question", questions, "This question is in another row too."),
            ("order", orders, "Another row has this position too."),
        ):
            for repeated in found.values():
                for _, form in repeated:
                    form.add_error(key, error)
        if not problems:
            problems = self._past_ceiling(kept)
        if problems:
            raise ValidationError(problems)
        super().clean()  # Django's check of the (quiz, question) constraint, passed by now

    def _past_ceiling(self, kept: list[tuple[int, forms.ModelForm]]) -> list[str]:
        """The rows added, refused when they take the quiz past the most it may list
        (`listing_refused`), counting the entries added meanwhile elsewhere (`set_entries`
        keeps them). The quiz's row is locked first where the database has row locks, as an
        instructor's add holds it (`hold_entries`), so none is added between this count and
        the save; SQLite's transaction took the write lock at its start."""
        quiz = self.instance
        added = sum(1 for _, form in kept if form.instance.pk is None)
        if not added:
            return []
        listed = len(kept) - added
        if quiz.pk is not None:
            if transaction.get_connection().in_atomic_block:
                list(
                    Quiz.objects.select_for_update(no_key=True).filter(pk=quiz.pk).values_list("pk")
                )
            shown = {form.instance.pk for form in self.initial_forms}
            listed += QuizQuestion.objects.filter(quiz=quiz).exclude(pk__in=shown).count()
        refused = listing_refused(quiz.title or "This quiz", listed, added)
        return [refused] if refused else []

    def rows(self) -> list[tuple[int | None, Question]]:
        """The kept rows as `set_entries` takes them, in the order given: by position, the
        rows left blank last (in the order shown)."""

        def given(kept_row: tuple[int, forms.ModelForm]) -> tuple:
            row, form = kept_row
            order = form.cleaned_data["order"]
            return (order is None, order or 0, row)

        return [
            (f.instance.pk, f.cleaned_data["question"]) for _, f in sorted(self.kept(), key=given)
        ]


class QuizQuestionInline(AutocompleteRowsInline):
    model = QuizQuestion
    form = QuizEntryForm
    formset = QuizEntriesFormSet
    verbose_name = "question"  # "Add another question", not "Add another Quiz question"
    verbose_name_plural = "questions"
    fields = ("order", "question")
    autocomplete_fields = ("question",)
    extra = 0

    def get_queryset(self, request):
        # Each row is titled by `QuizQuestion.__str__` (quiz and question slugs), and its
        # autocomplete shows the question (`AutocompleteRowsInline`).
        return super().get_queryset(request).select_related("quiz", "question")


class QuizAdminForm(FileSlugForm):
    @staticmethod
    def file_slug_help(slug: str) -> str:
        return format_html(
            "Set by its file under <code>lessons/content/quizzes/</code>: each deploy’s"
            " <code>load_curriculum</code> finds the quiz by it, so it is not changed here. To"
            " rename the quiz, change its slug in the file and add <code>formerly: {}</code>"
            " under <code>quiz:</code>: the load renames this quiz, its attempts and cohort"
            " assignments with it, and its old address leads to the new one. Changed here, the"
            " next load would add the file’s quiz again as a new one and unpublish this one,"
            " with its attempts.",
            slug,
        )


# A quiz's questions edited in rows on its page while there are at most this many. Each row
# sends five fields: past ~195 rows a save went over DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) and
# was refused whole, its title too, as "more fields than this page can send".
INLINE_QUESTIONS = 100


@admin.register(Quiz)
class QuizAdmin(EditedElsewhereAdmin, InlinesInLowerCase, NamedControlsAdmin):
    form = QuizAdminForm

    def get_deleted_objects(self, objs, request):
        """Its attempts (learner records, which no role may delete) would go with it: Django told
        an everyday admin only that they lack "permission to delete ... attempt". Its cohort
        assignments (an instructor's, with their dates and extensions) would go too, and Django
        asked nothing: it checks permissions only for models in the admin, and cohorts are not.
        Both protect it instead, counted, for whoever may not delete them; the delete pages
        (templates/admin/quizzes/quiz/) say to unpublish it. A superuser deletes as before."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        records = {str(m._meta.verbose_name) for m in (Attempt, Answer)}
        taken: dict[str, int] = {}
        if perms_needed & records:
            perms_needed = perms_needed - records
            taken = dict(_per_quiz(Attempt.objects.filter(quiz__in=objs)))
        assigned: dict[str, int] = {}
        if not request.user.has_perm("cohorts.delete_assignment"):
            # Through the quiz's side: cohorts is built on quizzes, which never import it.
            assigned = dict(
                Quiz.objects.filter(
                    pk__in=[quiz.pk for quiz in objs], cohort_assignments__isnull=False
                )
                .values_list("slug")
                .annotate(n=Count("cohort_assignments"))
                .order_by()
            )
        protected = [
            *protected,
            *records_in_words(
                (taken, lambda n: f"{n} attempt{pluralize(n)}"),
                (assigned, lambda n: f"assigned to {n} cohort{pluralize(n)}"),
            ),
        ]
        return deleted, counts, perms_needed, protected

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
    # The module is optional (the final exam spans modules): Django joins only required keys
    # by itself, so each row listed read its module in a query of its own.
    list_select_related = ("module",)
    readonly_fields = ("source", "questions_listed")
    search_fields = ("title", "slug", "description")
    # The instructor who wrote it in /teach/: searched for, not a <select> of every account.
    autocomplete_fields = ("owner",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuizQuestionInline]

    def get_inlines(self, request, obj):
        """A quiz of more than INLINE_QUESTIONS questions links to them (`questions_listed`)
        instead of a row each, as a large module does: with 500 rows its page took 1.5 s to
        draw and could not be saved at all, not even a new title."""
        if obj is not None and _entries_counted(obj) > INLINE_QUESTIONS:
            return []
        return super().get_inlines(request, obj)

    @admin.display(description="Questions")
    def questions_listed(self, obj: Quiz) -> str:
        counted = _entries_counted(obj)
        if obj.pk is None or counted <= INLINE_QUESTIONS:
            return "Listed below." if obj.pk is not None else "Add them once the quiz is saved."
        listed = reverse("admin:quizzes_question_changelist") + f"?quizzes__id__exact={obj.pk}"
        return format_html(
            '{} questions, too many to edit in rows here: <a href="{}">open them in the list of'
            ' questions</a>, and add, remove or order them on <a href="{}">the quiz’s teaching'
            " page</a>.",
            counted,
            listed,
            reverse("teach:quiz", args=[obj.pk]),
        )

    def save_formset(self, request, form, formset, change):
        """The entries as `set_entries` writes them (under the quiz's lock, renumbered 1..n),
        and what it wrote where Django's formset keeps it, for the page's history."""
        if not isinstance(formset, QuizEntriesFormSet):
            return super().save_formset(request, form, formset, change)
        shown = {f.instance.pk for f in formset.initial_forms if f.instance.pk is not None}
        written = set_entries(form.instance, formset.rows(), shown=shown)
        formset.new_objects = written.created
        formset.changed_objects = written.changed
        formset.deleted_objects = written.deleted


def _entries_counted(quiz: Quiz) -> int:
    """How many questions `quiz` lists, counted once for its change page (which asks twice).
    Only that page needs it: annotating the admin's queryset counted every quiz's entries for
    the list too, grouped before its page was cut (75 ms of its ~124 at 100 times the course,
    1,000 quizzes and 20,800 entries)."""
    if quiz.pk is None:
        return 0
    kept = vars(quiz)
    if "entries_counted" not in kept:
        kept["entries_counted"] = quiz.entries.count()
    return kept["entries_counted"]


class BrokenFilter(admin.SimpleListFilter):
    """Questions learners are shown, or those skipped as broken: the check learners' pages make
    (`Question.quick_problems`, kept per process), asked of at most `CHECKED` questions.

    No column holds the verdict (it follows the question's data, its scenario's case and the
    code of its kind), so each row is checked in Python, and some kinds' checks run the IAM,
    network or WAF engine: every question of a course grown 100 times (70,000) was tens of
    seconds a request. Past `CHECKED` the list is narrowed first, by the other filters and the
    search, and it shows no question until then: an unfiltered list under "Broken" could have
    the wrong questions archived from it. It is applied after the search
    (`QuestionAdmin.get_search_results`, the last step of Django's list), so a search narrows
    it too; facet counts are not offered for it, each being another pass over the rows."""

    title = "usable"
    parameter_name = "broken"
    CHECKED = 1000

    def lookups(self, request, model_admin):
        return [("yes", "Broken (skipped for learners)"), ("no", "Usable")]

    def queryset(self, request, queryset):
        return None  # applied after the search: `narrow`

    @classmethod
    def narrow(cls, request, queryset):
        """`queryset` kept to its broken (or usable) questions, when the list asks for them."""
        wanted = request.GET.get(cls.parameter_name)
        if wanted not in ("yes", "no"):
            return queryset
        rows = list(queryset.select_related("scenario").order_by("pk")[: cls.CHECKED + 1])
        if len(rows) > cls.CHECKED:
            if not getattr(request, "_usable_too_many", False):  # facets ask once per filter
                request._usable_too_many = True
                messages.warning(
                    request,
                    f"The “usable” filter checks at most {cls.CHECKED:,} questions at a time,"
                    " and this list has more, so no question is shown. Narrow it first (by"
                    " type, module, category, archived or a search), then choose “usable”"
                    " again.",
                )
            return queryset.none()
        broken = [q.pk for q in rows if q.quick_problems()]
        if wanted == "yes":
            return queryset.filter(pk__in=broken)
        return queryset.exclude(pk__in=broken)


def question_field_help() -> dict[str, str]:
    """What the question form's JSON and scenario fields hold: the model said only
    "Type-specific content." for `data` and nothing for the others, and a policy decision's
    `{}` read like a question left empty. Each kind's `data`, with an example, is on the
    teachers' import formats page, which admins open too."""
    examples = reverse("teach:import-help") + "#each-kind-of-question"
    return {
        "data": format_html(
            "The type’s own content, as JSON. Each type’s fields, with an example, are under"
            ' “Each kind of question” on <a href="{}">the import formats page</a> (its'
            " <code>data</code>). A policy decision keeps nothing here, <code>{{}}</code>:"
            " its answer is what the IAM engine decides for its scenario’s case, worked out"
            " when it is graded, so an edit of the case changes the answer. A flow or WAF"
            " question keeps its network or web ACL case here, and the network engine works"
            " out its answer the same way (an <code>expect</code> you write must agree). A"
            " route-the-findings question keeps the sample findings shown"
            " (<code>samples</code>, slugs of the findings lab), the ones that must reach the"
            " target (<code>want</code>) and a <code>model</code> pattern as JSON text, which"
            " the findings engine must find sends exactly those.",
            examples,
        ),
        "misconceptions": mark_safe(  # fixed text, no value in it
            "What a wrong answer suggests the learner believes, as a JSON list of tags"
            " (lowercase words joined by hyphens), as in"
            ' <code>["thinks-aws-patches-guest-os"]</code>, or <code>[]</code> for none.'
            " The teaching pages count the learners who answered wrong under each tag."
        ),
        "scenario": "Policy decision only: the IAM case whose decision is the answer (its"
        " request, policies and the decision expected, which the engine must agree with)."
        " Other types leave it empty.",
    }


# Questions archived or put back in use by one admin action: each is saved on its own.
ARCHIVE_AT_MOST = 500


# The slug's help on the page of a question written in the admin or the app (`carry_rename`).
RENAME_HELP = mark_safe(
    "Renamed here, each lesson’s <code>::: check</code> line that asks it is changed to the new"
    " slug, in the same save, and learners’ answers to those checks go with it."
)


class QuestionAdminForm(FileSlugForm):
    """The admin's question form, held to the ceilings of its owner's questions as /teach/'s
    editor is (the owner checks an app registers, `hooks.owner_refusals`: teach's ceilings):
    a category past the banks a teacher's fill, or tags past the most they carry, is said at
    its field and nothing is saved. A file question's slug is shown, not taken (`FileSlugForm`)."""

    @staticmethod
    def file_slug_help(slug: str) -> str:
        return format_html(
            "Set by its quiz file under <code>lessons/content/quizzes/</code>: each deploy’s"
            " <code>load_curriculum</code> finds the question by it, so it is not changed"
            " here. To rename the question, change its slug in the file and add"
            " <code>formerly: {}</code> to it there (and write the new slug in each lesson’s"
            " <code>::: check</code> line that asks it): the load renames this question, its"
            " answers, review cards and lesson checks with it. Changed here, the next load"
            " would add the file’s question again as a new one and archive this one, with its"
            " answers.",
            slug,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and not slug.disabled and self.instance.pk is not None:
            slug.help_text = RENAME_HELP

    def clean(self):
        data = super().clean()
        question = self.instance

        def given(name: str, stored):
            return data.get(name) if name in self.fields else stored

        owner = given("owner", question.owner if question.owner_id else None)
        tags = given("tags", question.tags.all() if question.pk else [])
        refused = hooks.owner_refusals(
            question,
            owner=owner,
            category=given("category", question.category),
            tags=[tag.slug for tag in tags or []],
            misconceptions=given("misconceptions", question.misconceptions),
            archived=bool(given("archived", question.archived)),
        )
        for name, message in refused.items():
            self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Question)
class QuestionAdmin(EditedElsewhereAdmin, ListColumnsAdmin):
    form = QuestionAdminForm
    list_display = (
        "slug",
        "type",
        "category",
        "module",
        "lesson",
        "scenario",
        "source",
        "usable",
        "archived",
    )
    list_filter = (
        BrokenFilter,
        "archived",
        "type",
        "category",
        "module",
        "level",
        "source",
        "tags",
    )
    # `delete_selected`: Django's, whose confirmation names the lessons that ask the questions.
    actions = ["delete_selected", "archive_selected", "restore_selected"]
    readonly_fields = ("source", "problems_found")
    # Bank tags are made in /teach/ (the groups hold no permission on tags themselves); the
    # admin attaches existing ones.
    filter_horizontal = ("tags",)
    search_fields = ("slug", "prompt", "explanation", "category")
    # A filtered or searched list counts what it shows, not the whole bank again for
    # "(N total)" (21,000 questions at the bench's size, ~2 ms on PostgreSQL): "Show all".
    show_full_result_count = False
    list_select_related = ("module", "lesson__module", "scenario")
    list_deferred = (*lesson_text("lesson"), "module__summary")
    # owner: the instructor who wrote it in /teach/, searched for, not a <select> of every account
    autocomplete_fields = ("scenario", "owner")
    raw_id_fields = ("lesson",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name, help_text in question_field_help().items():
            if name in form.base_fields:
                form.base_fields[name].help_text = help_text
        return form

    def get_deleted_objects(self, objs, request):
        """Django's, except what protects a question: its answers (`Answer.question`), named
        by their question and counted, not listed one by one (a question may have thousands).
        The delete pages (templates/admin/quizzes/question/) say why, and to archive it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Review cards (learners' records, which no role may delete) would go with it too: to
        # an everyday admin Django said only "your account doesn't have permission to delete
        # ... review card", as if a permission were missing. They protect it as answers do.
        card = str(ReviewCard._meta.verbose_name)
        queued: dict[str, int] = {}
        if card in perms_needed:
            perms_needed = perms_needed - {card}
            queued = dict(_per_question(ReviewCard.objects.filter(question__in=objs)))
        if protected or queued:
            answered = dict(_per_question(Answer.objects.filter(question__in=objs)))
            lines = records_in_words(
                (answered, lambda n: f"{n} answer{pluralize(n)}"),
                (queued, lambda n: f"in {n} review queue{pluralize(n)}"),
            )
            protected = lines or protected
        return deleted, counts, perms_needed, protected

    def render_delete_form(self, request, context):
        """The lessons whose `::: check` asks the question, where the delete would go ahead."""
        if not context.get("protected") and not context.get("perms_lacking"):
            context["checked_in"] = reading_order.checking([context["object"].slug])
        return super().render_delete_form(request, context)

    @admin.action(
        permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
    )
    def delete_selected(self, request, queryset):
        """Django's, whose confirmation names the lessons that ask the questions chosen (a
        lesson's check then shows nothing, and its next save is refused for it)."""
        response = delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            said = response.context_data
            if not said.get("protected") and not said.get("perms_lacking"):
                slugs = queryset.values_list("slug", flat=True)
                said["checked_in"] = reading_order.checking(slugs)
        return response

    def save_model(self, request, obj, form, change):
        """The change form's `archived` tick is a person's archive or restore, as the list's
        actions are (`_set_archived`): a file question the load had archived loses the load's
        mark (`archived_by_hand`), else restored here and archived again it would be taken
        for the load's and put back in use by the next load. The mark is read from the row as
        stored, not as this form changes it: an edit made with the tick stays an admin edit
        for the load."""
        if change and "archived" in form.changed_data and obj.source == Source.FILE:
            stored = Question.objects.filter(pk=obj.pk).first()
            if stored is not None and archived_by_hand(stored):
                obj.file_fingerprint = stored.file_fingerprint
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            self.carry_rename(request, obj, form.initial["slug"])
        if change and "archived" in form.changed_data and obj.archived:
            _say_checks_emptied(request, [obj.slug])
        before = form.initial.get("data")
        if not (change and "data" in form.changed_data and isinstance(before, dict)):
            return
        # As the question editor says them: an admin fixing a wrong key expected the gradebook
        # to follow, and one taking out a choice learners picked expected their answers to go;
        # the save said only "changed successfully".
        said = [removed_notice(removed_choices(obj.type, before, obj.data))]
        said.append(REKEYED if key_changed(obj.type, before, obj.data) else "")
        if any(said) and Answer.objects.filter(question_id=obj.pk).exists():
            for notice in filter(None, said):
                self.message_user(request, notice, messages.WARNING)

    def carry_rename(self, request, question: Question, before: str) -> None:
        """A question written here renamed from `before` (a file's question keeps its slug:
        `FileSlugForm`): the lessons whose `::: check` line names it name the new slug, and
        learners' checks recorded under `before` move to it, in the save's transaction (the
        admin's change view is atomic), as a course update's `formerly:` moves them. The saved
        page names the lessons changed, each linked, and each lesson's History says why.
        Before, the save said only "changed successfully": each lesson's check showed learners
        nothing, its next save was refused for the line, and the recorded answers stayed under
        a slug no lesson asked."""
        lessons = rename_in_lessons(before, question.slug)
        moved = follow_slug(question, before)
        for lesson in lessons:
            self.log_change(
                request,
                lesson,
                f"Changed body: its ::: check line names {question.slug}, the question renamed"
                f" from {before}.",
            )
        said = []
        if lessons:
            one = len(lessons) == 1
            said.append(
                format_html(
                    "the <code>::: check</code> line of {} now names it: {}",
                    "this lesson" if one else f"these {len(lessons)} lessons",
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a>',
                        (
                            (reverse("admin:lessons_lesson_change", args=[lesson.pk]), lesson.title)
                            for lesson in lessons
                        ),
                    ),
                )
            )
        if moved:
            said.append(
                format_html(
                    "{} learner{} answer{} to it in lessons went with it",
                    moved,
                    "s’" if moved != 1 else "’s",
                    pluralize(moved),
                )
            )
        if said:
            self.message_user(
                request,
                format_html(
                    "Renamed from “{}” to “{}”: {}.",
                    before,
                    question.slug,
                    format_html_join("; ", "{}", ((part,) for part in said)),
                ),
                messages.SUCCESS,
            )

    def delete_model(self, request, obj):
        """The quizzes that listed it close up 1..n (`questions_leaving`), as in /teach/."""
        with questions_leaving([obj.pk]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with questions_leaving(queryset):
            super().delete_queryset(request, queryset)

    @admin.action(permissions=["change"], description="Archive selected questions")
    def archive_selected(self, request, queryset):
        """What the delete pages advise for answered questions, for many at once."""
        self._set_archived(request, queryset, archived=True)

    @admin.action(permissions=["change"], description="Put selected questions back in use")
    def restore_selected(self, request, queryset):
        self._set_archived(request, queryset, archived=False)

    def _set_archived(self, request, queryset, *, archived: bool) -> None:
        """One save per question, as the editors save (the audit log, search and the kept bank
        counts each hear of it), so a selection is capped: "Select all" of a large bank would
        hold the request for as long as it took."""
        doing = "archive" if archived else "put back in use"
        total = queryset.count()
        if total > ARCHIVE_AT_MOST:
            self.message_user(
                request,
                f"Nothing changed: select at most {ARCHIVE_AT_MOST} questions to {doing} at a"
                " time (filter the list, then select a page).",
                messages.ERROR,
            )
            return
        chosen = queryset.select_related(None).only("pk", "source", "archived", "owner", "category")
        changed = [q for q in chosen if q.archived != archived]
        if not archived:
            refused = hooks.restore_refusal(changed)
            if refused:
                self.message_user(request, refused, messages.ERROR)
                return
        # Whole rows for the file questions among them: the load's mark is read from their
        # fields (`archived_by_hand`), which `only` would fetch one query a field.
        whole = Question.objects.in_bulk([q.pk for q in changed if q.source == Source.FILE])
        for question in (whole.get(q.pk, q) for q in changed):
            question.archived = archived
            question.save(update_fields=["archived", "updated_at", *archived_by_hand(question)])
        done = "archived" if archived else "put back in use"
        already = "already archived" if archived else "already in use"
        left = total - len(changed)
        if not changed:
            # Said as what it is, not as a success: "0 questions archived" came in the
            # admin's green, with its tick.
            chosen_words = "the question chosen was" if total == 1 else f"the {total} chosen were"
            self.message_user(
                request, f"Nothing {done}: {chosen_words} {already}.", messages.WARNING
            )
            return
        note = f" ({left} {already})" if left else ""
        self.message_user(
            request,
            f"{len(changed)} question{pluralize(len(changed))} {done}{note}.",
            messages.SUCCESS,
        )
        if archived:
            _say_checks_emptied(request, [q.slug for q in changed])

    @admin.display(boolean=True, description="usable")
    def usable(self, obj: Question) -> bool:
        """As learners' pages decide (`quick_problems`, kept per process): a page of rows
        repeats no engine's check, and an edit of the question or its scenario is checked
        afresh. The question's own page lists every problem (`problems_found`)."""
        return not obj.quick_problems()

    def get_search_results(self, request, queryset, search_term):
        """The search, then the "usable" filter (`BrokenFilter.narrow`), on what is left."""
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        return BrokenFilter.narrow(request, queryset), duplicates

    @admin.display(description="problems")
    def problems_found(self, obj: Question) -> str:
        if obj.pk is None:
            return "-"
        return "; ".join(p.message for p in obj.problems()) or "None: learners can take it."


def _say_checks_emptied(request, slugs: list[str]) -> None:
    """After questions are archived: the lessons whose `::: check` asks one of them, each with
    its admin page, since learners now see nothing there and the lesson's next save is refused
    for that line (`lessons.markdown.body_problems`) until it is changed or taken out."""
    lessons = reading_order.checking(slugs)
    if not lessons:
        return
    named = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("admin:lessons_lesson_change", args=[entry.pk]), entry.title)
            for entry in lessons
        ),
    )
    one = len(lessons) == 1
    messages.warning(
        request,
        format_html(
            "{} {} an archived question in a <code>::: check</code> line: {}. Learners now see"
            " nothing there, and the next save of {} is refused until the line is changed or"
            " taken out.",
            "This lesson" if one else "These lessons",
            "asks" if one else "ask",
            named,
            "that lesson" if one else "each of them",
        ),
    )


def _per_quiz(rows) -> list[tuple[str, int]]:
    """(quiz slug, how many of `rows`), one query."""
    return list(rows.values_list("quiz__slug").annotate(n=Count("pk")).order_by())


def _per_question(rows) -> list[tuple[str, int]]:
    """(question slug, how many of `rows`), one query."""
    return list(rows.values_list("question__slug").annotate(n=Count("pk")).order_by())


def _as_percent(score) -> str:
    return "–" if score is None else f"{whole_percent(float(score))}%"


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


class QuizTypedFilter(admin.SimpleListFilter):
    """The attempts at one quiz, named by its address (or id) typed in the filter's box
    (templates/admin/quizzes/attempt/quiz_filter.html, a form that keeps the list's other
    filters and search): one row read whatever the number of quizzes. Django's filter drew
    a link per quiz, and there are 1,400 at 100 times the course."""

    title = "quiz"
    parameter_name = "quiz"
    template = "admin/quizzes/attempt/quiz_filter.html"
    quiz_id: int | None = None  # the quiz typed, found by `lookups`

    def lookups(self, request, model_admin):
        """The quiz typed, if it is one (its address or id): the filter's one choice."""
        typed = (self.value() or "").strip()
        if not typed or len(typed) > 250:
            return []
        match = Q(slug=typed)
        if typed.isascii() and typed.isdigit() and len(typed) <= 18:
            match |= Q(pk=int(typed))
        quiz = Quiz.objects.filter(match).only("pk", "slug", "title").first()
        self.quiz_id = quiz.pk if quiz is not None else None
        return [(typed, f"{quiz.title} ({quiz.slug})")] if quiz is not None else []

    def has_output(self) -> bool:
        return True  # the box, whether a quiz is chosen or not

    def queryset(self, request, queryset):
        typed = (self.value() or "").strip()
        if not typed:
            return queryset
        if not self.lookup_choices:
            return queryset.none()  # no such quiz: no attempts, and the box says why
        # The quiz the box names, by its id: matching its address through a join, or its id
        # (`quiz__slug = … OR quiz_id = …`), no index could serve, and every attempt on the
        # site was read to count the quiz's (11,000 at the bench's size).
        return queryset.filter(quiz_id=self.quiz_id)

    def choices(self, changelist):
        """One entry for the template: what was typed, the quiz it names (or nothing), the
        list without this filter ("All"), and the other parameters the box's form keeps."""
        typed = self.value() or ""
        yield {
            "selected": not typed,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
            "typed": typed,
            "found": self.lookup_choices[0][1] if self.lookup_choices else "",
            "kept": sorted(
                (key, value)
                for key, value in changelist.params.items()
                if key != self.parameter_name
            ),
        }


# A question's long columns (its text, rendered text and JSON), which no list naming it shows.
QUESTION_TEXT = (
    "prompt",
    "explanation",
    "misconceptions",
    "data",
    "prompt_html",
    "explanation_html",
)


@admin.register(Attempt)
class AttemptAdmin(ListColumnsAdmin):
    list_display = ("quiz", "user", "started_at", "submitted_at", "score_percent", "passed")
    # Newest first, the model's order: the index `attempt_latest` (`attempt_user_latest` for one
    # learner's) hands the page its 100 rows in that order, so the database sorts nothing.
    # The rows' JSON and the quiz's long columns are not shown: left unread.
    list_deferred = ("question_ids", "layout", "flagged", "quiz__description", "quiz__draw_rules")
    # An attempt's page on the site belongs to its learner alone (staff would get a 404).
    view_on_site = False
    # A quiz is typed (its address), not picked from a link per quiz: that list grew with the
    # course (1,400 quizzes at 100×: 198 KB a page). Modules stay few at any size.
    list_filter = (QuizTypedFilter, "quiz__module", "passed")
    search_fields = ("user__username", "quiz__slug", "quiz__title")
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
class ReviewCardAdmin(ListColumnsAdmin):
    list_display = ("user", "question", "due", "reviews", "lapses", "last_reviewed_at")
    # By due date, the model's order: one learner's page of 100 is read from the index
    # `reviewcard_user_due` in that order (the whole list from the index on `due`), not
    # sorted from all their cards. The card's FSRS state, its draft (an answer typed on the
    # review page, not checked yet) and the question's text are not shown.
    list_deferred = ("card", "draft", *(f"question__{name}" for name in QUESTION_TEXT))
    list_filter = ("question__category",)
    search_fields = ("user__username", "question__slug")
    list_select_related = ("user", "question")
    raw_id_fields = ("user", "question")
    show_full_result_count = False  # a row per learner and question: see AttemptAdmin
