"""The authoring forms of the question kinds an instructor can write in /teach/.

One editor per kind, in a registry keyed by the kind's value (as `quizzes.kinds` is). An
editor turns its forms into `Question.data` and back; it never validates the data itself:
the view runs `Question.clean()`, the same checks the loader and the admin run, so every door
refuses the same things with the same words. (Issue 9 plans these as a method on each `Kind`;
they live here for now so this app can be merged without touching the kind modules.)

Rows (choices, items) are edited with plain forms and buttons, no JavaScript: "Add", "Move
up/down" and "Remove" re-draw the form from what was posted, nothing is saved until "Save".
Each row carries its stored id in a hidden field, so an id follows its row through moves; a
new row gets `text_id(text)`, made unique against every id the question has ever stored here (a
removed choice's id is never handed to a different text). A choice, or an ordering or
categorize item, keeps its id through a `small_edit` only (the course loader's rule,
`quizzes.kinds.keep_ids`): reworded beyond that it is a new one, so learners' answers (which
name items by id as they name choices: an order, a placing) and the statistics stay with the
words the learners saw.

When the kind's check refuses a save, each problem it locates in a list (`Problem.path`
`("choices", 1, "text")`: the second choice stored, its text) is shown beside that row's field
as well as in the summary at the top, and one about a part of the data edited by a field of its
own (categorize's categories, a challenge's reference solution) beside that field
(`place_problems`, `Editor.place`); blank rows are not stored, so the second choice may be the
third row. Where is read from the path alone, never from the message's words.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as data_field
from typing import Generic, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory

from curriculum.quiz_loader import with_layout
from quizzes.answer_key import REKEYED, removed_notice, short
from quizzes.kinds import Problem, same_entry, text_id
from quizzes.kinds.base import as_sentence
from quizzes.kinds.categorize import capital_twins, capitals_said
from quizzes.kinds.choices import MAX_CHOICES
from srm_trainer.iam.json_mistakes import named_by
from srm_trainer.typed_text import LimitsOnServer
from teach.rendering import RENDERER
from teach.widgets import FittedTextarea, OneOfRows, named

MAX_ROWS = 12  # quizzes.kinds.items.MAX_ITEMS; a kind's own limit gives the message


class _Form(LimitsOnServer, forms.Form):
    default_renderer = RENDERER  # Django's field HTML, drawn faster (teach.rendering)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RowForm(_Form):
    """One row of a list (a choice, an item, a request). Its labels name the row ("Choice 2
    text", "Choice 2 is correct"): the rows are not fieldsets with a legend any more (a legend
    took a line of its own on a phone), so each control says which row it is in when a
    keyboard or a screen reader reaches it alone. `number` comes from `RowFormSet`."""

    word = "Row"

    def __init__(self, *args, number: int | None = None, word: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.word = word or self.word
        self.number = number
        if number is not None:
            self.name_fields(f"{self.word} {number}")

    @property
    def row_name(self) -> str:
        """ "Choice 2", as its labels and buttons say it."""
        return f"{self.word} {self.number}" if self.number is not None else self.word

    def name_fields(self, row: str) -> None:
        """Put the row's name into its fields' labels (each kind says how)."""


class RowFormSet(BaseFormSet):
    """Rows that know their place: each form is told its number (1, 2, …) for its labels.

    `stored`: the ids the question holds (set by `Editor.parts`), against which a row's
    "Same choice, reworded" is checked (`check_same`)."""

    stored: frozenset[str] = frozenset()

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["number"] = index + 1
        return kwargs

    def clean(self):
        super().clean()
        check_same(self.forms, self.stored)


def check_same(forms_: list, stored: frozenset[str]) -> None:
    """Refuse, beside its box, a "Same choice, reworded" the save could not honour: the row's
    id is none the question holds (a row added here, or a tampered post), or another row
    carries that id too (two rows cannot both be the one choice). Refused, not ignored: a
    teacher who ticked it expects the answers to stay with the row."""
    carried: dict[str, int] = {}
    for form in forms_:
        row_id = form.cleaned_data.get("id") if hasattr(form, "cleaned_data") else None
        if isinstance(row_id, str) and row_id:
            carried[row_id] = carried.get(row_id, 0) + 1
    for form in forms_:
        if "same" not in form.fields or not getattr(form, "cleaned_data", {}).get("same"):
            continue
        row_id = form.cleaned_data.get("id") or ""
        what = form.word.lower()
        if row_id not in stored:
            form.add_error(
                "same",
                f"This row is not a {what} the question had when it was opened, so there is "
                f"no {what} for it to stay: untick “Same {what}, reworded” (it is saved as a "
                f"new {what}), or reload the page.",
            )
        elif carried.get(row_id, 0) > 1:
            form.add_error(
                "same",
                f"Another row is the same {what} too: only one row can keep a {what}'s "
                f"identity. Untick “Same {what}, reworded” here, or reload the page.",
            )


class ChoiceRow(RowForm):
    word = "Choice"
    id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    text = forms.CharField(required=False, max_length=500, label="Choice")
    same = forms.BooleanField(required=False, label="Same choice, reworded")
    correct = forms.BooleanField(required=False, label="Correct")
    feedback = forms.CharField(
        required=False,
        max_length=2000,
        label="Feedback when chosen",
        widget=FittedTextarea(fewest=2, most=8),
    )

    def name_fields(self, row: str) -> None:
        self.fields["text"].label = named(row, f"{row} text")
        self.fields["correct"].label = named("Correct", f"{row} is correct")
        self.fields["feedback"].label = f"Feedback when {row.lower()} is chosen"
        name_same(self, row)


def name_same(form: RowForm, row: str) -> None:
    """A stored row's "Same choice, reworded" box (drawn only on a row with an id): ticked,
    the row keeps its id even when reworded beyond a small edit (`assign_ids`)."""
    what = form.word.lower()
    form.fields["same"].label = named(f"Same {what}, reworded", f"{row}: same {what}, reworded")


class SingleChoiceRow(ChoiceRow):
    """A choice of a single-choice question: its "Correct" is one radio button of a group
    across the rows (`OneOfRows`), as only one choice may be right."""

    correct = forms.BooleanField(required=False, label="Correct", widget=OneOfRows)


class ItemRow(RowForm):
    word = "Item"
    id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    text = forms.CharField(required=False, max_length=500, label="Item")
    same = forms.BooleanField(required=False, label="Same item, reworded")

    def name_fields(self, row: str) -> None:
        self.fields["text"].label = named(row, f"{row} text")
        name_same(self, row)


ITEM_CATEGORIES_ID = "item-categories"  # the <datalist> of the categories typed above the rows


class CategorizedItemRow(ItemRow):
    # Suggests the categories typed in the list above (its <datalist>, drawn from the post on
    # each round trip and kept in step as they are typed by static/js/category-options.js):
    # a box with no suggestions was a guess at the exact spelling.
    category = forms.CharField(
        required=False,
        max_length=100,
        label="Category",
        widget=forms.TextInput(attrs={"list": ITEM_CATEGORIES_ID, "autocomplete": "off"}),
    )

    def name_fields(self, row: str) -> None:
        super().name_fields(row)
        self.fields["category"].label = named("Category", f"Category of {row.lower()}")


class TrueFalseForm(_Form):
    answer = forms.TypedChoiceField(
        label="The statement in the prompt is",
        choices=[("true", "True"), ("false", "False")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
        required=False,  # said by `clean_answer`, in words of its own
    )

    def clean_answer(self):
        """No answer given: said in words that name what is missing, not after the label, a
        sentence's start that made the summary read "The statement in the prompt is: Say
        whether the statement is true or false."."""
        answer = self.cleaned_data["answer"]
        if answer == "":
            raise ValidationError(
                "Say whether the statement in the prompt is true or false.", code=NAMES_ITSELF
            )
        return answer


