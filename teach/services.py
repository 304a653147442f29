"""What the teaching views do to the database, as plain functions (tests call them too).

Rules kept here rather than in views: slugs are generated and unique; a quiz with attempts
is never deleted (unpublish it); a question with answers is never deleted (archive it); a quiz
is published only when a learner could start it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from datetime import UTC, datetime

from django.db import router, transaction
from django.db.models import Count, Max, Q
from django.db.models.deletion import Collector, ProtectedError
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from curriculum.fingerprints import archived_by_hand
from lessons.models import Source
from lessons.timezones import zoned
from quizzes import exam, rendered
from quizzes.attempts import QUESTION_COLUMNS, BankCount, bank_count, question_from, usable
from quizzes.draw_rules import MAX_DRAWN
from quizzes.entries import (
    ENTRY_COLUMNS,
    entries_named,
    hold_entries,
    listing_refused,
    questions_leaving,
    renumbered,
)
from quizzes.models import (
    RESERVED_QUIZ_SLUGS,
    Answer,
    Attempt,
    Question,
    Quiz,
    QuizQuestion,
    Tag,
)
from quizzes.results_version import results_changed
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance
from teach import bank


class TeachError(Exception):
    """A rule stopped the action; `str(exc)` says why, in words an instructor can act on."""


def edit_stamp(row: Quiz | Question) -> str:
    """What an editor's page remembers of the row it drew (a hidden field): its last save, to
    the microsecond. "" for a row not saved yet."""
    return row.updated_at.isoformat() if row.pk and row.updated_at else ""


class EditedElsewhere(TeachError):
    """The row was saved after the editor's page was drawn; `stamp` is that save's
    (`edit_stamp`), for the refused page to remember so that saving it again is deliberate."""

    def __init__(self, row: Quiz | Question, saved_at) -> None:
        name = row._meta.verbose_name
        if saved_at is None:
            message = f"This {name} was deleted after you opened this page, so nothing was saved."
        else:
            at = zoned(saved_at, "H:i:s")
            message = (
                f"This {name} was saved somewhere else (another tab, or another instructor) at "
                f"{at}, after you opened this page, so nothing was saved here: your changes are "
                "below as you made them. Open it in a new tab to compare; saving again keeps "
                "yours and replaces that version."
            )
        super().__init__(message)
        self.stamp = saved_at.isoformat() if saved_at is not None else ""


def save_unless_edited(row: Quiz | Question, seen: str, save: Callable[[], object]) -> None:
    """Run `save` (which writes `row`) only if the row is still as the page drawn at `seen`
    (`edit_stamp`) had it; else raise `EditedElsewhere` and write nothing. Writing the page's
    copy over a later save (another tab, a co-author) would undo that save unseen.

    The check is the first statement of the save's transaction, a conditional UPDATE of the
    stamp: the database orders two updates of one row (PostgreSQL makes the second wait for
    the row and reads it again, SQLite's write lock is taken at BEGIN IMMEDIATE), so of two
    saves sent in the same instant from pages drawn together, the second one finds the stamp
    moved. A page that remembers nothing (a post from a script, or an older page) is not
    asked."""
    stamp = _stamp_time(seen)
    with transaction.atomic():
        if stamp is not None and row.pk:
            rows = type(row)._base_manager.filter(pk=row.pk)
            if not rows.filter(updated_at=stamp).update(updated_at=stamp):
                raise EditedElsewhere(row, rows.values_list("updated_at", flat=True).first())
        save()


def _stamp_time(seen: str) -> datetime | None:
    """The save a page remembers, in UTC, or None when it remembers none it could have been
    given. A time whose offset carries it past the years a datetime holds
    ("0001-01-01T00:00+14:00" is the year 0 in UTC) is none: converting it raised
    OverflowError, a server error for a hand-edited hidden field. In UTC, because PostgreSQL
    refuses an offset past 15:59 (`+23:59`, which Python reads) with DataError."""
    try:
        stamp = parse_datetime(seen) if seen else None
        if stamp is None or stamp.tzinfo is None:
            return None
        return stamp.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def unique_slug(model, text: str, *, fallback: str, max_length: int = 90) -> str:
    """A slug from `text` that no row of `model` uses yet (and no page reserves): `base`, else
    the first free `base-2`, `base-3`, … The slugs in use are read in one query: a question
    bank full of "Which statement is true?" asked once per taken number. Unordered: a set is
    made of them, and the models' default order was most of the query's cost to build.

    It fits the model's own slug column (a scenario's holds 50 characters): a long title once
    made a slug the save then refused, an error about a field the instructor never sees. A
    long base is shortened to make room for its number, so the numbered ones are looked for
    by the shortened stem."""
    limit = min(max_length, model._meta.get_field("slug").max_length)
    base = _cut_at_word(slugify(text), limit) or fallback
    room = limit - len("-999999")  # a base this short takes any number up to 999,999 whole
    stem = f"{base}-" if len(base) <= room else base[:room]
    rows = model.objects.filter(Q(slug=base) | Q(slug__startswith=stem)).order_by()
    taken = set(rows.values_list("slug", flat=True)) | RESERVED_QUIZ_SLUGS
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: limit - len(suffix)].rstrip("-") + suffix
    return slug


def _cut_at_word(slug: str, limit: int) -> str:
    """`slug` in at most `limit` characters, ended at a word where one ends in its second half
    ("which-service-keeps" rather than "which-service-ke": an address a teacher reads)."""
    if len(slug) <= limit:
        return slug.strip("-")
    end = slug.rfind("-", 0, limit + 1)
    return slug[: end if end > limit // 2 else limit].strip("-")


def save_new_quiz(quiz: Quiz) -> None:
    """Save a quiz made on a page, its slug (its address and its export's file name) from its
    title. A title with no Latin letter or digit (クイズ, Κουίζ) gives slugify nothing, and
    every such quiz was `quiz`, `quiz-2`…; such a quiz is named by its id, `quiz-<id>`, as the
    addresses take ASCII slugs only (`<slug:…>`). A later title change keeps the slug."""
    quiz.slug = unique_slug(Quiz, quiz.title, fallback="quiz")
    quiz.save()
    if not slugify(quiz.title).strip("-"):
        _name_by_id(quiz)


def _name_by_id(quiz: Quiz) -> None:
    """Give a saved quiz whose title has no Latin letter or digit the address `quiz-<id>`."""
    quiz.slug = unique_slug(Quiz, f"quiz-{quiz.pk}", fallback="quiz")
    quiz.save(update_fields=["slug"])


def quiz_questions(quiz: Quiz, *, entries: Sequence[QuizQuestion] | None = None) -> list[Question]:
    """The questions a learner could be given: the quiz's own (or its draw's pool), not
    archived, usable; in the quiz's order. `entries`: every entry of the quiz, already read in
    its order with each question and its scenario (the quiz page has them), for a quiz of its
    own questions not to read them again."""
    if quiz.draws_by_rules:  # the final exam: every question its rules could draw
        return exam.rules_pool(quiz, usable)
    if quiz.draws:
        pool = Question.objects.filter(
            exam.draw_scope(quiz), category=quiz.draw_category, archived=False
        )
        return usable(pool.select_related("scenario", "lesson").order_by("pk"))
    # A quiz listed past the ceiling before it was set: attempts take its first MAX_DRAWN.
    if entries is not None:
        return usable(e.question for e in entries if not e.question.archived)[:MAX_DRAWN]
    return usable(map(question_from, OWN_QUESTIONS.rows(quiz.pk)))[:MAX_DRAWN]


def drawn_supply(quiz: Quiz) -> BankCount:
    """For a quiz drawing N from a category: its usable questions, counted as far as the
    draw needs (min(N, `MAX_DRAWN`), `quizzes.attempts.bank_count`), exactly if the bank is
    small. What its page must tell an instructor is whether a learner gets the N or fewer
    (and then how many); a bank's size is on the bank page. Counting all 10,000 of a bank
    cost the page 0.34 s; an exact count kept between requests would have to be forgotten
    whenever a question of the category or a scenario its questions use changes."""
    return bank_count(quiz, min(quiz.draw_count, MAX_DRAWN))


def rules_supply(quiz: Quiz) -> exam.RulesSupply:
    """For a quiz drawing by rules: the questions they could draw, as `quiz_questions`, with
    how many usable questions each rule's bank holds (its page says when they fall short)."""
    return exam.rules_supply(quiz, usable)


