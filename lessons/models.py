"""The curriculum as data: modules and lessons, the SRM, IAM scenarios, compliance concepts.

Rows are loaded from `lessons/content/` by `load_curriculum` (matched by slug) and can be
edited in the admin. Learner progress is the only per-user data here and the loader never
touches it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from markdown_it.token import Token

from curriculum.validation import (
    LESSON_MINUTES,
    LEVELS,
    MAX_LESSON_BODY,
    MAX_LESSON_LINES,
    MAX_SCENARIO_TEXT,
    MINUTES_PROBLEM,
    length_problem,
    lines_problem,
    link_problem,
    scenario_case_check,
    scenario_case_problem,
    sentences_problem,
    sources_problem,
)
from lessons import hooks, shown_names
from lessons.hands_on import hands_on_problem
from lessons.markdown import body_problems, body_tokens, learn_links
from lessons.rendered import SCENARIO, RenderedQuerySet, ScenarioShown
from srm_trainer.accounts.roles import sees_drafts
from srm_trainer.typed_text import hidden_in_title

log = logging.getLogger(__name__)


class Source(models.TextChoices):
    """Where a row came from. `load_curriculum` updates `file` rows and never touches
    `authored` ones (written in the admin or, later, the app's editors)."""

    FILE = "file", "Content file"
    AUTHORED = "authored", "Written in the app"


def source_field() -> models.CharField:
    return models.CharField(
        max_length=10, choices=Source.choices, default=Source.AUTHORED, editable=False
    )


def fingerprint_field() -> models.CharField:
    return models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="For file rows: a hash of what the last load wrote. If the row's fingerprint "
        "differs now, it was edited since, and the next load keeps it (unless --force).",
    )


class UniqueErrorAtField:
    """A model whose unique pairs (`unique_error_fields`: fields -> (the field that shows it,
    message)) report a clash at that field, not above the form: Django puts a constraint on
    two fields among the form's own errors, where nothing marks the field to change (no
    `aria-invalid`, no message beside it). Every form benefits, the admin's included."""

    unique_error_fields: dict[tuple[str, ...], tuple[str, str]] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors: dict[str, list[ValidationError]] = {}
            for field, found in error.error_dict.items():
                for item in found:
                    fields = tuple((item.params or {}).get("unique_check") or ())
                    if field == NON_FIELD_ERRORS and fields in self.unique_error_fields:
                        at, message = self.unique_error_fields[fields]
                        errors.setdefault(at, []).append(ValidationError(message, code="unique"))
                    else:
                        errors.setdefault(field, []).append(item)
            raise ValidationError(errors) from None


class EditStamped:
    """A content row edited in the admin, whose `updated_at` (auto_now) moves with every save,
    a save of named fields too (a load's update, a lesson moved or retired): Django writes an
    auto_now field only when `update_fields` names it. The admin compares it to refuse a page
    drawn before another save (srm_trainer/admin_stale.py). The loader's fingerprints hash the
    fields a file sets, never this one."""

    def save(self, *args, update_fields=None, **kwargs) -> None:
        if update_fields:
            update_fields = {*update_fields, "updated_at"}
        super().save(*args, update_fields=update_fields, **kwargs)  # type: ignore[misc]


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Staff who passed the admin's two-factor rule preview drafts (`sees_drafts`);
        everyone else sees published rows only."""
        return self if sees_drafts(user) else self.published()


class Module(EditStamped, models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)
    hands_on = models.JSONField(
        default=list,
        blank=True,
        help_text="The hands-on pieces the module page offers under “Try it yourself”, as a "
        'list of their slugs, e.g. ["network-lab", "waf-lab"] (lessons/hands_on.py).',
    )
    # `file` once a load has written it: a load retires (unpublishes) a file module no longer
    # in modules.yaml, and leaves one made only in the admin alone.
    source = source_field()
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("module", args=[self.slug])

    def clean_fields(self, exclude=None) -> None:
        """The title's check (`title_check`), and `hands_on` as the loader takes it
        (`hands_on_problem`): a slug no piece has would show nothing, silently."""

        def hands_on() -> list[str]:
            problem = hands_on_problem(self.hands_on)
            return [problem[0].upper() + problem[1:] + "."] if problem else []

        fields_cleaned(super().clean_fields, exclude, [title_check(self), ("hands_on", hands_on)])


FieldCheck = tuple[str, Callable[[], list[str]]]


def sentences_check(obj: models.Model, name: str) -> FieldCheck:
    """A list of sentences the compliance explorer prints as bullets (`sentences_problem`)."""
    return (name, lambda: one(sentences_problem(getattr(obj, name))))


def length_check(obj: models.Model, name: str, limit: int) -> FieldCheck:
    """A Markdown text no longer than every door takes (`curriculum.validation`)."""

    def check() -> list[str]:
        too_long = length_problem(getattr(obj, name), limit)
        return [f"This text {too_long}."] if too_long else []

    return (name, check)


def fields_cleaned(clean_fields: Callable[..., None], exclude, checks: list[FieldCheck]) -> None:
    """`clean_fields` (the model's parent's), then each (field, check) the loader also applies,
    for a field the form edits and Django took: a form without the field cannot show an error
    there, and an older value's problem must not stop an edit of other fields. A check returns
    its messages (none: fine); every field's are raised together."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        clean_fields(exclude=exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, check in checks:
        if name in (exclude or ()) or name in errors:
            continue
        messages = check()
        if messages:
            errors[name] = [ValidationError(message) for message in messages]
    if errors:
        raise ValidationError(errors)


