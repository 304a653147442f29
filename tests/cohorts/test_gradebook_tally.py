"""A gradebook cell's figures as the database adds them up (`gradebook.Tally`, the gradebook
page, the learner page and the gradebook CSV) are those worked out from every counted attempt
read as a row (the answers CSV's way): the best score among many attempts, a tie between a late
and an on-time best, the latest by hand-in time (then by id), the time spent to the second,
and the attempts the gradebook does not count (before the assignment opened, before a learner
joined again, after the cohort was archived)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from cohorts import gradebook, services
from cohorts.models import Cohort, Membership
from quizzes.models import Answer, Attempt
from tests.cohorts.conftest import at, client_for, make_learner

pytestmark = pytest.mark.django_db


def _take(quiz, user, start, score, *, took=timedelta(minutes=5), submit=None):
    """An attempt started at `start`, handed in `took` later (or at `submit`) with `score`."""
    return Attempt.objects.create(
        quiz=quiz,
        user=user,
        question_ids=list(quiz.questions.values_list("pk", flat=True)),
        started_at=start,
        submitted_at=submit or start + took,
        score=score,
    )


def _cells(cohort, read):
    members = list(Membership.objects.filter(cohort=cohort).select_related("user"))
    rows = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=gradebook.assignments_of(cohort),
        memberships=members,
        read=read,
    )
    return {row.user.username: row.cells[0] for row in rows}


@pytest.fixture
def history(cohort, owner, learner, quiz):
    """The quiz assigned at hour 2, due on day 3; bob given until day 5; cy joined again on day
    2; dee handed in when it was due. Returns each learner's attempts' (start, end) the gradebook counts, oldest first."""
    bob, cy, dee = make_learner("bob"), make_learner("cy"), make_learner("dee")
    for user in (bob, cy, dee):
        services.cohort_join(cohort=cohort, user=user, now=at(hours=1))
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=3), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=bob.pk, due_at=at(days=5))
    _take(quiz, learner, at(hours=1, minutes=30), 1.0)  # before the assignment opened
    counted: dict[str, list[Attempt]] = {"ada": [], "bob": [], "cy": [], "dee": []}
    # ada: 40 attempts at 50% on day 1, each a few microseconds over or under whole seconds
    for n in range(40):
        start = at(days=1, minutes=10 * n) + timedelta(seconds=0.25 * (n % 4))
        took = timedelta(minutes=4, seconds=59, microseconds=(n * 250_007) % 1_000_000)
        counted["ada"].append(_take(quiz, learner, start, 0.5, took=took))
    # then 90% on time, 90% again late (a tie: the best was handed in on time), 40% late last
    counted["ada"].append(_take(quiz, learner, at(days=2), 0.9))
    counted["ada"].append(_take(quiz, learner, at(days=4), 0.9))
    counted["ada"].append(_take(quiz, learner, at(days=4, hours=1), 0.4))
    # and one in progress: its time runs to its last answer saved, 3 min 20.5 s in
    open_one = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[], started_at=at(days=4, hours=2)
    )
    for question, seconds in zip(quiz.questions.all(), (60, 200.5), strict=True):
        Answer.objects.create(
            attempt=open_one, question=question, response={},
            saved_at=open_one.started_at + timedelta(seconds=seconds),
        )  # fmt: skip
    counted["ada"].append(open_one)
    # bob: 60% by his extension, 80% after it; then two handed in at the same moment, the
    # later made (30%, 70%): the latest is the one made last
    counted["bob"].append(_take(quiz, bob, at(days=4), 0.6))
    counted["bob"].append(_take(quiz, bob, at(days=6), 0.8))
    same = at(days=6, hours=2)
    counted["bob"].append(_take(quiz, bob, at(days=6, hours=1), 0.3, submit=same))
    counted["bob"].append(_take(quiz, bob, at(days=6, hours=1, minutes=5), 0.7, submit=same))
    # cy: 100% on day 1, then left and joined again on day 2 (only later attempts count)
    _take(quiz, cy, at(days=1), 1.0)
    Membership.objects.filter(cohort=cohort, user=cy).update(joined_at=at(days=2))
    counted["cy"].append(_take(quiz, cy, at(days=2, hours=12), 0.2))
    # dee: handed in at the very moment it was due (on time)
    counted["dee"].append(_take(quiz, dee, at(days=2, hours=23), 0.5, submit=at(days=3)))
    # the cohort archived on day 8: practice after it does not count
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=at(days=8))
    _take(quiz, bob, at(days=9), 1.0)
    return counted


def _figures_of(attempts, due) -> gradebook.Tally:
    """A cell's figures worked out in Python from every counted attempt read as a row: the
    reference the database's sums (`_TALLIES`) are held to."""
    handed = [(a.submitted_at, a) for a in attempts if a.submitted_at is not None]
    scored = [(a.score, a) for _, a in handed if a.score is not None]
    latest = max(handed, key=lambda pair: (pair[0], pair[1].id), default=None)
    return gradebook.Tally(
        started=len(attempts),
        handed_in=len(handed),
        seconds=sum(a.seconds for a in attempts),
        best=max((score for score, _ in scored), default=None),
        best_on_time=max((score for score, a in scored if not a.late(due)), default=None),
        first_submitted=min((when for when, _ in handed), default=None),
        latest_submitted=None if latest is None else latest[0],
        latest=None if latest is None else latest[1].score,
    )


