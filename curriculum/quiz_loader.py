"""Apply checked quiz content to the database: upsert by slug, like `curriculum.loader`.

Runs inside `load_curriculum`'s transaction (after the lessons and scenarios it refers to), so
a broken quiz file aborts everything. Attempts, answers and review cards are never touched:
an answer keeps the text the learner chose even when a question's choices change, and the
mark it was given when its key changes (the report says how many answers the new key would
mark otherwise). A file question no longer in the files is retired (archived: kept for its
answers, put in no new attempt; back in the files, in use again unless a teacher archived it),
a file quiz no longer in the files likewise (unpublished: its attempts and assignments kept;
back in the files, published again), and a question's type is never changed under answers given
to it (`refused_changes`, which the command runs before loading anything). A question or quiz
whose file says `formerly:` is the stored row renamed, with everything on it.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

from django.db import transaction
from django.db.models import Q

from curriculum.fingerprints import (
    _without_defaults,
    fingerprint,
    question_state,
    retired_mark,
)
from curriculum.loader import (
    LoadReport,
    Related,
    Rows,
    _current,
    count_of,
    write_tracked,
)
from curriculum.quiz_readers import QuestionData, QuizContent
from curriculum.readers import CurriculumError, combined
from lessons.models import KnowledgeCheck, Lesson, Module, Scenario, Source
from quizzes import kinds
from quizzes.models import (
    Answer,
    EarlierQuizSlug,
    Question,
    Quiz,
    QuizQuestion,
)
from quizzes.renames import follow_slug
from srm_trainer.typed_text import quoted


class _Renamed(Protocol):
    """A quiz or question of the files, as its `formerly:` is judged (`_judged`)."""

    @property
    def slug(self) -> str: ...
    @property
    def formerly(self) -> tuple[str, ...]: ...
    @property
    def source(self) -> str: ...
    @property
    def formerly_line(self) -> int: ...


_Row = TypeVar("_Row", Quiz, Question)

# A quiz's fields that the files set and its fingerprint holds; the optional ones join it only
# when set (`write_tracked`'s `optional`).
QUIZ_OPTIONAL = ("time_limit", "tries", "try_penalty", "certainty", "draw_rules")
QUIZ_FIELDS = (
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
    "published",
    "order",
    *QUIZ_OPTIONAL,
)

# At most this many different graded responses to one changed question are graded again to
# count the answers its new key would mark otherwise: a load's time stays bounded however
# many learners answered (past it, the count says "at least").
REGRADE_LIMIT = 500


def stored_data(q: QuestionData, existing: Question | None) -> dict:
    """The question's data as it will be stored: choice and item ids carried over from the
    stored row (so a typo fix or a move keeps learners' answers valid; see `keep_ids`)."""
    data = dict(q.data)
    previous = existing.data if existing is not None and isinstance(existing.data, dict) else {}
    for key in kinds.KINDS[q.type].id_lists:
        entries = data.get(key) or []
        explicit = {i for i, e in enumerate(entries) if e.get("id") in q.fixed_ids}
        data[key] = kinds.keep_ids(entries, previous.get(key) or [], explicit)
    return data


def _entries(quiz: Quiz) -> list[list[int]]:
    rows = quiz.entries.order_by("order", "pk").values_list("question_id", "order")
    return [list(row) for row in rows]


def _all_entries(quiz_ids: list) -> dict[int, list[list[int]]]:
    """`_entries` of each of these quizzes, in one query."""
    found: dict[int, list[list[int]]] = {}
    rows = QuizQuestion.objects.filter(quiz_id__in=quiz_ids).order_by("quiz_id", "order", "pk")
    for quiz_id, question_id, order in rows.values_list("quiz_id", "question_id", "order"):
        found.setdefault(quiz_id, []).append([question_id, order])
    return found


def _set_entries(wanted: list[list[int]], *, new: bool = False):
    """Make a quiz's entries `wanted` ([question id, order], the orders 1, 2, ...); a `new`
    quiz has none to remove."""

    def apply(quiz: Quiz) -> None:
        if not new:
            quiz.entries.all().delete()
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question_id=pk, order=order) for pk, order in wanted
        )

    return apply


