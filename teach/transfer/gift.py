"""Moodle's GIFT text format, for the kinds it shares with us: single choice, multiple select
and true/false. Written from the format's published description (no maintained Python library
reads and writes it with line numbers; see docs/question-format.md).

What is read: questions separated by blank lines; `//` comment lines; `::title::` (our slug);
an optional `[markdown]`-style format tag; the answer block `{...}` with `=right`, `~wrong`,
`~%50%weighted` answers, `#per-answer feedback`, `####general feedback` (our explanation), and
`{T}`/`{TRUE}`/`{F}`/`{FALSE}`; the escapes `\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n`; and
`$CATEGORY:` lines (the last part of the path becomes the category of what follows). A block
with any `=` answer is single choice; with only `~` answers it is multiple select, where a
positive weight marks a right option (Moodle's rule). Short answer, numerical, matching,
essay and description questions are refused with their line: this app has no such kinds.

What is written: one question per block, its text on one line (newlines as `\\n`), one
answer per line, weights for multiple select, and a `$CATEGORY:` line whenever the category
changes. Kinds GIFT cannot express are left out, and `export` returns them so the caller can
say which (the file also lists them in a comment at its top).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from django.utils.text import slugify

from curriculum.quiz_loader import with_layout
from quizzes.kinds import text_id
from quizzes.models import Question
from teach.transfer.drafts import (
    MAX_QUESTIONS,
    MAX_TEXT_CHARS,
    Bundle,
    QuestionDraft,
    TransferError,
    quoted,
)

GIFT_KINDS = ("single", "multiple", "true_false")
MAX_ANSWERS = 20  # more than any kind accepts (6): refused before each is read
_ESCAPABLE = "~=#{}:\\"
# While a block is parsed, each escaped character stands in as a private-use character, so
# plain string searches never mistake it for syntax; `_unescape` puts the real one back.
_HOLD = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_NEWLINE_HOLD = chr(0xE000 + len(_ESCAPABLE))
_RELEASE = {v: k for k, v in _HOLD.items()} | {_NEWLINE_HOLD: "\n"}
_FORMAT_TAG = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = re.compile(r"(TRUE|FALSE|T|F)\b", re.IGNORECASE)


# --- writing ------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text as GIFT writes it: its special characters escaped, newlines as `\\n`."""
    out = text.replace("\\", "\\\\")
    for c in "~=#{}:":
        out = out.replace(c, "\\" + c)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _weight(percent: float) -> str:
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def _answer_lines(question: Question) -> list[str]:
    data = question.data
    if question.type == "true_false":
        return ["TRUE" if data.get("answer") else "FALSE"]
    choices = question.choices()
    lines = []
    right = sum(1 for c in choices if c.get("correct"))
    wrong = len(choices) - right
    for c in choices:
        if question.type == "single":
            mark = "=" if c.get("correct") else "~"
            if c["text"].lstrip().startswith("%"):  # else read back as a weight ("%50% of…")
                mark += "%100%" if c.get("correct") else "%0%"
        elif c.get("correct"):
            mark = f"~%{_weight(100 / right)}%"
        else:
            mark = f"~%-{_weight(100 / wrong)}%"
        feedback = c.get("feedback") or ""
        lines.append(mark + escape(c["text"]) + (f" #{escape(feedback)}" if feedback else ""))
    return lines