def test_the_databases_figures_are_those_of_every_counted_attempt(cohort, history):
    by_rows = _cells(cohort, read=None)
    summed = _cells(cohort, read=0)
    assert {name: cell.tally for name, cell in summed.items()} == {
        name: _figures_of(cell.attempts, cell.due) for name, cell in by_rows.items()
    }
    for name, cell in summed.items():
        assert cell.attempts == []  # nothing read row by row
        assert cell.started == len(history[name]) == len(by_rows[name].attempts)
    with pytest.raises(ValueError, match="rows only"):
        by_rows["ada"].status  # noqa: B018 (rows read whole come without figures)


def test_an_attempt_in_hand_counts_as_the_database_counts_it(cohort, quiz, history):
    """A learner's own pages say of an attempt whether it counts (`Assigned.counts`, Python):
    the same answer as the gradebook's rule for every attempt of the history, those before
    the assignment opened, before joining again and after the archiving included."""
    counted = set(gradebook.counted_attempts(cohort).values_list("pk", flat=True))
    attempts = list(Attempt.objects.filter(quiz=quiz))
    assert len(counted) == sum(len(kept) for kept in history.values()) < len(attempts)
    for attempt in attempts:
        [assigned] = gradebook.assigned_to(user_id=attempt.user_id, quiz_id=quiz.pk)
        assert assigned.counts(attempt) == (attempt.pk in counted), attempt.started_at


@pytest.fixture
def rule_changed(monkeypatch):
    """The rule's one definition (`gradebook._RULE`) changed to count attempts made before a
    learner joined; every SQL text built from it built afresh, before and after."""

    def forget():
        for built in (gradebook._counted_sql, gradebook._tallies_sql, gradebook._latest_part_sql,
                      gradebook._class_figures_sql):  # fmt: skip
            built.cache_clear()
        connections[DEFAULT_DB_ALIAS].__dict__.pop("_prepared_queries", None)  # (compiled once)

    forget()
    joined = "AND {started} >= m.joined_at"
    assert joined in gradebook._RULE
    monkeypatch.setattr(gradebook, "_RULE", gradebook._RULE.replace(joined, ""))
    yield
    monkeypatch.undo()
    forget()


def test_every_reader_of_counted_attempts_reads_the_one_rule(cohort, quiz, history, rule_changed):
    """cy's 100% before joining again counts once the rule says so: in the ORM's counted
    attempts (exports, statistics, sorting, the attempt viewer), the tallies (the pages and
    the gradebook CSV), the rows read (the answers CSV, a learner page's latest) and the class
    figures, so none of them keeps a copy of its own."""
    cy = Membership.objects.select_related("user").get(cohort=cohort, user__username="cy")
    assert gradebook.counted_attempts(cohort).filter(user=cy.user).count() == 2
    assert gradebook.counted_attempts(cohort, among=[cy.user_id]).count() == 2
    assert (_cells(cohort, read=0)["cy"].started, _cells(cohort, read=0)["cy"].best) == (2, 1.0)
    assert len(_cells(cohort, read=None)["cy"].attempts) == 2
    assert len(gradebook._latest_rows(cohort.pk, [cy.user_id], [quiz.pk], 5)) == 2
    [assignment] = gradebook.assignments_of(cohort)
    figures = gradebook.class_figures(cohort, [assignment], 4)[assignment.pk]
    assert figures.mean_best == pytest.approx((0.9 + 0.8 + 1.0 + 0.5) / 4)


