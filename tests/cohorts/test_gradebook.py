"""The gradebook and both CSVs against a small class whose numbers are worked out by hand,
the drill-down into one attempt, and a fixed number of queries however large the class."""

from __future__ import annotations

import csv
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from cohorts import exports, gradebook, services
from cohorts.models import Assignment, Cohort, Membership
from lessons import progress
from lessons.models import Profile
from quizzes import attempts
from quizzes.models import Answer, Attempt, Question, Quiz
from tests.cohorts.conftest import (
    assign_timed_quiz,
    at,
    client_for,
    make_cohort,
    make_learner,
    make_owned_quiz,
)
from tests.conftest import make_lesson, page_queries
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response
from tests.teach.conftest import _instructor

pytestmark = pytest.mark.django_db


def _attempt(quiz, user, start, answers, *, submit=None, saved=None):
    """`answers`: "r" (right) or "w" (wrong) per question in order; saved at `saved`."""
    attempt = attempts.attempt_start(quiz=quiz, user=user, now=start)
    for question, mark in zip(quiz.questions.order_by("entries__order"), answers, strict=False):
        response = right_response(question) if mark == "r" else wrong_response(question)
        attempts.answer_save(
            attempt=attempt, question=question, response=response, now=saved or start
        )
    if submit:
        attempt, _ = attempts.attempt_submit(attempt=attempt, now=submit)
    return attempt


def _build_class(cohort, quiz, owner, learner, other_learner):
    """ada, bob, cy, dee and eve in the cohort (grace outside), one assignment due on day 3,
    two lessons to read, bob's due date extended to day 5.

    | learner | attempts (counted)                          | best | latest | time  | status      |
    | ada     | day 1: 1 of 2 (10 min); day 2: 2 of 2 (5 min) | 100  | 100    | 900 s | submitted   |
    | bob     | day 4: 1 of 2 (20 min), extension to day 5    | 50   | 50     | 1200 s| submitted   |
    | cy      | day 3 + 1 h: 0 of 2 (30 min)                  | 0    | 0      | 1800 s| late        |
    | dee     | day 1: one answer saved 7 min in, no submit   | -    | -      | 420 s | in progress |
    | eve     | none                                         | -    | -      | 0     | not started |

    Not counted: ada's practice before the assignment (and before she joined), grace's attempt
    (not a member).
    """
    _attempt(quiz, learner, at(minutes=30), "rr", submit=at(minutes=40))  # before joining
    people = {"ada": learner}
    for name in ("bob", "cy", "dee", "eve"):
        people[name] = make_learner(name)
        services.cohort_join(cohort=cohort, user=people[name], now=at(hours=1))
    lessons = [make_lesson(title="Root user"), make_lesson(title="MFA")]
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, lessons=lessons, due_at=at(days=3), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=people["bob"].pk, due_at=at(days=5))
    progress.mark_complete(user=learner, lesson=lessons[0])
    progress.mark_complete(user=people["cy"], lesson=lessons[0])
    progress.mark_complete(user=people["cy"], lesson=lessons[1])
    first = _attempt(quiz, learner, at(days=1), "rw", submit=at(days=1, minutes=10))
    second = _attempt(quiz, learner, at(days=2), "rr", submit=at(days=2, minutes=5))
    _attempt(quiz, people["bob"], at(days=4), "rw", submit=at(days=4, minutes=20))
    _attempt(quiz, people["cy"], at(days=3, hours=1), "ww", submit=at(days=3, hours=1, minutes=30))
    _attempt(quiz, people["dee"], at(days=1), "r", saved=at(days=1, minutes=7))
    _attempt(quiz, other_learner, at(days=1), "rr", submit=at(days=1, minutes=1))
    return {"people": people, "assignment": assignment, "ada": (first, second)}


