"""Two edits of one quiz's questions at once (two instructors, or two tabs): each must see the
positions the other left, so the quiz keeps the positions 1..n, no two entries sharing one;
and an edit that meets the quiz's deletion ends without an error. A duplicate made meanwhile
copies the quiz as it is before an edit or after it, never a part of each.

Each edit runs in its own thread, on its own database connection. The first is paused just
after it has read the quiz's entries, until the second has read them too, or has ended, or has
been held in one statement for `HELD` (waiting for a lock: it cannot read before the first
commits), or `PAUSE` passes: without the quiz held, the second reads the same positions as the
first and both write from them, every time; with it, the second waits for the first's commit
before it reads.

On SQLite the edits run on a file copy of the test database, opened as the site opens its own
(WAL, BEGIN IMMEDIATE, a busy timeout): connections to the in-memory test database share one
cache, whose table locks fail at once ("database table is locked") where the site's file
database makes a writer wait. On PostgreSQL they run on the test database itself.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question, Quiz
from teach import services
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db(transaction=True)

# How long the first edit waits, after its read, for the second to read too: the second only
# gets there when nothing holds it back. A statement of the second's that has not returned
# after HELD is waiting for a lock (unheld, each takes well under a millisecond), so the first
# goes on then rather than wait out PAUSE (11 tests x 0.5 s of a worker's time before).
PAUSE = 0.5
HELD = 0.05


@contextlib.contextmanager
def _own_connections(folder):
    """Yields what each thread calls first, to open its own connection (see above)."""
    if connection.vendor != "sqlite":
        yield lambda: None
        return
    path = folder / "db.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as file:
        connection.connection.backup(file)
    wrapper = type(connections[DEFAULT_DB_ALIAS])
    settings_dict = {**connection.settings_dict, "NAME": str(path)}

    def open_file() -> None:
        connections[DEFAULT_DB_ALIAS] = wrapper(settings_dict, DEFAULT_DB_ALIAS)

    yield open_file
    with contextlib.closing(sqlite3.connect(path)) as file:
        file.backup(connection.connection)  # what they left, for the test to read


def _reads_entries(sql: str) -> bool:
    return sql.startswith("SELECT") and '"quizzes_quizquestion"' in sql


def _reads_quiz(sql: str) -> bool:
    return sql.startswith("SELECT") and 'FROM "quizzes_quiz"' in sql


@pytest.fixture
def at_once(tmp_path):
    """Run `first` and `second` in two threads, `second` started once `first` has read the
    quiz's entries (and written none). `pause_after`: the statement `first` pauses after
    instead (its first one that matches); `until`: the statement of `second` that lets `first`
    go on (None: only its end, or its being held)."""

    def run_both(first, second, *, pause_after=_reads_entries, until=_reads_entries) -> None:
        with _own_connections(tmp_path) as open_connection:
            _run_both(first, second, open_connection, pause_after, until)

    return run_both


def _run_both(first, second, open_connection, pause_after, until) -> None:
    first_read, second_started, second_reached = (threading.Event() for _ in range(3))
    errors: list[BaseException] = []
    second_in_statement_since: list[float | None] = [None]

    def second_held() -> bool:
        began = second_in_statement_since[0]
        return began is not None and time.monotonic() - began >= HELD

    def pause_after_read(execute, sql, params, many, context):
        """The first thread, once it has read the quiz's entries (`pause_after`), waits for
        the second to read them too (`until`), or to end, or to be held by a lock (at most
        `PAUSE`), before it writes anything."""
        result = execute(sql, params, many, context)
        if pause_after(sql) and not first_read.is_set():
            first_read.set()
            second_started.wait(10)
            deadline = time.monotonic() + PAUSE
            while not second_reached.wait(0.01) and not second_held():
                if time.monotonic() >= deadline:
                    break
        return result

    def note_read(execute, sql, params, many, context):
        second_in_statement_since[0] = time.monotonic()
        try:
            result = execute(sql, params, many, context)
        finally:
            second_in_statement_since[0] = None
        if until is not None and until(sql):
            second_reached.set()
        return result

    def run(work, wrapper, started=None) -> None:
        if started is not None:
            started.set()
        try:
            open_connection()
            with connection.execute_wrapper(wrapper):
                work()
        except BaseException as exc:  # reported by the test's thread
            errors.append(exc)
        finally:
            if started is not None:
                second_reached.set()  # ended: nothing left to wait for
            connection.close()  # this thread's own

    one = threading.Thread(target=run, args=(first, pause_after_read))
    two = threading.Thread(target=run, args=(second, note_read, second_started))
    one.start()
    assert first_read.wait(10), "the first edit never got to its pause"
    two.start()
    one.join(30)
    two.join(30)
    assert not errors, errors
    assert not (one.is_alive() or two.is_alive())


def _positions(quiz: Quiz) -> list[tuple[str, int]]:
    return list(quiz.entries.order_by("order", "pk").values_list("question__slug", "order"))


def _quiz(*slugs: str) -> Quiz:
    return make_quiz(*(make_question(slug=slug) for slug in slugs))


def _fresh(quiz: Quiz) -> Quiz:
    """The quiz as the other request reads it (its own object, read on its own connection)."""
    return Quiz.objects.get(pk=quiz.pk)


def _question(slug: str) -> Question:
    return Question.objects.get(slug=slug)


@pytest.mark.parametrize("new", [False, True], ids=["existing", "just-written"])
def test_two_questions_added_at_once_take_the_next_two_places(new, at_once):
    quiz = _quiz("a", "b")
    make_question(slug="c")
    make_question(slug="d")

    def add(slug):
        return lambda: services.quiz_add_question(
            quiz=_fresh(quiz), question=_question(slug), new=new
        )

    at_once(add("c"), add("d"))
    assert _positions(quiz) == [("a", 1), ("b", 2), ("c", 3), ("d", 4)]


def test_the_same_question_added_twice_at_once_is_listed_once(at_once):
    quiz = _quiz("a")
    make_question(slug="b")

    def add():
        services.quiz_add_question(quiz=_fresh(quiz), question=_question("b"))

    at_once(add, add)
    assert _positions(quiz) == [("a", 1), ("b", 2)]


def test_two_moves_at_once_are_made_one_after_the_other(at_once):
    quiz = _quiz("a", "b", "c", "d")

    def up(slug):
        return lambda: services.quiz_move_question(
            quiz=_fresh(quiz), question=_question(slug), step=-1
        )

    at_once(up("b"), up("c"))  # b a c d, then b c a d
    assert _positions(quiz) == [("b", 1), ("c", 2), ("a", 3), ("d", 4)]


def test_two_removals_at_once_leave_the_rest_numbered_from_one(at_once):
    quiz = _quiz("a", "b", "c", "d")

    def remove(slug):
        return lambda: services.quiz_remove_question(quiz=_fresh(quiz), question=_question(slug))

    at_once(remove("a"), remove("b"))
    assert _positions(quiz) == [("c", 1), ("d", 2)]


def test_an_add_and_a_removal_at_once_leave_the_quiz_numbered_from_one(at_once):
    quiz = _quiz("a", "b", "c")
    make_question(slug="d")
    at_once(
        lambda: services.quiz_remove_question(quiz=_fresh(quiz), question=_question("a")),
        lambda: services.quiz_add_question(quiz=_fresh(quiz), question=_question("d")),
    )
    assert _positions(quiz) == [("b", 1), ("c", 2), ("d", 3)]


def test_the_same_question_removed_twice_at_once_is_removed_once(at_once):
    quiz = _quiz("a", "b", "c")

    def remove():
        services.quiz_remove_question(quiz=_fresh(quiz), question=_question("a"))

    at_once(remove, remove)
    assert _positions(quiz) == [("b", 1), ("c", 2)]


def test_an_add_and_an_import_into_the_quiz_at_once_take_the_next_places(at_once):
    from teach.transfer import importer

    owner = get_user_model().objects.create_user("ines", password="a-long-passphrase-7")
    quiz = _quiz("a", "b")
    make_question(slug="c")
    at_once(
        lambda: services.quiz_add_question(quiz=_fresh(quiz), question=_question("c")),
        lambda: importer.run(
            "::Imported:: Keys are yours to rotate. {T####You hold them.}",
            "gift",
            owner=owner,
            into=_fresh(quiz),
        ),
    )
    assert [order for _slug, order in _positions(quiz)] == [1, 2, 3, 4]


def test_a_move_and_the_quiz_deleted_at_once_end_with_the_quiz_deleted(at_once):
    quiz = _quiz("a", "b", "c")
    at_once(
        lambda: services.quiz_move_question(quiz=_fresh(quiz), question=_question("b"), step=-1),
        lambda: services.quiz_delete(quiz=_fresh(quiz)),
    )
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert Question.objects.filter(slug__in="abc").count() == 3


def test_a_quiz_deleted_twice_at_once_is_deleted_without_an_error(at_once):
    """The same form sent twice: the second finds nothing left to delete."""
    quiz = _quiz("a", "b")

    def delete():
        services.quiz_delete(quiz=_fresh(quiz))

    at_once(delete, delete)
    assert not Quiz.objects.filter(pk=quiz.pk).exists()


def test_an_add_to_a_quiz_deleted_meanwhile_adds_nothing_and_fails_nothing(at_once):
    quiz = _quiz("a")
    make_question(slug="b")
    at_once(
        lambda: services.quiz_delete(quiz=_fresh(quiz)),
        lambda: services.quiz_add_question(quiz=_fresh(quiz), question=_question("b")),
    )
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert Question.objects.filter(slug__in="ab").count() == 2


# --- a duplicate while the quiz changes ----------------------------------------------------
# The copy is made under the quiz's lock, from its settings and entries as they are then: an
# edit in progress is waited for (the copy holds its result), and an edit that starts during
# the copy waits for it (the copy holds the state before); never a part of each.

FOUR = ["a", "b", "c", "d"]


def _copy_of(quiz: Quiz) -> Quiz:
    return Quiz.objects.exclude(pk=quiz.pk).get()


def _duplicate(quiz: Quiz, owner):
    """The view's read of the quiz (`_fresh`), then the duplicate, as the request makes it."""
    return lambda: services.quiz_duplicate(quiz=_fresh(quiz), owner=owner)


