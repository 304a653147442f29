"""The curriculum in the Django admin. Files under lessons/content/ remain the source of truth
for shipped content (see lessons/content/README.md); the admin is for quick fixes and for
content that lives only in the database. A row the next `load_curriculum` writes from a file
says so on its pages (`FromContentFile`)."""

import json
from collections.abc import Callable
from functools import lru_cache

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy

from curriculum.validation import LESSON_MINUTES
from lessons import addresses, hooks
from lessons.hands_on import known as known_pieces
from lessons.markdown import DIAGRAM_NAMES
from lessons.models import (
    ArtifactSection,
    ComplianceProgram,
    KnowledgeCheck,
    Layer,
    Lesson,
    LessonProgress,
    Module,
    Responsibility,
    Scenario,
    Service,
    Source,
)
from srm_trainer.admin_dates import SeekingDatesChangeList
from srm_trainer.admin_names import NamedControlsAdmin
from srm_trainer.admin_stale import EditedElsewhereAdmin


def _lessons_with_modules(db_field, kwargs: dict) -> dict:
    """A lesson is named by its module (`Lesson.__str__`): a form's list of every lesson reads
    the modules with them, not one query per lesson."""
    if db_field.related_model is Lesson and "queryset" not in kwargs:
        kwargs["queryset"] = Lesson.objects.select_related("module").defer(*lesson_text(""))
    return kwargs


# A lesson's long columns, which no list shows: deferred where a list reads lessons with its rows.
LESSON_TEXT = ("summary", "body", "sources")


def lesson_text(path: str) -> tuple[str, ...]:
    """`LESSON_TEXT` (and its module's summary) through the relation `path` ("lesson"; ""
    for a lesson's own)."""
    prefix = f"{path}__" if path else ""
    return (*(f"{prefix}{name}" for name in LESSON_TEXT), f"{prefix}module__summary")


class ListColumnsChangeList(SeekingDatesChangeList, ChangeList):
    """A list page whose rows are read without the columns its admin names in `list_deferred`:
    long text and JSON that no column shows (every glossary term's list row read its lesson's
    whole body, for the lesson's name). The change page still reads whole rows. Its date
    drill-down, if it has one, seeks along the date's index (`srm_trainer.admin_dates`)."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer(*self.model_admin.list_deferred)


class ListColumnsAdmin(NamedControlsAdmin):
    """An admin whose list reads only what it shows (`ListColumnsChangeList`). A column that
    reads a deferred field would cost a query a row: the tests pin each list's queries."""

    list_deferred: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        return ListColumnsChangeList


class RowAutocomplete(AutocompleteSelect):
    """Django's autocomplete select, which reads the object its row has chosen with a query of
    its own: one query a row (a quiz of 40 questions, 40 queries). Given the object the row
    already holds (`known`, read with the rows), it asks the database only when the value to
    show is another one (a form sent back with errors)."""

    known = None

    def optgroups(self, name, value, attr=None):
        known = self.known
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        if not [v for v in value if str(v) not in self.choices.field.empty_values]:
            # Nothing chosen (the blank row kept for "Add another"): Django's would build and
            # compile a query for no rows to show the same blank option.
            return [(None, options, 0)]
        if known is None or [str(v) for v in value] != [str(known.pk)]:
            return super().optgroups(name, value, attr)
        label = self.choices.field.label_from_instance(known)
        options.append(self.create_option(name, known.pk, label, True, len(options)))
        return [(None, options, 0)]


class RowKnowsItsChoiceForm(forms.ModelForm):
    """An inline row's form that hands each `RowAutocomplete` the object its row holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            if isinstance(widget, RowAutocomplete) and self.instance.pk is not None:
                widget.known = getattr(self.instance, name)


class AutocompleteRowsInline(admin.TabularInline):
    """A tabular inline whose `autocomplete_fields` cost no query a row: list them in
    `get_queryset`'s select_related too."""

    form = RowKnowsItsChoiceForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AddAnotherInLowerCase(helpers.InlineAdminFormSet):
    """An inline's "Add another question" button, its name as the inline gives it: Django
    capitalizes it ("Add another Question", "Add another Scenario shown in this lesson")."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = f"Add another {self.opts.verbose_name}"
        return json.dumps(data)


class InlinesInLowerCase(admin.ModelAdmin):
    """An admin whose inlines' buttons read "Add another lesson" (`AddAnotherInLowerCase`)."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        found = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for formset in found:
            formset.__class__ = AddAnotherInLowerCase
        return found