def one(message: str | None) -> list[str]:
    """A check's single message as `fields_cleaned` takes it."""
    return [message] if message else []


def title_check(obj: models.Model) -> FieldCheck:
    """A title refused for a character no one can see (`hidden_in_title`, as a quiz's): the admin
    took a lesson or module title with a direction override, which turned it and the rest of
    its line around in the course's menus."""
    return ("title", lambda: one(hidden_in_title(obj.title)))  # type: ignore[attr-defined]


class Level(models.TextChoices):
    """How far into the subject a lesson (and the questions on it) goes: foundational is the
    Cloud Practitioner core, associate the next step, advanced Security-Specialty depth."""

    FOUNDATIONAL = "foundational", "Foundational"
    ASSOCIATE = "associate", "Associate"
    ADVANCED = "advanced", "Advanced"


assert tuple(Level.values) == LEVELS  # the readers check files against the same list


class LessonQuerySet(PublishedQuerySet):
    def published(self):
        return self.filter(published=True, module__published=True)

    def in_reading_order(self):
        return self.select_related("module").order_by(
            "module__order", "module__slug", "order", "slug"
        )


class Lesson(EditStamped, UniqueErrorAtField, models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    body = models.TextField(help_text="Markdown. Rendered and sanitized when shown.")
    order = models.PositiveIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(
        default=5,
        help_text="Estimated reading time, 1 to 240 minutes.",
        validators=[
            MinValueValidator(LESSON_MINUTES[0], f"Minutes {MINUTES_PROBLEM}."),
            MaxValueValidator(LESSON_MINUTES[1], f"Minutes {MINUTES_PROBLEM}."),
        ],
    )
    published = models.BooleanField(default=True)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.FOUNDATIONAL)
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text='The AWS documentation pages the lesson rests on: [{"title": ..., "url": '
        '"https://..."}]. Shown as links at the end of the lesson; files need at least two.',
    )
    # `file` once a load has written it: a load moves a file lesson found in another module's
    # folder and retires (unpublishes) one taken out of the files, its learners' progress kept;
    # a lesson made only in the admin is left alone (docs/curriculum.md, "Updating a course").
    source = source_field()
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    objects = LessonQuerySet.as_manager()
    unique_error_fields = {
        ("module", "slug"): ("slug", "This module has a lesson with this slug already."),
    }

    class Meta:
        ordering = ["module__order", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique_in_module")
        ]
        indexes = [
            # The lesson finder's columns (lessons/finder.py, the question editors' and the
            # assignment form's suggestions, the first 30 in reading order when nothing is
            # typed): the database sorts this index, not every lesson's row with its text (72
            # -> 0.5 ms for 2,700 lessons on SQLite).
            models.Index(
                fields=["module", "order", "slug", "published", "title"],
                name="lesson_finder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.module.slug}/{self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("lesson", args=[self.module.slug, self.slug])

    def readable_by(self, user) -> bool:
        """Whether `user` can open this lesson's page (`lessons.pages.lesson_for`'s rule): a
        published lesson of a published module, or any for staff who see drafts. A question
        whose lesson was unpublished (retired from the files, being rewritten) linked to it
        from its feedback ("Learn more"), and the learner met a 404."""
        return (self.published and self.module.published) or sees_drafts(user)

    @property
    def path(self) -> str:
        """`module/lesson`: how content files and scenarios refer to a lesson."""
        return f"{self.module.slug}/{self.slug}"

    def clean(self) -> None:
        """The same link checks as the loader (the body's are in `clean_fields`); a draft made
        in the admin may have fewer than two sources (the loader insists on them for files,
        and a content test for shipped lessons)."""
        super().clean()
        problem = sources_problem(self.sources, minimum=0)
        if problem:
            raise ValidationError({"sources": problem})

    def clean_fields(self, exclude=None) -> None:
        """The body's diagrams and checks, as the loader checks them, when the form edits the
        body: a form without it (the lesson list's order and published columns) cannot show
        an error there, and an older body's problem must not stop such an edit."""

        def body() -> list[str]:
            # A diagram or check the page would drop without a word; the questions are asked
            # of quizzes through `hooks`. A body past the limit is not read any further.
            if not self.body:
                return []
            too_long = length_problem(self.body, MAX_LESSON_BODY) or lines_problem(
                self.body, MAX_LESSON_LINES
            )
            if too_long:
                return [f"The body {too_long}: split the lesson."]
            tokens = body_tokens(self.body)  # read once for both checks
            found = body_problems(self.body, hooks.check_problems, tokens=tokens)
            found += self._dead_links(tokens)
            return [f"Line {line}: {message}." for line, message in sorted(found)]

        fields_cleaned(super().clean_fields, exclude, [title_check(self), ("body", body)])

    def _dead_links(self, tokens: list[Token] | None = None) -> list[tuple[int, str]]:
        """(line, message) for each link in the body to a module or lesson that does not
        exist: the admin saved it without a word and learners met a page not found (shipped
        files are held to the same by tests/lessons/test_shipped_content.py). A few queries,
        whatever the number of links."""
        links = learn_links(self.body, tokens=tokens)[:200]
        if not links:
            return []
        modules = {module for _, _, module, _ in links}
        known = set(
            Lesson.objects.filter(module__slug__in=modules).values_list("module__slug", "slug")
        )
        known_modules = set(Module.objects.filter(slug__in=modules).values_list("slug", flat=True))
        # An old address of a renamed or moved lesson or module leads to where it is now
        # (lessons/addresses.py): a link to it is not dead.
        earlier = set(
            EarlierAddress.objects.filter(module_slug__in=modules).values_list(
                "module_slug", "lesson_slug"
            )
        )
        known |= earlier
        known_modules |= {module for module, _ in earlier}
        known_modules |= set(
            EarlierModuleSlug.objects.filter(slug__in=modules).values_list("slug", flat=True)
        )
        if self.module_id is not None:
            own = Module.objects.filter(pk=self.module_id).values_list("slug", flat=True).first()
            known.add((own, self.slug))  # a link to itself, under the slug being saved
        found = []
        for line, address, module, lesson in links:
            if module not in known_modules:
                found.append((line, f"the link {address} leads to no module ({module!r})"))
            elif lesson and (module, lesson) not in known:
                found.append((line, f"the link {address} leads to no lesson of {module!r}"))
        return found


class RenderedBody(models.Model):
    """A lesson's body rendered to sanitized HTML, kept beside the lesson (lessons/rendered.py).

    `source` is a digest of the text it was rendered from and the renderer's version: a body
    edited anywhere (the admin, the loader, a bulk update) no longer matches, and the next
    page view renders it again and replaces the row. So a lesson page renders Markdown once
    per edit, not once per process or whenever a memory cache has forgotten it."""

    lesson = models.OneToOneField(
        Lesson, on_delete=models.CASCADE, primary_key=True, related_name="rendered_body"
    )
    source = models.CharField(max_length=64)
    html = models.TextField()
    headings = models.JSONField(default=list)  # [[anchor id, words as HTML], ...]
    checks = models.JSONField(default=list)  # question slugs of `::: check` markers

    class Meta:
        verbose_name_plural = "rendered bodies"  # a module's delete page lists them

    def __str__(self) -> str:
        """As a delete page lists it (it said "rendered 37"): nothing to keep, made again."""
        return "its page as last drawn (made again from the body when needed)"


class EarlierAddress(models.Model):
    """Where a lesson stood before a course update moved it (`module/lesson` as it was), so a
    learner's bookmark or an instructor's link sent by mail still leads to it
    (lessons/addresses.py). Written by the loader on each move and rename, and by a rename in
    the admin; shown only on a delete page, as the address it keeps."""

    module_slug = models.SlugField()
    lesson_slug = models.SlugField()
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="earlier_addresses")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["module_slug", "lesson_slug"], name="earlier_address_once"
            )
        ]
        # A lesson's delete page lists them: Django's plural was "Earlier addresss".
        verbose_name_plural = "earlier addresses"

    def __str__(self) -> str:
        """The address that stops leading on once the lesson goes (it said "iam/x -> 37")."""
        return f"/learn/{self.module_slug}/{self.lesson_slug}/"


