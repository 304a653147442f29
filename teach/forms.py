"""Forms for quiz settings and for what every question has (prompt, explanation, where it
belongs). The kind-specific parts are in `teach.editors`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.urls import reverse_lazy
from django.utils.text import slugify

from curriculum import validation
from lessons.models import Lesson, Level, Module
from lessons.reading_order import VERSION_KEY as CONTENT_VERSION
from quizzes.models import DRAW_NEEDS_BOTH, MAX_TIME_LIMIT, MAX_TRIES, Quiz
from srm_trainer.finder import PLAIN_KEY, typed_input, typed_text
from srm_trainer.once import field as once_field
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance
from srm_trainer.typed_text import LimitsOnServer, Textarea
from srm_trainer.versioned_cache import VersionedCache
from teach import tag_groups
from teach.rendering import RENDERER
from teach.widgets import FittedTextarea

# Misconception and bank tags: lowercase words joined by hyphens (the import checks the same).
TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_TAG_LENGTH = 50  # `quizzes.Tag.slug`'s length
# A misconception tag is a phrase kept in the question's list, no column's: the curriculum's own
# run to 56 characters ("thinks-shield-advanced-protects-everything-automatically"), which
# the bank tags' 50 refused, offered or not, so a copy of such a question could not be saved.
MAX_MISCONCEPTION_LENGTH = 100
TAG_LENGTHS = {
    "misconceptions": MAX_MISCONCEPTION_LENGTH,
    "new_misconceptions": MAX_MISCONCEPTION_LENGTH,
}
MAX_TAGS = 20
# A question's and a scenario's Markdown: the same limits as the files and the admin.
MAX_PROMPT_CHARS = validation.MAX_PROMPT_CHARS
MAX_EXPLANATION_CHARS = validation.MAX_EXPLANATION_CHARS
MAX_SCENARIO_TEXT = validation.MAX_SCENARIO_TEXT
# What a well-formed tag of each typed field looks like, for a refusal with nothing better.
TAG_EXAMPLES = {"new_misconceptions": "thinks-mfa-is-optional", "new_tags": "week-3"}


def tag_suggestion(text: str) -> str:
    """The tag a teacher probably meant ("Wöche 1" → "woche-1"), or "" when none is left."""
    tag = re.sub(r"[-_]+", "-", slugify(text)).strip("-")
    return tag if TAG.match(tag) and len(tag) <= MAX_TAG_LENGTH else ""


def bad_tags_message(bad: list[str], example: str) -> str:
    """Every typed tag that is not one, as typed, and the tags they could be: one message for
    them all, so a teacher does not meet them one save at a time."""
    named = [f"“{t}”" for t in bad]
    who = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    verb = "is not a tag" if len(bad) == 1 else "are not tags"
    meant = list(dict.fromkeys(s for s in map(tag_suggestion, bad) if s))
    examples = ", ".join(f"“{t}”" for t in meant) if meant else example
    hint = f", e.g. {examples}" if examples else ""
    return (
        f"{who} {verb}: use lower-case letters and digits, with dashes between words (no "
        f"spaces or other signs){hint}."
    )


class _Rows(ModelChoiceIterator):
    """A model menu's entries read as (value, label) rows, not as model instances: the lesson
    menu lists every lesson, and building each with its Markdown body cost more than the rest
    of the field. The HTML is the same (the value is the key, the label what `__str__` says)."""

    def __iter__(self) -> Iterator[tuple]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from cast("_RowChoiceField", self.field).rows()


class _RowChoiceField(forms.ModelChoiceField):
    """A chosen value is still checked against the queryset and cleaned to its row, as any
    `ModelChoiceField` does; only the menu is read differently: every row of the model, by a
    `PreparedQuery` (its SQL compiled once), so the queryset must hold every row too."""

    iterator = _Rows

    def __deepcopy__(self, memo):
        """Each form's copy, as `ModelChoiceField.__deepcopy__` makes it, but sharing the
        queryset: Django clones it twice per copy (`.all()`, then the setter's `.all()`) so
        that each form's menu fills its own result cache, and this menu never reads the
        queryset (`rows()`), whose only other use, `to_python`'s `get()`, clones it itself.
        That was a third of copying the question form's fields on every editor page."""
        # `Field.__deepcopy__`, as Django calls it: a shallow copy (the queryset shared) with
        # its own widget, error messages and validators.
        result = super(forms.ChoiceField, self).__deepcopy__(memo)
        result.widget.choices = result.choices  # the copy's own menu, as the setter gives it
        return result

    def to_python(self, value):
        """The chosen row. A key of plain digits, what the menu posts, is read by a query
        compiled once (`row`), the same row `ModelChoiceField.to_python` gets from
        `queryset.get(pk=key)` (whose SQL was built again for every posted menu, costlier than
        the rest of the form's checks); any other value goes Django's way, as before."""
        key = self.to_field_name or "pk"
        if key in ("pk", "id") and isinstance(value, str) and PLAIN_KEY.match(value):
            found = self.row(int(value))
            if found is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )
            return found
        return super().to_python(value)

    def row(self, key: int):
        """The row with this primary key, as the field's queryset reads it, or None."""
        raise NotImplementedError

    def rows(self) -> Iterator[tuple]:
        raise NotImplementedError