class CategoriesForm(_Form):
    categories = forms.CharField(
        label="Categories, one per line",
        widget=FittedTextarea(fewest=2, most=8),
        max_length=2000,
        error_messages={"required": "Name at least two categories."},
    )

    def clean_categories(self) -> str:
        """Categories that differ only in capitals ("AWS" and "Aws"), the kind's check, said
        here too: before the items' categories are folded to a category's own spelling
        (`own_spelling`), which then matches neither, so the one problem is said, not also one
        for each item. The same name twice is the kind's check alone ("listed twice")."""
        text = self.cleaned_data["categories"]
        twins = capital_twins([line.strip() for line in text.splitlines() if line.strip()])
        if twins is not None:
            raise forms.ValidationError(capitals_said(twins))
        return text

    def names(self) -> list[str]:
        lines = self.cleaned_data.get("categories", "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def offered(self) -> list[str]:
        """The categories as the box holds them (posted or stored), each once: the items'
        category boxes' suggestions, drawn whether or not the form is valid."""
        value = self["categories"].value()
        lines = value.splitlines() if isinstance(value, str) else []
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))


def own_spelling(category: str, categories: list[str]) -> str:
    """`category` as the category list spells it when they differ in case only ("aws" for
    "AWS"): an item put in "aws" was refused as in no category. Kept as typed when it matches
    none, for the kind's check to refuse (or more than one, which `clean_categories` refuses
    before this is asked)."""
    if category in categories:
        return category
    same = [c for c in categories if c.casefold() == category.casefold()]
    return same[0] if len(same) == 1 else category


def _formset(row_form):
    return formset_factory(
        row_form,
        formset=RowFormSet,
        extra=0,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        renderer=RENDERER,
    )


def posted_values(formset, names: tuple[str, ...]) -> list[dict]:
    """Each row of a bound formset as its form would show it (`BoundField.value()`: the
    widget's reading of the post, as the field binds and prepares it), read without building
    the forms: a row action built every row's form, a deep copy of each of its fields, only to
    read the values back and draw them again as new rows."""
    fields = formset.form.base_fields
    rows = []
    for index in range(formset.total_form_count()):
        prefix = formset.add_prefix(index)
        row = {}
        for name in names:
            field = fields[name]
            raw = field.widget.value_from_datadict(formset.data, formset.files, f"{prefix}-{name}")
            row[name] = field.prepare_value(field.bound_data(raw, field.initial))
        rows.append(row)
    return rows


def _new_id(text: str, taken: set[str]) -> str:
    base = text_id(text)
    new, n = base, 1
    while new in taken:
        n += 1
        new = f"{base}-{n}"
    taken.add(new)
    return new


def assign_ids(
    rows: list[dict],
    previous: list[dict],
    *,
    reworded: list[Reworded] | None = None,
    word: str = "Choice",
) -> list[dict]:
    """Rows as data entries with ids: a row keeps the stored id it carries (only ids this
    question already stored count, and each once); any other row gets a new one.

    With `reworded` (choices and items, whose ids learners' answers and the statistics name;
    `word` names the row in it): a row keeps its id only by the loader's rule,
    `quizzes.kinds.same_entry`: its text is a `small_edit` of the text its id was stored with,
    or its author ticked "Same choice, reworded" (`same`, the editor's `id:`). Otherwise it
    gets a new id and is added to `reworded`. The old id stays with the old words, so an
    answer that chose them is never shown or counted as having chosen words its learner never
    saw. Done whether or not anyone has answered yet: one rule, the loader's, and no gap
    between a look at the answers and the save for a learner's answer to land in. (The loader
    matches by text and position, `keep_ids`, as a file's entry carries no id: see
    `same_entry`.) The `same` key is not stored."""
    stored = stored_texts(previous)
    taken = set(stored)
    used: set[str] = set()
    out = []
    for number, row in enumerate(rows, start=1):
        entry = dict(row)
        said = bool(entry.pop("same", False))
        old_id = entry.get("id")
        if isinstance(old_id, str) and old_id in stored and old_id not in used:
            used.add(old_id)  # the old id is this row's or, reworded, no row's
            old_text = stored[old_id]
            if reworded is not None and not same_entry(old_text, entry["text"], said=said):
                entry["id"] = _new_id(entry["text"], taken)
                back = old_id == text_id(entry_text(old_text))
                reworded.append(Reworded(number, str(old_text or ""), entry["text"], word, back))
        else:
            entry["id"] = _new_id(entry["text"], taken)
        out.append(entry)
    return out