def _owner():
    return get_user_model().objects.create_user("ines", password="a-long-passphrase-7")


EDITS = {
    "move": (
        lambda quiz: services.quiz_move_question(
            quiz=_fresh(quiz), question=_question("c"), step=-1
        ),
        ["a", "c", "b", "d"],
    ),
    "add": (
        lambda quiz: services.quiz_add_question(quiz=_fresh(quiz), question=_question("e")),
        [*FOUR, "e"],
    ),
}


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("copy_first", [False, True], ids=["edit-first", "copy-first"])
def test_a_copy_and_an_edit_of_the_entries_at_once_are_made_one_after_the_other(
    edit, copy_first, at_once
):
    """The edit first (it holds the quiz, half done): the copy waits for it and has its
    result. The copy first: the edit waits, and the copy has the entries before it."""
    quiz = _quiz(*FOUR)
    make_question(slug="e")
    change, after = EDITS[edit]
    duplicate, other = _duplicate(quiz, _owner()), lambda: change(quiz)
    if copy_first:
        at_once(duplicate, other)
    else:
        at_once(other, duplicate)
    copied = _positions(_copy_of(quiz))
    assert [order for _slug, order in copied] == list(range(1, len(copied) + 1))
    assert [slug for slug, _order in copied] == (FOUR if copy_first else after)
    assert [slug for slug, _order in _positions(quiz)] == after  # the edit was made too


