"""Our own JSON format for a quiz or a question bank (described in docs/question-format.md).

Written so that export → import into an empty database → export gives the same bytes: keys
are sorted, every known field is always written, choice and item ids travel with their
question, and nothing database-specific (primary keys, owners, timestamps) is in the file.

Reading is lenient only where it must be to stay forward compatible: a field this version does
not know is reported as a warning and ignored, so a later version can add optional fields
(a quiz's tags or time limit, say) without breaking files for earlier readers.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

from lessons.models import Scenario
from quizzes.models import Question, Quiz
from srm_trainer.iam import PolicyError
from srm_trainer.iam.jsontext import Lines, line_col, load_json
from srm_trainer.typed_text import visible
from teach.transfer.drafts import (
    MAX_ERRORS_SHOWN,
    MAX_QUESTIONS,
    MAX_TEXT_CHARS,
    Bundle,
    QuestionDraft,
    QuizDraft,
    ScenarioDraft,
    TransferError,
    quoted,
)

FORMAT = "srm-trainer-questions"
VERSION = 1
MAX_DEPTH = 64
# `\u0000` after an even run of backslashes (`\\u0000` is a backslash and "u0000"): a NUL,
# which PostgreSQL's text and jsonb refuse; kept, the import's confirm was a 500 there.
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")

QUIZ_FIELDS = (
    "slug",
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
    "draw_rules",
    "time_limit",
    "tries",
    "try_penalty",
    "certainty",
)
QUESTION_FIELDS = (
    "slug",
    "type",
    "category",
    "module",
    "lesson",
    "prompt",
    "explanation",
    "misconceptions",
    "tags",
    "data",
    "ask_statement",
    "scenario",
    "archived",
    "level",
)
SCENARIO_FIELDS = ("slug", "title", "situation", "explanation", "case")


# --- writing ------------------------------------------------------------------------------


def dump(document: dict) -> str:
    """The one way a document becomes text: sorted keys, two-space indent, UTF-8 as is."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def scenario_record(scenario: Scenario) -> dict:
    return {
        "slug": scenario.slug,
        "title": scenario.title,
        "situation": scenario.situation,
        "explanation": scenario.explanation,
        "case": scenario.case,
    }


def question_record(question: Question) -> dict:
    return {
        "slug": question.slug,
        "type": question.type,
        "category": question.category,
        "module": question.module.slug if question.module is not None else None,
        "lesson": question.lesson.path if question.lesson is not None else None,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "misconceptions": list(question.misconceptions or []),
        "tags": sorted(tag.slug for tag in question.tags.all()),
        "data": question.data,
        "ask_statement": question.ask_statement,
        "scenario": scenario_record(question.scenario) if question.scenario is not None else None,
        "archived": question.archived,
        "level": question.level or None,  # null: the level of its lesson
    }


def quiz_record(quiz: Quiz) -> dict:
    return {
        "slug": quiz.slug,
        "title": quiz.title,
        "description": quiz.description,
        "module": quiz.module.slug if quiz.module is not None else None,
        "pass_mark": quiz.pass_mark,
        "attempts_allowed": quiz.attempts_allowed,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_choices": quiz.shuffle_choices,
        "feedback": quiz.feedback,
        "draw_category": quiz.draw_category,
        "draw_count": quiz.draw_count,
        "draw_rules": [dict(rule) for rule in quiz.draw_rules or []],
        "time_limit": quiz.time_limit,
        "tries": quiz.tries,
        "try_penalty": quiz.try_penalty,
        "certainty": quiz.certainty,
    }


def quiz_questions(quiz: Quiz) -> list[Question]:
    """Every question of the quiz in its order, archived ones too (they are marked)."""
    entries = (
        quiz.entries.select_related(
            "question__module", "question__lesson__module", "question__scenario"
        )
        .prefetch_related("question__tags")
        .order_by("order", "pk")
    )
    return [entry.question for entry in entries]