# A quiz's own questions, not archived, in its order, each with its lesson (and module) and
# scenario, as `quizzes.attempts` reads an attempt's: its SQL compiled once. The preview reads
# them on every page, and building that join's SQL cost more than the rest of its view.
OWN_QUESTIONS = PreparedQuery(
    QuizQuestion,
    ("int",),
    lambda quiz_id: (
        QuizQuestion.objects.filter(quiz_id=quiz_id, question__archived=False)
        .order_by("order", "pk")
        .values_list(*(f"question__{column}" for column in QUESTION_COLUMNS))
    ),
)


def nothing_to_answer(quiz: Quiz) -> str:
    """Why a quiz with no question a learner could be given cannot be published. A quiz that
    draws from a category was told to "add one", which its page then says it does not use."""
    if quiz.draws and not quiz.draws_by_rules:
        return (
            f"This quiz draws its questions from the category “{quiz.draw_category}”, which "
            "holds no question a learner can answer: choose another category in its settings "
            "(or give questions that category) before publishing."
        )
    return "This quiz has no question a learner can answer yet: add one before publishing."


def answerable(quiz: Quiz) -> bool:
    """Whether a learner could be given at least one question of `quiz`, what publishing it
    asks: for a quiz drawing from a category, its first usable question is enough
    (`bank_count`), not its whole bank read and checked (`quiz_questions`: ~35 µs a question,
    0.34 s for 10,000) on every save of its settings."""
    if quiz.draws and not quiz.draws_by_rules:
        return bank_count(quiz, 1).usable > 0
    return bool(quiz_questions(quiz))


