"""Forms for cohorts. Dates are typed in the person's own time zone (the browser's, which the
timezone middleware activates; the site's when it reports none), with the browser's
date-and-time picker where it has one; each date's label names that zone."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone

from cohorts import learner_finder
from lessons import finder
from lessons.models import Lesson
from lessons.timezones import valid_zone, zone_name, zoned
from quizzes import finder as quiz_finder
from srm_trainer.finder import typed_input
from srm_trainer.labels import PlainLabels
from srm_trainer.once import field as once_field
from srm_trainer.typed_text import LimitsOnServer


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TypedInItsZone(LimitsOnServer, forms.Form):
    """A form whose times are read in the zone its page named. Each typed time's label says
    the zone it is read in, as shown times do ("Due (Asia/Tokyo)"): an instructor typing a
    deadline in one zone that is read in another sets it hours off. The browser reports its
    zone with every request (static/js/timezone.js), so the first page drawn after it changed
    (a flight, a laptop set to another zone) named the old zone while its save came with the
    new one: an assignment saved unchanged moved its due date by the difference. The page
    sends back the zone it was drawn in (`zone`), and the times are read in that one; a
    posted name that is no zone counts as none (the request's)."""

    zone = forms.CharField(widget=forms.HiddenInput, required=False)
    zoned_times: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = valid_zone(self.data.get(self.add_prefix("zone"), "")) if self.is_bound else ""
        self.zone = posted or zone_name()
        if self.is_bound:  # drawn again as sent (refused, or "Find" lessons): the zone too
            self.data = self.data.copy()
            self.data[self.add_prefix("zone")] = self.zone
        self.initial["zone"] = self.zone
        for name in self.zoned_times:
            if name in self.fields:
                self.fields[name].label = f"{self.fields[name].label} ({self.zone})"

    def full_clean(self):
        with timezone.override(self.page_zone()):
            super().full_clean()

    def page_zone(self) -> zoneinfo.ZoneInfo:
        """The zone the page was drawn in, as the times are read (and should be said) in."""
        return zoneinfo.ZoneInfo(str(self.zone))  # the name, set in __init__


def _passed(when, was=None) -> bool:
    """A due time set now that is already over: every submission from then on is late, which is
    never what an instructor typing it meant. One kept unchanged (an assignment edited after
    its due date, for its lessons) is not asked: to the minute, as the field shows it."""
    if when is None or when >= timezone.now():
        return False
    return was is None or when.replace(second=0, microsecond=0) != was.replace(
        second=0, microsecond=0
    )


PASSED = "That time has passed, so every submission would be late. Choose a later one."
PASSED_ONCE = (
    "That time has passed, so every submission would be late. Choose a later time, or leave it "
    "empty; to keep it anyway (for work already done, say), send the form again as it is."
)


# An extension gives one learner more time than the class: with no due date (none set, or
# taken away since the page was drawn) nobody's work is late, and the date typed would have
# made that one learner alone late (`gradebook.learners_due` no longer applies it).
NO_DUE_DATE = (
    "This assignment has no due date, so nobody's work is late and there is no more time to "
    "give. Set its due date above first."
)
EXTENSION_PASSED = (
    "That time has passed, so it would give the learner no more time. Choose a later one."
)


WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
OUT_OF_RANGE = "Choose a date between the years 1900 and 9000."
NOT_A_TIME = "Type a date and time, such as 2027-03-05 17:00."
_LONG_YEAR = re.compile(r"\d{5,}-")


class WhenField(forms.DateTimeField):
    """A date and time typed in the reader's zone, within years any zone can store: 31 Dec
    9999, 23:59 in New York is the year 10000 in UTC, which the database cannot hold (saving
    it was a server error), and year 1 in Tokyo is year 0. A time sent with an offset of its
    own (no browser's field sends one; Django reads it) is that moment in the reader's zone:
    kept with an offset past 15:59 ("+23:59"), PostgreSQL refused it when saved (DataError)."""

    def to_python(self, value):
        try:
            when = super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code == "invalid":
                # Chromium's date field takes a year of up to six digits as typed (20266 for
                # 2026): Django's "Enter a valid date/time." did not say what was wrong.
                typed = str(value).strip()
                if _LONG_YEAR.match(typed):
                    raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from exc
                raise forms.ValidationError(NOT_A_TIME, code="invalid") from exc
            if exc.code != "ambiguous_timezone":
                raise
            raise forms.ValidationError(_clock_change(exc.params), code=exc.code) from exc
        if when is None:
            return None
        if not 1900 <= when.year <= 9000:
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return timezone.localtime(when)


def _clock_change(params) -> str:
    """Django's words for a time the clocks skip or repeat (a daylight-saving change) name the
    moment in a programmer's format; these say what happened and what to do."""
    moment, zone = params["datetime"], params["current_timezone"]
    return (
        f"{moment:%H:%M} on {moment.day} {moment:%b %Y} does not happen once in {zone}: the "
        "clocks change then, skipping that hour or going through it twice. Choose a time an "
        "hour earlier or later."
    )


def _when_field(label: str, help_text: str) -> forms.DateTimeField:
    return WhenField(
        label=label,
        required=False,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=WHEN_FORMATS,
    )


class CohortForm(LimitsOnServer, PlainLabels, forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Name",
        help_text="Learners see it when they join.",
        error_messages={"required": "Give the cohort a name."},
    )
    once = once_field()  # a cohort is made once per page (srm_trainer/once.py)


class NextTermForm(PlainLabels, TypedInItsZone):
    """A new cohort set up as an old one was (`services.cohort_next_term`). Its days move the
    dates by the clock of the zone the page was drawn in (`zone`, as the assignment forms
    send back), not the one the save came with: across a change of summer time, a browser
    that moved zone between the two got dates an hour off."""

    name = forms.CharField(
        max_length=120,
        label="Name of the new cohort",
        help_text="Learners see it when they join: its term or its group, for example.",
        error_messages={"required": "Give the new cohort a name."},
    )
    shift_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=3660,
        label="Move every date by (days, optional)",
        error_messages={
            "invalid": "Type a whole number of days, such as 182 for 26 weeks.",
            "min_value": "Type a number of days from 0 to 3660: dates only move later.",
            "max_value": "Type a number of days from 0 to 3660: dates only move later.",
        },
    )
    with_instructors = forms.BooleanField(
        required=False, initial=True, label="The same instructors teach it"
    )
    once = once_field()  # a cohort is made once per page (srm_trainer/once.py)

    def __init__(self, *args, due_range=(None, None), **kwargs):
        """`due_range`: the old cohort's first and last due dates, said in the days' help."""
        super().__init__(*args, **kwargs)
        first, last = due_range
        with timezone.override(zoneinfo.ZoneInfo(self.zone)):  # the days count on that clock
            if first is None:
                ran = ""
            elif first == last:
                ran = f"Its due date is {zoned(first)}. "
            else:
                ran = f"Its due dates run from {zoned(first)} to {zoned(last)}. "
        self.fields["shift_days"].help_text = (
            f"{ran}Leave it empty to copy the assignments without opening or due times, and "
            "set each one's on its page; or give the days between the terms (182 for 26 "
            "weeks) to move every time that much later."
        )