@pytest.fixture(scope="module")
def _scenery(django_db_setup, django_db_blocker):
    """The cohort's people, its quiz and the hand-worked class (`_build_class`), built once for
    this module in a transaction rolled back when the module ends (as `shipped_course`). Each
    test runs in a savepoint inside it (pytest-django's `db`), so what one test changes (a
    retake, a removed learner, a renamed quiz) the next never sees; the fixtures below hand
    each test its own instances, read afresh, so no test sees another's objects either.
    Returns the primary keys."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        owner, co_instructor, other_instructor = (
            _instructor(name) for name in ("ines", "colm", "otto")
        )  # as the fixtures of the same name (tests/cohorts/conftest.py, tests/conftest.py)
        users = get_user_model().objects
        learner = users.create_user("ada", password="a-long-passphrase-1")
        other_learner = users.create_user("grace", password="a-long-passphrase-2")
        quiz = make_owned_quiz(owner)
        cohort = make_cohort(owner, co_instructor, learner)
        built = _build_class(cohort, quiz, owner, learner, other_learner)
        yield {
            "owner": owner.pk,
            "co_instructor": co_instructor.pk,
            "other_instructor": other_instructor.pk,
            "learner": learner.pk,
            "other_learner": other_learner.pk,
            "quiz": quiz.pk,
            "cohort": cohort.pk,
            "people": {name: user.pk for name, user in built["people"].items()},
            "assignment": built["assignment"].pk,
            "ada": [attempt.pk for attempt in built["ada"]],
        }
        transaction.set_rollback(True)


def _user(pk):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=pk)


@pytest.fixture
def owner(_scenery, db):
    return _user(_scenery["owner"])


@pytest.fixture
def co_instructor(_scenery, db):
    return _user(_scenery["co_instructor"])


@pytest.fixture
def other_instructor(_scenery, db):
    return _user(_scenery["other_instructor"])


@pytest.fixture
def learner(_scenery, db):
    return _user(_scenery["learner"])


@pytest.fixture
def other_learner(_scenery, db):
    return _user(_scenery["other_learner"])


@pytest.fixture
def quiz(_scenery, db):
    return Quiz.objects.get(pk=_scenery["quiz"])


@pytest.fixture
def cohort(_scenery, db):
    return Cohort.objects.get(pk=_scenery["cohort"])


@pytest.fixture
def klass(_scenery, db):
    """The hand-worked class (`_build_class`): the people by name, the assignment, ada's two
    counted attempts."""
    return {
        "people": {name: _user(pk) for name, pk in _scenery["people"].items()},
        "assignment": Assignment.objects.get(pk=_scenery["assignment"]),
        "ada": tuple(Attempt.objects.get(pk=pk) for pk in _scenery["ada"]),
    }


def _rows(cohort):
    members = list(Membership.objects.filter(cohort=cohort).select_related("user"))
    rows = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=gradebook.assignments_of(cohort),
        memberships=members,
        read=gradebook.ATTEMPTS_SHOWN,  # every attempt of this small class, with the figures
    )
    return {row.user.username: row for row in rows}


def test_the_gradebook_numbers_match_the_hand_worked_class(cohort, klass):
    rows = _rows(cohort)
    assert sorted(rows) == ["ada", "bob", "cy", "dee", "eve"]
    got = {
        name: (
            row.cells[0].status,
            row.cells[0].best,
            row.cells[0].latest,
            len(row.cells[0].attempts),
            row.cells[0].seconds,
            row.lessons_done,
        )
        for name, row in rows.items()
    }
    assert got == {
        "ada": ("submitted", 1.0, 1.0, 2, 900, 1),
        "bob": ("submitted", 0.5, 0.5, 1, 1200, 0),
        "cy": ("late", 0.0, 0.0, 1, 1800, 2),
        "dee": ("in progress", None, None, 1, 420, 0),
        "eve": ("not started", None, None, 0, 0, 0),
    }
    assert rows["bob"].cells[0].extended and rows["bob"].cells[0].due == at(days=5)
    assert rows["ada"].lessons_total == 2


def test_each_assignments_whole_class_figures_are_its_cells_summed(cohort, owner, quiz, klass):
    """Under each quiz the gradebook says how many of the class handed it in and the mean of
    their best scores: ada 100 (of two attempts, each learner counted once), bob 50, cy 0
    (late, still handed in); dee in progress and eve not started are not; ada's practice
    before joining and grace (not a member) are not counted. They are the cells' own figures
    summed, so the column and its rows agree, and a learner who leaves is no longer in them."""
    assignment = klass["assignment"]
    figures = gradebook.class_figures(cohort, [assignment], 5)[assignment.pk]
    cells = [row.cells[0] for row in _rows(cohort).values()]
    handed = [cell.best for cell in cells if cell.submitted]
    assert (figures.handed_in, figures.learners) == (len(handed), 5) == (3, 5)
    assert figures.mean_best == pytest.approx(sum(handed) / len(handed)) == pytest.approx(0.5)
    page = client_for(owner).get(cohort.get_absolute_url()).content.decode()
    assert (
        '<span class="meta gradebook-class">3 of 5 handed in&nbsp;·&nbsp;mean best 50%</span>'
        in page
    )
    assert "3 of 5 learners handed in, mean best 50%" in page  # the list of assignments
    services.member_remove(cohort=cohort, user_id=klass["people"]["bob"].pk, by=owner)
    figures = gradebook.class_figures(cohort, [assignment], 4)[assignment.pk]
    assert (figures.handed_in, figures.mean_best) == (2, pytest.approx(0.5))
    nothing = services.assignment_create(cohort=cohort, quiz=make_owned_quiz(owner), by=owner)
    assert gradebook.class_figures(cohort, [nothing], 4)[nothing.pk] == gradebook.ClassFigures(
        4, 0, None
    )


def test_the_cohorts_statistics_say_of_how_many_learners_and_what_the_mean_is_over(
    cohort, owner, quiz, klass
):
    """ada's two attempts (50, 100), bob's 50 and cy's 0: four attempts by three of the five,
    mean 50% over the attempts (each retake counted), not the gradebook's mean best (also 50%
    here by chance, so the words, not the numbers, tell them apart)."""
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    page = client_for(owner).get(url).content.decode()
    assert "<dt>Learners</dt><dd>3 of the 5 in the cohort</dd>" in page
    assert '<dt>Mean score</dt><dd>50% <span class="meta">over the 4 attempts: each retake' in page
    assert "the gradebook's “mean best” takes each learner's best" in page
    first = client_for(owner).get(url, {"attempts": "first"}).content.decode()
    assert "over the" not in first  # one attempt per learner: nothing to explain


def test_a_class_past_the_prepared_reads_limit_is_read_through_the_orm_alike(
    cohort, klass, monkeypatch
):
    """The page's counted attempts are read with SQL compiled once per number of learners, up
    to MAX_INTS - 1 of them (a CSV of a larger cohort is read through the ORM): both give the
    same cells."""

    def cells():
        return {
            name: [(c.status, c.best, c.latest, c.attempts, c.seconds) for c in row.cells]
            for name, row in _rows(cohort).items()
        }

    prepared = cells()
    monkeypatch.setattr(gradebook, "MAX_INTS", 3)  # the class's five learners are past it
    assert cells() == prepared
    assert sum(len(cell[3]) for row in prepared.values() for cell in row) == 5


def test_the_latest_score_is_the_last_submitted_not_the_best(cohort, quiz, klass):
    ada = klass["people"]["ada"]
    _attempt(quiz, ada, at(days=5), "ww", submit=at(days=5, minutes=1))
    cell = _rows(cohort)["ada"].cells[0]
    assert (cell.best, cell.latest, len(cell.attempts)) == (1.0, 0.0, 3)
    assert cell.status == "submitted"  # on time once is enough; the retake is late


def test_a_best_or_latest_score_handed_in_late_says_so(cohort, quiz, owner, klass):
    """bob handed in 50% on time (his extension, day 5), then 100% on day 6: still "Submitted"
    (on time once), but the 100% both scores show was late, which the cell, the learner's page
    and the CSV say; ada's, all on time, say nothing of it."""
    bob = klass["people"]["bob"]
    _attempt(quiz, bob, at(days=6), "rr", submit=at(days=6, minutes=5))
    rows = _rows(cohort)
    cell = rows["bob"].cells[0]
    assert (cell.status, cell.best, cell.best_late, cell.latest_late) == (
        "submitted", 1.0, True, True,
    )  # fmt: skip
    assert not (rows["ada"].cells[0].best_late or rows["ada"].cells[0].latest_late)
    client = client_for(owner)
    page = client.get(reverse("teach_cohorts:gradebook", args=[cohort.pk])).content.decode()
    bob_row = re.search(r'<tr>\s*<th scope="row"><a[^>]*>bob</a>.*?</tr>', page, re.S)[0]
    assert "Best 100% (late)&nbsp;·&nbsp;latest 100% (late)" in re.sub(r"\s+", " ", bob_row)
    ada_row = re.search(r'<tr>\s*<th scope="row"><a[^>]*>ada</a>.*?</tr>', page, re.S)[0]
    assert "(late)" not in ada_row
    learner_page = client.get(
        reverse("teach_cohorts:learner", args=[cohort.pk, bob.pk])
    ).content.decode()
    assert "Best 100% (late), latest 100% (late)." in re.sub(r"\s+", " ", learner_page)
    header, *csv_rows = _csv(client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in csv_rows}
    assert (by_name["bob"]["best late"], by_name["bob"]["latest late"]) == ("yes", "yes")
    assert (by_name["ada"]["best late"], by_name["ada"]["latest late"]) == ("no", "no")
    assert (by_name["eve"]["best late"], by_name["eve"]["latest late"]) == ("", "")


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_gradebook_csv(cohort, owner, klass):
    response = client_for(owner).get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == exports.GRADEBOOK_HEADER
    by_name = {row[0]: row for row in rows}
    due, extended = "2026-03-05T09:00:00+00:00", "2026-03-07T09:00:00+00:00"
    assert by_name["ada"] == [
        "ada", "Root user basics", "", due, "no", "", "submitted", "no", "100.0", "100.0", "2",
        "900", "1", "2", "no", "no", "",
    ]  # fmt: skip
    assert by_name["bob"][3:11] == [extended, "yes", "", "submitted", "no", "50.0", "50.0", "1"]
    assert by_name["cy"][6:12] == ["late", "no", "0.0", "0.0", "1", "1800"]
    # Due on day 3 and nothing handed in: overdue, as the page's badge says.
    assert by_name["dee"][6:12] == ["in progress", "yes", "", "", "1", "420"]
    assert by_name["eve"][6:12] == ["not started", "yes", "", "", "0", "0"]
    assert len(rows) == 5


