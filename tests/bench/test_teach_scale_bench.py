"""Every instructor page at a teacher's realistic scale (`tests.bench.teachscale`: 60 quizzes of
25 questions, a 300-learner cohort with 40 assignments, 50,000 answers), on the shipped course:
the time of one request (the process's CPU, and the wall clock beside it) and its queries.

Run with `make bench` (`TEACH_SCALE_RUNS=n` repeats, 5 by default; `TEACH_PROFILE=name` prints
a profile of that page). No budget: the figures are for comparison between runs
(docs/teaching.md, "At a teacher's scale")."""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Module, Source
from quizzes.models import Question, Quiz, Tag
from srm_trainer import once
from teach import bank
from tests.bench import batches, report, teachscale
from tests.quizzes.builders import default_data
from tests.shipped import load_shipped
from tests.teach.conftest import _instructor

# Committed rows, as a server has them: what a page keeps between requests is kept only
# outside a transaction (srm_trainer/versioned_cache.py).
pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = int(os.environ.get("TEACH_SCALE_RUNS", "5"))


def pages(client: Client, scale: teachscale.Scale) -> dict[str, str]:
    """name -> address, every page a teacher of that size opens."""
    from teach.editors import EDITORS

    cohort, quiz, question = scale.cohort, scale.quizzes[0], scale.questions[0]
    learner, assignment = scale.learners[7], scale.assignments[0]
    token = f"?once={once.new_token()}"
    c = cohort.pk
    out = {
        "dashboard": reverse("teach:dashboard"),
        "dashboard, page 2": reverse("teach:dashboard") + "?page=2",
        "quiz": reverse("teach:quiz", args=[quiz.pk]),
        "quiz settings": reverse("teach:quiz-edit", args=[quiz.pk]),
        "new quiz": reverse("teach:quiz-create") + token,
        "bank": reverse("teach:bank"),
        "bank, a tag": reverse("teach:bank") + "?tag=week-3",
        "bank, searched": reverse("teach:bank") + "?q=case+12",
        "question editor": reverse("teach:question-edit", args=[question.pk]),
    }
    for kind in EDITORS:
        out[f"new {kind}"] = reverse("teach:question-create", args=[quiz.pk, kind]) + token
    out |= {
        "quiz statistics": reverse("teach:quiz-statistics", args=[quiz.pk]),
        "cohorts": client.get(reverse("teach_cohorts:list"))["Location"],
        "gradebook": reverse("teach_cohorts:gradebook", args=[c]),
        "gradebook, last page": reverse("teach_cohorts:gradebook", args=[c]) + "?page=12&columns=5",
        "gradebook, a learner found": reverse("teach_cohorts:gradebook", args=[c]) + "?q=0042",
        "gradebook, by progress": reverse("teach_cohorts:gradebook", args=[c])
        + "?sort=progress&order=desc",
        "gradebook, by a score": reverse("teach_cohorts:gradebook", args=[c])
        + f"?sort=score-{assignment.pk}&page=12",
        "gradebook csv": reverse("teach_cohorts:gradebook-csv", args=[c]),
        "answers csv": reverse("teach_cohorts:answers-csv", args=[c]),
        "members": reverse("teach_cohorts:people", args=[c]),
        "members, found": reverse("teach_cohorts:people", args=[c]) + "?q=learner-01",
        "learner": reverse("teach_cohorts:learner", args=[c, learner.pk]),
        "assignment": reverse("teach_cohorts:assignment", args=[c, assignment.pk]),
        "new assignment": reverse("teach_cohorts:assignment-create", args=[c]),
        "cohort statistics": reverse("teach_cohorts:quiz-statistics", args=[c, quiz.pk]),
    }
    return out


