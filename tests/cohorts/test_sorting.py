"""The gradebook sorted by name, by progress or by an assignment's best score (`cohorts.sorting`):
instructors asked who is behind and who scored lowest without paging through a class of 250.
The order is in the address, so a reload, the pagers and a search keep it; each sortable heading
is a link with `aria-sort` on the one the rows follow; it works without JavaScript."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts import gradebook, roster, services, sorting
from cohorts.models import Membership
from cohorts.views import GRADEBOOK_LEARNERS
from lessons import progress
from tests.cohorts.conftest import at, client_for, make_learner, make_owned_quiz
from tests.cohorts.test_gradebook import _attempt
from tests.conftest import make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def scores(owner, cohort, quiz, learner):
    """Two assignments, A (`quiz`, two lessons to read) and B; five learners:

    | learner | A (best)         | B            | handed in | lessons |
    | ada     | 100              | 50           | 2         | 0       |
    | Bea     | 50               | in progress  | 1         | 2       |
    | cal     | 0                | -            | 1         | 1       |
    | dan     | practice, before joining (not counted) | 0 | 0   |
    | Émile   | before A opened (not counted) | - | 0      | 0       |
    """
    people = {"ada": learner}
    for name in ("Bea", "cal", "dan", "Émile"):
        people[name] = make_learner(name)
        if name == "dan":
            _attempt(quiz, people[name], at(minutes=30), "rr", submit=at(minutes=40))
        services.cohort_join(cohort=cohort, user=people[name], now=at(hours=1))
    lessons = [make_lesson(title="Root user"), make_lesson(title="MFA")]
    a = services.assignment_create(
        cohort=cohort, quiz=quiz, lessons=lessons, by=owner, now=at(hours=2)
    )
    b = services.assignment_create(
        cohort=cohort, quiz=make_owned_quiz(owner), by=owner, now=at(hours=2)
    )
    _attempt(a.quiz, people["ada"], at(days=1), "rr", submit=at(days=1, minutes=5))
    _attempt(b.quiz, people["ada"], at(days=1), "rw", submit=at(days=1, minutes=9))
    _attempt(a.quiz, people["Bea"], at(days=1), "ww", submit=at(days=1, minutes=5))
    _attempt(a.quiz, people["Bea"], at(days=2), "rw", submit=at(days=2, minutes=5))  # best 50
    _attempt(b.quiz, people["Bea"], at(days=2), "rr")  # not handed in
    _attempt(a.quiz, people["cal"], at(days=1), "ww", submit=at(days=1, minutes=5))
    _attempt(a.quiz, people["Émile"], at(hours=1.5), "rr", submit=at(hours=1.6))
    for lesson in lessons:
        progress.mark_complete(user=people["Bea"], lesson=lesson)
    progress.mark_complete(user=people["cal"], lesson=lessons[0])
    progress.mark_complete(user=people["dan"], lesson=make_lesson(title="Not assigned"))
    return a, b


def _order(cohort, sort: sorting.Sort) -> list[str]:
    found = roster.roster(cohort, "", sort)
    return [m.user.get_username() for m in roster.memberships(found.ids)]


def _rows(body: str) -> list[str]:
    return [re.sub("<[^>]+>", "", h) for h in re.findall(r'<th scope="row">(.*?)</th>', body)]


def test_learners_sort_by_name_progress_and_a_score_each_way(cohort, scores):
    a, b = scores
    assert _order(cohort, sorting.Sort()) == ["ada", "Bea", "cal", "dan", "Émile"]
    assert _order(cohort, sorting.Sort(descending=True)) == ["Émile", "dan", "cal", "Bea", "ada"]
    # Fewest handed in first, then fewest lessons completed (cal's one before Bea's two); a tie
    # keeps the names' order (dan before Émile) both ways. dan's practice before joining,
    # Émile's before A opened and dan's lesson nobody assigned count for nothing, as on the page.
    by_progress = sorting.Sort(sorting.PROGRESS)
    assert _order(cohort, by_progress) == ["dan", "Émile", "cal", "Bea", "ada"]
    by_progress = sorting.Sort(sorting.PROGRESS, descending=True)
    assert _order(cohort, by_progress) == ["ada", "Bea", "cal", "dan", "Émile"]
    # A's best: cal 0, Bea 50 (her best of two), ada 100; no counted submission last both ways.
    assert _order(cohort, sorting.Sort(sorting.SCORE, False, a)) == [
        "cal", "Bea", "ada", "dan", "Émile"
    ]  # fmt: skip
    assert _order(cohort, sorting.Sort(sorting.SCORE, True, a)) == [
        "ada", "Bea", "cal", "dan", "Émile"
    ]  # fmt: skip
    # B: only ada handed it in (Bea's attempt is in progress).
    assert _order(cohort, sorting.Sort(sorting.SCORE, True, b))[0] == "ada"
    assert _order(cohort, sorting.Sort(sorting.SCORE, False, b)) == [
        "ada", "Bea", "cal", "dan", "Émile"
    ]  # fmt: skip


def test_the_databases_keys_are_the_cells_figures(cohort, scores):
    """The sort's keys are counted by the database, the page's figures from the rows: both
    orders must be the same, or a learner sorted "fewest handed in" would show more."""
    a, _b = scores
    assignments = gradebook.assignments_of(cohort)
    memberships = roster.in_order(
        list(Membership.objects.filter(cohort=cohort).select_related("user"))
    )
    rows = gradebook.gradebook_rows(
        cohort=cohort, assignments=assignments, memberships=memberships, read=0
    )
    by_figures = sorted(rows, key=lambda row: (row.handed_in, row.lessons_done))
    assert _order(cohort, sorting.Sort(sorting.PROGRESS)) == [
        row.user.get_username() for row in by_figures
    ]
    best = {row.user.get_username(): row.cells[assignments.index(a)].best for row in rows}
    ranked = sorted((name for name in best if best[name] is not None), key=best.__getitem__)
    unscored = [name for name in best if best[name] is None]
    assert _order(cohort, sorting.Sort(sorting.SCORE, False, a)) == ranked + unscored


def test_each_sortable_heading_is_a_link_with_aria_sort_on_the_one_the_rows_follow(
    owner, cohort, scores
):
    a, b = scores
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    body = teacher.get(url).content.decode()
    # By name, A to Z, unless asked: the one aria-sort is the learners' column's.
    assert re.findall(r'aria-sort="(\w+)"', body) == ["ascending"]
    assert '<th scope="col" aria-sort="ascending"><a class="sort-link" href="?order=desc' in body
    assert "Sorted by name, A to Z." in body
    body = teacher.get(url, {"sort": "progress"}).content.decode()
    assert _rows(body) == ["dan", "Émile", "cal", "Bea", "ada"]
    assert re.findall(r'aria-sort="(\w+)"', body) == ["ascending"]
    head = re.search(r'<th scope="col" aria-sort="ascending">(.*?)</th>', body)[1]
    # Chosen again it turns the other way; its words say so when it is focused.
    assert 'href="?sort=progress&amp;order=desc#gradebook-title"' in head
    assert 'aria-describedby="sort-progress-desc"' in head
    assert ">Handed in<" in head
    assert (
        '<span id="sort-progress-desc">Sorts the learners by assignments handed in, most first.'
        in body
    )
    assert "Sorted by assignments handed in, fewest first (then by lessons completed)." in body
    assert "(rows, sorted by assignments handed in, fewest first" in body  # the caption
    body = teacher.get(url, {"sort": f"score-{a.pk}", "order": "desc"}).content.decode()
    assert _rows(body) == ["ada", "Bea", "cal", "dan", "Émile"]
    head = re.search(
        r'<th scope="col" class="gradebook-head" aria-sort="descending">(.*?)</th>', body
    )[1]
    assert ">Root user basics</a>" in head and f'href="?sort=score-{a.pk}#gradebook-title"' in head
    # On a phone, where the headings are out of sight, a form gives the same orders.
    form = re.search(
        r'<form method="get" action="#gradebook-title" class="gradebook-sort-form">(.*?)</form>',
        body,
        re.S,
    )[1]
    assert (
        f'<option value="score-{a.pk}" selected>by best score on Root user basics</option>' in form
    )
    assert '<option value="desc" selected>' in form and f'value="score-{b.pk}"' in form
    # The other columns' links sort ascending, by themselves.
    assert f'href="?sort=score-{b.pk}#gradebook-title"' in body
    assert 'href="?sort=progress#gradebook-title"' in body
    assert 'href="?#gradebook-title" aria-describedby="sort-name-asc">Learner' in body


def test_the_order_survives_the_pagers_a_search_and_the_columns(owner, cohort, quiz, learner):
    """Sorted by progress, page 2 carries on from page 1; a search keeps the order; choosing
    another order starts again at page 1, the assignments shown and the search kept."""
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"learner-{n:03}") for n in range(GRADEBOOK_LEARNERS + 5)
    )
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=u, joined_at=at(hours=1)) for u in users
    )
    for user in users[-3:]:  # the last three by name have handed it in
        _attempt(quiz, user, at(days=1), "rr", submit=at(days=1, minutes=5))
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    first = teacher.get(url, {"sort": "progress", "order": "desc"}).content.decode()
    assert _rows(first)[:3] == ["learner-027", "learner-028", "learner-029"]
    assert (
        '<a href="?sort=progress&amp;order=desc&amp;page=2" rel="next">Next learners</a>' in first
    )
    second = teacher.get(url, {"sort": "progress", "order": "desc", "page": 2}).content.decode()
    assert _rows(second) == [f"learner-{n:03}" for n in range(21, 27)]
    # The search form sends the order with what is typed; the result keeps it.
    assert '<input type="hidden" name="sort" value="progress">' in first
    assert '<input type="hidden" name="order" value="desc">' in first
    found = teacher.get(url, {"sort": "progress", "order": "desc", "q": "learner-02"})
    assert _rows(found.content.decode())[:3] == ["learner-027", "learner-028", "learner-029"]
    # A heading's link drops the page (a new order starts at its top), keeps the rest.
    page = teacher.get(url, {"q": "learner", "page": 2, "sort": f"score-{assignment.pk}"})
    assert 'href="?q=learner&amp;sort=progress#gradebook-title"' in page.content.decode()


def test_an_order_not_understood_lists_by_name_and_says_so(owner, cohort, scores):
    """A bookmark of a score whose assignment was removed, or another cohort's, or anything
    typed: the page opens by name and says what it did not understand, never a 500."""
    a, _b = scores
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    elsewhere = services.cohort_create(owner=owner, name="Autumn class", now=at())
    other = services.assignment_create(
        cohort=elsewhere, quiz=make_owned_quiz(owner), by=owner, now=at(hours=2)
    )
    for asked in (f"score-{other.pk}", "score-", "score-x", "score-١", "-name", "<b>" + "x" * 200):
        response = teacher.get(url, {"sort": asked, "order": "desc"})
        assert response.status_code == 200, asked
        body = response.content.decode()
        # By name, A to Z: the order asked was the unknown key's.
        assert _rows(body) == ["ada", "Bea", "cal", "dan", "Émile"], asked
        assert "is no order this gradebook knows" in body, asked
    assert "“<bdi>&lt;b&gt;" + "x" * 37 + "…</bdi>”" in body  # cut, escaped
    assert "<b>x" not in body
    # A score's assignment is found by its number, written either way.
    assert _rows(teacher.get(url, {"sort": f"score-0{a.pk}"}).content.decode())[0] == "cal"


def test_an_order_not_understood_is_a_warning_notice_not_grey_small_print(owner, cohort, scores):
    """It was said only in the small grey line under the heading (.meta), among the order's
    words. It is a notice in the site's warning look, a status region, and the grey line says
    the order the learners are in."""
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    body = teacher.get(url, {"sort": "score-x"}).content.decode()
    notice = re.search(r'<p class="([^"]*)" role="status">([^<]*<bdi>score-x</bdi>[^<]*)</p>', body)
    assert notice, body
    assert {"message", "message-warning"} <= set(notice[1].split()), notice[1]
    assert "is no order this gradebook knows" in notice[2]
    grey = re.search(r'<p class="meta gradebook-order">(.*?)</p>', body, re.S)[1]
    assert "score-x" not in grey and grey.startswith("Sorted by name")
    # An order understood has no notice.
    assert "message-warning" not in teacher.get(url, {"sort": "name"}).content.decode()


def test_a_sorted_page_costs_the_queries_of_one_in_name_order(owner, cohort, scores):
    """The keys are read in the roster's own query (the bigger class: test_page_cost.py)."""
    from tests.conftest import page_queries

    a, _b = scores
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    by_name, _ = page_queries(teacher, url, warm=True)
    for query in ("?sort=progress", f"?sort=score-{a.pk}&order=desc", "?sort=nonsense"):
        assert page_queries(teacher, url + query, warm=True)[0] == by_name, query