class EarlierModuleSlug(models.Model):
    """A slug a module had before it was renamed in the admin, so `/learn/old-slug/` leads to
    it (lessons/addresses.py) with no lessons to lead there (`EarlierAddress` rows are a
    lesson's: an empty module renamed left its old address a page not found)."""

    slug = models.SlugField(unique=True)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="earlier_slugs")

    def __str__(self) -> str:
        return f"/learn/{self.slug}/"


class LessonProgress(models.Model):
    # No index of its own: the (user, lesson) constraint's and `progress_latest` lead with it
    # (lessons migration 0023).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        db_index=False,
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_once_per_lesson")
        ]
        # A learner's latest completion ("Continue" on home) is the first row of this index,
        # not a sort of their whole history.
        indexes = [
            models.Index(fields=["user", "completed_at", "id"], name="progress_latest"),
            # The admin's list, newest first: its page of 100 is the first 100 entries, and its
            # date drill-down finds each year, month or day by a seek here
            # (`srm_trainer.admin_dates`), where it truncated every row's date.
            models.Index(fields=["-completed_at", "-id"], name="progress_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.lesson}"


class ModuleCompletions(models.Model):
    """How many lessons of a module a learner has completed: their `LessonProgress` rows whose
    lesson is in this module now, drafts included. Kept as completions are written (see
    `lessons.progress`: the signals in lessons/apps.py call it for every saved or deleted
    progress row, and for a lesson moved or deleted), so home, a module page and the course
    progress count a learner's lessons per module without reading their history, however long
    the course. `manage.py recount_progress` checks or rebuilds them from the progress rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "module completions"
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="completions_once_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.completed} in module {self.module_id}"


class Layer(EditStamped, models.Model):
    """One layer of the stack, from customer data at the top to the global infrastructure."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Service(EditStamped, models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    model = models.CharField(max_length=120, help_text="e.g. Infrastructure (IaaS)")
    summary = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Owner(models.TextChoices):
    AWS = "aws", "AWS"
    CUSTOMER = "customer", "Customer"
    SHARED = "shared", "Split"


class Responsibility(EditStamped, UniqueErrorAtField, models.Model):
    """Who secures one layer of one service, and why."""

    unique_error_fields = {
        ("service", "layer"): ("layer", "This service says who secures this layer already."),
    }

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="responsibilities")
    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="responsibilities")
    owner = models.CharField(max_length=10, choices=Owner.choices)
    reason = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    class Meta:
        verbose_name_plural = "responsibilities"
        ordering = ["service__order", "layer__order"]
        constraints = [
            models.UniqueConstraint(fields=["service", "layer"], name="one_owner_per_service_layer")
        ]

    def __str__(self) -> str:
        return f"{self.service.slug} / {self.layer.slug}: {self.owner}"