def test_the_csvs_name_a_learner_as_the_instructors_pages_do_and_no_more(cohort, owner, klass):
    """Instructors asked for learners' real names beside the usernames, to match their own
    registers. An account's first and last names are set in the admin only and its address is
    for its owner's resets and notices (docs/accounts.md): neither is shown to an instructor.
    What is shown is the name the learner chose to show their instructors, if any
    (`lessons.shown_names`): beside the username on the gradebook, the people page and the
    learner's page, and in a column added after the others (the last of the gradebook's, the
    answers' before its later "position"; docs/teaching.md, "CSV"), so the columns before it
    keep their places. A learner who chose none is their username alone."""
    ada, bob = klass["people"]["ada"], klass["people"]["bob"]
    for user in (ada, bob):
        user.first_name, user.last_name = f"First{user.username}", f"Last{user.username}"
        user.email = f"{user.username}@mail.example.org"
        user.save()
    Profile.objects.create(user=ada, shown_name="Augusta Ada King")
    client = client_for(owner)

    def seen(user) -> list[str]:
        pages = [
            client.get(reverse("teach_cohorts:gradebook", args=[cohort.pk])),
            client.get(reverse("teach_cohorts:people", args=[cohort.pk])),
            client.get(reverse("teach_cohorts:learner", args=[cohort.pk, user.pk])),
        ]
        return [page.content.decode() for page in pages]

    ada_pages, bob_pages = seen(ada), seen(bob)
    files = {
        what: _csv(client.get(reverse(f"teach_cohorts:{what}-csv", args=[cohort.pk])))
        for what in ("gradebook", "answers")
    }
    texts = [*ada_pages, *bob_pages] + [str(rows) for rows in files.values()]
    for text in texts:
        for user in (ada, bob):
            assert user.first_name not in text and user.last_name not in text
            assert "mail.example.org" not in text
    for page in ada_pages:
        assert "Augusta Ada King" in page
    assert "Augusta Ada King" not in bob_pages[2]  # bob's own page names bob only
    assert '<h1 class="learner-heading">bob in Spring class</h1>' in bob_pages[2]
    for header, *rows in files.values():
        assert header[0] == "learner"
        named = header.index("name shown")  # where is `test_a_chosen_name_is_appended_…`'s
        names = {row[0]: row[named] for row in rows}
        assert names["ada"] == "Augusta Ada King" and names["bob"] == ""
        assert {len(row) for row in rows} == {len(header)}
    assert exports.GRADEBOOK_HEADER[0] == exports.ANSWERS_HEADER[0] == "learner"