def _csv_learners(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    return list(dict.fromkeys(names))  # a row per assignment, a learner's together


def test_the_gradebook_csv_lists_the_learners_in_the_order_the_page_shows(owner, cohort, scores):
    """The page's CSV link carries its order, and the file follows it; an order the page does
    not know lists by name there too (A to Z, whatever `order`)."""
    a, _b = scores
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    csv_url = reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])
    asked = {
        "": ["ada", "Bea", "cal", "dan", "Émile"],
        "?order=desc": ["Émile", "dan", "cal", "Bea", "ada"],
        "?sort=progress": ["dan", "Émile", "cal", "Bea", "ada"],
        "?sort=progress&order=desc": ["ada", "Bea", "cal", "dan", "Émile"],
        f"?sort=score-{a.pk}": ["cal", "Bea", "ada", "dan", "Émile"],
        f"?sort=score-{a.pk}&order=desc": ["ada", "Bea", "cal", "dan", "Émile"],
        "?sort=nonsense&order=desc": ["ada", "Bea", "cal", "dan", "Émile"],
    }
    for query, order in asked.items():
        body = teacher.get(url + query).content.decode()
        assert _rows(body) == order, query
        [link] = re.findall(r'href="([^"]*gradebook\.csv[^"]*)"', body)
        link = html.unescape(link)
        known = "" if "nonsense" in query else query
        assert link == csv_url + known, query
        assert _csv_learners(teacher.get(link)) == order, query
    # Without the page: by name, as before; an order alone, as the page would take it.
    assert _csv_learners(teacher.get(csv_url)) == asked[""]
    most_first = teacher.get(csv_url + "?order=desc&sort=progress")
    assert _csv_learners(most_first) == asked["?sort=progress&order=desc"]
