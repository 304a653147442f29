"""What every question kind provides, and the helpers several kinds share.

A kind is one object (a `Kind` subclass instance) that owns, for its type of question:

- the **schema** of `Question.data` and how a content file's fields become that data
  (`file_fields`, `data_from_file`);
- **validation** (`problems`), which `Question.clean()` turns into form errors, so the loader,
  the admin and any editor refuse the same things with the same words;
- the **learner form** (`add_fields`, `clean_form`, `response`, `draft`, `saved_value`) used by
  `quizzes.forms.AnswerForm`, and the template that draws its controls; for a box that starts
  filled with given text, that text (`start_response`, which "Start again" puts back);
- **grading** (`grade`) and the **feedback** partial that shows the result.

An instructor's authoring form will be one more method here (`authoring_form`), next to the
validation it must call; nothing else about a kind needs to change for it.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, TypeGuard

from django import forms


@dataclass(frozen=True)
class Grade:
    score: float
    correct: bool
    feedback: dict[str, Any] = field(default_factory=dict)  # JSON-ready, shown after answering


def full_marks(score: float) -> bool:
    return score >= 1.0 - 1e-9


@dataclass(frozen=True)
class Problem:
    """Why a question cannot be used. `path` points into the data (or the file's fields):
    `("choices", 1)` is the second choice, `("choices", 1, "text")` its text, as deep as the
    check knows; the loader turns it into a line number, the question editor into the form
    field it shows the message beside (never reading the message for it). `field` is the
    model field the admin shows the message on.

    `message` names the content file's fields ("choice #3: 'text' must be non-empty text"): the
    loader, the admin and an import say it. `plain` is the same problem as a sentence for a
    teacher in the question editor, who sees rows and boxes, not keys ("Choice {n} needs some
    text."); `{n}` stands for the entry's number, which the editor gives as the row the page
    shows. Both are written at the one place the check is made (`in_words` reads them).
    `entry`: the list entry `{n}` numbers when the problem stands at another field (the
    reference solution's refusal of must-deny request 2, `("challenge", "must_deny", 1)`), so
    the editor numbers it by that entry's row too."""

    message: str
    path: tuple = ()
    field: str = "data"
    plain: str = ""
    entry: tuple = ()

    def in_words(self, number: int | None = None) -> str:
        """The problem as the question editor says it: `plain` with `{n}` as `number` (else
        the entry `entry` or the path points at, counted from 1); a check without a plain sentence yet
        gives its `message`, begun with a capital and ended with a full stop."""
        if not self.plain:
            return as_sentence(self.message)
        if number is None:
            indexes = [step for step in self.entry or self.path if type(step) is int]
            number = indexes[-1] + 1 if indexes else 0
        return self.plain.replace("{n}", str(number))


def as_sentence(message: str) -> str:
    """`message` begun with a capital letter and ended with a full stop (or its own mark)."""
    if not message:
        return message
    message = message[:1].upper() + message[1:]
    return message if message[-1] in ".?!" else message + "."


class Kind(ABC):
    value: str = ""
    label: str = ""
    file_fields: tuple[str, ...] = ()  # the question fields of a content file only this kind uses
    # Of those, the ones a content file must give, each with why (said when one is missing):
    # what the teaching editor cannot save a copy without, say.
    file_requires: dict[str, str] = {}
    id_lists: tuple[
        str, ...
    ] = ()  # keys of `data` holding entries with stable ids (answers use them)
    uses_scenario = False  # policy questions are built on a scenario (a model field, not data)
    # Certainty-based marking applies (a quiz's `certainty` setting): one decision to commit to.
    takes_certainty = False
    # Only two possible answers (true/false): a second try could not be wrong, so one try only.
    one_try = False

    @property
    def controls_template(self) -> str:
        return f"quizzes/kinds/{self.value}.html#controls"

    @property
    def feedback_template(self) -> str:
        return f"quizzes/kinds/{self.value}.html#feedback"

    # A short recap shown above the feedback on the result and review pages (or None).
    recap_template: str | None = None
    # The result page folds a long recap (a case's tables, policies and request) into a
    # <details> with this summary line: open for a question missed, closed for one right. None:
    # the recap is short or already folded ("Your policy"), and is shown as it is.
    recap_fold: str | None = None

    # --- schema and validation ------------------------------------------------------------

    def data_from_file(self, raw: dict) -> dict:
        """The `Question.data` a content file's question mapping describes (shape only: the
        checks are in `problems`). Choices and items keep an explicit `id` when the file
        gives one; otherwise they get `text_id(text)`, which the loader may replace with the
        id the stored question already uses (see `keep_ids`)."""
        return {}

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        """Everything that makes `question` unusable; [] when it can be shown and graded.

        `thorough=False` keeps only what would break a page (used when a learner starts a
        quiz); the rest (e.g. a challenge whose start policy already solves it) is about
        quality and is enforced when content is saved."""
        return []

    def layout_ids(self, question) -> list[str]:
        """The ids whose display order an attempt fixes (choices or items), in the stored
        display order (`in_layout_order`)."""
        return []

    # --- the learner's form ---------------------------------------------------------------

    @abstractmethod
    def add_fields(self, form: forms.Form) -> None:
        """Add this kind's answer fields to `form` (a `quizzes.forms.AnswerForm`)."""

    def clean_form(self, form: forms.Form, data: dict) -> None:
        """Checks across fields, after each field is clean (add errors to `form`); most kinds
        need none."""
        return None

    @abstractmethod
    def response(self, form: forms.Form) -> dict:
        """The cleaned answer, with the text the learner chose (after `is_valid()`)."""

    def draft(self, form: forms.Form) -> dict | None:
        """What to keep when the input does not validate (None: nothing)."""
        return None

    def saved_value(self, saved: dict, name: str) -> Any:
        """The value of control `name` in a saved response (to show it selected again)."""
        return saved.get(name)

    # What a box that starts filled holds, in the words of "Start again from the given rules"
    # (the quiz page's control that puts it back: `start_response`).
    start_words: str = ""

    def start_response(self, question) -> dict | None:
        """The answer the question's box starts with, as a saved response (the rules or the
        policy it gives the learner to edit); None when it starts empty, so there is nothing to
        start again from (`quizzes.attempts.answer_start_again`)."""
        return None

    # --- grading and feedback -------------------------------------------------------------

    @abstractmethod
    def grade(self, question, response: dict) -> Grade:
        """Score `response` (0..1) with JSON-ready feedback; never writes to the database."""

    def answer_lines(self, response: dict) -> list[str]:
        """The learner's answer as lines of text, from the text stored with it."""
        return []

    @abstractmethod
    def key(self, question) -> dict:
        """The right answer with no learner's response: JSON-ready, in the names the kind's
        feedback partial reads (drawn by it with `unanswered`), so a question left unanswered
        shows its answer as an answered one does. The learner who skipped a question is the
        one who most needs it. A kind with no single right answer (a policy or rules the
        engine grades) gives what any right answer must achieve, as `expected`."""


# --- shared helpers -----------------------------------------------------------------------


def text_id(text: str) -> str:
    """A new choice or item id. Hashing the text keeps ids reproducible for a fresh load; once
    stored, an id is kept when the text is edited (see `keep_ids`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def in_layout_order(data: dict, ids: list[str]) -> list[str]:
    """`ids` in the display order stored as `data["layout"]` (the loader's shuffle, issue 8),
    then any the layout does not name, in stored order. Without a layout: `ids` as they are."""
    layout = data.get("layout") if isinstance(data, dict) else None
    if not isinstance(layout, list):
        return ids
    stored = [i for i in dict.fromkeys(x for x in layout if isinstance(x, str)) if i in ids]
    return stored + [i for i in ids if i not in stored]


def is_text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def same_entry(old: Any, new: Any, *, said: bool = False) -> bool:
    """The one id rule, for the course loader (`keep_ids`) and the question editor
    (`teach.editors.assign_ids`): whether an entry now worded `new` keeps the stored id of the
    entry worded `old`. It does when its author said so (a file's `id:`, the editor's "Same
    choice, reworded") or when `new` is a `small_edit` of `old`; otherwise it is a new entry.

    Two functions still *match* entries to stored ones, because the two doors know different
    things: an editor row carries the id it was drawn with (a hidden field), so it is matched by
    id; a file entry without `id:` carries none, so it is matched by its text (a move) or its
    position (an edit). Both then ask this function whether the match keeps the id."""
    return said or small_edit(old, new)


def keep_ids(entries: list[dict], previous: Iterable[dict], explicit: set[int]) -> list[dict]:
    """Give file entries (choices or items) the ids the stored question already uses.

    Entries at the indexes in `explicit` carry an id written in the file and keep it. Any
    other entry takes, in order of preference: the id of a stored entry with the same text
    (a move); the id of the stored entry at the same position when that entry's text is gone
    from the file and the new text is a `small_edit` of it (a typo fix); else its new id (a
    new entry, or one reworded beyond a small edit: the stored one is gone, and the answers
    that chose it keep the text they chose). Whether a match keeps its id is `same_entry`, the
    rule the question editor's `assign_ids` applies too. Learners' saved answers refer to these ids, so
    an id means one option: kept through a typo fix, never put on other words.
    """
    previous = [p for p in previous if isinstance(p, dict) and is_text(p.get("id"))]
    texts = {e.get("text") for e in entries}
    out = [dict(e) for e in entries]
    done = set(explicit)
    taken = {out[i]["id"] for i in explicit}
    # First the moves (same text), so an edit at one position cannot take a moved entry's id.
    by_text = {p.get("text"): p["id"] for p in previous}
    for i, entry in enumerate(out):
        old_id = by_text.get(entry.get("text"))
        if i not in done and old_id is not None and old_id not in taken:
            entry["id"] = old_id
            done.add(i)
            taken.add(old_id)
    # Then the edits: the stored entry at the same position, if its text is gone.
    for i, entry in enumerate(out):
        old = previous[i] if i < len(previous) else None
        if i in done or old is None or old.get("text") in texts or old["id"] in taken:
            continue
        if not same_entry(old.get("text"), entry.get("text")):
            continue
        entry["id"] = old["id"]
        done.add(i)
        taken.add(old["id"])
    # The rest are new: they keep their new id, made unique if an old one already uses it.
    for i, entry in enumerate(out):
        if i in done:
            continue
        base, n = entry["id"], 1
        while entry["id"] in taken:
            n += 1
            entry["id"] = f"{base}-{n}"
        taken.add(entry["id"])
    return out


# How much of an option's text an edit must leave for it to be the same option (difflib's
# ratio: twice the characters in common over both lengths, ignoring case and spacing).
SMALL_EDIT = 0.8
# Comparing costs up to the product of the lengths: an option longer than this (none is near
# it) is the same only when its text is.
SMALL_EDIT_CHARS = 2000
_NEGATIONS = frozenset({"not", "no", "never", "none", "nothing", "nobody", "cannot", "without"})
_WORD = re.compile(r"[\w']+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def small_edit(old: Any, new: Any) -> bool:
    """Whether `new` is `old` with a small edit (a typo, punctuation, a word's spelling): at
    least `SMALL_EDIT` of it the same, ignoring case and spacing, with the same numbers and
    the same negations ("not", "cannot", "n't"...), which change an option's meaning in a few
    letters. A learner who chose `old` would have chosen `new`, so it keeps the id; anything
    more is another option. Letters cannot see meaning ("Explicit deny" / "Implicit deny"):
    a file gives such an option a new `id` of its own."""
    if not (isinstance(old, str) and isinstance(new, str)):
        return False
    a, b = (" ".join(text.casefold().split()) for text in (old, new))
    if a == b:
        return True
    if max(len(a), len(b)) > SMALL_EDIT_CHARS:
        return False
    if _NUMBER.findall(a) != _NUMBER.findall(b) or _negations(a) != _negations(b):
        return False
    match = SequenceMatcher(None, a, b, autojunk=False)
    # The quick bounds first: a long text against a short one is never compared in full.
    return (
        match.real_quick_ratio() >= SMALL_EDIT
        and match.quick_ratio() >= SMALL_EDIT
        and match.ratio() >= SMALL_EDIT
    )


def _negations(text: str) -> list[str]:
    return sorted(w for w in _WORD.findall(text) if w in _NEGATIONS or w.endswith("n't"))


# The longest text a choice or an item takes, through every door: the editor's rows stopped at
# it, but the admin's JSON and imports took any length (a 2 MB choice was saved, and drawn in
# every attempt and result page that shows the question). The course's longest is 136.
MAX_ENTRY_TEXT = 500


def entries_problems(
    entries: Any, what: str, *, minimum: int, maximum: int | None = None, extra=()
) -> list[Problem]:
    """Checks shared by choices and items: a list of mappings, each with an id and a text,
    neither repeated. `extra(n, entry)` adds the kind's own per-entry checks, as
    (field, message) or (field, message, plain) tuples: the entry's field each is about (""
    for the entry as a whole), the file's words, and the editor's (`Problem.plain`)."""
    key = f"{what}s"
    size = f"{minimum} to {maximum}" if maximum else f"at least {minimum}"
    if not isinstance(entries, list) or not minimum <= len(entries) <= (maximum or 10**6):
        plain = f"Give {size} {what}s."
        if isinstance(entries, list) and maximum and len(entries) > maximum:
            plain = f"Give {size} {what}s: there are {len(entries)}."
        return [Problem(f"'{key}' must be a list of {size} {what}s", (key,), plain=plain)]
    label = what.capitalize()
    problems: list[Problem] = []
    ids: set[str] = set()
    texts: set[str] = set()
    for n, entry in enumerate(entries):
        where = (key, n)
        if not isinstance(entry, dict):
            problems.append(Problem(f"{what} #{n + 1} must be a mapping with a text", where))
            continue
        if not is_text(entry.get("id")):
            problems.append(Problem(f"{what} #{n + 1} has no id (answers refer to it)", where))
        elif entry["id"] in ids:
            problems.append(Problem(f"two {what}s share the id {entry['id']!r}", (*where, "id")))
        else:
            ids.add(entry["id"])
        text = entry.get("text")
        if not is_text(text):
            problems.append(
                Problem(
                    f"{what} #{n + 1}: 'text' must be non-empty text",
                    (*where, "text"),
                    plain=f"{label} {{n}} needs some text.",
                )
            )
        elif len(text) > MAX_ENTRY_TEXT:
            problems.append(
                Problem(
                    f"{what} #{n + 1}: 'text' is {len(text):,} characters long; it takes at most"
                    f" {MAX_ENTRY_TEXT}",
                    (*where, "text"),
                    plain=f"{label} {{n}} is {len(text):,} characters long; it takes at most"
                    f" {MAX_ENTRY_TEXT}.",
                )
            )
        elif text in texts:
            problems.append(
                Problem(
                    f"the {what} {text!r} appears twice",
                    (*where, "text"),
                    plain=f"{label} {{n}} repeats “{text}”: give each {what} its own text.",
                )
            )
        else:
            texts.add(text)
        if extra:
            for field, message, *plain in extra(n, entry):
                at = (*where, field) if field else where
                problems.append(Problem(message, at, plain=plain[0] if plain else ""))
    return problems


def file_entries(raw_list: Any) -> Any:
    """A file's list of choices/items as data: mappings are copied (the kind's validation
    refuses unknown keys), plain strings become `{"text": ...}`; texts are stripped and each
    entry without an id gets a new one. Anything but a list is returned as is, for validation
    to name."""
    if not isinstance(raw_list, list):
        return raw_list
    out = []
    for raw in raw_list:
        entry = (
            {"text": raw} if isinstance(raw, str) else dict(raw) if isinstance(raw, dict) else raw
        )
        if isinstance(entry, dict):
            if is_text(entry.get("id")):
                entry["id"] = entry["id"].strip()
            elif is_text(entry.get("text")):
                entry["id"] = text_id(entry["text"].strip())
            if isinstance(entry.get("text"), str):
                entry["text"] = entry["text"].strip()
        out.append(entry)
    return out