# Said of a published quiz that gives a learner no question (its last one taken out or
# archived, its category emptied): publishing it was refused for that, but a change after
# left it "Published" while its learners were told it "cannot be started".
PUBLISHED_UNSTARTABLE = (
    "Learners cannot start this quiz, although it is published: it has no question a learner "
    "can answer. Add one, or unpublish it."
)


def quiz_set_published(*, quiz: Quiz, published: bool) -> None:
    if published and not answerable(quiz):
        raise TeachError(nothing_to_answer(quiz))
    quiz.published = published
    quiz.save(update_fields=["published", "updated_at"])


# The quiz's whole row, its lock held until the transaction ends. On PostgreSQL FOR NO KEY
# UPDATE: an edit of the quiz (its UPDATE, `hold_entries`'s too) or its deletion waits for it
# and it for them, but the key-share lock that inserting a row pointing at the quiz takes (a
# learner's attempt) does not, as it would for FOR UPDATE. SQLite has no row locks: the
# transaction's BEGIN IMMEDIATE took the database's write lock already. Compiled once.
_QUIZ_HELD = PreparedQuery(
    Quiz,
    ("int",),
    lambda key: (
        Quiz.objects.select_for_update(no_key=True)
        .filter(pk=key)
        .order_by()
        .values_list(*concrete_attnames(Quiz))
    ),
)


@transaction.atomic
def quiz_duplicate(*, quiz: Quiz, owner) -> Quiz | None:
    """A draft copy owned by `owner`, with the same settings and the same questions (shared,
    not copied: a question can be used in several quizzes). None: the quiz was deleted
    meanwhile.

    The settings and the entries are read again under the quiz's lock, not taken from the row
    the view read: an edit committed in between (the settings saved, a question added or
    moved) would give the copy settings from before it and entries from after. The lock is
    only read, not written (`hold_entries` would mark the quiz changed, and copying it is no
    change): an edit of the quiz in progress is waited for, and one that starts waits for the
    copy."""
    rows = _QUIZ_HELD.rows(quiz.pk)
    if not rows:
        return None
    source = instance(Quiz, rows[0])
    listed = source.entries.count()
    if listed > MAX_DRAWN:  # listed before the ceiling: a copy would be past it too
        raise TeachError(
            f"“{source.title}” lists {listed} questions, more than the {MAX_DRAWN} a quiz may "
            f"list now, so a copy could not hold them all. Take {listed - MAX_DRAWN} out of it "
            "first (attempts ask only its first "
            f"{MAX_DRAWN} anyway), or export it and import part of it as a new quiz."
        )
    copy = Quiz(
        **{
            field.attname: deepcopy(getattr(source, field.attname))
            for field in Quiz._meta.concrete_fields
            if not field.primary_key
        }
    )
    copy.title = f"Copy of {source.title}"[:200]
    copy.slug = unique_slug(Quiz, copy.title, fallback="quiz")
    copy.published = False
    copy.owner = owner
    copy.source = Source.AUTHORED
    copy.file_fingerprint = ""
    copy.save()
    if not slugify(source.title).strip("-"):  # "Copy of クイズ" was `copy-of`, then `copy-of-2`…
        _name_by_id(copy)  # as a new quiz with that title is named
    entries = source.entries.order_by("order", "pk").values_list("question_id", "order")
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=copy, question_id=question_id, order=order)
        for question_id, order in entries
    )
    return copy