def file_identity_help(obj: Lesson | Module) -> dict[str, str]:
    """Why each field the next `load_curriculum` finds a file's row by is not changed here, and
    how to change it in the files instead: field name -> help text (HTML)."""
    if isinstance(obj, Module):
        return {
            "slug": format_html(
                "Set by <code>lessons/content/modules.yaml</code> and the module’s folder: each"
                " deploy’s <code>load_curriculum</code> finds the module by it, so it is not"
                " changed here. To change it, change the slug in <code>modules.yaml</code> and"
                " rename the folder to match: the load moves the lessons, their learners’"
                " progress with them, to the new slug, and <code>/learn/{}/</code> leads there."
                " Changed here, the next load would add the module again under its old slug,"
                " move the lessons back to it and leave this one empty.",
                obj.slug,
            )
        }
    return {
        "slug": format_html(
            "Set by its file’s name (after <code>NN-</code>): each deploy’s"
            " <code>load_curriculum</code> finds the lesson by its module and slug, so it is not"
            " changed here. To rename the lesson, rename its file and add"
            " <code>formerly: {}</code> to its front matter: the load renames this lesson,"
            " its learners’ progress with it, and its old address leads to the new one."
            " Changed here, the next load would add the file’s lesson again as a new one,"
            " without that progress, and retire this one.",
            obj.slug,
        ),
        "module": format_html(
            "Set by the folder its file is in: to move the lesson, move its file to the other"
            " module’s folder (with <code>formerly: {}</code> if you rename it too): the load"
            " moves this lesson, its learners’ progress with it.",
            obj.path,
        ),
    }