def _get(client: Client, url: str) -> int:
    """One request, its streamed body read to the end; its size in bytes."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        return sum(len(part) for part in response.streaming_content)
    return len(response.content)


def measure(client: Client, name: str, url: str) -> tuple[float, float, int, int]:
    """(median CPU ms, median wall ms, queries, bytes) of `RUNS` requests after one warm-up."""
    size = _get(client, url)
    cpu, wall = [], []
    for _ in range(RUNS):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        _get(client, url)
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start_wall) * 1e3)
    with batches.Counted() as queries:
        _get(client, url)
    batches.print_profile(name, lambda: _get(client, url), runs=RUNS, env="TEACH")
    return statistics.median(cpu), statistics.median(wall), len(queries), size


def test_every_teaching_page_at_a_teachers_scale():
    load_shipped()
    teacher = _instructor("scale-teacher")
    started = time.perf_counter()
    scale = teachscale.build(teacher)
    built = time.perf_counter() - started
    client = Client()
    client.force_login(teacher)
    print(
        f"\nteacher's scale: {len(scale.quizzes)} quizzes, {len(scale.questions)} questions, "
        f"{len(scale.learners)} learners, {len(scale.assignments)} assignments, "
        f"{scale.attempts} attempts, {scale.answers} answers (built in {built:.1f} s); "
        f"median of {RUNS}, load {os.getloadavg()[0]:.2f}"
    )
    for name, url in pages(client, scale).items():
        cpu, wall, count, size = measure(client, name, url)
        report.record(
            "pages", f"teach at scale: {name}", cpu, "ms", note=f"{count} q; wall {wall:.0f} ms"
        )
        print(f"{name:28} {cpu:8.1f} ms CPU {wall:8.1f} ms wall {count:4} q {size / 1024:7.0f} KiB")


def test_a_cohorts_pages_beside_100000_other_learners_attempts():
    """The cohort's pages on a site where 2,000 other learners have made 100,000 attempts at
    the same quizzes: a cohort's counted attempts are looked up by its quizzes and learners
    (`cohorts.gradebook.counted_attempts`), not tested one by one across the site's."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model

    from quizzes.models import Attempt

    load_shipped()
    teacher = _instructor("scale-teacher")
    scale = teachscale.build(teacher)
    others = get_user_model().objects.bulk_create(
        get_user_model()(username=f"site-learner-{n:05}") for n in range(2000)
    )
    start = teachscale.at(hours=3)
    Attempt.objects.bulk_create(
        (
            Attempt(
                quiz=scale.quizzes[n % teachscale.ASSIGNMENTS],
                user=others[n % len(others)],
                question_ids=[],
                started_at=start + timedelta(minutes=n % 5000),
                submitted_at=start + timedelta(minutes=n % 5000 + 9),
                score=(n % 10) / 10,
            )
            for n in range(100_000)
        ),
        batch_size=5000,
    )
    client = Client()
    client.force_login(teacher)
    c, quiz = scale.cohort.pk, scale.quizzes[0]
    print(f"\n100,000 other learners' attempts beside the cohort's; load {os.getloadavg()[0]:.2f}")
    for name, url in {
        "gradebook": reverse("teach_cohorts:gradebook", args=[c]),
        "learner": reverse("teach_cohorts:learner", args=[c, scale.learners[7].pk]),
        "cohort statistics": reverse("teach_cohorts:quiz-statistics", args=[c, quiz.pk]),
        "gradebook csv": reverse("teach_cohorts:gradebook-csv", args=[c]),
    }.items():
        cpu, wall, count, size = measure(client, name, url)
        report.record(
            "pages", f"teach at scale, busy site: {name}", cpu, "ms",
            note=f"{count} q; wall {wall:.0f} ms",
        )  # fmt: skip
        print(f"{name:28} {cpu:8.1f} ms CPU {wall:8.1f} ms wall {count:4} q {size / 1024:7.0f} KiB")


def _file_questions(n: int) -> None:
    """`n` questions as the curriculum files load them (no owner), over the shipped modules,
    100 misconception tags among them and a bank tag on every third: the course grown to the
    size the growth bench measures (22,000 questions)."""
    modules = list(Module.objects.values_list("pk", flat=True)) or [None]
    made = Question.objects.bulk_create(
        Question(
            slug=f"file-q-{k}",
            type="single",
            category=f"file-{k % 20}",
            prompt=f"Which one, file case {k}?",
            explanation="Because.",
            misconceptions=[f"thinks-file-{k % 100}", f"thinks-file-{(k * 7) % 100}"],
            data=default_data("single"),
            module_id=modules[k % len(modules)],
            source=Source.FILE,
        )
        for k in range(n)
    )
    tags = Tag.objects.bulk_create(Tag(slug=f"file-tag-{k}") for k in range(30))
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=q.pk, tag_id=tags[k % 30].pk)
        for k, q in enumerate(made)
        if k % 3 == 0
    )


def test_the_editors_tag_and_misconception_counts_with_22000_questions():
    """The question editor's offers (`bank.question_offers`, `bank.tag_uses`) and the editor
    itself with 20,000 curriculum questions and the teacher's 1,500."""
    load_shipped()
    teacher = _instructor("scale-teacher")
    teachscale.build(teacher)
    _file_questions(20_000)
    client = Client()
    client.force_login(teacher)
    quiz = Quiz.objects.filter(owner=teacher).first()
    url = reverse("teach:question-create", args=[quiz.pk, "single"]) + f"?once={once.new_token()}"
    total = Question.objects.count()

    def offers():
        bank.question_offers(teacher)
        bank.tag_uses(teacher)

    offers()
    cpu, wall = [], []
    for _ in range(RUNS * 4):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        offers()
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start_wall) * 1e3)
    page_cpu, page_wall, count, _size = measure(client, "editor offers page", url)
    report.record(
        "pages", "teach at scale: editor's counts", statistics.median(cpu), "ms",
        note=f"{total} questions; wall {statistics.median(wall):.1f} ms",
    )  # fmt: skip
    report.record(
        "pages", "teach at scale: new single, 22,000 q", page_cpu, "ms",
        note=f"{count} q; wall {page_wall:.0f} ms",
    )  # fmt: skip
    print(
        f"\n{total} questions: the editor's tag and misconception counts "
        f"{statistics.median(cpu):.1f} ms CPU ({statistics.median(wall):.1f} wall); "
        f"the new question page {page_cpu:.1f} ms CPU ({page_wall:.1f} wall), {count} queries"
    )