_MODULE_COLUMNS = concrete_attnames(Module)
_LESSON_COLUMNS = concrete_attnames(Lesson)
MODULE_ROW = PreparedQuery(
    Module, ("int",), lambda key: Module.objects.filter(pk=key).values_list(*_MODULE_COLUMNS)
)
# The lesson with its module, as the lesson menu's `select_related("module")` reads it.
LESSON_ROW = PreparedQuery(
    Lesson,
    ("int",),
    lambda key: Lesson.objects.filter(pk=key).values_list(
        *_LESSON_COLUMNS, *(f"module__{column}" for column in _MODULE_COLUMNS)
    ),
)


def _module_menu(key: str) -> PreparedQuery:
    return PreparedQuery(
        Module, (), lambda: Module.objects.order_by("order", "slug").values_list(key, "title")
    )


# By the field's `to_field_name`: none (a form's field), "id" (a model form's), or "slug".
MODULE_MENUS = {"pk": _module_menu("pk"), "slug": _module_menu("slug")}
MODULE_MENUS["id"] = MODULE_MENUS["pk"]
LESSON_MENU = PreparedQuery(
    Lesson,
    (),
    lambda: Lesson.objects.order_by("module__order", "order").values_list(
        "pk", "module__slug", "slug"
    ),
)


def _lesson_entries() -> list[tuple]:
    return [(key, f"{module}/{slug}") for key, module, slug in LESSON_MENU.rows()]


def _module_entries(key: str) -> Callable[[], list[tuple]]:
    return lambda: [tuple(row) for row in MODULE_MENUS[key].rows()]


# The menus as drawn, kept per content version (srm_trainer/versioned_cache.py): they change
# only when a module or lesson is saved or deleted, which is what bumps the course's reading
# order (`reading_order.VERSION_KEY`, by the signals in lessons/apps.py), so they share its
# version, as the sandbox's preset menu does. The question, quiz and bank forms read them on
# every page, a query each.
KEPT_MODULE_MENUS = {
    key: VersionedCache(CONTENT_VERSION, _module_entries(key)) for key in ("pk", "slug")
}
KEPT_MODULE_MENUS["id"] = KEPT_MODULE_MENUS["pk"]
KEPT_LESSON_MENU = VersionedCache(CONTENT_VERSION, _lesson_entries)


class ModuleChoiceField(_RowChoiceField):
    """Modules by title (`Module.__str__`), in the modules' order; keyed by pk or slug."""

    def row(self, key: int) -> Module | None:
        rows = MODULE_ROW.rows(key)
        return instance(Module, rows[0]) if rows else None

    def rows(self) -> Iterator[tuple]:
        return iter(KEPT_MODULE_MENUS[self.to_field_name or "pk"].get())


LESSON_OPTIONS_ID = "lesson-options"  # the <datalist> of the lesson field's suggestions
NOT_A_LESSON = (
    "“%(value)s” is not the address of a published lesson. Type it as module/lesson (such as "
    "iam/iam-policies) or its whole title, choose one of the suggestions, or leave it empty."
)
TITLE_MAX = 200  # Lesson.title's max_length: a longer text is no lesson's title
TWO_LESSONS = (
    "More than one lesson is called “%(value)s” (%(addresses)s): type the address of the one "
    "you mean."
)