def entry_text(text) -> str:
    """A stored text as a row posts it back (`kept_rows` strips it)."""
    return str(text or "").strip()


@dataclass(frozen=True)
class Reworded:
    """A choice or item saved with a new id because its words changed beyond a small edit."""

    number: int  # its place among the saved rows, from 1, as the page numbers them
    old: str
    new: str
    word: str = "Choice"  # or "Item"
    # Whether putting `old` back takes back the old id: a new row's id is its text's
    # (`_new_id`), so it does when the old id was made from these very words (not kept
    # through an earlier typo fix, nor written in a file's `id:`).
    back: bool = False

    def said(self) -> str:
        """Its old and new words, as the save's notice quotes them."""
        return f"“{short(self.old)}” is now “{short(self.new)}”"


def reworded_notice(reworded: list[Reworded], answered: bool) -> str:
    """The one notice a save that made choices (or items) new gets; `answered`: learners had
    answered the question. It says which rows were reworded, what became of the answers to
    their old words, and (answered) that "Same choice, reworded" would have kept them and how
    to get that now. It was a line per row and then a second notice after them, which read as
    two saves' news. The box is a choice made before the save; putting the old words back
    takes back the old id only where the id was made from them (`Reworded.back`), so only
    those rows are offered that way."""
    if not reworded:
        return ""
    word = reworded[0].word.lower()
    box = f"“Same {word}, reworded”"
    one = len(reworded) == 1

    def rows(them: list[Reworded]) -> str:
        numbers = [str(r.number) for r in them]
        listed = (
            numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        )
        return f"{word}{'' if len(them) == 1 else 's'} {listed}"

    quoted = "; ".join(r.said() if one else f"{r.number}: {r.said()}" for r in reworded)
    head = f"{word[0].upper()}{rows(reworded)[1:]} {'was' if one else 'were'} reworded ({quoted})"
    if not answered:
        each = "it is a new" if one else "each is a new"
        return f"{head}, so {each} {word} (nobody had answered the question yet)."
    it, its, wording = ("it", "its", "wording") if one else ("one", "their", "wordings")
    if word == "item":
        happens = (
            f"answers given to the old {wording} keep {'it' if one else 'them'} and their "
            f"marks; the statistics count only where learners put the new {wording}; learners "
            f"with an attempt still open who placed {it} are asked to place the items again."
        )
    else:
        happens = (
            f"answers given to the old {wording} keep {'it' if one else 'them'} and are counted "
            f"as {'a removed choice' if one else 'removed choices'} in the statistics; learners "
            f"with an attempt still open who chose {it} are asked to choose again."
        )
    said = [
        f"{head} and became new, as {box} was not ticked (ticked, it would have kept {its} "
        f"answers and statistics): {happens}"
    ]
    back = [r for r in reworded if r.back]
    if back:
        said.append(
            f"To keep {rows(back)} after all, edit the question, put back the old words exactly "
            f"and save, then reword with {box} ticked."
        )
    if len(back) < len(reworded):
        lost = [r for r in reworded if not r.back]
        said.append(f"For {rows(lost)} that is no longer possible here.")
    return " ".join(said)


def saved_notice(
    reworded: list[Reworded],
    answered: bool,
    rekeyed: bool = False,
    removed: Sequence[str] = (),
) -> str:
    """What a question's save says, in one notice: "Question saved.", and, when the save made
    choices (or items) new, `reworded_notice` after it; when it took choices out of a question
    learners answered (`removed`), `removed_notice`; when it changed its key (`rekeyed`), what
    becomes of their marks. They were two notices, a success and an information, side by
    side: read as two pieces of news, the second as if apart from the save that caused it."""
    said = [
        reworded_notice(reworded, answered),
        removed_notice(removed) if answered else "",
        REKEYED if rekeyed and answered else "",
    ]
    notice = " ".join(part for part in said if part)
    return f"Question saved. {notice}" if notice else "Question saved."


def is_row_action(action: str) -> bool:
    """ "add", "up-N", "down-N" or "remove-N"."""
    if action == "add":
        return True
    verb, _, number = action.partition("-")
    return verb in {"up", "down", "remove"} and (
        number.isascii() and number.isdigit() and len(number) <= 4
    )


def apply_row_action(
    rows: list[dict], action: str, blank: dict, most: int = MAX_ROWS
) -> list[dict] | None:
    """`rows` after "add", "up-N", "down-N" or "remove-N"; None if `action` is none of them.
    "add" adds no row past `most`."""
    if not is_row_action(action):
        return None
    if action == "add":
        if len(rows) < most:
            rows.append(dict(blank))
        return rows
    verb, _, number = action.partition("-")
    index = int(number)
    if not 0 <= index < len(rows):
        return rows
    if verb == "remove":
        rows.pop(index)
    else:
        target = index + (-1 if verb == "up" else 1)
        if 0 <= target < len(rows):
            rows[index], rows[target] = rows[target], rows[index]
    return rows


@dataclass(frozen=True)
class RowFocus:
    """Where the keyboard goes after a row button: row `row` (from 0) and its `control`,
    "text", "up" or "down"; `row` -1 is the "Add" button."""

    row: int
    control: str