def test_a_chosen_name_is_beside_the_username_where_an_instructor_acts_on_one_learner(
    cohort, owner, klass
):
    """Giving an extension and removing a learner name one learner too: the instructor who
    knows them by their chosen name finds it there as on the gradebook, the extension form's
    suggestions included."""
    ada, bob = klass["people"]["ada"], klass["people"]["bob"]
    Profile.objects.create(user=ada, shown_name="Augusta Ada King")
    Profile.objects.create(user=bob, shown_name="Robert Tables")
    client = client_for(owner)
    page = client.get(
        reverse("teach_cohorts:assignment", args=[cohort.pk, klass["assignment"].pk])
    ).content.decode()
    section = page[page.index('id="extensions-title"') :]
    extensions = section[: section.index("</ul>")]  # the list; the form's suggestions after it
    assert "bob" in extensions and "Robert Tables" in extensions  # bob holds an extension
    assert "Augusta Ada King" not in extensions  # ada holds none
    assert '<option value="ada">ada (Augusta Ada King)</option>' in section  # to give her one
    remove = client.get(
        reverse("teach_cohorts:member-remove", args=[cohort.pk, ada.pk])
    ).content.decode()
    heading = remove[remove.index("<h1>") : remove.index("</h1>")]
    assert "ada" in heading and "Augusta Ada King" in heading


def test_a_chosen_name_is_appended_so_the_columns_before_it_keep_their_places(cohort, owner, klass):
    """A spreadsheet an instructor built on the files reads their columns by position: the
    new column is the last, every other one where it was."""
    assert exports.GRADEBOOK_HEADER[:-1] == [
        "learner", "quiz", "opens", "due", "extended", "closed", "status", "overdue", "best %",
        "latest %", "attempts", "time spent (s)", "lessons completed", "lessons assigned",
        "best late", "latest late",
    ]  # fmt: skip
    assert exports.ANSWERS_HEADER[:-2] == [
        "learner", "quiz", "attempt", "question", "kind", "response", "score", "answered at",
        "attempt no.", "submitted at", "late",
    ]  # fmt: skip
    # The question's position in its attempt came later, after the name.
    assert exports.GRADEBOOK_HEADER[-1] == exports.ANSWERS_HEADER[-2] == "name shown"
    assert exports.ANSWERS_HEADER[-1] == "position"


def test_a_chosen_name_that_a_spreadsheet_would_run_is_defused(cohort, owner, klass):
    """The name is the learner's own text, so a learner could type a formula into every
    instructor's spreadsheet: it goes through the same neutraliser as every cell."""
    Profile.objects.create(user=klass["people"]["ada"], shown_name='=HYPERLINK("http://x")')
    client = client_for(owner)
    for what in ("gradebook", "answers"):
        header, *rows = _csv(client.get(reverse(f"teach_cohorts:{what}-csv", args=[cohort.pk])))
        named = header.index("name shown")
        assert {row[named] for row in rows if row[0] == "ada"} == {'\'=HYPERLINK("http://x")'}


def test_the_csv_files_are_named_by_the_cohort_and_the_day(cohort, owner, klass):
    """Several classes' downloads were all `cohort-<number>-gradebook.csv`: the name and the
    day (the instructor's) tell them apart; a name with no letters a file name keeps falls
    back to the number."""
    client = client_for(owner)
    with time_machine.travel(at(days=3, hours=8), tick=False):  # 5 Mar, 17:00 UTC
        names = [
            client.get(reverse(f"teach_cohorts:{what}-csv", args=[cohort.pk]))[
                "Content-Disposition"
            ]
            for what in ("gradebook", "answers")
        ]
        client.cookies["tz"] = "Asia/Tokyo"  # 6 Mar already there
        tokyo = client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]))
    assert names == [
        'attachment; filename="spring-class-gradebook-2026-03-05.csv"',
        'attachment; filename="spring-class-answers-2026-03-05.csv"',
    ]
    assert tokyo["Content-Disposition"].endswith('"spring-class-gradebook-2026-03-06.csv"')
    assert exports.file_name(Cohort(pk=7, name="春のクラス"), "answers", at().date()) == (
        "cohort-7-answers-2026-03-02.csv"
    )


def test_the_csv_files_are_kept_by_no_cache(cohort, owner, klass):
    """A class's names and answers, as a learner's own "Your data" file: `no-store`, so a
    shared computer's browser or a proxy between keeps no copy of them (they were sent with
    no cache header at all)."""
    client = client_for(owner)
    for what in ("gradebook", "answers"):
        response = client.get(reverse(f"teach_cohorts:{what}-csv", args=[cohort.pk]))
        assert response["Content-Type"].startswith("text/csv")
        assert response["Cache-Control"] == "no-store"


