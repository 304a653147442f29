"""A class's pages as the class grows (`tests.bench.classscale`): the same pages for a cohort of
30 learners and of 300 with 20 assigned quizzes, and of 300 and of 3,000 with 2 quizzes, each
learner with attempts handed in, several, and in progress, and a co-instructor. Each class is
its own teacher's, side by side in one database (so each also stands beside the others' work).
Per page: CPU per request (the lowest of `CLASS_SCALE_RUNS`, 5, every page of every class
taken in turn: `batches.in_turn`), queries, size, and the peak of memory allocated while one
is answered (a streamed file read to its end).

The rules (docs/teaching.md, "A class of 300"), for ten times the learners with the same
quizzes (30 -> 300 with 20, 300 -> 3,000 with 2): no page's query count changes at any of the
four sizes (learners or quizzes); a page that shows a page of the class (gradebook, people, a
learner, an assignment, the dashboards) stays within 3x its CPU + 3 ms, the rule the growth
bench holds the learner pages to; a page that reads every learner's work (the statistics, the
CSV files) grows with that work, ten times, and is held to linear with room for a shared
machine's noise: within 15x + 10 ms (superlinear growth, 100x, fails it). From 2 quizzes to 20
the pages show more (the gradebook 8 columns where it had 2 and progress over 20, a learner's
20 assignments, the files ten times the rows): every page is held to linear in the quizzes,
300 x 20 within 10x its 300 x 2 CPU + 10 ms (a cost per quiz that grows with the quizzes
fails it). The whole class's answers CSV is one file up to
`exports.ANSWERS_PER_FILE` answers and a page listing its parts past it, its gradebook CSV one
file up to `exports.GRADEBOOK_ROWS_PER_FILE` rows (checked at each size); a part's file (half
the class by name) is held as the other files are. The class's files are rate-limited
(`class_files`): lifted here, every page is asked for several times.

`CLASS_SIZES="300 x 20,3000 x 2"` builds and measures only those classes; `CLASS_PROFILE=name`
prints a profile of that page and `CLASS_QUERIES=name` its queries with their times, at
`CLASS_PROFILE_SIZE` ("300 x 20" by default).
"""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test import Client

from cohorts import exports
from tests.bench import batches, classscale, report
from tests.shipped import load_shipped
from tests.teach.conftest import _instructor

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = int(os.environ.get("CLASS_SCALE_RUNS", "5"))
# name -> (tag, learners, quizzes): `CLASS_SIZES="300 x 20,..."` builds and measures only those.
SIZES = {
    "30 x 20": ("small", 30, 20),
    "300 x 20": ("large", 300, 20),
    "300 x 2": ("few", 300, 2),
    "3000 x 2": ("huge", 3000, 2),
}
# The classes held to the rules: ten times the learners, the same quizzes.
PAIRS = (("30 x 20", "300 x 20"), ("300 x 2", "3000 x 2"))
# The same learners with ten times the quizzes: every page held to linear in the quizzes.
QUIZ_PAIR = ("300 x 2", "300 x 20")
# Pages that show a page of the class: held to 3x + 3 ms from 30 to 300 learners.
PAGED = ("gradebook", "gradebook, page 2", "gradebook, found", "gradebook, by progress",
         "gradebook, by a score", "people", "people, found", "learner", "assignment",
         "new assignment", "cohorts", "dashboard", "co-instructor: gradebook",
         "co-instructor: dashboard")  # fmt: skip
# Pages that summarise all the class's work: held to 15x + 10 ms for 10x the learners.
SUMMARIES = ("cohort statistics", "quiz statistics", "gradebook csv", "answers csv, half the class",
             "gradebook csv, half the class")  # fmt: skip
# The whole class's answers: one file, or past `exports.ANSWERS_PER_FILE` answers a page listing
# its parts (other queries, a fraction of the time).
WHOLE = "answers csv"
# The whole gradebook: one file, or past `exports.GRADEBOOK_ROWS_PER_FILE` rows its parts.
WHOLE_GRADEBOOK = "gradebook csv"


def _get(client: Client, url: str) -> int:
    """One request, its streamed body read to the end; its size in bytes."""
    return _answer(client, url)[0]