def focus_after(action: str, rows: int) -> RowFocus | None:
    """The control a row button leaves focus on, once the page comes back with `rows` rows:
    the new row's text after "add"; after a move, the same button on the row it moved (its
    other button once the row reaches an end, where that one is disabled); after "remove",
    the text of the row that took its place, or of the new last row. Each button posts the
    whole page (no JavaScript needed), which left focus at the page's start."""
    if not is_row_action(action):
        return None
    if rows == 0:
        return RowFocus(-1, "text")
    if action == "add":
        return RowFocus(rows - 1, "text")
    verb, _, number = action.partition("-")
    index = int(number)
    if verb == "remove":
        return RowFocus(min(index, rows - 1), "text")
    row = min(max(index + (-1 if verb == "up" else 1), 0), rows - 1)
    if verb == "up" and row == 0:
        verb = "down" if rows > 1 else "up"
    elif verb == "down" and row == rows - 1:
        verb = "up" if rows > 1 else "down"
    return RowFocus(row, verb)


def focus_row(formset, focus: RowFocus | None, text: str = "text") -> None:
    """Put `autofocus` on the row field (`text`) `focus` names; the buttons take it in the
    template."""
    if focus is None or focus.control != "text" or not 0 <= focus.row < len(formset.forms):
        return
    field = formset.forms[focus.row].fields.get(text)
    if field is not None:
        field.widget.attrs["autofocus"] = True