def _delete_entries(entries: list[QuizQuestion]) -> None:
    """Delete these entries in one statement, as a cascade would (each entry's delete signals
    sent), each already knowing its quiz and question: the audit names a deleted entry by
    both slugs, and a cascade read each entry's quiz and question again to say so, two
    queries an entry."""
    collector = Collector(using=router.db_for_write(QuizQuestion))
    collector.collect(entries)
    collector.delete()


@transaction.atomic
def quiz_delete(*, quiz: Quiz) -> None:
    """Delete a quiz nobody has attempted; its questions stay in their author's list. The quiz
    is held first, as an edit of its entries holds it (`hold_entries`): an edit and the
    deletion queue instead of each holding rows the other needs (a deadlock on PostgreSQL),
    and an attempt started meanwhile (its start locks the quiz too) is seen here."""
    if not hold_entries(quiz):
        return  # deleted meanwhile (the same form sent twice)
    if quiz.attempts.exists():
        raise TeachError(
            "Learners have attempted this quiz, so it cannot be deleted (their results would "
            "go with it). Unpublish it instead: it disappears for learners and keeps the results."
        )
    _delete_entries(list(entries_named(quiz)))
    quiz.delete()


@transaction.atomic
def quiz_add_question(*, quiz: Quiz, question: Question, new: bool = False) -> QuizQuestion | None:
    """Put the question last in the quiz, unless it is in it already. `new`: the question
    was inserted just now, so no entry can list it yet (nothing to look for first). None:
    the quiz was deleted meanwhile."""
    if not hold_entries(quiz):
        return None
    if not new:
        there = quiz.entries.filter(question=question).first()
        if there is not None:
            return there
    found = quiz.entries.aggregate(last=Max("order"), listed=Count("pk"))
    _refuse_past_ceiling(quiz, found["listed"])
    return QuizQuestion.objects.create(quiz=quiz, question=question, order=(found["last"] or 0) + 1)


def _refuse_past_ceiling(quiz: Quiz, listed: int, adding: int = 1) -> None:
    """TeachError when `adding` questions would take the quiz past the most it may list
    (`listing_refused`); the caller holds the quiz (`hold_entries`), so `listed` is current."""
    refused = listing_refused(quiz.title, listed, adding)
    if refused:
        raise TeachError(refused)


# What a copy of a question takes from it: its words, its answer, where it belongs. Not its
# key, slug, source, owner, fingerprint, archived flag or time of edit: those are the copy's own.
COPIED_FIELDS = (
    "type",
    "category",
    "module_id",
    "prompt",
    "explanation",
    "lesson_id",
    "misconceptions",
    "data",
    "scenario_id",
    "ask_statement",
    "level",
    *rendered.QUESTION.stored_fields,  # its words as rendered: the copy's save renders them only if stale
)


def _copy_refused(question: Question, owner, tags: list[str]) -> str:
    """Why `owner` may not have a copy of `question`: it would take their questions into a
    bank, or give them bank or misconception tags, past the most a teacher's hold (a course
    question's bank and tags, another teacher's in a quiz handed over). The same checks as
    the editor's save, said for a copy."""
    where = f"A copy of this question would be yours, in the bank “{question.category}”"
    if bank.banks_refused(owner.pk, [question.category]):
        return (
            f"{where}, which none of your questions is in, and yours fill "
            f"{bank.MAX_OWN_BANKS} banks (categories) already, the most a teacher's do. Archive "
            "the questions of a bank you no longer need, or write the question anew in a bank "
            "you use."
        )
    for refused in (
        bank.tags_refused(owner.pk, tags),
        bank.misconceptions_refused(owner.pk, question.misconceptions or []),
    ):
        if refused:
            return f"{where}, with its tags: nothing was copied. {refused}"
    return ""