def with_layout(slug: str, data: dict) -> dict:
    """`data` plus the display order of its choices or items, `data["layout"]`: shuffled with the
    question's slug as the seed (the same on every load), so the files' habit of writing the
    right choice first, or the items in their right order, never reaches the page. An ordering
    question is never laid out in its right order."""
    entries = data.get("choices") or data.get("items")
    if not entries:
        return data
    key = [entry["id"] for entry in entries]
    layout = list(key)
    seed = int.from_bytes(hashlib.sha256(slug.encode("utf-8")).digest()[:8], "big")
    random.Random(seed).shuffle(layout)  # noqa: S311 - a layout, not a secret
    if "items" in data and "categories" not in data and layout == key:
        layout = layout[1:] + layout[:1]
    return {**data, "layout": layout}


def _laid_out(slug: str, data: dict, existing: Question | None) -> dict:
    """`with_layout`, but a stored question whose choices or items are the same, in the same
    order, keeps the display order it has: the shuffle is seeded by the slug, so a question
    renamed (`formerly:`) would otherwise be shown in a new order, and counted as updated, for
    a change of name alone. For any other the two are the same order."""
    laid = with_layout(slug, data)
    previous = existing.data if existing is not None and isinstance(existing.data, dict) else {}
    kept = previous.get("layout")
    entries = data.get("choices") or data.get("items")
    if not entries or not isinstance(kept, list) or "layout" not in laid:
        return laid
    key = [entry["id"] for entry in entries]
    before = previous.get("choices") or previous.get("items") or []
    same = [entry.get("id") for entry in before if isinstance(entry, dict)] == key
    if not same or sorted(map(str, kept)) != sorted(key) or laid["layout"] == kept:
        return laid
    if "items" in data and "categories" not in data and kept == key:
        return laid  # an ordering question is never shown in its right order
    return {**laid, "layout": list(kept)}


def refused_changes(content: QuizContent) -> list[CurriculumError]:
    """A question whose type the files change while learners have answered it (in a quiz or
    as a lesson's check): their answers are in the old kind's shape, which the new kind can
    neither show nor mark, so the load is refused at the question's line (nothing loaded).
    A question renamed (`formerly:`) is the row it renames: a type changed with the rename is
    refused likewise. A quiz's or a question's rename that the database refuses is named too."""
    plan, renames = question_rename_plan(content)  # a question's `formerly:` the database refuses
    renames += quiz_rename_plan(content)[1]  # a quiz's
    wanted = {q.slug: q for q in content.questions}
    renamed = {row.pk: slug for slug, row in plan}  # stored row -> its slug in the files
    changed = {
        pk: (renamed.get(pk, slug), slug, old)
        for pk, slug, old in Question.objects.filter(
            Q(slug__in=wanted) | Q(pk__in=renamed), source=Source.FILE
        ).values_list("pk", "slug", "type")
        if wanted[renamed.get(pk, slug)].type != old
    }
    if not changed:
        return renames
    answers = Counter(
        Answer.objects.filter(question_id__in=changed).values_list("question_id", flat=True)
    )
    checks = Counter(
        KnowledgeCheck.objects.filter(
            kind=KnowledgeCheck.Kind.QUESTION, ref__in=[stored for _, stored, _ in changed.values()]
        ).values_list("ref", flat=True)
    )
    refused = list(renames)
    for pk, (slug, stored, old) in changed.items():
        given = answers[pk] + checks[stored]
        if not given:
            continue
        q = wanted[slug]
        was = f" (formerly {quoted(stored)})" if stored != slug else ""
        refused.append(
            CurriculumError(
                q.source,
                q.line,
                f"question {quoted(slug)}{was}: its type would change from {old} to {q.type}, "
                f"but learners have answered it as {old} ({count_of(given, 'answer')}), which "
                f"{q.type} can neither show nor mark: give the new question a new slug (taking "
                "this one out of the files retires it, its answers kept)",
            )
        )
    return refused