class Scenario(EditStamped, models.Model):
    """A narrated IAM situation holding one case in the shared case format.

    Written once and used three ways: embedded in lessons, offered as sandbox presets, and
    turned into policy questions.
    """

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    situation = models.TextField(
        help_text="Markdown: who is acting, where, and what they want. Never the outcome: "
        "lessons ask the learner to predict it first."
    )
    explanation = models.TextField(
        blank=True,
        help_text="Markdown shown once the learner has predicted: why AWS decides as it does.",
    )
    case = models.JSONField(help_text="One case in the IAM case format.")
    lessons = models.ManyToManyField(Lesson, related_name="scenarios", blank=True)
    rule = models.JSONField(
        default=dict,
        blank=True,
        help_text='The documentation rule the scenario illustrates: {"title": ..., "url": '
        '"https://..."}. Shown with the answer, in the sandbox and in quiz feedback.',
    )
    order = models.PositiveIntegerField(default=0)
    source = source_field()
    file_fingerprint = fingerprint_field()
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)
    # Who wrote it in /teach/ (file rows and the admin's have none): other instructors never see
    # it, and it is no sandbox preset (those are the curriculum's).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_scenarios",
    )
    # The situation and explanation rendered when the scenario is written (lessons/rendered.py,
    # `SCENARIO`): pages read these instead of rendering Markdown. Not content: no form, audit
    # or export holds them.
    situation_html = models.TextField(blank=True, default="", editable=False)
    explanation_html = models.TextField(blank=True, default="", editable=False)
    rendered_from = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = RenderedQuerySet.as_manager()
    stored_markdown = SCENARIO

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, update_fields=None, **kwargs) -> None:
        """Every write of the situation or explanation stores them rendered."""
        update_fields = self.stored_markdown.before_save(self, update_fields)
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def shown(self) -> ScenarioShown:
        """The situation and explanation as HTML, as a page shows them."""
        return self.stored_markdown.shown(self)

    @property
    def expected(self) -> str | None:
        return self.case.get("expect") if isinstance(self.case, dict) else None

    def problem(self) -> str | None:
        """Why this scenario cannot be used (its case is invalid, or `expect` disagrees with
        the engine), or None. Lessons show `expect` as the answer, so it must be right."""
        return scenario_case_problem(self.case)

    def is_usable(self) -> bool:
        """Can a page show it? A broken row (saved before the checks) is skipped, logged."""
        problem = self.problem()
        if problem:
            log.warning("scenario %s is broken and skipped: %s", self.slug, problem)
        return problem is None

    def clean_fields(self, exclude=None) -> None:
        """The texts' length, as the loader and the policy editor take them."""
        fields_cleaned(
            super().clean_fields,
            exclude,
            [length_check(self, name, MAX_SCENARIO_TEXT) for name in ("situation", "explanation")],
        )

    def clean(self) -> None:
        """The loader's check, for the admin and any editor."""
        super().clean()
        found = scenario_case_check(self.case)
        if found:
            part, message = found  # the code says which part: "expect" or "case"
            raise ValidationError({"case": ValidationError(message, code=part)})
        if self.rule:
            problem = link_problem(self.rule, "the rule")
            if problem:
                raise ValidationError({"rule": problem})