def export_quiz(quiz: Quiz) -> str:
    return dump(
        {
            "format": FORMAT,
            "version": VERSION,
            "kind": "quiz",
            "quiz": quiz_record(quiz),
            "questions": [question_record(q) for q in quiz_questions(quiz)],
        }
    )


def export_bank(questions, name: str = "") -> str:
    return dump(
        {
            "format": FORMAT,
            "version": VERSION,
            "kind": "bank",
            "name": name,
            "questions": [question_record(q) for q in questions],
        }
    )


# --- reading ------------------------------------------------------------------------------


class _Object(dict):
    """A JSON object that remembers where it starts in the text (an offset), and where each of
    its keys is written (`key_offsets`: a problem with one field is placed at that key)."""

    offset: int = 0
    key_offsets: dict[str, int] = {}  # each object sets its own


_SPACE = re.compile(r"[ \t\n\r]*")  # the whitespace JSON allows between tokens


def _located_loads(text: str) -> Any:
    """`json.loads`, except that every object is an `_Object` knowing its offset and its keys'
    offsets, and a key written twice is refused at its second place (the standard decoder
    silently keeps the last one)."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        # The standard object parser hands its hook the pairs without their places, so the
        # object is read here (the values, strings and numbers still by `json`'s scanner).
        s, end = s_and_end  # `end` is just past the "{"
        obj = _Object()
        obj.offset, obj.key_offsets = end - 1, {}
        end = _SPACE.match(s, end).end()
        if s[end : end + 1] == "}":
            return obj, end + 1
        while True:
            if s[end : end + 1] != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", s, end
                )
            at = end
            key, end = scanstring(s, end + 1, strict)
            end = _SPACE.match(s, end).end()
            if s[end : end + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", s, end)
            end = _SPACE.match(s, end + 1).end()
            try:
                value, end = scan_once(s, end)
            except StopIteration as exc:
                raise json.JSONDecodeError("Expecting value", s, exc.value) from None
            if key in obj:
                raise _Duplicate(key, at)
            obj[key], obj.key_offsets[key] = value, at
            end = _SPACE.match(s, end).end()
            if s[end : end + 1] == "}":
                return obj, end + 1
            if s[end : end + 1] != ",":
                raise json.JSONDecodeError("Expecting ',' delimiter", s, end)
            end = _SPACE.match(s, end + 1).end()

    decoder.parse_object = parse_object  # type: ignore[attr-defined]  # read by py_make_scanner
    decoder.scan_once = py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


class _Duplicate(Exception):
    def __init__(self, key: str, offset: int) -> None:
        self.key, self.offset = key, offset


class _Reader:
    """Typed access to the objects of one file, with errors placed at their line and column."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_col = Lines(text)  # every place in one file, found without rereading it
        self.warnings: list[str] = []
        self.unknown_unsaid = 0  # unknown fields past the first MAX_ERRORS_SHOWN, only counted

    def where(self, obj: Any) -> tuple[int | None, int | None]:
        if isinstance(obj, _Object):
            return self.line_col(obj.offset)
        return None, None

    def where_key(self, obj: Any, key: str | None) -> tuple[int | None, int | None]:
        """The place of `key` in `obj` when the file writes it there, else of `obj`."""
        if isinstance(obj, _Object) and key in obj.key_offsets:
            return self.line_col(obj.key_offsets[key])
        return self.where(obj)

    def error(self, obj: Any, message: str, key: str | None = None) -> TransferError:
        """A problem placed at `key` of `obj` (the field it is about), else at `obj`."""
        line, column = self.where_key(obj, key)
        return TransferError(message, line, column)

    def obj(self, value: Any, what: str, parent: Any, key: str | None = None) -> _Object:
        if not isinstance(value, _Object):
            raise self.error(parent, f"{what} must be an object {{...}}", key)
        return value

    def known(self, obj: _Object, fields: tuple[str, ...], what: str) -> None:
        """A note for each field this version does not know, the first MAX_ERRORS_SHOWN of
        them said (a file of 50,000 unknown keys made a 1 MB preview page), the rest counted."""
        for key in obj:
            if key not in fields:
                if len(self.warnings) >= MAX_ERRORS_SHOWN:
                    self.unknown_unsaid += 1
                    continue
                line, _ = self.where_key(obj, key)
                self.warnings.append(
                    f"Line {line}: {what} has a field this version does not know, {quoted(key)}: "
                    "it is ignored."
                )

    def text_field(self, obj: _Object, key: str, what: str, *, required=True) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(obj, f"{what}: '{key}' must be non-empty text", key)
        return value

    def int_field(self, obj: _Object, key: str, what: str, default: int) -> int:
        value = obj.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            raise self.error(
                obj, f"{what}: '{key}' must be a whole number from 0, {_found(obj, key)}", key
            )
        return value

    def bool_field(self, obj: _Object, key: str, what: str, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            raise self.error(obj, f"{what}: '{key}' must be true or false, {_found(obj, key)}", key)
        return value

    def locator(self, question: _Object):
        """Where a problem's path points: the deepest place on it the file has. A key is
        placed at the key itself (`("data", "choices", 1, "text")` at that choice's `"text"`);
        a list item at its object's `{` (a text or number in a list has no place of its own,
        so at its list's key). A path deeper than the data stops at the last place it has."""

        def locate(path: tuple) -> tuple[int | None, int | None]:
            node, best = question, question.offset
            for step in path:
                try:
                    child = node[step]
                except (KeyError, IndexError, TypeError):
                    break
                if isinstance(node, _Object):
                    best = node.key_offsets.get(step, best)
                elif isinstance(child, _Object):
                    best = child.offset
                node = child
            return self.line_col(best)

        return locate


def read_located(text: str, *, what: str = "JSON", max_depth: int = MAX_DEPTH):
    """`text` read as an import reads a file (a key written twice refused at its second place,
    too deep a nesting refused), for a JSON box of the question editor: the plain value, and
    `locate(path)`, the (line, column) of the deepest place on a data path the text has.
    PolicyError (with line and column) when it cannot be read."""
    load_json(text, what=what, max_depth=max_depth)
    try:
        value = _located_loads(text)
    except _Duplicate as exc:
        line, column = line_col(text, exc.offset)
        raise PolicyError(
            "duplicate_key",
            f"The key {quoted(exc.key)} appears twice in one object.",
            line=line,
            column=column,
        ) from None
    if not isinstance(value, _Object):
        return _plain(value), lambda path: (None, None)
    return _plain(value), _Reader(text).locator(value)


def parse(text: str) -> Bundle:
    """Read a quiz or bank file into drafts; TransferError (with line and column) when its
    JSON or its shape is wrong. The questions themselves are checked by `importer`."""
    if len(text) > MAX_TEXT_CHARS:
        raise TransferError(f"The file is too large: the most one import reads is {_size()}.")
    try:
        load_json(text, what="file", max_depth=MAX_DEPTH)
        document = _located_loads(text)
    except PolicyError as exc:
        raise TransferError(exc.message, exc.line, exc.column) from None
    except _Duplicate as exc:
        line, column = line_col(text, exc.offset)
        raise TransferError(
            f"the key {quoted(exc.key)} appears twice in one object", line, column
        ) from None
    nul = _NUL_ESCAPE.search(text)  # in a string: outside one, a backslash is not JSON
    if nul:
        raise TransferError(
            "a text holds the character U+0000 (NUL, written \\u0000), which no text here can "
            "hold: take it out",
            *line_col(text, nul.end() - len("\\u0000")),
        )
    reader = _Reader(text)
    if not isinstance(document, _Object):
        start = len(text) - len(text.lstrip(" \t\n\r"))
        raise TransferError(
            f"this is JSON, but not a question file of this app: it is {_json_kind(document)} "
            f"{_json(document)}; a quiz or bank file is one JSON object {{…}} with 'format' "
            "and 'version'",
            *line_col(text, start),
        )
    _check_header(reader, document)
    kind = document.get("kind")
    if kind not in ("quiz", "bank"):
        raise reader.error(
            document, f'\'kind\' must be "quiz" or "bank", {_found(document, "kind")}', "kind"
        )
    top_fields = ("format", "version", "kind", "questions") + (
        ("quiz",) if kind == "quiz" else ("name",)
    )
    reader.known(document, top_fields, "the file")
    quiz = None
    if kind == "quiz":
        quiz = _read_quiz(reader, reader.obj(document.get("quiz"), "'quiz'", document, "quiz"))
    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list):
        raise reader.error(document, "'questions' must be a list", "questions")
    if len(raw_questions) > MAX_QUESTIONS:
        raise reader.error(
            document,
            f"the file has {len(raw_questions)} questions; one import takes at most "
            f"{MAX_QUESTIONS} (split the file)",
            "questions",
        )
    questions = [
        _read_question(reader, raw, n, document) for n, raw in enumerate(raw_questions, start=1)
    ]
    seen: dict[str, QuestionDraft] = {}
    for q in questions:
        if q.slug in seen:
            raise TransferError(
                f"two questions have the slug {quoted(q.slug)} (the first is on line "
                f"{seen[q.slug].line})",
                q.line,
            )
        seen[q.slug] = q
    name = document.get("name", "") if kind == "bank" else ""
    if not isinstance(name, str):
        raise reader.error(document, "'name' must be text", "name")
    if reader.unknown_unsaid:
        reader.warnings.append(
            f"... and {reader.unknown_unsaid:,} more fields this version does not know: they are "
            "ignored."
        )
    return Bundle(questions=questions, quiz=quiz, name=name, warnings=reader.warnings)