def _say_regraded(question: Question, report: LoadReport) -> None:
    """Say how many graded answers to `question`, just changed, its new version would mark
    otherwise. They keep their marks: an attempt, a pass and a certificate stand as graded."""
    groups: dict[str, list] = {}  # the same response, given many times, is graded once
    for response, score in (
        Answer.objects.filter(question=question)
        .exclude(graded_at=None)
        .values_list("response", "score")
    ):
        key = json.dumps(response, sort_keys=True, default=str)
        groups.setdefault(key, [response, Counter()])[1][score] += 1
    differ, partial = 0, len(groups) > REGRADE_LIMIT
    for response, scores in list(groups.values())[:REGRADE_LIMIT]:
        try:
            now = kinds.kind_of(question).grade(question, response or {}).score
        except Exception:  # a response the new version cannot read: it would not score as it did
            now = None
        differ += sum(
            n for score, n in scores.items() if now is None or abs((score or 0) - now) > 1e-9
        )
    if differ:
        report.notes.append(
            f"question {quoted(question.slug)}: its answer key changed: "
            f"{'at least ' if partial else ''}{count_of(differ, 'answer')} graded before would "
            "score differently now; they keep the marks they were given (attempts, passes and "
            "certificates stand as graded)"
        )


def question_rename_plan(
    content: QuizContent,
) -> tuple[list[tuple[str, Question]], list[CurriculumError]]:
    """The stored questions the files say were renamed (`formerly:`), each with its new slug,
    and the declarations the database refuses (at the question's `formerly:` line): as for
    quizzes (`quiz_rename_plan`). A question already stored under its slug has nothing to
    rename; an old slug the database never had is fine, unless a file question of the same
    module (the quiz file's) is about to be retired: then the slug is most likely mistyped, and
    the load would strand that question's answers, checks and review cards."""
    renaming = [q for q in content.questions if q.formerly]
    if not renaming:
        return [], []
    named = {old for q in renaming for old in q.formerly}
    at = {
        row.slug: row
        for row in Question.objects.filter(slug__in=named | {q.slug for q in renaming}).only(
            "slug", "source"
        )
    }
    # Read only when a rename names no stored row: the only case that asks what would retire.
    unmatched = any(q.slug not in at and not any(o in at for o in q.formerly) for q in renaming)
    retiring = _retiring_questions({q.slug for q in content.questions} | named) if unmatched else {}
    return _judged(
        renaming, at, "question", "questions", lambda q: retiring.get(q.module or None, []),
        where=lambda q: f"{q.source}:{q.line}",
    )  # fmt: skip


def _retiring_questions(listed: set[str]) -> dict[str | None, list[str]]:
    """The file questions a load listing `listed` would retire, by module slug."""
    retiring: dict[str | None, list[str]] = {}
    for slug, in_module in (
        Question.objects.filter(source=Source.FILE, archived=False)
        .exclude(slug__in=listed)
        .order_by("slug")
        .values_list("slug", "module__slug")
    ):
        retiring.setdefault(in_module, []).append(slug)
    return retiring


def _rename_questions(plan: list[tuple[str, Question]], report: LoadReport) -> None:
    """A question renamed (`formerly:`) is the same row under its new slug: its answers and
    the scores holding them, review cards, statistics and the quizzes listing it (an
    instructor's too) stay on it, where a new row would start from nothing and leave them on
    an archived one. The lesson checks recorded on it name it by slug (`KnowledgeCheck.ref`,
    no foreign key), so they are renamed with it; a lesson page opened before the update still
    posts its check to the old slug, which leads to it (`EarlierQuestionSlug`): both by
    `quizzes.renames.follow_slug`, as a rename in the admin does."""
    for slug, question in plan:
        before = question.slug
        question.slug = slug
        question.save(update_fields=["slug"])
        follow_slug(question, before)
        report.add("questions", "renamed")
        report.notes.append(
            f"renamed: question {quoted(before)} to {quoted(slug)} (its answers, lesson checks, "
            "review cards and the quizzes that list it go with it)"
        )