class LessonChoiceField(forms.Field):
    """A question's lesson, typed as its address (`module-slug/lesson-slug`, as `Lesson.__str__`
    says), the browser suggesting at most `finder.MATCHES` (a <datalist> htmx fills from
    teach:lesson-find as the author types). It was a menu of every lesson: 2,700 options at
    100 times the course. A lesson's id is taken too (a page drawn before, a script). Any
    published lesson; `QuestionForm.clean_lesson` also keeps the question's own."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": NOT_A_LESSON}
    MAX_LENGTH = 250

    def prepare_value(self, value):
        """Shown as its address: the saved lesson's id (one row read) or what was typed."""
        if isinstance(value, Lesson):
            return str(value)
        if isinstance(value, int) or (isinstance(value, str) and PLAIN_KEY.match(value)):
            lesson = self.row(int(value))
            return str(lesson) if lesson is not None else str(value)
        return value

    def to_python(self, value) -> Lesson | None:
        text = typed_text(value)
        if not text:
            return None
        if PLAIN_KEY.match(text):
            lesson = self.row(int(text))
        elif len(text) <= self.MAX_LENGTH and text.count("/") == 1:
            module, slug = (part.strip() for part in text.split("/"))
            lesson = (
                Lesson.objects.select_related("module")
                .filter(module__slug=module, slug=slug)
                .first()
            )
        else:
            lesson = None
        if lesson is None and not PLAIN_KEY.match(text):
            lesson = self.titled(text)
        if lesson is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text[:80]},
            )
        return lesson

    def titled(self, text: str) -> Lesson | None:
        """The published lesson whose whole title was typed, in any case. The help says to type
        words of its title, and without JavaScript (no suggestions) or when the suggestion was
        not picked that title came back refused; two lessons of one title are named."""
        if len(text) > TITLE_MAX:
            return None
        found = list(
            Lesson.objects.select_related("module")
            .filter(title__iexact=text, published=True, module__published=True)
            .order_by("module__order", "order")[:3]
        )
        if len(found) > 1:
            raise forms.ValidationError(
                TWO_LESSONS,
                code="ambiguous",
                params={"value": text[:80], "addresses": ", ".join(map(str, found))},
            )
        return found[0] if found else None

    def row(self, key: int) -> Lesson | None:
        """The lesson with this primary key, with its module (one compiled query), or None."""
        rows = LESSON_ROW.rows(key)
        if not rows:
            return None
        split = len(_LESSON_COLUMNS)
        lesson = instance(Lesson, rows[0][:split])
        Lesson._meta.get_field("module").set_cached_value(lesson, instance(Module, rows[0][split:]))
        return lesson


def offer_note(left_out: int, shown: int) -> str:
    """What the question editor says below its boxes when it offers the most used alone."""
    return (
        f"The {shown:,} used most are offered; {left_out:,} more are in use: type one in the "
        "box below to use it."
    )