def question_text(question: Question) -> str:
    lines = [f"::{escape(question.slug)}::[markdown]{escape(question.prompt)} {{"]
    lines.extend(_answer_lines(question))
    lines.append(f"####{escape(question.explanation)}")
    lines.append("}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Export:
    text: str
    left_out: list[Question]


def export(questions) -> Export:
    """GIFT for every question of a kind GIFT can express, in order; the others are left out
    (and named in a comment at the top, and in `left_out`)."""
    kept = [q for q in questions if q.type in GIFT_KINDS]
    left_out = [q for q in questions if q.type not in GIFT_KINDS]
    parts = []
    if left_out:
        names = ", ".join(f"{q.slug} ({q.get_type_display()})" for q in left_out)
        parts.append(f"// Left out, GIFT has no such kind: {names}")
    category = None
    for q in kept:
        if q.category != category:
            category = q.category
            parts.append(f"$CATEGORY: {category}")
        parts.append(question_text(q))
    return Export("\n\n".join(parts) + "\n" if parts else "", left_out)


# --- reading ------------------------------------------------------------------------------


class _Block:
    """One question's lines (comments removed), joined, with escapes held."""

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.numbers = [n for n, _ in lines]
        raw = "\n".join(text for _, text in lines)
        for n, text in lines:
            for c in text:
                if c == "\x00":  # PostgreSQL's text refuses it: kept, the confirm was a 500
                    raise TransferError(
                        "the text holds the character U+0000 (NUL), which no text here can "
                        "hold: take it out",
                        n,
                    )
                if "\ue000" <= c <= _NEWLINE_HOLD:
                    raise TransferError(
                        f"the text holds the private-use character U+{ord(c):04X}", n
                    )
        self.text = _hold(raw)
        self.breaks = [i for i, c in enumerate(self.text) if c == "\n"]

    def line(self, offset: int) -> int:
        """The file's line number of an offset in `text` (escapes never hold a newline)."""
        return self.numbers[min(bisect_left(self.breaks, offset), len(self.numbers) - 1)]


def _hold(raw: str) -> str:
    out = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\" and i + 1 < n:
            nxt = raw[i + 1]
            if nxt in _HOLD:
                out.append(_HOLD[nxt])
                i += 2
                continue
            if nxt == "n":
                out.append(_NEWLINE_HOLD)
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _unescape(text: str) -> str:
    return "".join(_RELEASE.get(c, c) for c in text)


def _blocks(text: str):
    """Yield ("category", line, path) and ("question", _Block) in file order."""
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:") and not current:
            yield "category", number, stripped.removeprefix("$CATEGORY:").strip()
            continue
        if not stripped:
            if current:
                yield "question", _Block(current)
                current = []
            continue
        current.append((number, line))
    if current:
        yield "question", _Block(current)


def _category(path: str) -> str:
    """Moodle's category path (`$course$/top/IAM basics`) → our category: its last part."""
    parts = [p for p in path.split("/") if p.strip() and not p.strip().startswith("$")]
    return slugify(parts[-1])[:100] if parts else ""


def parse(text: str) -> Bundle:
    if len(text) > MAX_TEXT_CHARS:
        raise TransferError(
            f"The file is too large: the most one import reads is {MAX_TEXT_CHARS // 1024} KB."
        )
    bundle = Bundle(questions=[])
    category = ""
    # Each question is a block of its own: a problem in one is noted and the next is read, so
    # the file comes back with every problem at once (a Moodle export without "####" feedback
    # was refused one question at a time).
    problems: list = []
    blocks = 0
    for item in _blocks(text):
        if item[0] == "category":
            _, number, path = item
            category = _category(path)
            if not category:
                problems.append(TransferError(f"the category {quoted(path)} has no name", number))
            continue
        # Every question block counts, read or refused: 75,000 blocks of two lines, each
        # refused, were all read and said (1.6 s of CPU and 300 MB for one preview).
        blocks += 1
        if blocks > MAX_QUESTIONS:
            raise TransferError(
                f"one import takes at most {MAX_QUESTIONS} questions (split the file)",
                item[1].numbers[0],
            )
        try:
            draft = _question(item[1], category, bundle.warnings)
        except TransferError as exc:
            problems.append(exc)
            continue
        bundle.questions.append(draft)
    if problems:
        raise TransferError([e for exc in problems for e in exc.errors])
    if not bundle.questions:
        raise TransferError("the file holds no questions (blocks of text with { answers })")
    return bundle


def _question(block: _Block, category: str, warnings: list[str]) -> QuestionDraft:
    s = block.text
    first = block.numbers[0]
    title = ""
    start = len(s) - len(s.lstrip())
    if s.startswith("::", start):
        end = s.find("::", start + 2)
        if end < 0:
            raise TransferError("the question's title is not closed with '::'", first)
        title = _unescape(s[start + 2 : end]).strip()
        s_rest, base = s[end + 2 :], end + 2
    else:
        s_rest, base = s, 0
    opening = s_rest.find("{")
    if opening < 0:
        raise TransferError(
            "no answer block { ... }: descriptions and questions without answers are not imported",
            first,
        )
    closing = s_rest.rfind("}")
    if closing < opening:
        raise TransferError("the answer block is not closed with '}'", block.line(base + opening))
    before, answer, after = s_rest[:opening], s_rest[opening + 1 : closing], s_rest[closing + 1 :]
    if "{" in answer:
        raise TransferError(
            "a second '{' inside the answer block: is a blank line missing between two "
            "questions? (A brace in the text is written \\{.)",
            block.line(base + opening + 1 + answer.find("{")),
        )
    before = before.strip()
    tag = _FORMAT_TAG.match(before)
    if tag:
        before = before[tag.end() :]
        if tag.group(1).lower() == "html":
            warnings.append(
                f"Line {first}: the question text is HTML; it is kept as written, and shown "
                "as Markdown (which sanitizes HTML)."
            )
    prompt = _unescape(before).strip()
    if after.strip():  # Moodle's "missing word" form: the answers stand in the sentence
        prompt = f"{prompt} _____ {_unescape(after).strip()}".strip()
    slug = slugify(title)[:90].strip("-") if title else ""
    slug = slug or slugify(prompt[:60])[:90].strip("-") or "question"
    where = f"question {quoted(title)}" if title else f"the question on line {first}"
    explanation = ""
    general = answer.find("####")
    if general >= 0:
        explanation = _unescape(answer[general + 4 :]).strip()
        answer = answer[:general]
    line_of = lambda at: block.line(base + opening + 1 + at)  # noqa: E731
    body = answer.strip()
    kind, data = _read_answers(body, answer, where, line_of, first, warnings)
    if not explanation:
        raise TransferError(
            f"{where} has no general feedback (####...): this app shows an explanation after "
            "every answer, so write one there",
            first,
        )
    if kind in ("single", "multiple"):
        data = with_layout(slug, data)
    return QuestionDraft(
        slug=slug,
        type=kind,
        prompt=prompt,
        explanation=explanation,
        category=category,
        data=data,
        line=first,
        plain_problems=True,
    )


def _read_answers(body, answer, where, line_of, first, warnings) -> tuple[str, dict]:
    if not body:
        raise TransferError(
            f"{where}: an empty answer block is an essay, which is not imported", first
        )
    if body.startswith("#"):
        raise TransferError(f"{where}: numerical questions are not imported", first)
    tf = _TRUE_FALSE.match(body)
    if tf and "~" not in body and "=" not in body:
        rest = body[tf.end() :].strip()
        if rest and not rest.startswith("#"):
            raise TransferError(
                f"{where}: unexpected text after {tf.group(1)}: {quoted(rest[:40])}", first
            )
        if rest.strip("# \n"):
            warnings.append(
                f"Line {first}: {where}: feedback on a true/false answer is not kept (here the "
                "explanation, ####, is shown after answering)."
            )
        return "true_false", {"answer": tf.group(1).upper().startswith("T")}
    if "~" not in body:
        if "=" in body and "->" in body:
            raise TransferError(f"{where}: matching questions are not imported", first)
        raise TransferError(
            f"{where}: short-answer questions are not imported (a choice question needs at "
            "least one ~wrong answer)",
            first,
        )
    return _choices(answer, where, line_of, warnings)


def _choices(answer: str, where: str, line_of, warnings: list[str]) -> tuple[str, dict]:
    marks = [i for i, c in enumerate(answer) if c in "~="]
    if len(marks) > MAX_ANSWERS:
        raise TransferError(
            f"{where}: {len(marks)} answers; a question here has at most 6 choices",
            line_of(marks[MAX_ANSWERS]),
        )
    lead = answer[: marks[0]]
    if lead.strip():
        raise TransferError(
            f"{where}: text before the first answer: {quoted(_unescape(lead.strip())[:40])}",
            line_of(0),
        )
    single = any(answer[i] == "=" for i in marks)
    choices = []
    for n, at in enumerate(marks):
        chunk = answer[at + 1 : marks[n + 1] if n + 1 < len(marks) else len(answer)]
        line = line_of(at)
        weight = None
        match = _WEIGHT.match(chunk)
        if match:
            weight = float(match.group(1))
            chunk = chunk[match.end() :]
            if not -100 <= weight <= 100:
                raise TransferError(f"{where}: a weight is a percent from -100 to 100", line)
        elif chunk.lstrip().startswith("%"):
            raise TransferError(
                f"{where}: a weight is written %50% (a percent from -100 to 100)", line
            )
        text, _, feedback = chunk.partition("#")
        text, feedback = _unescape(text).strip(), _unescape(feedback).strip()
        if not text:
            raise TransferError(f"{where}: an answer has no text", line)
        if single:
            right = (answer[at] == "=" and (weight is None or weight >= 100)) or weight == 100
            if weight is not None and 0 < weight < 100:
                warnings.append(
                    f"Line {line}: {where}: the answer {quoted(text)} gives partial credit "
                    f"({_weight(weight)}%); a single-choice question here has one right answer, "
                    "so it counts as wrong."
                )
        else:
            right = weight is not None and weight > 0
        choices.append({"id": text_id(text), "text": text, "correct": right, "feedback": feedback})
    return ("single" if single else "multiple"), {"choices": choices}