class ArtifactSection(EditStamped, models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class ProgramKind(models.TextChoices):
    LAW = "law", "Law or regulation"
    INDUSTRY_STANDARD = "industry-standard", "Industry standard"
    ATTESTATION = "attestation", "Attestation report"
    CERTIFICATION = "certification", "Certification"
    GOVERNMENT_PROGRAM = "government-program", "Government program"


class ComplianceProgram(EditStamped, models.Model):
    """A program or regulation, what AWS provides for it and what stays with the customer."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=ProgramKind.choices)
    jurisdiction = models.CharField(max_length=120, blank=True)
    summary = models.TextField()
    aws_provides = models.JSONField(default=list, help_text="A list of short sentences.")
    customer_keeps = models.JSONField(default=list, help_text="A list of short sentences.")
    artifact_section = models.ForeignKey(
        ArtifactSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="programs"
    )
    artifact_item = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)  # its last save (`EditStamped`)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None) -> None:
        """The two lists as the loader takes them (`sentences_problem`), where a form edits
        them: the compliance explorer prints their items as bullets."""
        fields_cleaned(
            super().clean_fields,
            exclude,
            [sentences_check(self, name) for name in ("aws_provides", "customer_keeps")],
        )


class Profile(models.Model):
    """A learner's own settings: the time zone their browser reports, which their times are
    shown in (so "due later today" means their day, not the server's), and the name they chose
    to show their instructors (`lessons.shown_names`: blank unless they set one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, blank=True)
    shown_name = models.CharField(
        "name shown to your instructors",
        max_length=shown_names.MAX_LENGTH,
        blank=True,
        default="",
        validators=[shown_names.validate],
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.time_zone or 'no time zone'})"


class KnowledgeCheck(models.Model):
    """A signed-in learner's answer to a check inside a lesson: a scenario they predicted
    before seeing the answer, or a question placed in the lesson with `::: check <slug>`.

    `ref` is the scenario's or question's slug (lessons never import quizzes, so no foreign
    key to a question). The first answer is the one kept: a prediction is only honest before
    the reveal. Later answers only count in `tries`. `lessons.knowledge_checks` reads them.
    """

    class Kind(models.TextChoices):
        PREDICTION = "prediction", "Scenario prediction"
        QUESTION = "question", "Question in the lesson"

    # No index of its own: the one-per-learner constraint's and the newest-first index lead
    # with it (lessons migration 0023).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="knowledge_checks",
        db_index=False,
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="knowledge_checks")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    ref = models.SlugField(max_length=100)
    response = models.JSONField(default=dict, blank=True)
    score = models.FloatField()
    correct = models.BooleanField()
    tries = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "kind", "ref"], name="one_knowledge_check_per_learner"
            )
        ]
        # The admin's list newest first, whole and filtered to one learner, and its date
        # drill-down (`srm_trainer.admin_dates`), as on LessonProgress.
        indexes = [
            models.Index(fields=["-answered_at", "-id"], name="knowledge_check_answered"),
            models.Index(
                fields=["user", "-answered_at", "-id"], name="knowledge_check_user_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.ref} in {self.lesson}"