def quiz_rename_plan(content: QuizContent) -> tuple[list[tuple[str, Quiz]], list[CurriculumError]]:
    """The stored quizzes the files say were renamed (`formerly:`), each with its new slug, and
    the declarations the database refuses (at the quiz's `formerly:` line): as for lessons
    (`loader.rename_plan`). A quiz already stored under its slug has nothing to rename; an old
    slug the database never had is fine, unless a file quiz is about to be retired (then the
    slug is most likely mistyped, and the load would strand that quiz's attempts)."""
    renaming = [qz for qz in content.quizzes if qz.formerly]
    if not renaming:
        return [], []
    at = {row.slug: row for row in Quiz.objects.only("slug", "source", "published")}
    # A quiz the files still list, or one another quiz's `formerly:` renames, is not retiring.
    listed = {qz.slug for qz in content.quizzes} | {old for qz in renaming for old in qz.formerly}
    retiring = sorted(
        slug
        for slug, row in at.items()
        if row.source == Source.FILE and row.published and slug not in listed
    )
    return _judged(renaming, at, "quiz", "quizzes", lambda qz: retiring, where=lambda qz: qz.source)


def _judged(
    renaming: Sequence[_Renamed],
    at: Mapping[str, _Row],
    noun: str,
    nouns: str,
    retiring: Callable[[Any], list[str]],
    *,
    where: Callable[[Any], str],
) -> tuple[list[tuple[str, _Row]], list[CurriculumError]]:
    """Each `formerly:` of `renaming` (quizzes or questions) judged against the stored rows
    `at` (by slug), one rule for both: the row to rename, or why the database refuses it (at
    the `formerly:` line). `retiring(item)`: the file rows this load would retire that a
    mistyped old slug may have meant; `where(item)`: the place named when two claim one row."""
    plan: list[tuple[str, _Row]] = []
    refused: list[CurriculumError] = []
    taken: dict[int, str] = {}
    for item in renaming:
        if item.slug in at:
            continue
        found = [at[old] for old in item.formerly if old in at]
        why = ""
        if len(found) > 1:
            names = " and ".join(quoted(row.slug) for row in found)
            why = f"names {names}, both {nouns} in the database: only one can become this one"
        elif not found:
            if gone := retiring(item):
                why = (
                    f"names {', '.join(map(quoted, item.formerly))}, which the database has no "
                    f"{noun} at; this load would retire {', '.join(map(quoted, gone))}: is "
                    "that the old slug?"
                )
        elif found[0].source != Source.FILE:
            why = (
                f"names {quoted(found[0].slug)}, a {noun} written in the app, not loaded from "
                "the files: it is not the files' to rename"
            )
        elif found[0].pk in taken:
            why = f"names {quoted(found[0].slug)}, which {taken[found[0].pk]} renames too"
        else:
            taken[found[0].pk] = where(item)
            plan.append((item.slug, found[0]))
        if why:
            refused.append(CurriculumError(item.source, item.formerly_line,
                                           f"{noun} {quoted(item.slug)}: 'formerly' {why}"))  # fmt: skip
    return plan, refused


def _rename_quizzes(plan: list[tuple[str, Quiz]], report: LoadReport) -> None:
    """A quiz renamed (`formerly:`) is the same row under its new slug: its attempts, scores
    and cohort assignments stay on it, and its old address leads to it."""
    for slug, quiz in plan:
        before = quiz.slug
        EarlierQuizSlug.objects.update_or_create(slug=before, defaults={"quiz": quiz})
        EarlierQuizSlug.objects.filter(slug=slug).delete()  # the slug is the quiz's own again
        quiz.slug = slug
        quiz.save(update_fields=["slug"])
        report.add("quizzes", "renamed")
        report.notes.append(
            f"renamed: quiz {quoted(before)} to {quoted(slug)} (its attempts and cohort "
            "assignments go with it; the old address leads to it)"
        )