def test_the_gradebook_and_a_learners_page_are_kept_by_no_cache(cohort, owner, klass):
    """The same names, scores and answers as the CSV files, drawn as pages: `no-store` too
    (they were sent with no cache header at all, so Back after signing out on a shared
    computer showed a class's results to the next person)."""
    client = client_for(owner)
    ada = klass["people"]["ada"]
    for url in (
        reverse("teach_cohorts:gradebook", args=[cohort.pk]),
        reverse("teach_cohorts:learner", args=[cohort.pk, ada.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and "ada" in response.content.decode(), url
        assert "no-store" in response.get("Cache-Control", ""), (url, response.get("Cache-Control"))


def test_the_gradebook_csv_says_what_the_page_says_in_the_instructors_zone(cohort, owner, klass):
    """An instructor in Tokyo reads "due 5 Mar, 18:00 (Asia/Tokyo)" and eve "Overdue" on the
    page: the file said 09:00 UTC (written after the request's zone was put away) and
    "not started" only, so missing work could not be told from work not due yet."""
    client = client_for(owner)
    client.cookies["tz"] = "Asia/Tokyo"
    page = client.get(reverse("teach_cohorts:gradebook", args=[cohort.pk])).content.decode()
    assert "due 5 Mar 2026, 18:00 (Asia/Tokyo)" in page
    assert 'badge-wrong">Overdue' in page.split(">eve<", 1)[1].split("</tr>", 1)[0]
    header, *rows = _csv(client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))
    eve = dict(zip(header, next(r for r in rows if r[0] == "eve"), strict=True))
    assert (eve["due"], eve["status"], eve["overdue"]) == (
        "2026-03-05T18:00:00+09:00",
        "not started",
        "yes",
    )
    answers = _csv(client.get(reverse("teach_cohorts:answers-csv", args=[cohort.pk])))[1:]
    assert {row[7][-6:] for row in answers} == {"+09:00"}
    with time_machine.travel(at(days=2), tick=False):  # before the due date: nothing overdue
        rows = _csv(client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))[1:]
    assert {row[7] for row in rows} == {"no"}


def test_the_answers_csv_has_one_row_per_counted_answer(cohort, owner, quiz, klass):
    with CaptureQueriesContext(connection) as queries:
        response = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
        header, *rows = _csv(response)
    # The file's values, not each answer's question, learner and quiz read whole. (On
    # PostgreSQL the iterator's query is wrapped in a server-side cursor's DECLARE.)
    read = [q["sql"] for q in queries if 'SELECT "auth_user"."username"' in q["sql"]]
    assert len(read) == 1 and 'FROM "quizzes_answer"' in read[0]
    assert '"quizzes_question"."data"' not in read[0] and '"password"' not in read[0]
    assert header == exports.ANSWERS_HEADER
    # ada 2 attempts x 2, bob 2, cy 2, dee 1; not her practice, not grace's
    assert sorted((r[0], r[2]) for r in rows).count(("ada", str(klass["ada"][0].pk))) == 2
    assert [r[0] for r in rows].count("ada") == 4
    assert {name: [r[0] for r in rows].count(name) for name in ("bob", "cy", "dee")} == {
        "bob": 2, "cy": 2, "dee": 1,
    }  # fmt: skip
    assert len(rows) == 9
    first_question = quiz.questions.order_by("entries__order").first()
    bob_first = next(r for r in rows if r[0] == "bob" and r[3] == first_question.prompt)
    assert bob_first == [
        "bob",
        "Root user basics",
        bob_first[2],
        first_question.prompt,
        "Single choice",
        "Turn on MFA",
        "1.0",
        "2026-03-06T09:00:00+00:00",
        "1",
        "2026-03-06T09:20:00+00:00",
        "no",
        "",
        "1",
    ]
    dee = next(r for r in rows if r[0] == "dee")
    assert (dee[5], dee[6]) == ("Turn on MFA", "")  # saved, not graded yet
    # in progress: not handed in, neither late nor on time; her one answer is to question 1
    assert dee[8:] == ["1", "", "", "", "1"]


def test_the_answers_csv_lists_an_attempts_answers_in_the_order_it_asked_them(
    cohort, owner, quiz, klass
):
    """An attempt that showed the questions in another order (a shuffled quiz): its rows were
    by question id, with no column saying which was asked first. Each row gives the question's
    position in its attempt, and an attempt's rows follow it; the next attempt follows whole."""
    first, second = klass["ada"]
    asked = list(reversed(first.question_ids))
    Attempt.objects.filter(pk=first.pk).update(question_ids=asked)
    prompts = dict(Question.objects.filter(pk__in=asked).values_list("pk", "prompt"))
    header, *rows = _csv(
        client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
    )
    at_ = header.index("position")
    adas = [(r[2], r[3], r[at_]) for r in rows if r[0] == "ada"]
    assert adas == [
        (str(first.pk), prompts[asked[0]], "1"),
        (str(first.pk), prompts[asked[1]], "2"),
        (str(second.pk), prompts[second.question_ids[0]], "1"),
        (str(second.pk), prompts[second.question_ids[1]], "2"),
    ]


def test_the_answers_csv_gives_a_part_mark_in_four_decimals(cohort, owner, quiz, klass):
    """A third of the marks reads 0.3333 in a spreadsheet's cell, not 0.3333333333333333."""
    Answer.objects.filter(attempt=klass["ada"][0]).update(score=1 / 3)
    response = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
    marks = {row[6] for row in _csv(response)[1:] if row[2] == str(klass["ada"][0].pk)}
    assert marks == {"0.3333"}


def test_the_answers_csv_gives_each_question_as_the_words_a_learner_read(cohort, owner, quiz):
    """Its prompt's Markdown rendered to text: no `**` around "guest OS", no backticks."""
    question = quiz.questions.order_by("entries__order").first()
    question.prompt = "Who patches the **guest OS** of an `EC2` instance?\n\n- *you*"
    question.save(update_fields=["prompt"])
    response = client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
    cells = {row[3] for row in _csv(response)[1:]}
    assert "Who patches the guest OS of an EC2 instance? you" in cells
    assert not any("*" in cell or "`" in cell for cell in cells)


def test_the_answers_csv_numbers_each_attempt_as_the_learners_page_and_says_if_late(
    cohort, owner, klass
):
    """The file's attempt was the database's number (ada's "3" and "4"), which no page shows:
    beside it, the learner's page's "Attempt 1, 2" for that quiz, when it was handed in and
    whether that was late (cy's, after the due date)."""
    header, *rows = _csv(
        client_for(owner).get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
    )
    assert header[8:11] == ["attempt no.", "submitted at", "late"]
    by_attempt = {(r[0], r[2]): r[8:] for r in rows}
    first, second = klass["ada"]
    assert by_attempt["ada", str(first.pk)][0] == "1"
    assert by_attempt["ada", str(second.pk)][0] == "2"
    [cy] = [facts for (name, _id), facts in by_attempt.items() if name == "cy"]
    assert cy[0] == "1" and cy[2] == "yes"
    assert {facts[2] for (name, _id), facts in by_attempt.items() if name == "ada"} == {"no"}


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(cohort, owner, quiz, klass):
    quiz.title = '=HYPERLINK("http://evil")'
    quiz.save()
    for name in ("+sum", "-minus", "@at"):
        services.cohort_join(cohort=cohort, user=make_learner(name), now=at(hours=1))
    client = client_for(owner)
    rows = _csv(client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))[1:]
    assert {r[1] for r in rows} == {'\'=HYPERLINK("http://evil")'}
    assert {"'+sum", "'-minus", "'@at"} <= {r[0] for r in rows}
    answers = _csv(client.get(reverse("teach_cohorts:answers-csv", args=[cohort.pk])))[1:]
    assert {r[1] for r in answers} == {'\'=HYPERLINK("http://evil")'}
    assert exports.safe_cell(-1.5) == -1.5  # numbers stay numbers