def test_the_figures_of_a_long_history_are_the_right_ones(cohort, history):
    cells = _cells(cohort, read=0)
    ada, bob, cy = cells["ada"], cells["bob"], cells["cy"]
    assert (ada.started, ada.tally.handed_in, ada.best, ada.latest) == (44, 43, 0.9, 0.4)
    assert (ada.status, ada.best_late, ada.latest_late) == ("submitted", False, True)
    whole = [
        max(0, int(((a.submitted_at or a.started_at) - a.started_at).total_seconds()))
        for a in history["ada"][:-1]
    ]
    assert ada.seconds == sum(whole) + 200  # the attempt in progress: 200.5 s, whole seconds
    assert sum(whole) == 40 * 299 + 3 * 300  # each 4 min 59.x s is 299 s
    assert (bob.best, bob.latest, bob.status) == (0.8, 0.7, "submitted")
    assert (bob.best_late, bob.latest_late, bob.extended) == (True, True, True)
    assert (cy.started, cy.best, cy.status) == (1, 0.2, "submitted")
    assert (cells["dee"].status, cells["dee"].best_late, cells["dee"].latest_late) == (
        "submitted", False, False,
    )  # fmt: skip


def test_the_learner_page_lists_the_latest_attempts_numbered_among_all(
    cohort, owner, history, monkeypatch
):
    """The latest few are read (not all 44), numbered as they are among all of them; fewer
    than that are all read."""
    monkeypatch.setattr(gradebook, "ATTEMPTS_SHOWN", 5)
    ada = Membership.objects.select_related("user").get(cohort=cohort, user__username="ada")
    [row] = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=gradebook.assignments_of(cohort),
        memberships=[ada],
        read=5,
    )
    [cell] = row.cells
    assert [a.id for a in cell.attempts] == [a.id for a in history["ada"][-5:]]
    assert [(n, a.id) for n, a in cell.shown] == [
        (n, a.id) for n, a in enumerate(history["ada"], start=1)
    ][-5:]
    assert cell.attempts[-1].last_saved == at(days=4, hours=2) + timedelta(seconds=200.5)
    # bob's 4 (fewer than shown) are read whole
    bob = Membership.objects.select_related("user").get(cohort=cohort, user__username="bob")
    [row] = gradebook.gradebook_rows(
        cohort=cohort, assignments=gradebook.assignments_of(cohort), memberships=[bob], read=5
    )
    assert [a.id for a in row.cells[0].attempts] == [a.id for a in history["bob"]]
    assert [n for n, _ in row.cells[0].shown] == [1, 2, 3, 4]
    url = f"/teach/cohorts/{cohort.pk}/learners/{ada.user_id}/"
    page = client_for(owner).get(url).content.decode()
    assert "Showing the latest 5 of 44 attempts" in page


def test_the_home_pages_standing_is_the_gradebooks_cell(cohort, history):
    """A learner's home page counts their attempts in its own query (`_standings`, one for all
    their cohorts): the same attempts and figures as the gradebook's cell, cy's attempt from
    before joining again and the one before the assignment opened left out."""
    Cohort.objects.filter(pk=cohort.pk).update(archived_at=None)  # (home lists current work)
    cells = _cells(cohort, read=0)
    for name, cell in cells.items():
        user = Membership.objects.get(cohort=cohort, user__username=name).user
        [work] = gradebook.assigned_work(user=user, now=at(days=10))
        standing = work.cell
        assert (standing.started, standing.handed_in, standing.best, standing.status) == (
            cell.started, cell.tally.handed_in, cell.best, cell.status,
        ), name  # fmt: skip
        assert standing.best_late == cell.best_late, name
    assert (cells["cy"].started, cells["ada"].started) == (1, 44)