class FileIdentityForm(forms.ModelForm):
    """A lesson's or module's form (a lesson's row on its module's page too) that shows, but
    does not take, the fields the next `load_curriculum` finds a file's row by (a lesson's
    slug and module, a module's slug). Changed here, the load did not find the row: it added
    the file's lesson again as a new row, without its learners' progress, and retired the
    renamed one with the progress on it (a module came back as a second module, the renamed
    one left empty). A disabled field keeps the stored value whatever is posted. A row
    written in the admin is the admin's to rename (its old address kept: `say_old_address`);
    a file's is renamed in its file (`formerly:`), which keeps the progress."""

    class Meta:
        help_texts = {
            "published": "Learners see it only while this is ticked; staff see it either way "
            "(“View on site”), so a draft can be read first.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        if row.pk is None or getattr(row, "source", None) != Source.FILE:
            return
        for name, why in file_identity_help(row).items():
            if name in self.fields:
                self.fields[name].disabled = True
                self.fields[name].help_text = why


class FileSlugForm(forms.ModelForm):
    """A scenario's, question's or quiz's form that shows, but does not take, a file row's
    slug: each deploy's `load_curriculum` finds the row by it. Changed here, the next load did
    not find the row: it added the file's row again under its slug and left the renamed one
    beside it (a quiz unpublished with its attempts, a question archived with its answers, a
    scenario shown twice in its lessons), though the save said "changed successfully". A row
    written in the admin or the app keeps its slug editable. Each form says how to rename a
    file's row in its file instead (`file_slug_help`, HTML made with `format_html`)."""

    @staticmethod
    def file_slug_help(slug: str) -> str:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        if row.pk is None or getattr(row, "source", None) != Source.FILE:
            return
        if "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = self.file_slug_help(row.slug)


class ScenarioAdminForm(FileSlugForm):
    @staticmethod
    def file_slug_help(slug: str) -> str:
        return format_html(
            "Set by its file under <code>lessons/content/scenarios/</code>: each deploy’s"
            " <code>load_curriculum</code> finds the scenario by it, so it is not changed here."
            " Changed here, the next load would add the file’s scenario <code>{}</code> again as"
            " a new one, shown in the same lessons beside this one.",
            slug,
        )


# A module's lessons edited in rows on its page while there are at most this many.
INLINE_LESSONS = 100


class LessonInline(admin.TabularInline):
    model = Lesson
    form = FileIdentityForm
    fields = ("order", "slug", "title", "minutes", "published")
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A lesson added in a row here starts as a draft too, as on its own add page
        (`LessonAdmin.get_changeform_initial_data`); a row already saved keeps its own."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published" and field is not None:
            field.initial = False
        return field

    def get_queryset(self, request):
        # Each row is titled by `Lesson.__str__` (its module's slug).
        return super().get_queryset(request).select_related("module")


class FromContentFile:
    """An admin whose rows may come from a file under lessons/content/ that each deploy's
    `load_curriculum` writes over them (modules, lessons, SRM and compliance rows; the
    glossary, read-only here). Their change and delete pages name the file
    (templates/admin/from_content_file.html): an edit, an unpublish or a delete made here
    lasts only until the next load, and nothing said so where it was made. The file comes
    through `hooks.content_file` (the curriculum app, built on lessons, reads the files)."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["shipped_file"] = hooks.content_file(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        context["shipped_file"] = hooks.content_file(context.get("object"))
        context["may_unpublish"] = any(f.name == "published" for f in self.model._meta.fields)
        return super().render_delete_form(request, context)

    def changelist_view(self, request, extra_context=None):
        """The list says it too: its editable columns (order, published) change rows a file
        writes, one row at a time."""
        can = "change" if self.has_change_permission(request) else "view"
        return super().changelist_view(
            request, {**(extra_context or {}), "from_content_files": can}
        )


class LearnersWorkProtects:
    """Deleting a module or lesson would take learners' progress and knowledge checks with it:
    learner records, which no role may delete. Django then told an everyday admin only "your
    account doesn't have permission to delete ... lesson progress", as if a permission were
    missing. It would also take the lesson out of every cohort assignment that lists it as
    reading, without a word (cohorts are not in the admin, so Django asked nothing). They
    protect it instead, counted by what they protect, for whoever may not change assignments,
    and the delete pages (templates/admin/lessons/) say to unpublish it. A superuser deletes
    as before."""

    # Where a learner record's lesson is, from the admin's model (`lesson` or `module`).
    record_path: str

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        records = {str(m._meta.verbose_name) for m in (LessonProgress, KnowledgeCheck)}
        learners = bool(perms_needed & records)
        assignments = not request.user.has_perm("cohorts.change_assignment")
        if learners or assignments:
            perms_needed = perms_needed - records
            protected = [*protected, *self.in_use(objs, learners=learners, assigned=assignments)]
        return deleted, counts, perms_needed, protected

    def in_use(self, objs, *, learners: bool, assigned: bool) -> list[str]:
        """“module/lesson”: completed by 3 learners, 2 knowledge checks, in 1 cohort assignment
        (a query for each tally asked for)."""
        done = _per_object(LessonProgress, self.record_path, objs, "user") if learners else {}
        checks = _per_object(KnowledgeCheck, self.record_path, objs, "pk") if learners else {}
        # Through the lesson's side of the many-to-many: cohorts is built on lessons, which
        # never import it.
        reading = (
            _per_object(Lesson.cohort_assignments.through, self.record_path, objs, "assignment")
            if assigned
            else {}
        )
        return records_in_words(
            (done, lambda n: f"completed by {n} learner{pluralize(n)}"),
            (checks, lambda n: f"{n} knowledge check{pluralize(n)}"),
            (reading, lambda n: f"in {n} cohort assignment{pluralize(n)}"),
        )


class LinksIntoDeleted:
    """The delete page of a lesson or module (and "Delete selected"'s) names the lessons whose
    links the delete leaves leading nowhere, each with its admin page (`linked_from.html`):
    Django's listed only what the delete removes, so an admin learned of the links from a
    learner's page not found, or from the next save of each, refused for the dead link
    (`Lesson._dead_links`). Only where the delete would go ahead: a refused one breaks
    nothing. A bounded scan (`addresses.broken_by_delete`). Its admin lists "delete_selected"
    in `actions`, so this one takes the place of the site's."""

    # Which ids `addresses.broken_by_delete` is given ("lessons" or "modules"), and what the
    # lessons found link to, for one object and for several.
    deleted_as: str
    linked_what: tuple[str, str]

    def links_into(self, pks, *, many: bool) -> dict:
        found, more = addresses.broken_by_delete(**{self.deleted_as: list(pks)})
        return {
            "linked_from": found,
            "linked_more": more,
            "linked_scan": addresses.LINKING_SCAN,
            "linked_many": many,
            "linked_what": self.linked_what[many],
        }

    def render_delete_form(self, request, context):
        if not context.get("protected") and not context.get("perms_lacking"):
            context.update(self.links_into([context["object"].pk], many=False))
        return super().render_delete_form(request, context)

    @admin.action(
        permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
    )
    def delete_selected(self, request, queryset):
        """Django's, whose confirmation names the lessons linking what is chosen."""
        response = delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            said = response.context_data
            if not said.get("protected") and not said.get("perms_lacking"):
                said.update(self.links_into(queryset.values_list("pk", flat=True), many=True))
        return response


def records_in_words(*tallies: tuple[dict[str, int], Callable[[int], str]]) -> list[str]:
    """What protects each object from a delete, one line per object any tally names:
    “iam/root-user”: completed by 3 learners, 2 knowledge checks (each tally: counts by
    object, and a count in words)."""
    names = sorted(set().union(*(counts for counts, _ in tallies)))
    return [
        f"“{name}”: "
        + ", ".join(words(counts[name]) for counts, words in tallies if name in counts)
        for name in names
    ]


def _per_object(model, path: str, objs, counted: str) -> dict[str, int]:
    names = (
        [f"{path}__slug"] if path.endswith("module") else [f"{path}__module__slug", f"{path}__slug"]
    )
    rows = (
        model.objects.filter(**{f"{path}__in": objs})
        .values_list(*names)
        .annotate(n=Count(counted, distinct=True))
        .order_by()
    )
    return {"/".join(row[:-1]): row[-1] for row in rows}


def say_old_address(request, module_slug: str, lesson_slug: str, new: str, *, besides=None) -> None:
    """After a rename in the admin (a lesson's slug or module, a module's slug) has recorded
    the old address (`addresses`): say that it leads to the new one, and name the lessons that
    link to it, each with its admin page, to change: their links work through the old address
    only while no new lesson or module takes it. A bounded scan (`addresses.linking`)."""
    old = f"/learn/{module_slug}/" + (f"{lesson_slug}/" if lesson_slug else "")
    found, more = addresses.linking(module_slug, lesson_slug, besides=besides)
    if not found:
        messages.info(
            request, f"Its old address {old} now leads here, so links and bookmarks to it work."
        )
        return
    named = format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((reverse("admin:lessons_lesson_change", args=[row.pk]), row.title) for row in found),
    )
    messages.warning(
        request,
        format_html(
            "Its old address {} now leads here. {} link{} to the old address: {}{}. Change "
            "them to {}: they lead here only while no other lesson or module takes the old "
            "address.",
            old,
            "These lessons" if len(found) > 1 or more else "This lesson",
            "" if len(found) > 1 or more else "s",
            named,
            ", and more" if more else "",
            new,
        ),
    )


@admin.register(Module)
class ModuleAdmin(
    EditedElsewhereAdmin,
    FromContentFile,
    LearnersWorkProtects,
    LinksIntoDeleted,
    InlinesInLowerCase,
    NamedControlsAdmin,
):
    record_path = "lesson__module"
    deleted_as = "modules"
    actions = ["delete_selected"]  # `LinksIntoDeleted`'s
    linked_what = ("this module or its lessons", "the modules chosen or their lessons")
    form = FileIdentityForm
    list_display = ("title", "slug", "order", "published", "lesson_count")
    list_editable = ("order", "published")
    search_fields = ("title", "slug", "summary")
    list_filter = ("published",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LessonInline]
    readonly_fields = ("lessons_listed",)
    stamped_rows = ("lessons",)  # its lessons' rows, while the page has them (`get_inlines`)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lessons_counted=Count("lessons"))

    def get_changeform_initial_data(self, request):
        """A lesson or module added here starts as a draft: with the model's default (a file's
        row is published) its first save showed learners a page nobody had read yet."""
        return {"published": False, **super().get_changeform_initial_data(request)}

    def get_inlines(self, request, obj):
        """A module of more than INLINE_LESSONS lessons lists them in the lessons' own list
        (`lessons_listed` links to it), not one editable row each: 337 rows of a module of a
        course grown 100 times made its page 0.8 MB and a quarter of a second."""
        if obj is not None and getattr(obj, "lessons_counted", 0) > INLINE_LESSONS:
            return []
        return super().get_inlines(request, obj)

    def get_stamped_rows(self, obj) -> tuple[str, ...]:
        return () if getattr(obj, "lessons_counted", 0) > INLINE_LESSONS else self.stamped_rows

    @admin.display(description="Lessons")
    def lessons_listed(self, obj: Module) -> str:
        counted = getattr(obj, "lessons_counted", None)
        if obj.pk is None or counted is None or counted <= INLINE_LESSONS:
            return "Listed below." if obj.pk is not None else "Add them once the module is saved."
        url = reverse("admin:lessons_lesson_changelist") + f"?module__id__exact={obj.pk}"
        return format_html(
            '{} lessons: <a href="{}">open them in the list of lessons</a>.', counted, url
        )

    @admin.display(description="Lessons", ordering="lessons_counted")
    def lesson_count(self, obj: Module) -> int:
        return obj.lessons_counted  # type: ignore[attr-defined]  # get_queryset annotates it

    def save_model(self, request, obj, form, change):
        """A module given a new slug here: its lessons' old addresses lead to them, as after
        a course update's rename (`addresses.module_now`), and the page says who links there."""
        before = form.initial.get("slug") if change and "slug" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if before and before != obj.slug:
            addresses.record_module_move(obj, module_slug=before)
            say_old_address(request, before, "", obj.get_absolute_url())

    def save_formset(self, request, form, formset, change):
        """A lesson given a new slug in the module's rows: as on its own page."""
        renamed = [
            (row.instance, row.initial.get("slug"))
            for row in formset.initial_forms
            if formset.model is Lesson
            and "slug" in row.changed_data
            and row not in formset.deleted_forms
        ]
        super().save_formset(request, form, formset, change)
        for lesson, before in renamed:
            if before and before != lesson.slug:
                addresses.record_move(lesson, module_slug=lesson.module.slug, lesson_slug=before)
                say_old_address(
                    request,
                    lesson.module.slug,
                    before,
                    lesson.get_absolute_url(),
                    besides=lesson.pk,
                )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "hands_on" and field is not None:
            # The slugs it takes, which the model's help text cannot hold (a piece added to
            # lessons/hands_on.py would need a migration for its words).
            field.help_text = f"{db_field.help_text} The pieces: {known_pieces()}."
        return field


class ScenarioLessonInline(AutocompleteRowsInline):
    model = Scenario.lessons.through
    extra = 0
    verbose_name = "scenario shown in this lesson"
    verbose_name_plural = "scenarios shown in this lesson"
    autocomplete_fields = ("scenario",)

    def get_queryset(self, request):
        # Each row is titled by what it joins (`admin_site.name_through_rows`): both ends read here.
        return super().get_queryset(request).select_related("scenario", "lesson__module")


# What a lesson's body may hold, where it is typed: the page said only "See
# lessons/content/README.md", a file of the repository an admin may never have seen, and its
# markers (boxes, knowledge checks, diagrams) show nowhere else. Fixed text: no value in it.
BODY_HELP = format_html(
    "Markdown (CommonMark, with tables), its headings from <code>##</code> down. A box is a"
    " line <code>::: key-points</code>, <code>::: note</code>, <code>::: warning</code> or"
    " <code>::: advanced</code> (beyond the lesson’s level), its text, then a line"
    " <code>:::</code>. A line <code>::: check question-slug</code> then <code>:::</code> asks"
    " a quiz question in the lesson (three at most); <code>::: diagram name</code> then"
    " <code>:::</code> draws a diagram: {}. Link another lesson by its address,"
    " <code>/learn/module-slug/lesson-slug/</code>. Saving refuses an unknown question or"
    " diagram, a question asked twice, a fourth check, a box left open and a link to no"
    " module or lesson, naming its line.",
    format_html_join(", ", "<code>{}</code>", ((name,) for name in DIAGRAM_NAMES)),
)


@admin.register(Lesson)
class LessonAdmin(
    EditedElsewhereAdmin,
    FromContentFile,
    LearnersWorkProtects,
    LinksIntoDeleted,
    InlinesInLowerCase,
    ListColumnsAdmin,
):
    record_path = "lesson"
    deleted_as = "lessons"
    actions = ["delete_selected"]  # `LinksIntoDeleted`'s
    linked_what = ("this lesson", "the lessons chosen")
    form = FileIdentityForm
    list_display = ("title", "module", "order", "level", "minutes", "published")
    list_deferred = (*LESSON_TEXT, "module__summary")
    list_filter = ("module", "level", "published")
    list_editable = ("order", "published")
    list_select_related = ("module",)
    search_fields = ("title", "slug", "summary", "body")
    show_full_result_count = False  # as the question list's: "Show all", not "(N total)"
    ordering = ("module__order", "order")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ScenarioLessonInline]

    def get_changeform_initial_data(self, request):
        """As a module's (`ModuleAdmin`): a draft until Published is ticked."""
        return {"published": False, **super().get_changeform_initial_data(request)}

    fieldsets = (
        (None, {"fields": ("module", "title", "slug", "summary")}),
        (
            "Content",
            {
                "fields": ("body",),
                "description": BODY_HELP,
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "minutes" and field is not None:
            # The browser's number box says the range too (the model's validators say it
            # beside the field if sent anyway); its own were 0 to none.
            field.widget.attrs.update(min=LESSON_MINUTES[0], max=LESSON_MINUTES[1])
        return field

    def save_model(self, request, obj, form, change):
        """A lesson given a new slug or module here: its old address leads to it, as after a
        course update's rename (`addresses`): links and bookmarks to it keep working, and the
        page names the lessons that link there (`say_old_address`)."""
        before = None
        if change and {"slug", "module"} & set(form.changed_data):
            stored = Lesson.objects.filter(pk=obj.pk).values_list("module__slug", "slug")
            before = stored.first()
        super().save_model(request, obj, form, change)
        if before and before != (obj.module.slug, obj.slug):
            addresses.record_move(obj, module_slug=before[0], lesson_slug=before[1])
            say_old_address(request, *before, obj.get_absolute_url(), besides=obj.pk)


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    fields = ("layer", "owner", "reason")
    extra = 0

    def get_queryset(self, request):
        # Each row is titled by `Responsibility.__str__` (service and layer slugs).
        return super().get_queryset(request).select_related("service", "layer")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "layer":
            # Every row offers the same few layers. A form field's queryset is copied into each
            # row's form and read there again (one query a row); fixed choices are read here,
            # once for the page. The queryset still validates what is posted.
            field.choices = [(getattr(v, "value", v), label) for v, label in field.choices]
        return field


@admin.register(Service)
class ServiceAdmin(EditedElsewhereAdmin, FromContentFile, InlinesInLowerCase, NamedControlsAdmin):
    list_display = ("name", "slug", "model", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug", "summary")
    inlines = [ResponsibilityInline]
    stamped_rows = ("responsibilities",)


@admin.register(Layer)
class LayerAdmin(EditedElsewhereAdmin, FromContentFile, NamedControlsAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug", "description")


@admin.register(Responsibility)
class ResponsibilityAdmin(EditedElsewhereAdmin, FromContentFile, NamedControlsAdmin):
    list_display = ("service", "layer", "owner", "reason")
    list_filter = ("owner", "service", "layer")
    list_select_related = ("service", "layer")
    search_fields = ("reason", "service__name", "layer__name")


@admin.register(Scenario)
class ScenarioAdmin(EditedElsewhereAdmin, NamedControlsAdmin):
    form = ScenarioAdminForm
    list_display = ("title", "slug", "expected", "order", "source", "usable")
    search_fields = ("title", "slug", "situation")
    list_filter = ("lessons__module", "source")
    show_full_result_count = False  # as the question list's: "Show all", not "(N total)"
    readonly_fields = ("source",)
    # The instructor who wrote it in /teach/, and the lessons that show it: searched for, not
    # a <select> of every account or a two-box chooser of every lesson (2,700 of them in a
    # course grown 100 times: the page took 0.3 s and weighed 0.2 MB).
    autocomplete_fields = ("owner", "lessons")
    # Set whole by its form: a link made on a lesson's page since it was drawn would be undone.
    stamped_links = ("lessons",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **_lessons_with_modules(db_field, kwargs)
        )

    @admin.display(boolean=True, description="engine agrees")
    def usable(self, obj: Scenario) -> bool:
        return _case_is_usable(json.dumps(obj.case))


@lru_cache(maxsize=1024)
def _case_is_usable(case: str) -> bool:
    """Whether the engine agrees with a scenario's case, given as JSON: kept per case, as the
    list shows it for every row on every page (the engine's evaluation was a fifth of the
    page). `Scenario.problem()` reads the case alone, and the engine is a pure function of it;
    an edited case is a new key."""
    return Scenario(case=json.loads(case)).problem() is None


@admin.register(ArtifactSection)
class ArtifactSectionAdmin(EditedElsewhereAdmin, FromContentFile, NamedControlsAdmin):
    list_display = ("name", "slug", "order")
    search_fields = ("name", "description")


@admin.register(ComplianceProgram)
class ComplianceProgramAdmin(EditedElsewhereAdmin, FromContentFile, NamedControlsAdmin):
    list_display = ("name", "kind", "jurisdiction", "artifact_section", "order")
    list_select_related = ("artifact_section",)  # optional, so not joined by default
    list_filter = ("kind", "artifact_section")
    list_editable = ("order",)
    search_fields = ("name", "slug", "summary")


@admin.register(LessonProgress)
class LessonProgressAdmin(ListColumnsAdmin):
    list_display = ("user", "lesson", "completed_at")
    list_deferred = lesson_text("lesson")
    list_filter = ("lesson__module",)
    list_select_related = ("user", "lesson", "lesson__module")
    search_fields = ("user__username", "lesson__title")
    date_hierarchy = "completed_at"
    # Newest first, read in that order from the index `progress_completed` (one learner's from
    # `progress_latest`): the page's 100 rows are its first 100 entries, its date drill-down
    # a seek a year, month or day.
    ordering = ("-completed_at", "-id")
    show_full_result_count = False  # see KnowledgeCheckAdmin
    autocomplete_fields = ("user",)  # searched for, not a <select> of every account

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **_lessons_with_modules(db_field, kwargs)
        )


@admin.register(KnowledgeCheck)
class KnowledgeCheckAdmin(ListColumnsAdmin):
    """Learners' answers to in-lesson checks, read-only: the first answer is the one kept (a
    prediction is only honest before the reveal), so an edited row would be a rewritten
    history. No role is granted these (learner records, like progress and attempts); a
    superuser reads them to answer "why does my check not count?" or to see how a check
    fares."""

    list_display = (
        "user",
        "lesson",
        "kind",
        "ref",
        "correct",
        "score_percent",
        "tries",
        "answered_at",
    )
    list_filter = ("kind", "correct", "lesson__module")
    list_select_related = ("user", "lesson", "lesson__module")
    list_deferred = ("response", *lesson_text("lesson"))
    search_fields = ("user__username", "ref", "lesson__title", "lesson__slug")
    date_hierarchy = "answered_at"
    # Newest first, from `knowledge_check_answered` (`knowledge_check_user_latest` for one
    # learner's), as LessonProgressAdmin.
    ordering = ("-answered_at", "-id")
    # A row per learner and check: a filtered list does not count the whole table again
    # for "(N total)"; it offers "Show all" instead.
    show_full_result_count = False
    fields = (
        "user",
        "lesson",
        "kind",
        "ref",
        "response",
        "score_percent",
        "correct",
        "tries",
        "answered_at",
    )
    readonly_fields = fields

    @admin.display(description="score", ordering="score")
    def score_percent(self, obj: KnowledgeCheck) -> str:
        return f"{obj.score:.0%}"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