def test_a_csv_cell_is_defused_or_kept_whatever_its_exact_type():
    """Text and numbers are told by their exact type first (the fast path): a subclass of
    text (a template's safe string) is defused all the same, and a yes/no stays words."""
    assert exports.safe_cell(mark_safe("=1+1")) == "'=1+1"
    assert exports.safe_cell("-3") == "'-3" and exports.safe_cell("a-3") == "a-3"
    assert (exports.safe_cell(True), exports.safe_cell(False), exports.safe_cell(None)) == (
        "yes", "no", "",
    )  # fmt: skip
    assert exports.safe_cell(7) == 7 and exports.safe_cell(0.5) == 0.5


def test_a_formula_after_white_space_or_a_nul_is_defused_too():
    """A learner types their policy or event pattern: spaces or blank lines before a formula
    (which a spreadsheet trimming spaces on import would run), or a NUL first (ASVS 1.2.10),
    are defused too; text that only starts with a space is kept as it is."""
    for text in ('  =HYPERLINK("http://x")', "\n\n=1+1", "\u00a0@SUM(A1)", "\0=1+1"):
        assert exports.safe_cell(text) == "'" + text
        assert exports.safe_cell(mark_safe(text)) == "'" + text  # noqa: S308 (a test value)
    assert exports.safe_cell("  a policy") == "  a policy"
    assert exports.safe_cell("\nAllow") == "\nAllow"


def test_a_long_csv_is_sent_a_few_hundred_rows_a_piece_each_row_whole():
    """Each row its own piece cost a 50,000-answer file a fifth of its time in the response's
    handling of pieces; grouped, the text is the same."""
    rows = [
        [f"learner-{n}", n, "=x" if n == 3 else "y,z"]
        for n in range(2 * exports.ROWS_PER_PIECE + 10)
    ]
    pieces = list(exports.csv_lines(rows))
    assert pieces[0] == exports.BOM
    assert [p.count("\r\n") for p in pieces[1:]] == [exports.ROWS_PER_PIECE] * 2 + [10]
    read = list(csv.reader(io.StringIO("".join(pieces[1:]))))
    assert read[3] == ["learner-3", "3", "'=x"] and read[4] == ["learner-4", "4", "y,z"]
    assert len(read) == len(rows)


def test_every_kind_reads_as_text_in_the_answers_csv():
    ordering = make_question("ordering")
    items = ordering.data["items"]
    response = {"order": [i["id"] for i in items], "texts": [i["text"] for i in items]}
    assert exports.response_text(ordering, response) == "1. First\n2. Second\n3. Third\n4. Fourth"
    policy = make_question("least_privilege")
    assert exports.response_text(policy, {"policy": '{"Version": "x"}'}) == '{"Version": "x"}'
    assert exports.response_text(make_question("true_false"), {"answer": False}) == "False"


# --- the pages ----------------------------------------------------------------------------


def test_the_gradebook_page_shows_each_learner(cohort, co_instructor, klass):
    page = client_for(co_instructor).get(cohort.get_absolute_url()).content.decode()
    for text in (
        "ada",
        "eve",
        "Best 100%&nbsp;·&nbsp;latest 100%",
        "In progress",
        "Late",
        "1 of 2",
    ):
        assert text in page
    assert "grace" not in page


def _cell_text(page: str, username: str, quiz_title: str) -> str:
    """The words of `username`'s cell for the quiz titled `quiz_title`, tags dropped."""
    row = re.search(rf">{username}</a>.*?</tr>", page, re.S)
    assert row, username
    cell = re.search(
        rf'<td class="gradebook-cell" data-label="{re.escape(quiz_title)}[^"]*">(.*?)</td>',
        row.group(0),
        re.S,
    )
    assert cell, (username, quiz_title)
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())