def test_a_copy_asked_for_before_the_settings_and_entries_change_has_both_or_neither(at_once):
    """Another instructor saves the quiz's settings, then adds a question, between this
    request's read of the quiz and its copy: the copy has their settings with their question,
    not the settings read before with the question added after."""
    quiz = _quiz(*FOUR)
    make_question(slug="e")
    before = ((f"Copy of {quiz.title}", quiz.pass_mark), FOUR)

    def edit() -> None:
        changed = _fresh(quiz)
        changed.title, changed.pass_mark = "Renamed", 90
        changed.save()
        services.quiz_add_question(quiz=_fresh(quiz), question=_question("e"))

    # The copy pauses just after the view's read of the quiz, until the edits are saved. On a
    # machine loaded enough that an edit's statement outlasts HELD, the copy takes it for one
    # held by a lock and goes on first: then it has neither, which is right too; a mix never is.
    at_once(_duplicate(quiz, _owner()), edit, pause_after=_reads_quiz, until=None)
    copy = _copy_of(quiz)
    copied = _positions(copy)
    assert [order for _slug, order in copied] == list(range(1, len(copied) + 1))
    made = ((copy.title, copy.pass_mark), [slug for slug, _order in copied])
    assert made in ((("Copy of Renamed", 90), [*FOUR, "e"]), before), made


def test_a_copy_of_a_quiz_deleted_meanwhile_is_a_404_and_makes_nothing(
    at_once, teacher, instructor
):
    """The quiz is deleted between the view's read of it and the copy: the answer is the
    missing quiz's (404), and no copy of a quiz that is gone is left behind."""
    questions = [make_question(slug=slug) for slug in "ab"]
    quiz = make_quiz(*questions, owner=instructor, source=Source.AUTHORED, published=False)
    # A first request's set-up (the URLs, the middleware) is done here, not in the race: the
    # deletion goes on without the copy if the copy takes `PAUSE` to reach the quiz's lock.
    assert teacher.get(reverse("teach:quiz", args=[quiz.pk])).status_code == 200
    answers = []
    at_once(
        lambda: services.quiz_delete(quiz=_fresh(quiz)),
        lambda: answers.append(teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))),
    )
    assert [answer.status_code for answer in answers] == [404]
    assert not Quiz.objects.exists()
    assert Question.objects.filter(slug__in="ab").count() == 2


def test_an_admin_save_and_an_add_at_once_leave_the_quiz_numbered_from_one(at_once):
    """The admin's save of the quiz's rows (`set_entries`) holds the quiz as the instructor
    pages do: the add waits for it, and takes the place after the rows the admin kept. (On
    SQLite any two writes queue at their BEGIN: PostgreSQL is where a missing hold shows.)"""
    from quizzes.entries import set_entries

    quiz = _quiz("a", "b", "c")
    make_question(slug="d")
    shown = {e.pk: e.question for e in quiz.entries.select_related("question")}
    kept = [(pk, q) for pk, q in shown.items() if q.slug != "a"]
    at_once(
        lambda: set_entries(_fresh(quiz), kept, shown=set(shown)),
        lambda: services.quiz_add_question(quiz=_fresh(quiz), question=_question("d")),
    )
    assert _positions(quiz) == [("b", 1), ("c", 2), ("d", 3)]