def quiz_copy_question(*, quiz: Quiz, question: Question, owner) -> Question | None:
    """A copy of `question` that `owner` may edit (a question from the curriculum files is
    read-only here), put in `quiz` just after it; the original stays where it is, in this quiz
    and any other, and keeps its answers. A policy question's copy shares its scenario until
    the copy's scenario is edited (the editor then saves the teacher's own). None: the quiz
    was deleted meanwhile, or the question taken out of it. Refused (TeachError) when the copy
    would take `owner`'s questions past a ceiling (`_copy_refused`), checked first, from the
    kept counts the editor's save reads, before the quiz is held."""
    tags = list(question.tags.values_list("pk", "slug"))
    refused = _copy_refused(question, owner, [slug for _pk, slug in tags])
    if refused:
        raise TeachError(refused)
    return _copy_question(quiz=quiz, question=question, owner=owner, tags=tags)


@transaction.atomic
def _copy_question(*, quiz: Quiz, question: Question, owner, tags: list) -> Question | None:
    if not hold_entries(quiz):
        return None
    entries = list(quiz.entries.only(*ENTRY_COLUMNS).order_by("order", "pk"))
    index = next((i for i, e in enumerate(entries) if e.question_id == question.pk), None)
    if index is None:
        return None
    _refuse_past_ceiling(quiz, len(entries))
    copy = Question(**{name: deepcopy(getattr(question, name)) for name in COPIED_FIELDS})
    copy.owner = owner
    copy.source = Source.AUTHORED
    copy.slug = unique_slug(Question, f"copy of {question.slug}", fallback="question")
    copy.save()
    if tags:
        copy.tags.add(*(pk for pk, _slug in tags))
    moved = renumbered(entries[: index + 1])  # 1..n already, unless an old import left gaps
    for position, entry in enumerate(entries[index + 1 :], start=index + 3):
        if entry.order != position:
            entry.order = position
            moved.append(entry)
    if moved:
        QuizQuestion.objects.bulk_update(moved, ["order"])
        results_changed(quiz.pk)  # no signals: the statistics' order
    QuizQuestion.objects.create(quiz=quiz, question=copy, order=index + 2)
    return copy


@transaction.atomic
def quiz_remove_question(*, quiz: Quiz, question: Question) -> int | None:
    """Take a question out of this quiz (the question itself stays), and close the gap: the
    entries after it move up one place, so the positions stay 1..n. One UPDATE for those,
    without an audit entry each (the removal is logged, and says where it was).

    Returns the question now where it was (the next one, else the one before; None when the
    list is empty): the page puts the keyboard there, where the teacher was."""
    if not hold_entries(quiz):
        return None
    entries = list(quiz.entries.only(*ENTRY_COLUMNS).order_by("order", "pk"))
    gone = [e for e in entries if e.question_id == question.pk]
    for entry in gone:
        entry.question = question
    _delete_entries(gone)
    left = [e for e in entries if e.question_id != question.pk]
    moved = renumbered(left)
    if moved:
        QuizQuestion.objects.bulk_update(moved, ["order"])
        results_changed(quiz.pk)  # no signals: the statistics' order
    if not left or not gone:
        return None
    place = entries.index(gone[0])  # its index, and now the next one's
    return left[min(place, len(left) - 1)].question_id


@transaction.atomic
def quiz_move_question(*, quiz: Quiz, question: Question, step: int) -> tuple[int, int] | None:
    """Move a question one place up (-1) or down (+1); the orders are renumbered 1..n, each
    entry that moves saved (and audited) on its own. Returns where it is now and how many
    there are, (position from 1, count), for the page to say; None if it is no longer there."""
    if not hold_entries(quiz):
        return None
    entries = list(entries_named(quiz).order_by("order", "pk"))
    index = next((i for i, e in enumerate(entries) if e.question_id == question.pk), None)
    if index is None:
        return None
    target = index + step
    if 0 <= target < len(entries):
        entries[index], entries[target] = entries[target], entries[index]
        index = target
    for entry in renumbered(entries):
        entry.save(update_fields=["order"])
    return index + 1, len(entries)


# Whether a question has an answer, as `exists()` asks it, its SQL compiled once.
_AN_ANSWER = PreparedQuery(
    Answer, ("int",), lambda key: Answer.objects.filter(question_id=key).values_list("pk")[:1]
)