class RenameForm(LimitsOnServer, PlainLabels, forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Cohort name",
        help_text="Learners see the new name at once; the code and the gradebook stay.",
        error_messages={"required": "Give the cohort a name."},
    )


class JoinForm(LimitsOnServer, PlainLabels, forms.Form):
    code = forms.CharField(
        max_length=64,
        label="Join code",
        help_text="The eight characters your instructor gave you, such as ACDE-FGHJ.",
        error_messages={
            "required": "Type the join code your instructor gave you.",
            # Django's "Ensure this value has at most 64 characters" for a pasted paragraph. No
            # `maxlength` (`LimitsOnServer`): cut at 64, a paragraph lost the code at its end.
            "max_length": "A join code has 8 letters and digits (such as ACDE-FGHJ); that is "
            "%(show_value)s characters long: type or paste the code alone.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CoInstructorForm(LimitsOnServer, PlainLabels, forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Instructor's username",
        error_messages={"required": "Type the username of an instructor."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class LessonsField(forms.ModelMultipleChoiceField):
    """Lessons chosen by id among the published ones. Its page never draws its choices (the
    whole course): `templates/cohorts/_lesson_picker.html` draws those chosen and a search's."""

    def clean(self, value):
        if isinstance(value, list | tuple) and len(value) > finder.MAX_KEYS:
            raise forms.ValidationError(
                f"That is {len(value)} lessons; an assignment takes at most {finder.MAX_KEYS}. "
                "Untick some and send the form again.",
                code="too_many",
            )
        for each in value or ():
            text = str(each)
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                # 40 digits overflowed the database's integer: a server error, not a message.
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super().clean(value)


class AssignmentForm(PlainLabels, TypedInItsZone):
    # Typed (its address or title), with at most `quiz_finder.MATCHES` suggestions: it was a
    # menu of every quiz the instructor may assign (1,000 at 100 times the course).
    quiz = quiz_finder.QuizField(
        label="Quiz",
        help_text="Type words of its title to find it: your published quizzes and the "
        "curriculum's.",
        error_messages={"required": "Type the quiz to assign: its title or its address."},
        widget=typed_input(quiz_finder.OPTIONS_ID),
    )
    lessons = LessonsField(
        queryset=Lesson.objects.none(),
        required=False,
        label="Lessons to read (optional)",
        help_text="Find the lessons learners should read and tick them.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "A lesson you ticked is no longer published. The list shows "
            "those you can assign now: check your choice and send the form again.",
            "invalid_pk_value": "“%(pk)s” is not a lesson: tick lessons from the list and send "
            "the form again.",
        },
    )
    opens_at = _when_field(
        "Opens",
        "Optional. Before then the quiz cannot be started. The gradebook counts attempts "
        "started from then (empty: from when it is assigned), each learner's once they joined.",
    )
    due_at = _when_field("Due", "Optional. Later submissions are accepted and marked late.")
    # The past due time the page was last warned about, as typed: sent again unchanged, it is
    # kept on purpose (`clean`).
    past_due_ok = forms.CharField(widget=forms.HiddenInput, required=False)
    # Editing: the opening time the page last warned would take counted attempts out of the
    # gradebook, as typed: sent again unchanged, it is kept on purpose
    # (`services.WouldStopCounting`).
    uncount_ok = forms.CharField(widget=forms.HiddenInput, required=False)
    # The opening time the page last warned would count attempts not counted now (started
    # before the quiz was assigned, say), as typed: sent again unchanged, it is kept on purpose
    # (`services.WouldStartCounting`).
    count_ok = forms.CharField(widget=forms.HiddenInput, required=False)
    # Editing: what the page drew (`services.assignment_stamp`), so that a save over a change
    # made since (another tab, a co-instructor) is refused, not written over it.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    zoned_times = ("opens_at", "due_at")

    def __init__(
        self,
        *args,
        quizzes,
        editing: bool = False,
        assigned=None,
        drafts=None,
        find_url: str = "",
        **kwargs,
    ):
        """`quizzes`: those that may be chosen (the suggestions and the rule); `assigned`: the
        quizzes this cohort has already (not among them); `drafts`: the teacher's own quizzes not
        published (not among them either; named when typed); `find_url`: where htmx asks for suggestions as the
        quiz is typed."""
        super().__init__(*args, **kwargs)
        self.assigned = assigned
        self.drafts = drafts
        quiz, lessons = self.fields["quiz"], self.fields["lessons"]
        # The form's own copies of the fields declared above.
        assert isinstance(quiz, quiz_finder.QuizField)
        assert isinstance(lessons, LessonsField)
        if quizzes is not None:
            quiz.queryset = quizzes
        if find_url:
            quiz.widget.attrs["hx-get"] = find_url
        lessons.queryset = Lesson.objects.published().in_reading_order()
        if editing:
            del self.fields["quiz"]

    finding = False  # drawn again for "Find lessons" (`hold`), not judged

    def hold(self) -> None:
        """Draw the sent form again as it was, without judging it: "Find lessons" (the
        picker's search without JavaScript) asks for matches, not a save, so no message
        appears and nothing typed or ticked is lost."""
        self.finding = True
        self._errors = ErrorDict()
        self.cleaned_data = {}

    def clean(self):
        data = super().clean()
        self._say_which_is_assigned()
        opens, due = data.get("opens_at"), data.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The due date must come after the opening time.")
        elif _passed(due, self.initial.get("due_at")):
            typed = self.data.get(self.add_prefix("due_at"), "")
            if data.get("past_due_ok") != typed:  # asked once per time typed
                self.add_error("due_at", PASSED_ONCE)
                self.data = self.data.copy()
                self.data[self.add_prefix("past_due_ok")] = typed
        return data

    def uncount_asked(self) -> bool:
        """Whether the opening time sent was the one the page warned about last time, as
        taking counted attempts out (`ask_uncount`)."""
        return self._asked("uncount_ok")

    def count_asked(self) -> bool:
        """Whether the opening time sent was the one the page warned about last time, as
        counting attempts not counted now (`ask_count`)."""
        return self._asked("count_ok")

    def ask_uncount(self, message: str) -> None:
        """Say `message` beside the opening time, and remember it as asked about."""
        self._ask(message, "uncount_ok")

    def ask_count(self, message: str) -> None:
        """Say `message` beside the opening time, and remember it as asked about."""
        self._ask(message, "count_ok")

    def _asked(self, name: str) -> bool:
        typed = self.data.get(self.add_prefix("opens_at"), "")
        return self.cleaned_data.get(name) == typed

    def _ask(self, message: str, name: str) -> None:
        self.add_error("opens_at", message)
        kept = QueryDict(mutable=True)
        kept.update(self.data)  # a QueryDict: the lessons ticked are a list
        kept[self.add_prefix(name)] = self.data.get(self.add_prefix("opens_at"), "")
        self.data = kept

    def _say_which_is_assigned(self) -> None:
        """A quiz assigned since the page was drawn (in another tab, or the first of a double
        click), or unpublished since (to correct it), is not among those to choose any more:
        say that, rather than that it is not a quiz one may assign."""
        if self.assigned is None or "quiz" not in self.errors:
            return
        raw = self.data.get(self.add_prefix("quiz"), "")
        found = quiz_finder.named(self.assigned, raw)
        quiz = found[0] if len(found) == 1 else None
        if quiz is not None:
            # Said through `add_error`, so the message keeps the id the field points at.
            del self.errors["quiz"]
            self.add_error(
                "quiz",
                f"“{quiz.title}” is already assigned to this cohort (from another tab, or a "
                "second click): it is in the cohort's list of assignments. Choose another quiz, "
                "or open that one there to change it.",
            )
            return
        found = quiz_finder.named(self.drafts, raw) if self.drafts is not None else []
        if len(found) == 1:
            del self.errors["quiz"]
            self.add_error(
                "quiz",
                f"“{found[0].title}” is not published, so its learners could not open it "
                "(unpublished since this page was drawn, or never published). Publish it from "
                "its page first, or choose another quiz.",
            )


class ExtensionForm(PlainLabels, TypedInItsZone):
    # Typed (their username), with at most `learner_finder.MATCHES` suggestions: it was a menu
    # of every learner of the cohort (300 options for a class of 300).
    learner = learner_finder.LearnerField(
        label="Learner",
        help_text="Type letters of their username, or of the name they chose to show you, to "
        "find them.",
        error_messages={"required": "Type the username of the learner to give more time."},
        widget=typed_input(learner_finder.OPTIONS_ID, autocapitalize="none"),
    )
    due_at = WhenField(
        label="Their due date",
        widget=DateTimeInput(),
        input_formats=WHEN_FORMATS,
        error_messages={"required": "Type the date and time their extension runs to."},
    )
    zoned_times = ("due_at",)

    def __init__(self, *args, learners, assignment_due=None, find_url: str = "", **kwargs):
        """`learners`: those who may be chosen (the suggestions and the rule); `assignment_due`:
        the cohort's due date for the work, which an extension must pass; `find_url`: where
        htmx asks for suggestions as the learner is typed."""
        self.assignment_due = assignment_due
        # Its own ids: it shares a page with the assignment's form, which has a `due_at` too,
        # and a label must point at its own field.
        kwargs.setdefault("auto_id", "extension-%s")
        super().__init__(*args, **kwargs)
        learner = self.fields["learner"]
        assert isinstance(learner, learner_finder.LearnerField)
        learner.queryset = learners
        if find_url:
            learner.widget.attrs["hx-get"] = find_url

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if self.assignment_due is None:
            raise forms.ValidationError(NO_DUE_DATE)
        if _passed(due):
            raise forms.ValidationError(EXTENSION_PASSED)
        if due <= self.assignment_due:
            # A slip of the day or month would give the learner less time than the rest.
            raise forms.ValidationError(
                f"That is not after this assignment's due date ({zoned(self.assignment_due)}): "
                "an extension gives a learner more time. Choose a later one."
            )
        return due