def test_an_attempt_in_progress_beside_one_handed_in_is_said_in_the_cell(
    cohort, owner, quiz, klass, django_assert_max_num_queries
):
    """bob handed in an attempt and is working on a second: his cell said "Submitted" and
    "2 attempts", nothing of the one still open. It says so in words, read from the figures
    the page has (no query more); dee's only attempt is the status's "In progress" alone."""
    client = client_for(owner)
    url = cohort.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _attempt(quiz, klass["people"]["bob"], at(days=4, hours=1), "r")
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url).content.decode()
    assert "Submitted" in _cell_text(page, "bob", quiz.title)
    assert "2 attempts (1 still in progress)&nbsp;·" in _cell_text(page, "bob", quiz.title)
    assert "still in progress" not in _cell_text(page, "ada", quiz.title)
    dee = _cell_text(page, "dee", quiz.title)
    assert dee.startswith("In progress") and "still in progress" not in dee


def test_lessons_marked_complete_are_called_completed_wherever_they_are_counted(
    cohort, owner, learner, klass
):
    """What is counted is a lesson the learner marked complete (nothing watches the reading),
    so the instructor's pages, the CSV and the learner's home say "completed", as the lesson's
    button and the course's progress do; "read" on one page and "done" on another left an
    instructor wondering whether they were two counts."""
    teacher = client_for(owner)
    gradebook_page = teacher.get(cohort.get_absolute_url()).content.decode()
    assert '<th scope="col">Lessons completed</th>' in gradebook_page
    learner_url = reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk])
    learner_page = teacher.get(learner_url).content.decode()
    assert "1 of 2 assigned lessons completed" in learner_page
    assert "Lessons to read: 1 of 2 completed." in learner_page
    assert "lessons completed" in exports.GRADEBOOK_HEADER
    home = client_for(learner).get("/").content.decode()
    assert '<span class="badge badge-right">Completed</span>' in home
    for page in (gradebook_page, learner_page, home):
        assert "lessons read" not in page.lower() and ">Read<" not in page


def test_the_instructor_drills_down_to_an_attempt_as_the_learner_saw_it(cohort, owner, klass):
    first, _ = klass["ada"]
    client = client_for(owner)
    learner_page = client.get(reverse("teach_cohorts:learner", args=[cohort.pk, first.user_id]))
    result_url = reverse("quizzes:result", args=[first.pk])
    assert result_url in learner_page.content.decode()
    page = client.get(result_url).content.decode()
    assert "ada's attempt" in page and "50%" in page
    assert "Their answer" in page and "The right answer" in page and "Turn on MFA" in page
    assert "Try again" not in page
    assert reverse("teach_cohorts:learner", args=[cohort.pk, first.user_id]) in page


def test_a_learners_attempt_read_by_an_instructor_names_them_as_the_gradebook_does(
    cohort, owner, klass
):
    """The heading of a learner's attempt has their chosen name beside the username (read with
    the attempt: the page costs the same with one); one who chose none is their username
    alone; an account's first and last names and e-mail address are never shown."""
    first, _ = klass["ada"]
    ada, dee = first.user, klass["people"]["dee"]
    for user in (ada, dee):
        user.first_name, user.last_name = f"First{user.username}", f"Last{user.username}"
        user.email = f"{user.username}@mail.example.org"
        user.save()
    client = client_for(owner)
    url = reverse("quizzes:result", args=[first.pk])
    before, _ = page_queries(client, url, warm=True)
    Profile.objects.create(user=ada, shown_name="Augusta Ada King")
    after, page = page_queries(client, url)
    assert after == before
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert heading == (
        '<h1>ada <span class="shown-name">(<bdi>Augusta Ada King</bdi>)</span>\'s attempt: '
        + first.quiz.title
    )
    dees = client.get(reverse("quizzes:result", args=[dee.quiz_attempts.get().pk]))
    dees_page = dees.content.decode()
    assert "<h1>dee's attempt: " in dees_page
    assert 'class="shown-name"' not in dees_page
    for text, user in ((page, ada), (dees_page, dee)):
        assert user.first_name not in text and user.last_name not in text
        assert "mail.example.org" not in text
    own = client_for(ada).get(url).content.decode()  # her own page is hers, unnamed
    assert "Augusta Ada King" not in own


def test_an_in_progress_attempt_is_shown_ungraded(cohort, owner, klass):
    dee = klass["people"]["dee"]
    attempt = dee.quiz_attempts.get()
    page = client_for(owner).get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "In progress" in page and "Not graded yet" in page
    assert "The right answer" not in page