class TagChoiceField(forms.MultipleChoiceField):
    """Checkboxes of the tags already in use. Any well-formed tag is accepted, offered or not:
    the offer is a convenience (and differs between teachers), not the rule."""

    widget = forms.CheckboxSelectMultiple
    # The offered tags by module (`tag_groups.group_tags`), set with the choices by
    # `QuestionForm.offer`; None draws one list.
    groups: list[tag_groups.TagGroup] | None = None

    default_error_messages = {
        "invalid_choice": "“%(value)s” is not a tag: use lower-case letters and digits, with "
        "dashes between words."
    }

    def __init__(self, *, max_length: int = MAX_TAG_LENGTH, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_length = max_length

    def to_python(self, value) -> list[str]:
        # An empty value (a blank field sent by a script, or a cleared select) means no tag.
        return [tag for tag in super().to_python(value) if tag.strip()]

    def validate(self, value) -> None:
        for tag in value:  # a well-formed tag too long is said so, not "not a tag"
            if isinstance(tag, str) and TAG.match(tag) and len(tag) > self.max_length:
                raise forms.ValidationError(
                    f"“{tag[:20]}…” is too long: a tag here has at most {self.max_length} "
                    "characters."
                )
        super().validate(value)

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and len(value) <= self.max_length and bool(TAG.match(value))


def _module_key(value) -> int | None:
    """The question's module as a key, from a posted or initial value (a key, digits, a
    module); None for none or anything else (the field itself reports a bad one)."""
    if isinstance(value, Module):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and PLAIN_KEY.match(value):
        return int(value)
    return None


def _database_bound(error: forms.ValidationError) -> bool:
    """The largest number the database column holds (Django's range check of an integer
    field), not a limit the setting has: 32,767 for a small integer on PostgreSQL, 2**63 - 1
    for any on SQLite."""
    limit = (error.params or {}).get("limit_value")
    columns = connection.ops.integer_field_ranges.values()
    return error.code == "max_value" and limit in {high for _, high in columns}


class BankCategoryField(forms.SlugField):
    """A bank category as typed, in lower case: a quiz draws by the exact category, so a
    question filed as "IAM" sat in a bank of its own that a quiz drawing "iam" never drew
    from, with nothing said. The help text always asked for lower case."""

    default_error_messages = {
        "invalid": "A category is lower-case words joined by dashes, such as “iam” or "
        "“week-1”: not “%(value)s”."
    }

    def clean(self, value):
        # Checked as typed (a refusal quotes what was typed; case never makes a slug invalid).
        return super().clean(value).lower()


class QuizForm(LimitsOnServer, forms.ModelForm):
    """Every setting of a quiz except its slug (made from the title when it is created).
    `Quiz.clean()` runs on save, so the limits are the loader's and the admin's."""

    default_renderer = RENDERER
    seen = forms.CharField(widget=forms.HiddenInput, required=False)  # as QuestionForm's
    once = once_field()  # a new quiz is made once per page (srm_trainer/once.py)

    class Meta:
        model = Quiz
        fields = [
            "title",
            "description",
            "module",
            "pass_mark",
            "attempts_allowed",
            "shuffle_questions",
            "shuffle_choices",
            "feedback",
            "draw_category",
            "draw_count",
            "time_limit",
            "tries",
            "try_penalty",
            "certainty",
            "published",
        ]
        labels = {
            "pass_mark": "Pass mark (percent)",
            "attempts_allowed": "Attempts allowed",
            "shuffle_questions": "Shuffle the questions for each attempt",
            "shuffle_choices": "Shuffle the choices and items for each attempt",
            "feedback": "When learners see feedback",
            "draw_category": "Draw questions from this category",
            "draw_count": "How many questions to draw",
            "time_limit": "Time limit (minutes)",
            "tries": "Tries per question",
            "try_penalty": "Penalty per extra try (percent)",
            "certainty": "Certainty-based marking on policy-decision questions",
            "published": "Published (learners can see and take it)",
        }
        help_texts = {
            "attempts_allowed": "0 means unlimited.",
            "module": "Where learners find it; leave empty for a mixed review. Only the "
            "course's own quizzes count toward a module's progress and the certificate.",
            "draw_category": "Leave empty to use the questions listed on the quiz's page.",
            "draw_count": "0 unless a category is given.",
            "description": "Shown on the quiz's page.",
            "time_limit": "Leave empty for no limit. When it passes, an attempt is submitted as "
            "it stands (unanswered questions score zero).",
            "tries": "1 to 10. More than one needs feedback after each question: a wrong try "
            "shows a hint, not the answer, and the learner may try again. True/false questions "
            "and questions marked with certainty always get one.",
            "try_penalty": "Taken off the question's marks for each try after the first; the "
            "best try counts. 0 unless there is more than one try.",
            "certainty": "Learners say how sure they are (not sure, fairly sure, very sure): a "
            "right answer earns 1, 2 or 3, a wrong one costs 0, 2 or 6.",
        }
        widgets = {"description": Textarea(attrs={"rows": 3})}
        field_classes = {"module": ModuleChoiceField, "draw_category": BankCategoryField}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.order_by("order", "slug")
        # Django's "---------" said nothing of what no module means.
        self.fields["module"].empty_label = "None: a mixed review"
        self.fields["draw_category"].widget.attrs["list"] = "known-categories"
        # Left empty (or sent by an older form without them): the defaults, one try, no penalty.
        self.fields["tries"].required = False
        self.fields["try_penalty"].required = False
        # A number below a setting's least (the database's 0) in the page's words: Django's
        # "Ensure this value is greater than or equal to 0." sat beside the model's own.
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and field.min_value == 0:
                field.error_messages["min_value"] = "This cannot be below 0, not %(show_value)s."
        self.fields["time_limit"].error_messages["min_value"] = (
            f"This is in minutes, from 1 to {MAX_TIME_LIMIT} (or empty for none), "
            "not %(show_value)s."
        )
        # A setting whose range is not "0 or more" says its range, as above it: "cannot be
        # below 0" told a teacher who typed -1 tries that 0 would do, and 0 is refused.
        self.fields["tries"].error_messages["min_value"] = (
            f"This is from 1 to {MAX_TRIES}, not %(show_value)s."
        )
        for name in ("pass_mark", "try_penalty"):
            self.fields[name].error_messages["min_value"] = (
                "This is a percent (0-100), not %(show_value)s."
            )

    def clean_tries(self) -> int:
        value = self.cleaned_data.get("tries")
        return 1 if value is None else value

    def _update_errors(self, errors: forms.ValidationError) -> None:
        """`Quiz.problems()` speaks to a content file's author, naming its keys ("'pass_mark'
        is a percent"); here each message is beside its own field, so the key becomes "This"
        and a key named in passing becomes the field's label on this page."""
        if hasattr(errors, "error_dict"):
            placed: dict[str, list[str]] = {}
            for name, found in errors.error_dict.items():
                for e in self._said_once(name, found):
                    for message in e.messages:
                        where, words = self._placed(name, message)
                        placed.setdefault(where, []).append(words)
            errors = forms.ValidationError(placed)
        super()._update_errors(errors)  # type: ignore[misc]  # Django has it; the stubs do not

    def _placed(self, name: str, message: str) -> tuple[str, str]:
        """Where and how to say a problem of the quiz's field `name`. A field this page does
        not show (the draw rules a copy of the curriculum's final exam has) has its problem
        said in the summary; Django raised ValueError for it, a 500."""
        if name in self.fields:
            return name, self._in_words(name, message)
        if name == "draw_rules" and self.instance.draw_rules and self.instance.draw_category:
            return "draw_category", (
                "This quiz draws its questions by its own rules, from several modules (kept "
                "from the quiz it was copied from), which this page does not change: it cannot "
                "also draw from a category. Leave the category empty."
            )
        if name == "draw_rules":
            return NON_FIELD_ERRORS, f"Its draw rules (kept from its file): {message}."
        return NON_FIELD_ERRORS, self._in_words(name, message)

    def _said_once(self, name: str, found: list) -> list:
        """The model's errors for field `name` worth saying. Its checks read the quiz as the
        form could fill it in: a half of a draw the form could not read (a category mistyped,
        a count not a number) is still the old one, and "a draw needs both" would contradict
        what was typed. The database's bound of a number ("less than or equal to
        9223372036854775807") is no setting's: dropped beside the setting's own words, else
        said plainly."""
        already = set(getattr(self, "_errors", None) or {})  # the fields' own errors so far
        if name == "draw_count" and {"draw_category", "draw_count"} & already:
            found = [e for e in found if DRAW_NEEDS_BOTH not in e.messages]
        bound = [e for e in found if _database_bound(e)]
        if bound and len(bound) < len(found):
            return [e for e in found if not _database_bound(e)]
        if bound:
            return [forms.ValidationError("That number is far too large for this setting.")]
        return found

    def _in_words(self, name: str, message: str) -> str:
        if message.startswith(f"'{name}' "):
            message = "This" + message[len(name) + 2 :]
        for other, field in self.fields.items():
            message = message.replace(f"'{other}'", f"“{field.label}”")
        # The model's messages are fragments (the loader puts them after a file and line): on
        # the page each is a sentence of its own.
        sentence = message if message.endswith((".", "?", "!")) else f"{message}."
        return sentence[:1].upper() + sentence[1:]

    def clean_try_penalty(self) -> int:
        value = self.cleaned_data.get("try_penalty")
        return 0 if value is None else value


class QuestionForm(LimitsOnServer, forms.Form):
    """The parts every kind shares. Not a ModelForm: the kind's checks report on `data`,
    which no form field shows, so the view maps `Question.clean()`'s errors itself."""

    default_renderer = RENDERER
    # The question's last save when the page was drawn (`services.edit_stamp`), so a save from
    # a stale page is refused rather than undoing a save made since (`services.save_unless_edited`).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    once = once_field()  # a new question is made once per page (srm_trainer/once.py)

    prompt = forms.CharField(
        label="Prompt (Markdown)",
        widget=FittedTextarea(fewest=3, most=15),
        max_length=MAX_PROMPT_CHARS,
        error_messages={"required": "Write the question's prompt."},
    )
    explanation = forms.CharField(
        label="Explanation shown after answering (Markdown)",
        widget=FittedTextarea(fewest=3, most=15),
        max_length=MAX_EXPLANATION_CHARS,
        error_messages={
            "required": "Write an explanation: learners read it after answering.",
        },
    )
    category = BankCategoryField(
        label="Bank category",
        max_length=100,
        help_text="Lower-case words joined by dashes; a quiz can draw questions from it.",
    )
    module = ModuleChoiceField(queryset=Module.objects.order_by("order", "slug"), required=False)
    lesson = LessonChoiceField(
        required=False,
        label="Lesson that teaches it",
        help_text="Type words of its title to find it.",
        widget=typed_input(
            LESSON_OPTIONS_ID,
            **{"hx-get": reverse_lazy("teach:lesson-find"), "hx-vals": '{"for": "question"}'},
        ),
    )
    level = forms.ChoiceField(
        choices=[("", "Same as its lesson"), *Level.choices],
        required=False,
        help_text="How far into the subject it goes. Learners can filter by it; without a "
        "lesson, “same as its lesson” means foundational.",
    )
    misconceptions = TagChoiceField(
        max_length=MAX_MISCONCEPTION_LENGTH,
        label="Misconception tags",
        help_text="What a wrong answer reveals. Tick the ones that apply; the number is how "
        "many questions use the tag.",
    )
    new_misconceptions = forms.CharField(
        required=False,
        max_length=500,
        label="New misconception tags",
        help_text="Comma-separated, lower-case words joined by dashes, e.g. "
        "thinks-aws-patches-guest-os.",
    )
    tags = TagChoiceField(
        label="Bank tags",
        help_text="To find the question again in the bank (the number is how many questions "
        "have the tag).",
    )
    new_tags = forms.CharField(
        required=False,
        max_length=500,
        label="New bank tags",
        help_text="Comma-separated, e.g. s3, exam-2026.",
    )

    def __init__(self, *args, known_misconceptions=(), known_tags=(), **kwargs):
        """`known_*`: (tag, module key or None, how many questions there use it) rows, the
        tags offered as checkboxes (`offer`)."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["list"] = "known-categories"
        self.offer(known_misconceptions=known_misconceptions, known_tags=known_tags)

    def offer(
        self, *, known_misconceptions, known_tags, most: dict[str, int] | None = None
    ) -> None:
        """Offer these tags as checkboxes, with what the question has or the author ticked,
        most used first, and grouped by the module where each is used most (`tag_groups`),
        the question's module first. Only drawing needs them (any well-formed tag is valid),
        so a view that may not draw the form (a save that succeeds) counts them once it knows
        it will. `most`: at most this many of a field's (by name) are offered, the most used,
        and the field's help says how many more there are (`teach.shown`)."""
        known = {"misconceptions": list(known_misconceptions), "tags": list(known_tags)}
        # The modules (the menu's own kept rows), read only if there is something to group.
        modules = KEPT_MODULE_MENUS["pk"].get() if any(known.values()) else []
        order = [key for key, _title in modules]
        own = _module_key(self._current("module"))
        for name, uses in known.items():
            offered = dict(tag_groups.totals(uses))
            # Whatever the question has (or the author ticked) stays on offer, counted or not.
            current = self._current(name) or []
            if isinstance(current, str):
                current = [current]
            for tag in current:
                if isinstance(tag, str) and TAG.match(tag):
                    offered.setdefault(tag, 0)
            ordered = sorted(offered.items(), key=lambda kv: (-kv[1], kv[0]))
            field = cast(TagChoiceField, self.fields[name])
            field.help_text = self.base_fields[name].help_text
            limit = (most or {}).get(name)
            if limit is not None and len(ordered) > limit:
                ticked = {tag for tag in current if isinstance(tag, str)}
                kept = ordered[:limit] + [kv for kv in ordered[limit:] if kv[0] in ticked]
                field.help_text += " " + offer_note(len(ordered) - len(kept), limit)
                ordered = kept
            # A bound field copies the help when made (a posted form's, when it was checked).
            bound = getattr(self, "_bound_fields_cache", {}).get(name)
            if bound is not None:
                bound.help_text = field.help_text
            field.choices = [(tag, f"{tag} ({count})" if count else tag) for tag, count in ordered]
            homes = tag_groups.home_modules(uses, order)
            field.groups = tag_groups.group_tags(
                [tag for tag, _count in ordered], homes, modules, first=own, ticked=current
            )

    def _current(self, name: str):
        """What the field holds as the page will draw it: as posted, or the initial value."""
        if self.is_bound:
            getlist = getattr(self.data, "getlist", None)
            if getlist and isinstance(self.fields[name], forms.MultipleChoiceField):
                return getlist(name)
            return self.data.get(name)
        return self.initial.get(name)

    def clean_lesson(self) -> Lesson | None:
        """A draft lesson (or one of a draft module) is neither suggested nor taken, typed or
        posted, unless it is the question's own already (`initial`): saving keeps it."""
        lesson = self.cleaned_data.get("lesson")
        if lesson is None or (lesson.published and lesson.module.published):
            return lesson
        if str(lesson.pk) == str(self.initial.get("lesson")):
            return lesson
        typed = str(self.data.get(self.add_prefix("lesson"), ""))
        raise forms.ValidationError(
            NOT_A_LESSON, code="invalid_choice", params={"value": typed.strip()[:80]}
        )

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean() gives cleaned_data
        for chosen, new in (("misconceptions", "new_misconceptions"), ("tags", "new_tags")):
            if chosen in data and new in data:
                data[chosen] = self._merge(data[chosen], data[new], new)
        return data

    def _merge(self, chosen: list[str], raw: str, field: str) -> list[str]:
        """The ticked tags plus the new ones typed in `field`, each once, in that order."""
        written = [t.strip() for t in re.split(r"[,\n]", raw) if t.strip()]
        bad = [t for t in written if not TAG.match(t.lower())]
        if bad:
            self.add_error(field, bad_tags_message(bad, TAG_EXAMPLES.get(field, "")))
            return chosen
        typed = [t.lower() for t in written]
        longest = TAG_LENGTHS.get(field, MAX_TAG_LENGTH)
        for tag in typed:
            if len(tag) > longest:
                self.add_error(
                    field,
                    f"“{tag[:20]}…” is too long: a tag here has at most {longest} characters.",
                )
                return chosen
        tags = list(dict.fromkeys([*chosen, *typed]))
        if len(tags) > MAX_TAGS:
            self.add_error(field, f"At most {MAX_TAGS} tags of this kind per question.")
        return tags


@dataclass(frozen=True)
class Previewed:
    """A text of the Markdown preview: `text` to render, or `refusal` in its place."""

    text: str
    refusal: str = ""
    limit: int = 0


# What the Markdown preview says in place of a text past its field's limit.
NOT_PREVIEWED = (
    "Not previewed: the {what} is {length:,} characters long and takes at most {limit:,}. "
    "Nothing was cut: shorten it in its box above."
)


def markdown_preview(post) -> dict[str, Previewed]:
    """The prompt and explanation as the Markdown preview shows them. A text past its field's
    limit (counted as the field counts it) is not rendered: the preview read whatever was
    posted, and Markdown costs up to ~6.5 µs a character, so 100,000 characters of list items in
    each box cost 0.8 s of CPU a preview, and the most a form holds several seconds."""
    out = {}
    for name in ("prompt", "explanation"):
        field = QuestionForm.base_fields[name]
        raw = field.widget.value_from_datadict(post, {}, name)
        text = raw if isinstance(raw, str) else ""
        limit = cast(forms.CharField, field).max_length or 0
        if len(text) > limit:
            words = NOT_PREVIEWED.format(what=name, length=len(text), limit=limit)
            out[name] = Previewed("", words, limit)
        else:
            out[name] = Previewed(text, limit=limit)
    return out


def preview_said(preview: dict[str, Previewed], *, typed: bool) -> str:
    """What the page's status region says of a Markdown preview sent with htmx. A text not
    previewed is named with its limit but not its length, so typing on past the limit says it
    once (static/js/live-updates.js leaves words the region already holds alone); its box above
    shows the count. After the button, that the preview is there; typing that previews both
    says nothing: the preview follows typing quietly, and the region no longer holds a refusal
    that has stopped applying."""
    over = [(name, shown.limit) for name, shown in preview.items() if shown.refusal]
    if len(over) == 1:
        (name, limit), *_ = over
        return f"Not previewed: the {name} is longer than its {limit:,} characters."
    if over:
        names = " and the ".join(name for name, _ in over)
        limits = " and ".join(f"{limit:,}" for _, limit in over)
        return f"Not previewed: the {names} are longer than their {limits} characters."
    return "" if typed else "Previewed below: the prompt and explanation as learners see them."