def _answer(client: Client, url: str) -> tuple[int, bool]:
    """One request's size in bytes (a streamed body read to its end) and whether it streamed."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return sum(len(part) for part in response.streaming_content), True
    return len(response.content), False


def prepare(client: Client, name: str, url: str, profile: bool) -> dict:
    """A page asked for once (a warm-up), then its queries, size, the peak of memory allocated
    while it is answered, and `call` to time it (`batches.in_turn`, with every other page)."""
    size, streamed = _answer(client, url)
    with batches.Counted() as queries:
        _get(client, url)
    tracemalloc.start()
    _get(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if profile:
        batches.print_profile(name, lambda: _get(client, url), runs=RUNS, env="CLASS")
    if profile and os.environ.get("CLASS_QUERIES") == name:
        _print_queries(client, name, url)
    return {
        "q": len(queries),
        "size": size,
        "peak": peak,
        "file": streamed,
        "call": lambda: _get(client, url),
    }


def _print_queries(client: Client, name: str, url: str) -> None:
    """Each query `url` runs with its time, the slowest first (`CLASS_QUERIES=name`)."""
    timed = []

    def timing(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - start) * 1e3, sql))

    with connection.execute_wrapper(timing):
        _get(client, url)
    print(f"\n=== queries of {name}")
    for ms, sql in sorted(timed, reverse=True):
        print(f"{ms:8.2f} ms  {sql[:600]}")


def _class(tag: str, learners: int, quizzes: int):
    teacher, co = _instructor(f"{tag}-teacher"), _instructor(f"{tag}-colleague")
    started = time.perf_counter()
    klass = classscale.build(teacher, co, learners=learners, quizzes=quizzes, tag=tag)
    print(
        f"\n{tag}: {learners} learners, {quizzes} quizzes, {klass.attempts} attempts, "
        f"{klass.answers} answers (built in {time.perf_counter() - started:.1f} s)"
    )
    return klass


def test_a_class_of_30_and_of_300(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "class_files": "1000000/60"}
    load_shipped()
    only = [s.strip() for s in os.environ.get("CLASS_SIZES", "").split(",") if s.strip()]
    classes = {size: _class(*made) for size, made in SIZES.items() if not only or size in only}
    profiled = os.environ.get("CLASS_PROFILE_SIZE", "300 x 20")
    figures: dict[str, dict[str, dict]] = {}
    for size, klass in classes.items():
        owner, co = Client(), Client()
        owner.force_login(klass.teacher)
        co.force_login(klass.co_instructor)
        figures[size] = {
            name: prepare(owner if who == "owner" else co, name, url, size == profiled)
            for name, (who, url) in classscale.pages(klass, owner).items()
        }
    # Every page of every class in turn: a burst of the machine's load lands on one batch of
    # each size, not on all of one (batches.in_turn); each compared by its lowest.
    timed = batches.in_turn(
        {(size, name): f["call"] for size in classes for name, f in figures[size].items()},
        rounds=RUNS,
    )
    for (size, name), samples in timed.items():
        figures[size][name]["cpu"] = min(samples)
        figures[size][name]["median"] = statistics.median(samples)
    print(f"\nlowest of {RUNS}, every page and size in turn, CPU ms (queries, size; peak memory allocated); load "
          f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'page':30} " + " ".join(f"{s:>28}" for s in classes))
    names = next(iter(figures.values()))
    for name in names:
        cells = [figures[s][name] for s in classes]
        print(f"{name:30} " + " ".join(
            f"{c['cpu']:7.1f} ms {c['q']:3} q {c['size'] / 1024:5.0f}K {c['peak'] / 1024:5.0f}K"
            for c in cells
        ))  # fmt: skip
    for size in classes:
        for name in names:
            f = figures[size][name]
            report.record(
                "pages", f"class {size}: {name}", f["cpu"], "ms",
                note=f"{f['q']} q; median {f['median']:.1f} ms; {f['size'] / 1024:.0f} KiB, "
                f"peak {f['peak'] / 1024:.0f} KiB",
            )  # fmt: skip
    grew = {
        name: [figures[s][name]["q"] for s in classes]
        for name in names
        if name not in (WHOLE, WHOLE_GRADEBOOK)
        and len({figures[s][name]["q"] for s in classes}) > 1
    }
    assert not grew, f"queries grew with the class: {grew}"
    for size, klass in classes.items():
        # One file up to the limit, a list of parts past it.
        assert figures[size][WHOLE]["file"] == (klass.answers <= exports.ANSWERS_PER_FILE), size
        rows = len(klass.learners) * len(klass.assignments)
        fits = rows <= exports.GRADEBOOK_ROWS_PER_FILE
        assert figures[size][WHOLE_GRADEBOOK]["file"] == fits, size
    for small, large in PAIRS:
        if small not in figures or large not in figures:
            continue
        for name in PAGED:
            before, after = figures[small][name]["cpu"], figures[large][name]["cpu"]
            assert after <= 3 * before + 3, (name, small, before, large, after)
        for name in SUMMARIES:
            before, after = figures[small][name]["cpu"], figures[large][name]["cpu"]
            assert after <= 15 * before + 10, (name, small, before, large, after)
    few, many = QUIZ_PAIR
    if few in figures and many in figures:
        # What a page shows or reads per quiz (a gradebook column and the progress over every
        # assignment, a learner's row per assignment, the files' rows) is at most linear in the
        # quizzes: ten times the quizzes, within ten times the time + 10 ms. A cost per quiz
        # that grows with the quizzes (quadratic: 100x) fails it.
        times = SIZES[many][2] / SIZES[few][2]
        for name in names:
            before, after = figures[few][name]["cpu"], figures[many][name]["cpu"]
            assert after <= times * before + 10, (name, few, before, many, after)