def _json(value: Any) -> str:
    """A value as the file spells it (null, true, "text"), not as Python does (None, True,
    'text'): the messages are read by whoever wrote the JSON."""
    text = visible(json.dumps(value, ensure_ascii=False))  # a direction override named
    return text if len(text) <= 60 else text[:59] + "…"


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (an array, not a list)."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return "the literal"
    return "a number"


def _found(obj: Any, key: str) -> str:
    """The end of a "must be" message: what the file has under `key` instead."""
    return f"not {_json(obj[key])}" if key in obj else "but it is missing"


def _size() -> str:
    return f"{MAX_TEXT_CHARS // 1024} KB"


def _check_header(reader: _Reader, document: _Object) -> None:
    if document.get("format") != FORMAT:
        raise reader.error(
            document,
            f"this is not a question file of this app: 'format' must be {_json(FORMAT)}, "
            f"{_found(document, 'format')}",
            "format",
        )
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise reader.error(
            document, f"'version' must be a whole number, {_found(document, 'version')}", "version"
        )
    if version > VERSION:
        raise reader.error(
            document,
            f"the file is format version {version}, written by a newer version of the app; "
            f"this one reads version {VERSION}",
            "version",
        )


def _read_quiz(reader: _Reader, obj: _Object) -> QuizDraft:
    reader.known(obj, QUIZ_FIELDS, "the quiz")
    what = "the quiz"
    line, _ = reader.where(obj)
    module = obj.get("module")
    if module is not None and not isinstance(module, str):
        raise reader.error(obj, f"{what}: 'module' must be a module's slug or null", "module")
    feedback = obj.get("feedback", "immediate")
    if feedback not in ("immediate", "end"):
        raise reader.error(obj, f'{what}: \'feedback\' must be "immediate" or "end"', "feedback")
    time_limit = obj.get("time_limit")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, int)):
        raise reader.error(
            obj, f"{what}: 'time_limit' must be whole minutes or null (no limit)", "time_limit"
        )
    draw_rules = obj.get("draw_rules", [])
    if not isinstance(draw_rules, list) or not all(isinstance(r, dict) for r in draw_rules):
        raise reader.error(
            obj,
            f'{what}: \'draw_rules\' must be a list of {{"module" or "category", "count"}}',
            "draw_rules",
        )
    return QuizDraft(
        slug=reader.text_field(obj, "slug", what),
        title=reader.text_field(obj, "title", what),
        description=reader.text_field(obj, "description", what, required=False),
        module=module or "",
        pass_mark=reader.int_field(obj, "pass_mark", what, 70),
        attempts_allowed=reader.int_field(obj, "attempts_allowed", what, 0),
        shuffle_questions=reader.bool_field(obj, "shuffle_questions", what, False),
        shuffle_choices=reader.bool_field(obj, "shuffle_choices", what, False),
        feedback=feedback,
        draw_category=reader.text_field(obj, "draw_category", what, required=False),
        draw_count=reader.int_field(obj, "draw_count", what, 0),
        draw_rules=[dict(rule) for rule in draw_rules],
        time_limit=time_limit,
        tries=reader.int_field(obj, "tries", what, 1),
        try_penalty=reader.int_field(obj, "try_penalty", what, 0),
        certainty=reader.bool_field(obj, "certainty", what, False),
        line=line,
    )