def _say_replaced(previous: object, question: Question, report: LoadReport) -> None:
    """Name each choice or item of an answered question that the files reworded beyond a small
    edit (or took out): it is gone, and a new one stands in its place (`kinds.keep_ids`). The
    answers that chose it keep its text and their marks; an author who only meant new words
    for the same option learns the `id` that keeps it so."""
    if not isinstance(previous, dict):
        return
    kind = kinds.KINDS.get(question.type)
    for key in kind.id_lists if kind else ():
        now = {entry.get("id") for entry in question.data.get(key) or []}
        what = "choice" if key == "choices" else "item"
        for old in previous.get(key) or []:
            if not isinstance(old, dict) or old.get("id") in now:
                continue
            report.notes.append(
                f"question {quoted(question.slug)}: the {what} {quoted(old.get('text', ''))} is "
                "gone (reworded beyond a small edit, or taken out): answers that chose it keep "
                f"its text and their marks; if only its words changed, `id: {old.get('id')}` on "
                f"the new {what} in the file keeps it the same {what}"
            )


def _restore_questions(stored: list[Question], report: LoadReport) -> None:
    """A question the load archived (`retired_mark`) that is in the files again is put back
    in use, its fingerprint again the one the load wrote, so the load then updates it as any
    other (its answers are not touched). One archived in the teaching area or the admin, or
    edited there since the load archived it, stays archived (`_retire_questions` says so)."""
    for question in sorted(stored, key=lambda row: row.slug):
        if question.source != Source.FILE or question.file_fingerprint != retired_mark(question):
            continue
        question.file_fingerprint = _without_defaults(
            Question, question_state(question), ("level",)
        )
        if not question.archived:  # put back in use in the teaching area while out of the files
            question.save(update_fields=["file_fingerprint"])
            continue
        question.archived = False
        question.save(update_fields=["archived", "file_fingerprint", "updated_at"])
        report.add("questions", "restored")
        report.notes.append(
            f"restored: question {quoted(question.slug)} is back in the files: in use again "
            "(the load had archived it when it left them)"
        )


def _retire_questions(slugs: list[str], report: LoadReport) -> None:
    """A file question no longer in the files is archived, never deleted: its answers, and the
    scores of the attempts holding them, stay as they are; no new attempt is given it. A quiz
    written in the app that uses it keeps it listed, and is named, so its author can replace
    it. Its fingerprint is marked (`retired_mark`, when it was the load's own) so that back in
    the files it is put back in use (`_restore_questions`); a question a teacher archived stays
    archived when it is in the files (they may have archived it on purpose): the report says so."""
    gone = Question.objects.filter(source=Source.FILE, archived=False).exclude(slug__in=slugs)
    for question in gone.order_by("slug"):
        state = question_state(question)
        ours = not question.file_fingerprint or question.file_fingerprint in (
            fingerprint(state),
            _without_defaults(Question, state, ("level",)),
            retired_mark(question),  # put back in use in the teaching area since
        )
        question.archived = True
        fields = ["archived", "updated_at"]
        if ours:
            question.file_fingerprint = retired_mark(question)
            fields.append("file_fingerprint")
        question.save(update_fields=fields)
        answers = question.answers.count()
        authored = list(
            Quiz.objects.filter(entries__question=question)
            .exclude(source=Source.FILE)
            .order_by("title")
            .values_list("title", flat=True)
        )
        note = (
            f"retired: question {quoted(question.slug)} is no longer in the files: archived "
            "(put in no new attempt)"
        )
        if answers:
            note += f"; its {count_of(answers, 'answer')} {'is' if answers == 1 else 'are'} kept"
        if authored:
            where = "a quiz" if len(authored) == 1 else f"{len(authored)} quizzes"
            note += f"; still in {where} written in the app: " + ", ".join(map(quoted, authored))
        report.add("questions", "retired")
        report.notes.append(note)
    for slug in (
        Question.objects.filter(source=Source.FILE, archived=True, slug__in=slugs)
        .order_by("slug")
        .values_list("slug", flat=True)
    ):
        report.notes.append(
            f"question {quoted(slug)} is in the files but was archived in the teaching area or "
            "the admin: it stays archived, and no new attempt gets it (restore it there to use "
            "it again)"
        )