# How many attempts a quiz has, as `quiz.attempts.count()` counts them (no row: none), compiled once.
_ATTEMPTS = PreparedQuery(
    Attempt,
    ("int",),
    lambda key: (
        Attempt.objects.filter(quiz_id=key)
        .order_by()
        .values("quiz_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    ),
)


def attempt_count(quiz: Quiz) -> int:
    rows = _ATTEMPTS.rows(quiz.pk)
    return rows[0][0] if rows else 0


def question_has_answers(question: Question) -> bool:
    return bool(_AN_ANSWER.rows(question.pk))


def question_delete_or_archive(*, question: Question) -> str:
    """Delete a question nobody has answered (the quizzes that listed it close up 1..n);
    archive one that has answers (they keep their question, and no new attempt includes it).
    Returns "deleted" or "archived". An answer saved after the look (a learner mid-quiz) is
    caught by the database's rule (`Answer.question` protects it): the deletion is undone,
    its quizzes' entries with it, and the question archived."""
    if not question_has_answers(question):
        try:
            with questions_leaving([question.pk]):
                entries = list(
                    question.entries.select_related("quiz").only(*ENTRY_COLUMNS, "quiz__slug")
                )
                for entry in entries:
                    entry.question = question
                _delete_entries(entries)
                question.delete()
            return "deleted"
        except ProtectedError:
            pass
    question.archived = True
    question.save(update_fields=["archived", "updated_at", *archived_by_hand(question)])
    return "archived"


def question_set_archived(*, question: Question, archived: bool) -> None:
    """Archive or restore by hand: the course load then leaves the question as set
    (`curriculum.fingerprints.archived_by_hand`). A question restored into a bank its owner's
    questions no longer fill is refused (TeachError) past `bank.MAX_OWN_BANKS`: archiving a
    bank's questions, filling new banks and restoring them went past the ceiling."""
    restoring = not archived and question.archived and question.source != Source.FILE
    if restoring and bank.banks_refused(
        question.owner_id, [question.category], leaving=question.pk
    ):
        raise TeachError(
            f"Not restored: its bank “{question.category}” holds no other question of its "
            f"owner's now, and their questions fill {bank.MAX_OWN_BANKS} banks (categories) "
            "already, the most a teacher's do. Move it to a bank in use first (in its "
            "editor, Category), or archive the questions of a bank no longer needed."
        )
    question.archived = archived
    question.save(update_fields=["archived", "updated_at", *archived_by_hand(question)])


# A question's bank tags, (key, slug) in the tags' order (`question.tags`), its SQL compiled once.
QUESTION_TAGS = PreparedQuery(
    Tag, ("int",), lambda key: Tag.objects.filter(questions__pk=key).values_list("pk", "slug")
)


def question_tags(question: Question) -> list[str]:
    return [slug for (_pk, slug) in QUESTION_TAGS.rows(question.pk)] if question.pk else []


def question_set_tags(*, question: Question, tags: list[str], new: bool = False) -> None:
    """Give the question exactly these bank tags (well-formed slugs, checked by the form),
    creating the tags nobody used before. `new`: the question was inserted just now, so it
    has none yet.

    What it has is read first (one query) and only the difference written: most saves keep
    the tags, and writing them anyway cost three queries (the tags' rows, their keys, the
    question's own, which `set` reads again to find what changed)."""
    current = {} if new else {slug: pk for (pk, slug) in QUESTION_TAGS.rows(question.pk)}
    wanted = set(tags)
    added = [slug for slug in tags if slug not in current]
    gone = [pk for slug, pk in current.items() if slug not in wanted]
    if gone:
        question.tags.remove(*gone)
    if added:
        Tag.objects.bulk_create([Tag(slug=slug) for slug in added], ignore_conflicts=True)
        by_slug = Tag.objects.in_bulk(added, field_name="slug")
        question.tags.add(*(by_slug[slug] for slug in added))


def assigned_in(quiz: Quiz, user) -> tuple[list[str], int]:
    """The names of `user`'s own cohorts that have `quiz` assigned, and how many others do
    (a co-instructor's, or staff's: not named to this teacher). Deleting the quiz takes it
    out of each, with its due dates and extensions, and off its learners' home pages. Read
    through the reverse relation: quizzes and teach know nothing of the cohorts app."""
    rows = quiz.cohort_assignments.order_by("cohort__name").values_list(
        "cohort__name", "cohort__owner_id"
    )
    names = [name for name, owner in rows if owner == user.pk]
    return names, len(rows) - len(names)