@dataclass(frozen=True)
class RowList:
    """Where one list of `Question.data` is edited: the formset (by its prefix), the row each
    stored entry came from (`rows[n]` for entry n: blank rows are not stored, so entry 2 may be
    row 3), and the row's fields a message can stand beside (the one the problem's path names,
    else the first)."""

    prefix: str
    rows: tuple[int, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Placed:
    """A kind's problem and where the editor shows it: beside `field` of row `index` (from 0)
    of the formset `prefix`, or (index None) beside `field` of the form `prefix`; and in the
    summary. With no field, in the summary only."""

    message: str
    prefix: str = ""
    index: int | None = None
    field: str = ""


def place_problems(
    problems: Iterable[Problem],
    lists: dict[tuple, RowList],
    fields: dict[tuple, tuple[str, str]] | None = None,
) -> list[Placed]:
    """Where each of the kind's `problems` goes, read from its path alone (never its words).
    `lists` maps a data path to the rows that edit it: `("choices",)`, or `("challenge",
    "must_allow")`; a problem whose path goes on to an entry of one of them (`("choices", 1)`)
    is that entry's row's, beside the field the path names next (`("choices", 1, "text")`) if
    the row has it, else the row's first. `fields` maps a data path to the (form prefix, field)
    that edits it whole: `("reference",)`, `("categories",)`; a problem at it or deeper is that
    field's. Any other (a rule for the whole question, a list too short) is the summary's."""
    out = []
    for problem in problems:
        path = tuple(problem.path) if problem.field == "data" else ()
        out.append(
            _row_place(problem, path, lists)
            or _field_place(problem, path, fields or {}, _entry_row(problem, lists))
        )
    return out


def _entry_row(problem: Problem, lists: dict[tuple, RowList]) -> int | None:
    """The row (from 0) of the entry a problem placed elsewhere numbers (`Problem.entry`), or
    None: a reference solution's refusal of a request is the reference's, but names the
    request as the page labels its row."""
    entry = tuple(problem.entry)
    for key, rows in lists.items():
        if len(entry) == len(key) + 1 and entry[: len(key)] == key:
            n = entry[-1]
            return rows.rows[n] if type(n) is int and 0 <= n < len(rows.rows) else None
    return None


def _row_place(problem: Problem, path: tuple, lists: dict[tuple, RowList]) -> Placed | None:
    for key, rows in lists.items():
        if len(path) <= len(key) or path[: len(key)] != key:
            continue
        n = path[len(key)]
        if type(n) is not int or not 0 <= n < len(rows.rows):
            return None
        named = path[len(key) + 1] if len(path) > len(key) + 1 else None
        field = named if named in rows.fields else rows.fields[0]
        return Placed(in_words(problem, n, rows.rows[n]), rows.prefix, rows.rows[n], field)
    return None


def _field_place(
    problem: Problem, path: tuple, fields: dict[tuple, tuple[str, str]], row: int | None = None
) -> Placed:
    """`row`: the row the problem's words number (`_entry_row`), when it names one."""
    words = problem.in_words(None if row is None else row + 1)
    for key, (prefix, field) in fields.items():
        if key and path[: len(key)] == key:
            return Placed(words, prefix, None, field)
    return Placed(words)


def in_words(problem: Problem, entry: int, row: int) -> str:
    """The problem about entry `entry` (from 0) as the editor says it, numbered by the row the
    page shows (`row`, from 0): blank rows are not stored, so the second choice stored may be
    the third row. A check without a plain sentence is said in its file words, renumbered."""
    if problem.plain:
        return problem.in_words(row + 1)
    return as_sentence(renumbered(problem.message, entry, row))


# An entry's file message starts with its label: "challenge must_allow #1: …"
# (quizzes/kinds/*.py). Only the number is read, to renumber a message without a plain sentence.
_LABEL = re.compile(r"([\w ]+ )#(\d+)\b")


def renumbered(message: str, entry: int, row: int) -> str:
    """`message` about entry `entry` (from 0) naming the row instead ("choice #2" is the
    third row when the second was left blank), so it says what the page numbers."""
    match = _LABEL.match(message)
    if match is None or match.group(2) != str(entry + 1) or entry == row:
        return message
    return f"{match.group(1)}#{row + 1}{message[match.end() :]}"


def linked_to(form: forms.Form | None, name: str, message: str) -> Linked:
    """`message`, about `form`'s field `name`, linked to it (`Linked`)."""
    if form is None or name not in form.fields:
        return Linked(message)
    anchor = form[name].auto_id or ""
    widget = form.fields[name].widget
    if anchor and isinstance(widget, forms.RadioSelect):
        # A group of radio buttons (true or false) has no element of the field's own id: the
        # link goes to its first button, the one a keyboard enters the group by.
        anchor = f"{anchor}_0"
    # A group of checkboxes: its first box is where a link goes, but not the one control
    # the message is about.
    group = getattr(widget, "allow_multiple_selected", False)
    return Linked(message, anchor, "" if group else anchor)


class Linked(str):
    """A line of the summary at the top; `anchor` is the id of the field it is shown beside
    (the summary links to it), or "". `control`: the id of the one control it is about, which
    a live check's list marks invalid with it (static/js/lab-fields.js); `anchor` unless said."""

    anchor = ""
    control = ""

    def __new__(cls, message: str, anchor: str = "", control: str | None = None) -> Linked:
        line = super().__new__(cls, message)
        line.anchor = anchor
        line.control = anchor if control is None else control
        return line


def mark_fields(placed: list[Placed], formsets: Iterable, forms_: Iterable = ()) -> list[Linked]:
    """Put each placed problem on its field (an error the field draws beside itself, with
    `aria-invalid` and `aria-describedby`, and which opens the fold it sits in), and return
    the summary's lines, each linked to its field when it has one. `formsets` (rows) and
    `forms_` (fields outside the rows) are the bound, valid ones the placements name by
    prefix."""
    by_prefix = {formset.prefix: formset for formset in formsets}
    form_by_prefix = {form.prefix: form for form in forms_}
    out = []
    for p in placed:
        if p.index is None:
            form = form_by_prefix.get(p.prefix)
        else:
            formset = by_prefix.get(p.prefix)
            ok = formset is not None and 0 <= p.index < len(formset.forms)
            form = formset.forms[p.index] if formset is not None and ok else None
        if form is None or p.field not in form.fields:
            out.append(Linked(p.message))
            continue
        form.add_error(p.field, ValidationError(p.message, code=NAMES_ITSELF))
        out.append(Linked(p.message, form[p.field].auto_id or ""))
    return out


def refused_fields(formsets: Iterable, forms_: Iterable = ()) -> set[tuple]:
    """(prefix, row index or None, field) of each field its own form refused: a kind's
    problem placed there (a choice past its limit read cut, `readable_row`) is not said
    beside it too, its own refusal says what to do first."""
    out: set[tuple] = set()
    for formset in formsets:
        if formset.is_bound:
            for index, form in enumerate(formset.forms):
                out |= {(formset.prefix, index, name) for name in form.errors}
    for form in forms_:
        if form.is_bound:
            out |= {(form.prefix, None, name) for name in form.errors}
    return out


# The code of a kind's problem that `mark_fields` put on a field: it names what it is about
# itself ("Reference solution: Line 8, …"), so it is said without the field's label.
NAMES_ITSELF = "names_itself"


def placed_on(form: forms.Form, name: str) -> set[str]:
    """The kind's problems `mark_fields` put on `form`'s field `name`, known by their code in
    the form's own error list: a list of the form's errors (`named_error`) says each as it
    is, without the field's label before it."""
    errors = form.errors.as_data().get(name, ())
    return {m for e in errors if e.code == NAMES_ITSELF for m in e.messages}


def named_error(form: forms.Form, name: str, error: object) -> str:
    """`error` of `form`'s field `name` as a line of a list away from the field: named by the
    field's label, unless it is a kind's problem that names its field itself (`placed_on`),
    which read "The case (JSON): Line 11: case: …" when the label was put before it too."""
    if str(error) in placed_on(form, name):
        return str(error)
    label = form.fields[name].label if name in form.fields else name
    return named_by(str(label), str(error))


@dataclass
class Parts:
    """The bound or unbound forms of one editor, by name, for the template."""

    rows: forms.BaseFormSet | None = None
    extra: forms.Form | None = None  # true/false answer or categorize's categories
    # The choices or items `data` gave new ids because they were reworded (said after saving).
    reworded: list[Reworded] = data_field(default_factory=list)

    def is_valid(self) -> bool:
        return all(p.is_valid() for p in (self.rows, self.extra) if p is not None)

    def readable(self) -> bool:
        """Whether the kind's check can read what was posted though a row is refused: every
        part but the rows is valid (the kind reads those whole: categorize's categories, a
        true/false answer) and the rows came with their count. A row refused on its own is
        read as `readable_row` reads it (`Editor.problems_beside`)."""
        rows_counted = self.rows is None or not self.rows.is_bound or counted(self.rows)
        return rows_counted and (self.extra is None or self.extra.is_valid())

    def context(self, request) -> dict:
        """More for the page's template (the engine-backed editors' live panels)."""
        return {}

    def summary(self) -> list[str]:
        """What stops a save that the fields' own errors do not say (shown at the top): a
        refused "Same choice, reworded" is named with its row and linked to its box, as the
        kind's row problems are (the other row fields' errors are said beside them); so is a
        refusal of the `extra` form (a true/false question's answer not given, categorize's
        categories), where the summary said only "See the highlighted fields below"."""
        rows = self.rows
        if rows is None or not rows.is_bound:
            return self.extra_refusals()
        return [
            linked_to(form, name, row_refusal(form, name, error))
            for form in rows.forms
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
        ] + self.extra_refusals()

    def extra_refusals(self) -> list[str]:
        """The `extra` form's refusals (JSON that does not parse, a number that is none), each
        named by its field's label and linked to it, for an engine editor's summary and panel:
        the summary said only "see the highlighted fields"."""
        form = self.extra
        if form is None or not form.is_bound:
            return []
        return [
            linked_to(form, name, named_error(form, name, e))
            for name, errors in form.errors.items()
            if name in form.fields
            for e in errors
        ]


def row_refusal(form: RowForm, name: str, error: object) -> str:
    """A row field's own refusal as the summary says it, named by its row: "Choice 2: …" for
    its "Same choice, reworded", "Choice 3 text: This is 612 characters long; …" for its text
    past the limit, which was said only beside the field, so that a summary listing the
    kind's problems with it did not leave it out."""
    if name == "same":
        return f"{form.row_name}: {error}"
    return named_by(f"{form.row_name} {name.replace('_', ' ')}", str(error))


def counted(formset: BaseFormSet) -> bool:
    """Whether a bound formset's management form (how many rows were sent) is readable: without
    it the formset has no rows, and a check would say the list is empty."""
    return formset.management_form.is_valid()


def readable_row(form: forms.Form) -> dict:
    """A row's values as far as they can be read: the cleaned data of a valid row; for a field
    refused on its own (a choice's text past its 500 characters, a tampered id), the value as
    posted, as the page shows it back, read no further than the field's `max_length` (the
    field's own refusal says the length; a check comparing texts does not read a pasted
    megabyte). So the kind's check, run while a row is refused (`Editor.problems_beside`),
    still counts that row's "Correct" tick and compares its text with the others'. Nothing is
    saved from it. Unbound: the row as drawn from the stored entry."""
    if not form.is_bound:
        return dict(form.initial)
    form.is_valid()
    values = dict(form.cleaned_data)
    for name in form.errors:
        if name not in form.fields or name in values:
            continue
        value = form[name].value()
        most = getattr(form.fields[name], "max_length", None)
        values[name] = value[:most] if isinstance(value, str) and most else value
    return values


def stored_texts(entries: object) -> dict[str, object]:
    """A question's stored choices or items as {id: text}, a malformed entry left out: the ids
    a "Same choice, reworded" row may claim (`stored_ids`) and those `assign_ids` keeps are
    read by this one rule."""
    return {
        e["id"]: e.get("text")
        for e in (entries if isinstance(entries, list) else [])
        if isinstance(e, dict) and isinstance(e.get("id"), str)
    }


def stored_ids(question, key: str) -> frozenset[str]:
    """The ids of the choices or items `question` holds (none for a new question)."""
    data = question.data if isinstance(question.data, dict) else {}
    return frozenset(stored_texts(data.get(key) if key else None))


P = TypeVar("P", bound=Parts)  # the forms an editor makes (an engine editor's have more)


class Editor(Generic[P]):
    """How one kind is authored. Subclasses say which forms and how they become data."""

    value: str = ""
    row_form: type[forms.Form] | None = None
    extra_form: type[forms.Form] | None = None
    list_key = ""  # the data key holding the rows
    row_fields: tuple[str, ...] = ()
    min_rows = 2
    # The most rows "Add" gives: the kind's own limit (6 choices), so an author is not let type
    # a 7th choice that the save then refuses ("Give 2 to 6 choices: there are 7").
    max_rows = MAX_ROWS
    # The engine-backed editors (policy decision, least privilege) answer htmx requests with
    # these partials: `live_template` as the author types, `fragment_template` after a button.
    live_template: str | None = None
    fragment_template: str | None = None
    uses_case_editor = False  # the page loads the sandbox's script for its case editor
    uses_policy_editor = False  # the page loads the policy editor (CodeMirror) for its policies
    uses_category_options = False  # the page keeps the items' category suggestions in step

    @property
    def template(self) -> str:
        return f"teach/editors.html#{self.value}"

    @property
    def section_title(self) -> str:
        if self.row_form is None:
            return "Answer"
        return "Choices" if self.list_key == "choices" else "Items"

    def parts(self, question, post=None, rows: list[dict] | None = None, *, user=None) -> Parts:
        """Forms for `question`: from the POST, or from `rows` (after a row action), or from
        the stored data (blank rows up to the minimum for a new question)."""
        parts = Parts()
        if self.row_form is not None:
            formset = _formset(self.row_form)
            if post is not None and rows is None:
                posted = cast(RowFormSet, formset(post, prefix="rows"))  # `_formset` makes one
                posted.stored = stored_ids(question, self.list_key)
                parts.rows = posted
            else:
                if rows is None:
                    rows = self.initial_rows(question)
                parts.rows = formset(initial=rows, prefix="rows")
        if self.extra_form is not None:
            if post is not None:
                parts.extra = self.extra_form(post, prefix="k")
            else:
                parts.extra = self.extra_form(initial=self.initial_extra(question), prefix="k")
        return parts

    def initial_rows(self, question) -> list[dict]:
        """The stored rows, each with its id ("same" left unticked)."""
        stored = question.data.get(self.list_key) if isinstance(question.data, dict) else None
        rows = [
            {f: e.get(f, "") for f in self.row_fields}
            for e in (stored or [])
            if isinstance(e, dict)
        ]
        while len(rows) < self.min_rows:
            rows.append({f: "" for f in self.row_fields} | self.blank_row())
        return rows

    def blank_row(self) -> dict:
        return {}

    def initial_extra(self, question) -> dict:
        return {}

    def posted_rows(self, post) -> list[dict]:
        """The rows as posted, raw (no validation): what a row action re-draws."""
        if self.row_form is None:
            return []
        formset = _formset(self.row_form)(post, prefix="rows")
        if not formset.management_form.is_valid():
            return []
        return posted_values(formset, self.row_fields)

    def row_action(self, post, action: str) -> list[dict] | None:
        """Apply "add", "up-N", "down-N" or "remove-N" to the posted rows; None if `action`
        is not one (then the form is being saved or previewed)."""
        if self.row_form is None or not is_row_action(action):
            return None  # a save or a preview: the posted rows are not read twice
        blank = {f: "" for f in self.row_fields} | self.blank_row()
        return apply_row_action(self.posted_rows(post), action, blank, self.max_rows)

    def redraw(self, question, post, *, user=None) -> Parts:
        """The forms as posted, without errors (after the Markdown preview)."""
        parts = self.parts(question, rows=self.posted_rows(post) or None)
        if self.extra_form is not None:
            parts.extra = self.parts(question, post).extra
        return parts

    def act(self, question, post, action: str, *, user=None) -> Parts | None:
        """The forms after one of the editor's buttons (add, move, remove a row), or None when
        `action` is none of them (then it is a save)."""
        rows = self.row_action(post, action)
        if rows is None:
            return None
        parts = self.parts(question, rows=rows)
        if self.extra_form is not None:
            parts.extra = self.parts(question, post).extra
        return parts

    def live(self, question, post, action: str, *, user=None) -> Parts | None:
        """The forms for a live check as the author types (`live_template`), or None."""
        return None

    def not_checked(self, parts: P, why: str) -> None:
        """Draw `parts` (from `redraw`) without asking the engine for its verdict, saying `why`
        where the verdict goes: a save refused by the `teach_save` limit runs no engine. (The
        least-privilege, network and routing panels: their `check`; the policy editor's key
        overrides this.)"""
        if hasattr(parts, "check"):
            parts.check = {"ok": False, "problems": [], "unchecked": why}

    def runs_engine(self, post, action: str) -> bool:
        """Whether this post asks the IAM or network engine for a verdict before any save (a
        live check, a button that redraws the engine's result): such posts are rate-limited
        (`teach_check`), as the learners' sandbox and labs are."""
        return False

    def row_lists(self, parts: P) -> dict[tuple, RowList]:
        """The data's lists and the rows that edit them (after `parts.is_valid()`)."""
        if parts.rows is None:
            return {}
        kept = self.kept_rows(parts)
        prefix = parts.rows.prefix
        assert prefix is not None  # a bound or unbound formset always has one (ours: "rows")
        return {
            (self.list_key,): RowList(
                prefix,
                tuple(index for index, _row in kept),
                tuple(f for f in self.row_fields if f not in ("id", "same")),
            )
        }

    def formsets(self, parts: P) -> list:
        return [parts.rows] if parts.rows is not None else []

    def row_focus(self, parts: P, action: str) -> tuple[str, RowFocus] | None:
        """After row button `action`: which list ("" for the rows) and where focus goes
        (`focus_after`), its text field marked `autofocus`; None for any other action."""
        if parts.rows is None:
            return None
        focus = focus_after(action, len(parts.rows.forms))
        focus_row(parts.rows, focus)
        return ("", focus) if focus is not None else None

    # The data's parts edited whole by one field of `parts.extra` (its prefix is "k"): data
    # path -> field name.
    extra_fields: dict[tuple, str] = {}

    def field_paths(self, parts: P) -> dict[tuple, tuple[str, str]]:
        """The data's parts edited by one field outside the rows: path -> (form prefix, field)."""
        if parts.extra is None:
            return {}
        prefix = parts.extra.prefix or ""
        return {path: (prefix, name) for path, name in self.extra_fields.items()}

    def place(self, parts: P, problems: list[Problem]) -> list[Linked]:
        """Show the kind's `problems` with a refused save: each one about a row or a field
        beside that field too; returns the summary's lines, in the same order."""
        placed = place_problems(problems, self.row_lists(parts), self.field_paths(parts))
        extra = [parts.extra] if parts.extra is not None else []
        refused = refused_fields(self.formsets(parts), extra)
        placed = [p for p in placed if (p.prefix, p.index, p.field) not in refused]
        return mark_fields(placed, self.formsets(parts), extra)

    def linked(self, parts: P, problems: Iterable[Problem]) -> list[Linked]:
        """The kind's `problems` for the live check's list, each in the words `place` gives
        it, linked to the one control it is about (read from its path as `place` reads it,
        the field left unmarked): the list marks that control invalid as it is swapped in
        (static/js/lab-fields.js). A group of checkboxes has no one control: not linked."""
        placed = place_problems(problems, self.row_lists(parts), self.field_paths(parts))
        by_prefix = {f.prefix: f for f in self.formsets(parts)}
        out = []
        for p in placed:
            form = None
            if p.index is None:
                form = parts.extra
            elif (rows := by_prefix.get(p.prefix)) is not None and p.index < len(rows.forms):
                form = rows.forms[p.index]
            out.append(linked_to(form, p.field, p.message) if p.field else Linked(p.message))
        return out

    def problems_beside(self, question, parts: P, *, user, shared: Iterable[str]) -> list[Linked]:
        """Every refusal of a save that is not saved, for the summary at the top: the parts'
        own (`parts.summary()`: a row's text past its limit, a "Same choice, reworded" that
        cannot hold), then the kind's check of what can be read. `Question.clean()` runs only
        once every field passes, so a teacher heard about the choices only on the save after
        fixing the prompt (`shared`: the shared fields, the prompt, the explanation, …, which
        their own form refuses and says), and about "Mark the correct choice" or two choices
        alike only on the save after shortening a choice. The kind's check reads a refused
        row as far as it can (`readable_row`); what it says about a field refused already
        is left to that field's own refusal. Nothing is saved: the check runs on a copy of
        `question`. Parts the check cannot read (`Parts.readable`: categorize's categories
        refused, a true/false answer not given) keep it for the next save."""
        said: list[Linked] = []
        if not parts.is_valid():
            said = [m if isinstance(m, Linked) else Linked(m) for m in parts.summary()]
        if not parts.readable():
            return said
        return said + self.checked_beside(question, parts, user=user, shared=shared)

    def checked_beside(self, question, parts: P, *, user, shared: Iterable[str]) -> list[Linked]:
        """The kind's check of what `parts` hold (`problems_beside`). Checked on a copy of
        `question`; not for a question resting on a row `fill` makes (a new scenario), which
        is checked as it is saved."""
        trial = copy.copy(question)
        previous = question.data if isinstance(question.data, dict) else {}
        if self.fill(trial, parts, previous=previous, user=user):
            return []
        fields = set(shared)
        return self.place(parts, [p for p in trial.problems() if p.field not in fields])

    def place_related(self, parts: P, exc: ValidationError) -> list[str]:
        """The summary's lines for a row `fill` returned (a scenario) that its own `clean()`
        refuses; an editor with a field for one of them shows it beside that field too."""
        return [f"Scenario: {m}" for ms in exc.message_dict.values() for m in ms]

    def fill(self, question, parts: P, *, previous: dict, user) -> list:
        """Put what the forms describe on `question` (after `parts.is_valid()`); returns the
        unsaved rows it depends on, which are checked and saved first."""
        question.data = self.data(parts, previous)
        return []

    def cleaned_rows(self, parts: P) -> list[dict]:
        """Non-blank rows, stripped, in the order shown (after `parts.is_valid()`)."""
        return [row for _index, row in self.kept_rows(parts)]

    def kept_rows(self, parts: P) -> list[tuple[int, dict]]:
        """(index of the row's form, row) for each row `cleaned_rows` keeps."""
        assert parts.rows is not None  # an editor with rows (row_form) has their formset
        out = []
        for index, form in enumerate(parts.rows.forms):
            # Unbound: the page as drawn for a stored question (its editor opened on one that
            # fails its check), its rows the stored entries in order. A refused row: as far as
            # it can be read, for the kind's check (`problems_beside`), never saved.
            source = readable_row(form)
            row = {f: source.get(f) for f in self.row_fields}
            row = {k: v.strip() if isinstance(v, str) else v for k, v in row.items()}
            # Anything given but the id keeps the row: a tick or a category without text is
            # refused beside the row (the kind's check), not dropped unsaid.
            if any(v for k, v in row.items() if k not in ("id", "same")):
                out.append((index, row))
        return out

    def data(self, parts: P, previous: dict) -> dict:
        """The `Question.data` the forms describe (after `parts.is_valid()`)."""
        raise NotImplementedError


class ChoiceEditor(Editor[Parts]):
    row_form = ChoiceRow
    list_key = "choices"
    row_fields = ("id", "text", "correct", "feedback", "same")
    min_rows = 4
    max_rows = MAX_CHOICES

    def blank_row(self) -> dict:
        return {"correct": False}

    def data(self, parts: Parts, previous: dict) -> dict:
        rows = [
            {
                "id": r["id"],
                "text": r["text"],
                "correct": bool(r["correct"]),
                "feedback": r["feedback"] or "",
                "same": r["same"],
            }
            for r in self.cleaned_rows(parts)
        ]
        # The author orders the choices on purpose: no stored layout, they are shown as written
        # (a quiz can still shuffle them per attempt).
        parts.reworded = []
        choices = assign_ids(rows, previous.get("choices") or [], reworded=parts.reworded)
        return {"choices": choices}


class SingleEditor(ChoiceEditor):
    value = "single"
    row_form = SingleChoiceRow


class MultipleEditor(ChoiceEditor):
    value = "multiple"


class TrueFalseEditor(Editor[Parts]):
    value = "true_false"
    extra_form = TrueFalseForm

    def initial_extra(self, question) -> dict:
        answer = question.data.get("answer") if isinstance(question.data, dict) else None
        return {"answer": None if answer is None else {True: "true", False: "false"}.get(answer)}

    def data(self, parts: Parts, previous: dict) -> dict:
        assert parts.extra is not None  # the editor's extra_form
        return {"answer": parts.extra.cleaned_data["answer"]}


class OrderingEditor(Editor[Parts]):
    value = "ordering"
    row_form = ItemRow
    list_key = "items"
    row_fields = ("id", "text", "same")
    min_rows = 3

    def data(self, parts: Parts, previous: dict) -> dict:
        items = [
            {"id": r["id"], "text": r["text"], "same": r["same"]} for r in self.cleaned_rows(parts)
        ]
        parts.reworded = []
        items = assign_ids(items, previous.get("items") or [], reworded=parts.reworded, word="Item")
        # Stored in the right order; shown in a fixed shuffled order that is never the answer.
        return with_layout(text_id("|".join(i["id"] for i in items)), {"items": items})


class CategorizeEditor(Editor[Parts]):
    value = "categorize"
    row_form = CategorizedItemRow
    extra_form = CategoriesForm
    extra_fields = {("categories",): "categories"}
    uses_category_options = True
    list_key = "items"
    row_fields = ("id", "text", "category", "same")
    min_rows = 3

    def initial_extra(self, question) -> dict:
        names = question.data.get("categories") if isinstance(question.data, dict) else None
        return {"categories": "\n".join(n for n in (names or []) if isinstance(n, str))}

    def data(self, parts: Parts, previous: dict) -> dict:
        categories = cast(CategoriesForm, parts.extra).names()  # the editor's extra_form
        items = [
            {
                "id": r["id"],
                "text": r["text"],
                "category": own_spelling(r["category"] or "", categories),
                "same": r["same"],
            }
            for r in self.cleaned_rows(parts)
        ]
        parts.reworded = []
        previous_items = previous.get("items") or []
        return {
            "categories": categories,
            "items": assign_ids(items, previous_items, reworded=parts.reworded, word="Item"),
        }


# The engine-backed editors live in their own modules (they build on the classes above).
from teach.challenge_editor import LeastPrivilegeEditor  # noqa: E402
from teach.network_editor import FlowDecisionEditor, FlowFixEditor, WafRuleEditor  # noqa: E402
from teach.policy_editor import PolicyDecisionEditor  # noqa: E402
from teach.route_editor import RouteFindingsEditor  # noqa: E402

EDITORS: dict[str, Editor] = {
    e.value: e
    for e in (
        SingleEditor(),
        MultipleEditor(),
        TrueFalseEditor(),
        OrderingEditor(),
        CategorizeEditor(),
        PolicyDecisionEditor(),
        LeastPrivilegeEditor(),
        FlowDecisionEditor(),
        WafRuleEditor(),
        FlowFixEditor(),
        RouteFindingsEditor(),
    )
}


def editor_for(value: str) -> Editor | None:
    return EDITORS.get(value)