@transaction.atomic
def load_quizzes(
    content: QuizContent, report: LoadReport | None = None, *, force: bool = False
) -> LoadReport:
    report = report or LoadReport()
    if not content.quizzes:
        return report
    modules = {m.slug: m for m in Module.objects.all()}
    lessons = {le.path: le for le in Lesson.objects.select_related("module")}
    scenarios = {s.slug: s for s in Scenario.objects.all()}
    renames, refused = question_rename_plan(content)
    if refused:  # the command refuses these before loading (`refused_changes`)
        raise combined(refused)
    _rename_questions(renames, report)  # before the rows are read: they are read by slug
    questions = {}
    slugs = [q.slug for q in content.questions]
    rows = Rows(Question.objects.filter(slug__in=slugs), "slug")
    found = {slug: rows.get({"slug": slug}) for slug in slugs}
    stored = {slug: cast(Question, row) for slug, row in found.items() if row is not None}
    graded = set(
        Answer.objects.filter(question_id__in=[row.pk for row in stored.values()])
        .exclude(graded_at=None)
        .values_list("question_id", flat=True)
        .distinct()
    )
    answered = set(
        Answer.objects.filter(question_id__in=[row.pk for row in stored.values()])
        .values_list("question_id", flat=True)
        .distinct()
    ) | set(
        Question.objects.filter(
            slug__in=KnowledgeCheck.objects.filter(
                kind=KnowledgeCheck.Kind.QUESTION, ref__in=list(stored)
            ).values("ref")
        ).values_list("pk", flat=True)
    )
    _restore_questions(list(stored.values()), report)
    for q in content.questions:
        values = {
            "type": q.type,
            "category": q.category,
            "module": modules.get(q.module),
            "prompt": q.prompt,
            "explanation": q.explanation,
            "lesson": lessons[q.lesson],
            "misconceptions": list(q.misconceptions),
            "data": _laid_out(q.slug, stored_data(q, stored.get(q.slug)), stored.get(q.slug)),
            "scenario": scenarios.get(q.scenario),
            "ask_statement": q.ask_statement,
        }
        # As with a quiz's time limit: a level joins the fingerprint only when one is set (in
        # the file or stored), so rows loaded before levels existed are not taken for edits.
        before = stored.get(q.slug)
        previous = before.data if before is not None else None  # the write replaces it
        if q.level or (before is not None and before.level):
            values["level"] = q.level
        questions[q.slug], outcome = write_tracked(
            Question,
            {"slug": q.slug},
            values,
            report=report,
            kind="question",
            force=force,
            rows=rows,
            optional=("level",),
        )
        report.add("questions", outcome)
        row = questions[q.slug]
        if outcome == "updated" and before is not None and before.pk in answered:
            _say_replaced(previous, row, report)
        if row.pk in graded and (outcome == "updated" or q.scenario in report.updated_scenarios):
            _say_regraded(row, report)
    _retire_questions(slugs, report)
    plan, refused = quiz_rename_plan(content)
    if refused:  # the command refuses these before loading (`refused_changes`)
        raise combined(refused)
    _rename_quizzes(plan, report)
    rows = Rows(Quiz.objects.filter(slug__in=[qz.slug for qz in content.quizzes]), "slug")
    listed = _all_entries(rows.pks())
    for qz in content.quizzes:
        wanted = [[questions[slug].pk, order] for order, slug in enumerate(qz.questions, start=1)]
        values = {
            "title": qz.title,
            "description": qz.description,
            "module": modules.get(qz.module),
            "pass_mark": qz.pass_mark,
            "attempts_allowed": qz.attempts_allowed,
            "shuffle_questions": qz.shuffle_questions,
            "shuffle_choices": qz.shuffle_choices,
            "feedback": qz.feedback,
            "draw_category": qz.draw_category,
            "draw_count": qz.draw_count,
            "published": qz.published,
            "order": qz.order,
        }
        # A limit joins the row's fingerprint only when there is one (in the file or stored),
        # so rows loaded before time limits existed keep their fingerprint and are not taken
        # for admin edits.
        row = cast(Quiz | None, rows.get({"slug": qz.slug}))
        now: tuple = (
            (row.time_limit, row.tries, row.try_penalty, row.certainty, row.draw_rules)
            if row is not None
            else (None, 1, 0, False, [])
        )
        if qz.time_limit is not None or now[0] is not None:
            values["time_limit"] = qz.time_limit
        # Likewise the behaviours added later (issue 13): only when not the default.
        for n, (name, default) in enumerate(
            (("tries", 1), ("try_penalty", 0), ("certainty", False)), start=1
        ):
            if getattr(qz, name) != default or now[n] != default:
                values[name] = getattr(qz, name)
        # Draw rules likewise (only the exam has them).
        if qz.draw_rules or now[4]:
            values["draw_rules"] = [dict(rule) for rule in qz.draw_rules]
        _, outcome = write_tracked(
            Quiz,
            {"slug": qz.slug},
            values,
            report=report,
            kind="quiz",
            force=force,
            related=Related(
                current=_entries,
                wanted=wanted,
                apply=_set_entries(wanted),
                stored=lambda quiz: listed.get(quiz.pk, []),
                add=_set_entries(wanted, new=True),
                added=wanted,  # read back by their orders (1, 2, ...): as given
            ),
            rows=rows,
            optional=QUIZ_OPTIONAL,
        )
        report.add("quizzes", outcome)
    _retire_quizzes([qz.slug for qz in content.quizzes], report)
    return report


