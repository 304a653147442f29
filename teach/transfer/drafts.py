"""What an imported file describes, before the database is touched, and how a reader says
where a file is wrong.

Readers (`json_format`, `gift`) turn text into a `Bundle` of drafts, checking only the file's
shape; `importer` checks the drafts with the models' own validation. Every error carries the
line (and, for JSON, the column) it is about, so an instructor can go straight to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from srm_trainer.iam.json_mistakes import located

# The readers quote a file's text as every message does (`typed_text.quoted`).
from srm_trainer.typed_text import quoted as quoted

# Bounds on one import, so no request costs unbounded time (sizes in characters).
MAX_TEXT_CHARS = 512 * 1024
MAX_QUESTIONS = 300
MAX_ERRORS_SHOWN = 20
# Least-privilege challenges are checked by running the engine over their start policy and
# every request (about 0.1 s each on a quiet machine), so one import takes a bounded number.
MAX_CHALLENGES = 30
MAX_CHALLENGE_REQUESTS = 400  # must_allow + must_deny, over all the file's challenges


@dataclass(frozen=True)
class Located:
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        """Its place first, as every JSON box says one ("Line 3, column 9: ...")."""
        return located(self.message, self.line, self.column)


class TransferError(Exception):
    """The file cannot be imported; `errors` says every reason found, each where it is."""

    def __init__(self, errors: list[Located] | str, line: int | None = None, column=None):
        if isinstance(errors, str):
            errors = [Located(errors, line, column)]
        self.errors = errors[:MAX_ERRORS_SHOWN]
        self.more = max(0, len(errors) - MAX_ERRORS_SHOWN)
        super().__init__(str(self.errors[0]))

    def lines(self) -> list[str]:
        out = [str(e) for e in self.errors]
        if self.more:
            out.append(f"... and {self.more} more.")
        return out


# Maps a path inside a draft (("data", "choices", 1), ("scenario",), ()) to (line, column).
Locator = Callable[[tuple], tuple[int | None, int | None]]


def _nowhere(path: tuple) -> tuple[int | None, int | None]:
    return None, None


@dataclass
class ScenarioDraft:
    slug: str
    title: str
    situation: str
    case: Any
    explanation: str = ""  # read after the learner's prediction


@dataclass
class QuestionDraft:
    slug: str
    type: str
    prompt: str
    explanation: str
    category: str = ""
    data: Any = field(default_factory=dict)
    module: str = ""  # a module slug
    lesson: str = ""  # "module/lesson"
    misconceptions: list = field(default_factory=list)
    tags: list = field(default_factory=list)  # bank tags
    ask_statement: bool = False
    scenario: ScenarioDraft | None = None
    archived: bool = False
    level: str = ""  # "" = the level of its lesson
    line: int | None = None
    locate: Locator = _nowhere
    # A format whose author never sees the content file's keys (GIFT): its questions' problems
    # are said in the question editor's sentences, and ids (made from the text) go unnamed.
    plain_problems: bool = False

    def where(self, path: tuple = ()) -> tuple[int | None, int | None]:
        line, column = self.locate(path)
        return (line, column) if line is not None else (self.line, None)


@dataclass
class QuizDraft:
    slug: str
    title: str
    description: str = ""
    module: str = ""
    pass_mark: int = 70
    attempts_allowed: int = 0
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    feedback: str = "immediate"
    draw_category: str = ""
    draw_count: int = 0
    draw_rules: list[dict] = field(
        default_factory=list
    )  # the final exam's {module|category, count}
    time_limit: int | None = None  # minutes; None: no limit
    tries: int = 1
    try_penalty: int = 0  # percent per extra try
    certainty: bool = False
    line: int | None = None


@dataclass
class Bundle:
    """One file's content: a quiz with its questions, or a bank (questions only)."""

    questions: list[QuestionDraft]
    quiz: QuizDraft | None = None
    name: str = ""  # a bank's name (a category), for the preview
    warnings: list[str] = field(default_factory=list)