def test_instructors_only_read_attempts_and_only_those_they_teach(
    cohort, owner, other_instructor, klass, quiz, other_learner
):
    first, _ = klass["ada"]
    dee_attempt = klass["people"]["dee"].quiz_attempts.get()
    client = client_for(owner)
    # read-only: the learner's pages for taking, answering and submitting stay closed
    assert client.get(reverse("quizzes:take", args=[dee_attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[dee_attempt.pk])).status_code == 404
    answer = reverse("quizzes:answer", args=[dee_attempt.pk, 1])
    assert client.post(answer, {"action": "save"}).status_code == 404
    # not theirs to see: another instructor; grace's attempt (outside); ada's practice
    result = reverse("quizzes:result", args=[first.pk])
    assert client_for(other_instructor).get(result).status_code == 404
    assert client_for(other_learner).get(result).status_code == 404
    graces = other_learner.quiz_attempts.get()
    practice = first.user.quiz_attempts.order_by("started_at").first()
    for hidden in (graces, practice):
        assert client.get(reverse("quizzes:result", args=[hidden.pk])).status_code == 404


def test_removing_a_learner_ends_the_instructors_view_of_their_attempts(cohort, owner, klass):
    first, _ = klass["ada"]
    services.member_remove(cohort=cohort, user_id=first.user_id, by=owner)
    assert client_for(owner).get(reverse("quizzes:result", args=[first.pk])).status_code == 404
    assert client_for(first.user).get(reverse("quizzes:result", args=[first.pk])).status_code == 200


# --- a fixed number of queries ------------------------------------------------------------


def _grow(cohort, owner, n: int, start: int) -> None:
    """n more learners, each with two attempts at each of two assignments."""
    quizzes = [a.quiz for a in cohort.assignments.all()]
    if len(quizzes) < 2:
        extra = make_quiz(make_question(), make_question(), published=True)
        lesson = make_lesson()
        services.assignment_create(
            cohort=cohort, quiz=extra, lessons=[lesson], by=owner, now=at(hours=2)
        )
        quizzes.append(extra)
    for i in range(start, start + n):
        user = make_learner(f"learner-{i:03d}")
        services.cohort_join(cohort=cohort, user=user, now=at(hours=1))
        for quiz in quizzes:
            _attempt(quiz, user, at(days=1), "rw", submit=at(days=1, minutes=3))
            _attempt(quiz, user, at(days=2), "r")


PAGES = [
    "teach_cohorts:gradebook",
    "teach_cohorts:gradebook-csv",
    "teach_cohorts:answers-csv",
    "teach_cohorts:learner",
]


def test_queries_do_not_grow_with_learners_and_attempts(
    cohort, owner, klass, django_assert_max_num_queries
):
    """Each page counted on a class of a few learners, then on one grown by 3 learners and 12
    attempts (a query per learner, attempt or answer grows the count as well with 3 as it did
    with 8, and both stay within a page of LEARNERS_PER_PAGE). The class is grown once for all
    four pages (building it is most of the cost); each page has its own signed-in client, so
    each is fetched small then large as alone."""
    ada = klass["people"]["ada"].pk
    pages = {
        name: (
            client_for(owner),
            reverse(name, args=[cohort.pk] + ([ada] if name.endswith("learner") else [])),
        )
        for name in PAGES
    }

    def fetch(name: str) -> int:
        client, url = pages[name]
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, name
        return len(body)

    _grow(cohort, owner, 2, 0)
    small = {}
    for name in PAGES:
        with CaptureQueriesContext(connection) as queries:
            size = fetch(name)
        small[name] = (len(queries), size)
    _grow(cohort, owner, 3, 100)
    for name in PAGES:
        with django_assert_max_num_queries(small[name][0], info=name):
            large_size = fetch(name)
        if name != "teach_cohorts:learner":
            assert large_size > small[name][1], name  # the larger class really is in the answer


def test_an_attempt_whose_time_ran_out_shows_as_it_ended_not_in_progress(cohort, owner, learner):
    """A timed quiz: the learner walked away mid-attempt. Opening the gradebook closes it as it
    stood at the deadline (one of two right: 50%), as the learner's own next visit would."""
    timed = assign_timed_quiz(cohort, owner)
    _attempt(timed, learner, at(days=1), "r")  # one answer, then gone
    page = client_for(owner).get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    assert page.status_code == 200
    # the module's class has its own assignment too (`_scenery`): this quiz's cell
    [cell] = [c for c in _rows(cohort)["ada"].cells if c.assignment.quiz_id == timed.pk]
    [row] = cell.attempts
    assert (cell.status, cell.best) == ("submitted", 0.5)
    assert row.submitted_at == at(days=1, minutes=10)  # dated at its deadline


def test_reading_a_learners_attempt_needs_two_factor_as_the_teaching_pages_do(
    cohort, owner, co_instructor, klass
):
    """The gradebook is under /teach/, where staff and instructors without an authenticator
    are sent to set one up; a result it links to is at the learner's address, and a teacher
    without one (here the co-instructor turned theirs off) read it by its id."""
    from allauth.mfa.models import Authenticator

    first, _ = klass["ada"]
    result = reverse("quizzes:result", args=[first.pk])
    assert client_for(co_instructor).get(result).status_code == 200

    Authenticator.objects.filter(user=co_instructor).delete()

    assert client_for(co_instructor).get(result).status_code == 404
    gradebook_page = client_for(co_instructor).get(cohort.get_absolute_url())
    assert gradebook_page.status_code == 302 and "/accounts/2fa/" in gradebook_page["Location"]
    assert client_for(owner).get(result).status_code == 200


def test_a_formula_after_unicode_white_space_is_defused_like_after_a_space():
    """A chosen name or a pasted policy may start with an em space (U+2003), a no-break or
    thin space, a line separator or a zero-width space before `=`: a spreadsheet trimming
    white space on import would run it, as after an ASCII space. Text that only starts so,
    and a cell whose formula character is not first after the spaces, is kept as typed."""
    for space in ("\u2003", "\u00a0", "\u2009", "\u202f", "\u2028", "\u3000", "\u200b", "\ufeff"):
        for start in ("=", "+", "-", "@"):
            text = f"{space}{start}HYPERLINK(1)"
            assert exports.safe_cell(text) == "'" + text, repr(text)
        assert exports.safe_cell(f"{space} \u2003=1") == f"'{space} \u2003=1"
        assert exports.safe_cell(f"{space}Ada") == f"{space}Ada"
    assert exports.safe_cell("\u2003a=1") == "\u2003a=1"
    assert exports.safe_cell("\n\t{") == "\n\t{"