def _quiz_state(quiz: Quiz) -> dict:
    """The quiz as its fingerprint hashes it (`loader._state`, every field the files set)."""
    return {**{name: _current(quiz, name) for name in QUIZ_FIELDS}, "_related": _entries(quiz)}


def _retire_quizzes(slugs: list[str], report: LoadReport) -> None:
    """A file quiz no longer in the files is unpublished, never deleted: deleting would take
    its learners' attempts (and scores, passes) and the cohorts' assignments of it along, and
    a quiz left published would go on taking new attempts of what the course no longer
    teaches. A quiz written in the app is not the files' to retire.

    Its fingerprint is brought up to date (when it was the load's own), so that back in the
    files it is published again, not taken for a quiz unpublished in the admin."""
    gone = Quiz.objects.filter(source=Source.FILE, published=True).exclude(slug__in=slugs)
    for quiz in gone.order_by("slug"):
        before = _quiz_state(quiz)
        ours = not quiz.file_fingerprint or quiz.file_fingerprint in (
            fingerprint(before),
            _without_defaults(Quiz, before, QUIZ_OPTIONAL),
        )
        quiz.published = False
        fields = ["published"]
        if ours:
            quiz.file_fingerprint = _without_defaults(Quiz, _quiz_state(quiz), QUIZ_OPTIONAL)
            fields.append("file_fingerprint")
        quiz.save(update_fields=fields)
        taken = quiz.attempts.count()
        assigned = quiz.cohort_assignments.count()
        note = (
            f"retired: quiz {quoted(quiz.slug)} is no longer in the files: unpublished (no new "
            "attempt)"
        )
        if taken:
            note += f"; its {count_of(taken, 'attempt')} {'is' if taken == 1 else 'are'} kept"
        if assigned:
            note += (
                f"; assigned in {count_of(assigned, 'cohort assignment')}, which learners "
                "can no longer start"
            )
        note += " (back in the files, it is published again)"
        report.add("quizzes", "retired")
        report.notes.append(note)