def _read_question(reader: _Reader, raw: Any, n: int, document: _Object) -> QuestionDraft:
    obj = reader.obj(raw, f"question #{n}", document, "questions")
    slug = reader.text_field(obj, "slug", f"question #{n}")
    what = f"question {quoted(slug)}"
    reader.known(obj, QUESTION_FIELDS, what)
    line, _ = reader.where(obj)
    data = obj.get("data", {})
    if not isinstance(data, dict):
        raise reader.error(obj, f"{what}: 'data' must be an object", "data")
    misconceptions = obj.get("misconceptions", [])
    if not isinstance(misconceptions, list) or not all(
        isinstance(m, str) and m.strip() for m in misconceptions
    ):
        raise reader.error(
            obj, f"{what}: 'misconceptions' must be a list of tags", "misconceptions"
        )
    tags = obj.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise reader.error(obj, f"{what}: 'tags' must be a list of bank tags", "tags")
    for key in ("module", "lesson", "level"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise reader.error(obj, f"{what}: '{key}' must be text or null", key)
    scenario = None
    if obj.get("scenario") is not None:
        raw_scenario = reader.obj(obj["scenario"], f"{what}: 'scenario'", obj, "scenario")
        reader.known(raw_scenario, SCENARIO_FIELDS, f"{what}'s scenario")
        scenario = ScenarioDraft(
            slug=reader.text_field(raw_scenario, "slug", f"{what}'s scenario"),
            title=reader.text_field(raw_scenario, "title", f"{what}'s scenario"),
            situation=reader.text_field(raw_scenario, "situation", f"{what}'s scenario"),
            case=raw_scenario.get("case"),
            explanation=reader.text_field(
                raw_scenario, "explanation", f"{what}'s scenario", required=False
            ),
        )
    return QuestionDraft(
        slug=slug,
        type=reader.text_field(obj, "type", what),
        category=reader.text_field(obj, "category", what, required=False),
        prompt=reader.text_field(obj, "prompt", what),
        explanation=reader.text_field(obj, "explanation", what),
        data=_plain(data),
        module=obj.get("module") or "",
        lesson=obj.get("lesson") or "",
        misconceptions=list(misconceptions),
        tags=list(tags),
        ask_statement=reader.bool_field(obj, "ask_statement", what, False),
        scenario=ScenarioDraft(
            scenario.slug,
            scenario.title,
            scenario.situation,
            _plain(scenario.case),
            scenario.explanation,
        )
        if scenario
        else None,
        archived=reader.bool_field(obj, "archived", what, False),
        level=obj.get("level") or "",
        line=line,
        locate=reader.locator(obj),
    )


def _plain(value: Any) -> Any:
    """Ordinary dicts and lists (what the models store), without the offsets."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
