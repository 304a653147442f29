"""A course update never loses or corrupts learners' or instructors' work ("nothing lost").

Between releases lessons and questions are renamed, renumbered, moved, split and deleted, and
each release runs `load_curriculum` on a database full of learners' work. Each test here loads a
small course, builds that work on it (progress, knowledge checks, submitted attempts with
answers of every file kind, a review card, a certificate, a cohort whose instructor assigned a
shipped quiz and her own quiz that also uses a shipped question), changes the files as an
update would, loads again with the command a release runs, and checks that every piece of
work is still there and still reads the same, that the loader said what it did, and that no
page a learner or the instructor reaches is a server error (the crawler of
tests/test_site_crawl.py, from their pages). docs/curriculum.md, "Updating a course", has the
rules these check.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from cohorts import services as cohort_services
from cohorts.models import Assignment, Cohort
from curriculum.fingerprints import retired_mark
from glossary.models import GlossaryTerm
from lessons import addresses, progress
from lessons.models import (
    EarlierAddress,
    KnowledgeCheck,
    Lesson,
    LessonProgress,
    Module,
    Source,
)
from quizzes import attempts, review
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewCard
from srm_trainer.accounts.roles import INSTRUCTORS
from teach import services as teach_services
from teach.statistics import quiz_statistics
from tests.conftest import confirmed_session, give_mfa
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.crawler import Budget, crawl
from tests.depth import DEEP
from tests.quizzes.builders import make_question, make_quiz, right_response
from tests.quizzes.test_admin_edited_elsewhere import _form as admin_form

pytestmark = pytest.mark.django_db

MODULES = """
    - slug: basics
      title: Basics
      summary: The first module.
    - slug: iam
      title: IAM
      summary: Identities.
"""

SRM = """
    layers:
      - slug: data
        name: Customer data
    services:
      - slug: ec2
        name: Amazon EC2
        model: IaaS
        responsibilities:
          data: {owner: customer, reason: Your data.}
"""

GLOSSARY = """
    - slug: shared-responsibility
      term: shared responsibility
      definition: AWS secures the cloud; you secure what you put in it.
      lesson: basics/first
    - slug: guest-os
      term: guest operating system
      definition: The operating system you run on an instance.
      lesson: basics/first
"""

BASICS_QUIZ = """
    quiz:
      slug: basics-quiz
      title: Basics quiz
      module: basics
      pass_mark: 50
      feedback: end
    questions:
      - slug: who-patches
        type: single
        prompt: Who patches the guest operating system on EC2?
        explanation: The customer does.
        lesson: basics/first
        choices:
          - {text: The customer, correct: true}
          - {text: AWS, correct: false}
      - slug: customer-parts
        type: multiple
        prompt: Which are the customer's?
        explanation: Data and access.
        lesson: basics/first
        choices:
          - {text: Data, correct: true}
          - {text: Access policies, correct: true}
          - {text: Data centre guards, correct: false}
      - slug: aws-owns-hardware
        type: true_false
        prompt: AWS secures the hardware that runs EC2.
        explanation: Security of the cloud.
        lesson: basics/first
        answer: true
      - slug: evaluation-order
        type: ordering
        prompt: Order the steps.
        explanation: Deny first.
        lesson: basics/first
        items: [Explicit deny, SCPs, Identity policies]
      - slug: who-owns-it
        type: categorize
        prompt: Who owns it?
        explanation: It depends on the layer.
        lesson: basics/first
        categories: [AWS, Customer]
        items:
          - {text: Hypervisor, category: AWS}
          - {text: Guest OS on EC2, category: Customer}
"""

IAM_QUIZ = """
    quiz:
      slug: iam-quiz
      title: IAM quiz
      module: iam
      feedback: end
    questions:
      - slug: read-reports-decision
        type: policy_decision
        prompt: Will AWS allow this?
        explanation: An identity policy allows it and nothing denies it.
        lesson: iam/policies
        scenario: read-reports
"""

PASSWORD = "a-long-passphrase-1"
# Feedback on a policy question links the shipped course's lessons on the rule it names
# (policy evaluation, SCPs...), which this small course does not have: a link elsewhere than
# to this course's own modules is not what these tests are about.
OUTSIDE = re.compile(
    r"GET /learn/(?!(basics|foundations)/|iam/(policies|second)/|glossary/)[\w-]+/[\w-]+/ .*: 404"
)
# Pages that read nothing a course update changes (accounts, the network and WAF labs, the
# certificate's PDF: its stored course title and date are checked in `work()`); left out of
# the crawls, which run after every change and were most of this file's time. The quick loop
# (`make test`) opens each role's starts and what they link to first, up to 30 pages a role;
# the deep run (CI) follows links to every kind of page (tests/depth.py).
PAGES_PER_ROLE = 200 if DEEP else 30
NOT_COURSE = re.compile(r"^/(accounts/|lab/(network|waf)/|progress/certificate/pdf/)")


def lesson_file(title: str, body: str = "## Words\nWords.") -> str:
    return f"---\ntitle: {title}\n{TWO_SOURCES}\n---\n{body}\n"


def write_course(root: Path) -> Path:
    """Two modules, four lessons (one placing a knowledge check), a glossary, a scenario and
    two module quizzes with a question of each kind a file can hold and the builders answer."""
    write(root, "modules.yaml", MODULES)
    write(root, "srm.yaml", SRM)
    write(root, "glossary.yaml", GLOSSARY)
    write(root, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    write(root, "basics/01-first.md", lesson_file("First lesson"))
    write(
        root,
        "basics/02-second.md",
        lesson_file(
            "Second lesson",
            "## More\nThe guest operating system is yours.\n\n::: check aws-owns-hardware\n:::",
        ),
    )
    write(root, "basics/03-third.md", lesson_file("Third lesson"))
    write(root, "iam/01-policies.md", lesson_file("Policies"))
    write(root, "quizzes/basics-quiz.yaml", BASICS_QUIZ)
    write(root, "quizzes/iam-quiz.yaml", IAM_QUIZ)
    return root


def load(root: Path, *flags: str) -> str:
    """What `manage.py load_curriculum` says, as a release runs it."""
    out = io.StringIO()
    call_command("load_curriculum", "--path", str(root), *flags, stdout=out)
    return out.getvalue()


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _answer_all(attempt: Attempt, *, wrong: set[str] = frozenset()) -> None:
    """Every question of `attempt` answered right, but those in `wrong` answered wrong."""
    when = attempt.started_at + timedelta(minutes=1)
    for question in attempts.attempt_questions(attempt):
        if question.type == "policy_decision":
            response = {"decision": "ImplicitDeny" if question.slug in wrong else "Allow"}
        elif question.slug in wrong:
            response = _wrong(question)
        else:
            response = right_response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response, now=when)


def _wrong(question: Question) -> dict:
    data = question.data
    if question.type == "single":
        c = next(c for c in data["choices"] if not c["correct"])
        return {"choice": c["id"], "text": c["text"]}
    if question.type == "multiple":
        c = next(c for c in data["choices"] if not c["correct"])
        return {"choices": [c["id"]], "texts": [c["text"]]}
    if question.type == "true_false":
        return {"answer": not data["answer"]}
    raise ValueError(question.type)


class World:
    """Learners ada and bob, instructor ines, and their work on the loaded course."""

    def __init__(self) -> None:
        users = get_user_model().objects
        self.ada = users.create_user("ada", password=PASSWORD, first_name="Ada")
        self.bob = users.create_user("bob", password=PASSWORD)
        self.ines = users.create_user("ines", password=PASSWORD)
        self.ines.groups.add(Group.objects.get(name=INSTRUCTORS))
        give_mfa(self.ines)
        now = timezone.now()
        first, second, third = (Lesson.objects.get(slug=s) for s in ("first", "second", "third"))
        policies = Lesson.objects.get(slug="policies")
        for lesson in (first, second, third, policies):
            progress.mark_complete(user=self.ada, lesson=lesson)
        progress.mark_complete(user=self.bob, lesson=second)
        KnowledgeCheck.objects.create(
            user=self.ada,
            lesson=second,
            kind=KnowledgeCheck.Kind.QUESTION,
            ref="aws-owns-hardware",
            response={"answer": True},
            score=1.0,
            correct=True,
            answered_at=now,
        )
        basics, iam = Quiz.objects.get(slug="basics-quiz"), Quiz.objects.get(slug="iam-quiz")
        # Ines's own quiz: her question and two shipped ones (one of them later retired).
        own = make_question("single", owner=self.ines, source=Source.AUTHORED, lesson=None)
        shipped = [Question.objects.get(slug=s) for s in ("aws-owns-hardware", "who-patches")]
        self.mine = make_quiz(
            own, *shipped, owner=self.ines, source=Source.AUTHORED, title="Ines's quiz"
        )
        cohort = cohort_services.cohort_create(owner=self.ines, name="Autumn class", now=now)
        for learner in (self.ada, self.bob):
            cohort_services.cohort_join(cohort=cohort, user=learner)
        self.cohort = cohort
        earlier = now - timedelta(days=2)
        for quiz in (basics, self.mine):
            cohort_services.assignment_create(
                cohort=cohort,
                quiz=quiz,
                lessons=[first, second] if quiz == basics else [],
                due_at=now + timedelta(days=7),
                by=self.ines,
                now=earlier,
            )
        self.attempts = []
        for user, quiz, wrong in (
            (self.ada, basics, set()),
            (self.bob, basics, {"who-patches", "aws-owns-hardware"}),
            (self.ada, iam, set()),
            (self.bob, iam, {"read-reports-decision"}),
            (self.ada, self.mine, set()),
            (self.bob, self.mine, {"aws-owns-hardware"}),
        ):
            attempt = attempts.attempt_start(quiz=quiz, user=user, now=earlier)
            _answer_all(attempt, wrong=wrong)
            attempts.attempt_submit(attempt=attempt, now=earlier + timedelta(minutes=5))
            self.attempts.append(attempt)
        review.card_record(
            user=self.bob,
            question=Question.objects.get(slug="who-patches"),
            correct=False,
            now=earlier,
        )
        Certificate.objects.create(
            user=self.ada, course_title="The course", name="Ada", issued_at=now
        )
        self.sessions = {
            name: confirmed_session(user)
            for name, user in (("ada", self.ada), ("bob", self.bob), ("ines", self.ines))
        }

    def read_again(self) -> World:
        """The same rows as new instances, so that nothing one test caches on them or
        changes in memory (`refresh_from_db`, a related object read) reaches the next."""
        again = object.__new__(World)
        people = get_user_model().objects.in_bulk([self.ada.pk, self.bob.pk, self.ines.pk])
        again.ada, again.bob, again.ines = (people[u.pk] for u in (self.ada, self.bob, self.ines))
        again.mine = Quiz.objects.get(pk=self.mine.pk)
        again.cohort = Cohort.objects.get(pk=self.cohort.pk)
        made = Attempt.objects.in_bulk([a.pk for a in self.attempts])
        again.attempts = [made[a.pk] for a in self.attempts]
        again.sessions = self.sessions
        return again

    def client(self, name: str) -> Client:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[name]
        return client


def work() -> dict:
    """Everything learners and instructors have made, as they would read it."""
    return {
        "progress": sorted(
            LessonProgress.objects.values_list("user__username", "lesson_id", "completed_at")
        ),
        "checks": sorted(
            KnowledgeCheck.objects.values_list("user__username", "lesson_id", "ref", "score")
        ),
        "attempts": sorted(
            Attempt.objects.values_list("pk", "user__username", "quiz_id", "score", "passed")
        ),
        "answers": sorted(
            Answer.objects.values_list("attempt_id", "question_id", "response", "score", "correct")
        ),
        "cards": sorted(ReviewCard.objects.values_list("user__username", "question_id", "due")),
        "certificates": sorted(Certificate.objects.values_list("user__username", "code")),
        "assignments": sorted(
            (a.cohort_id, a.quiz_id, tuple(sorted(a.lessons.values_list("pk", flat=True))))
            for a in Assignment.objects.all()
        ),
        "own quiz": sorted(
            Quiz.objects.filter(source=Source.AUTHORED).values_list(
                "pk", "entries__question_id", "entries__order"
            )
        ),
    }


def pages_problems(world: World) -> list[str]:
    """Every page ada, bob and ines reach from home, their progress, results and teaching
    pages that is a server error, raises or is a dead link."""

    def results(user) -> list[str]:
        return [reverse("quizzes:result", args=[a.pk]) for a in world.attempts if a.user == user]

    starts = {
        "ada": ("/", "/progress/", "/quizzes/review/", *results(world.ada)),
        "bob": ("/", "/progress/", "/quizzes/review/", *results(world.bob)),
        "ines": (
            "/teach/",
            reverse("teach_cohorts:gradebook", args=[world.cohort.pk]),
            reverse("teach_cohorts:answers-csv", args=[world.cohort.pk]),
            reverse("teach_cohorts:gradebook-csv", args=[world.cohort.pk]),
            *(reverse("teach:quiz", args=[q.pk]) for q in Quiz.objects.all()),
            *(reverse("teach:quiz-statistics", args=[q.pk]) for q in Quiz.objects.all()),
        ),
    }
    problems = []
    for name, urls in starts.items():
        budget = Budget(per_kind=1, per_admin_kind=0, per_variant=1, total=PAGES_PER_ROLE)
        found = crawl(world.client(name), name, urls, budget, skip=NOT_COURSE)
        problems += [p for p in found.problems if not OUTSIDE.search(p)]
    return problems


@pytest.fixture(scope="module")
def _worked_course(tmp_path_factory, django_db_setup, django_db_blocker):
    """The course loaded and the work built on it, once for the whole module (~0.25 s of CPU
    a build, 62 tests) in a transaction rolled back when the module ends, as `shipped_course`
    does (tests/conftest.py): each test runs in a savepoint inside it (the `db` of
    `pytestmark`), so what one test's load or request changes the next never sees. Loads into
    a database holding no course are in tests/curriculum/test_course_first_load.py."""
    root = write_course(tmp_path_factory.mktemp("course") / "content")
    with django_db_blocker.unblock(), transaction.atomic():
        load(root)
        yield root, World()
        transaction.set_rollback(True)


@pytest.fixture
def course(_worked_course, tmp_path: Path) -> Path:
    """A copy of the loaded course's files, this test's to change."""
    return shutil.copytree(_worked_course[0], tmp_path / "content")


@pytest.fixture
def world(_worked_course) -> World:
    """The module's people and work, read afresh for this test."""
    return _worked_course[1].read_again()


def test_the_course_and_its_work_load_and_every_page_opens(course, world):
    """The baseline the scenarios change: a second load changes nothing."""
    before = work()
    assert len(before["answers"]) == 2 * 5 + 2 * 1 + 2 * 3
    said = load(course)
    assert "0 created, 0 updated" in said
    assert work() == before
    assert pages_problems(world) == []


def lesson_at(path: str) -> Lesson:
    module, slug = path.split("/")
    return Lesson.objects.get(module__slug=module, slug=slug)


def completions(user) -> dict[str, int]:
    """What home and the progress page count per module (kept as progress is written)."""
    from lessons.models import ModuleCompletions

    rows = ModuleCompletions.objects.filter(user=user).values_list("module__slug", "completed")
    return {slug: n for slug, n in rows if n}


# (a) A lesson renumbered, or moved to another module.


def test_a_lesson_renumbered_keeps_its_row_and_everything_on_it(course, world):
    before = work()
    (course / "basics/02-second.md").rename(course / "basics/04-second.md")
    (course / "basics/03-third.md").rename(course / "basics/02-third.md")
    said = load(course)
    assert "lessons: 0 created, 2 updated" in said
    assert [le.slug for le in Lesson.objects.filter(module__slug="basics")] == [
        "first",
        "third",
        "second",
    ]
    assert work() == before
    assert pages_problems(world) == []


def test_a_lesson_moved_to_another_module_takes_its_progress_checks_and_assignments(course, world):
    second = lesson_at("basics/second")
    before = work()
    (course / "basics/02-second.md").rename(course / "iam/02-second.md")
    said = load(course)
    moved = lesson_at("iam/second")
    assert moved.pk == second.pk, "the same row, now in its new module"
    assert not Lesson.objects.filter(module__slug="basics", slug="second").exists()
    assert "moved: lesson 'basics/second' to 'iam/second'" in said
    assert work() == before  # progress, checks and the cohort's assigned lessons go with it
    assert completions(world.ada) == {"basics": 2, "iam": 2}
    assert completions(world.bob) == {"iam": 1}
    assert world.client("ada").get(moved.get_absolute_url()).status_code == 200
    # A bookmark of the old address leads to it, signed in or not; the module stays itself.
    for client in (world.client("ada"), Client()):
        assert client.get("/learn/basics/second/").url == "/learn/iam/second/"
        assert client.get("/learn/basics/").status_code == 200
    assert pages_problems(world) == []


def test_a_lesson_at_a_moved_lessons_old_address_is_shown_there(course, world):
    """An old address leads on only while nothing stands there: a new lesson written at it
    later is the page, and a lesson moved back has its old address as its own again."""
    (course / "basics/02-second.md").rename(course / "iam/02-second.md")
    load(course)
    write(course, "basics/02-second.md", lesson_file("A new second lesson"))
    load(course)
    page = Client().get("/learn/basics/second/")
    assert page.status_code == 200 and "A new second lesson" in page.content.decode()
    (course / "basics/02-second.md").unlink()
    load(course)  # the new lesson retired: the old address leads to the moved one again
    assert Client().get("/learn/basics/second/").url == "/learn/iam/second/"


def test_a_lesson_moved_back_is_at_its_first_address_again(course, world):
    second = lesson_at("basics/second")
    (course / "basics/02-second.md").rename(course / "iam/02-second.md")
    load(course)
    (course / "iam/02-second.md").rename(course / "basics/02-second.md")
    load(course)
    assert lesson_at("basics/second").pk == second.pk
    assert Client().get("/learn/basics/second/").status_code == 200
    assert Client().get("/learn/iam/second/").url == "/learn/basics/second/"


def rename(root: Path, old: str, new: str, formerly: str) -> None:
    """Rename the lesson file `old` to `new`, saying in it `formerly: <formerly>`."""
    text = (root / old).read_text(encoding="utf-8")
    (root / old).unlink()
    write(root, new, text.replace("---\n", f"---\nformerly: {formerly}\n", 1))


def test_a_lesson_renamed_with_formerly_keeps_its_row_and_everything_on_it(course, world):
    second = lesson_at("basics/second")
    before = work()
    rename(course, "basics/02-second.md", "basics/02-the-second.md", "second")
    said = load(course)
    renamed = lesson_at("basics/the-second")
    assert renamed.pk == second.pk, "the same row, under its new slug"
    assert not Lesson.objects.filter(slug="second").exists()
    assert "renamed: lesson 'basics/second' to 'basics/the-second'" in said
    assert "lessons: 0 created, 0 updated, 4 unchanged, 1 renamed" in said
    assert "retired" not in said
    assert work() == before  # progress, checks and the cohort's assigned lessons stay on it
    assert completions(world.ada) == {"basics": 3, "iam": 1}
    for client in (world.client("ada"), Client()):
        assert client.get("/learn/basics/second/").url == "/learn/basics/the-second/"
    assert world.client("bob").get("/learn/basics/the-second/").status_code == 200
    assert pages_problems(world) == []
    # The file keeps saying `formerly:` (for databases not yet updated): nothing more to do.
    said = load(course)
    assert "renamed" not in said and "0 created, 0 updated" in said
    assert lesson_at("basics/the-second").pk == second.pk


def test_a_lesson_renamed_as_it_moves_names_its_old_module_too(course, world):
    second = lesson_at("basics/second")
    before = work()
    rename(course, "basics/02-second.md", "iam/02-roles.md", "basics/second")
    said = load(course)
    assert lesson_at("iam/roles").pk == second.pk
    assert "renamed: lesson 'basics/second' to 'iam/roles'" in said
    assert work() == before
    assert completions(world.ada) == {"basics": 2, "iam": 2}
    assert Client().get("/learn/basics/second/").url == "/learn/iam/roles/"


def test_a_lesson_renamed_twice_names_both_old_slugs(course, world):
    """A database that missed the release with the first rename still finds its row."""
    second = lesson_at("basics/second")
    rename(course, "basics/02-second.md", "basics/02-third-name.md", "[second-name, second]")
    said = load(course)
    assert lesson_at("basics/third-name").pk == second.pk
    assert "renamed: lesson 'basics/second' to 'basics/third-name'" in said


def test_an_old_slug_the_database_never_had_is_no_refusal_beside_a_move(course, world):
    """A database that skipped the releases with the old name (or a fresh one) has nothing to
    rename; the lesson leaving the module here is moving, not being retired, so the old name
    is not taken for a typo of it."""
    (course / "basics/02-second.md").rename(course / "iam/02-second.md")
    write(course, "basics/04-fourth.md", "---\nformerly: ancient\n" + lesson_file("Fourth")[4:])
    said = load(course)
    assert "moved: lesson 'basics/second' to 'iam/second'" in said
    assert lesson_at("basics/fourth").published


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda root: rename(root, "basics/02-second.md", "basics/02-the-second.md", "secnd"),
            "basics/02-the-second.md:2: front matter: 'formerly' names 'basics/secnd', which the "
            "database has no lesson at; this load would retire 'basics/second': is that the old "
            "name?",
        ),
        (
            lambda root: edit(root, "basics/03-third.md", "---\n", "---\nformerly: second\n"),
            "basics/03-third.md:2: front matter: 'formerly' names 'basics/second', still a "
            "lesson in the files (basics/02-second.md): a renamed lesson's old file is taken out",
        ),
        (
            lambda root: (
                rename(root, "basics/02-second.md", "basics/02-two.md", "second"),
                rename(root, "basics/03-third.md", "basics/03-three.md", "second"),
            ),
            "basics/03-three.md:2: front matter: 'formerly' names 'basics/second', which "
            "basics/02-two.md names too: one lesson cannot become two",
        ),
        (
            lambda root: (
                edit(root, "basics/02-second.md", "---\n", "---\nformerly: third\n"),
                edit(root, "basics/03-third.md", "---\n", "---\nformerly: second\n"),
            ),
            "basics/02-second.md:2: front matter: 'formerly' names 'basics/third', "
            "whose file (basics/03-third.md) says it was formerly 'basics/second': a cycle",
        ),
        (
            lambda root: rename(root, "basics/02-second.md", "basics/02-two.md", "Second Lesson"),
            "basics/02-two.md:2: front matter: 'formerly' names 'Second Lesson': write a slug",
        ),
        (
            lambda root: rename(root, "basics/02-second.md", "basics/02-two.md", "two"),
            "basics/02-two.md:2: front matter: 'formerly' names 'two', the lesson's own slug",
        ),
        (
            lambda root: rename(root, "basics/02-second.md", "basics/02-two.md", "basics/two"),
            "basics/02-two.md:2: front matter: 'formerly' names 'basics/two', the lesson's own",
        ),
    ],
    ids=[
        "no-such-slug",
        "still-in-the-files",
        "claimed-twice",
        "cycle",
        "not-a-slug",
        "itself",
        "itself-by-path",
    ],
)
def test_a_bad_rename_is_refused_at_its_line_and_nothing_is_loaded(course, world, change, message):
    before = work()
    change(course)
    with pytest.raises(CommandError) as refused:
        load(course)
    said = str(refused.value)
    assert said.startswith("Nothing was loaded") and message in said
    assert work() == before
    assert lesson_at("basics/second").published


def test_a_rename_of_a_lesson_written_in_the_admin_is_refused(course, world):
    basics = Module.objects.get(slug="basics")
    Lesson.objects.create(module=basics, slug="extra", title="Extra", body="Words.", order=9)
    rename(course, "basics/03-third.md", "basics/03-other.md", "extra")
    with pytest.raises(CommandError) as refused:
        load(course)
    assert "'formerly' names 'basics/extra', a lesson written in the admin" in str(refused.value)


# (b) A lesson deleted from the files.


def test_a_lesson_deleted_from_the_files_is_retired_with_its_progress_kept(course, world):
    second = lesson_at("basics/second")
    before = work()
    (course / "basics/02-second.md").unlink()
    said = load(course)
    second.refresh_from_db()
    assert not second.published, "no longer offered to learners"
    assert "retired: lesson 'basics/second' is no longer in the files" in said
    assert work() == before
    assert completions(world.ada)["basics"] == 3  # kept, though no longer required
    page = world.client("ada").get("/learn/basics/")
    assert page.status_code == 200 and "Second lesson" not in page.content.decode()
    home = world.client("ada").get("/").content.decode()  # the cohort's "Read first" list
    assert 'Second lesson <span class="meta">(not open in the course now)</span>' in home
    assert 'href="/learn/basics/second/"' not in home
    assert pages_problems(world) == []
    # Back in the files, it is offered again, its learners' progress with it.
    write(course, "basics/02-second.md", lesson_file("Second lesson"))
    said = load(course)
    second.refresh_from_db()
    assert second.published and work() == before


def test_a_lesson_written_in_the_admin_is_not_retired(course, world):
    basics = Module.objects.get(slug="basics")
    own = Lesson.objects.create(module=basics, slug="extra", title="Extra", body="Words.", order=9)
    load(course)
    own.refresh_from_db()
    assert own.published


# (c) A question's answer key changed.


def test_a_changed_answer_key_keeps_past_grades_and_says_so(course, world):
    before = work()
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "- {text: The customer, correct: true}\n      - {text: AWS, correct: false}",
        "- {text: The customer, correct: false}\n      - {text: AWS, correct: true}",
    )
    said = load(course)
    assert "question 'who-patches': its answer key changed" in said
    assert "4 answers graded before would score differently now; they keep the marks" in said
    assert work() == before, "scores, passes and certificates stand as graded"
    assert pages_problems(world) == []


def test_a_scenario_whose_case_changes_says_which_policy_answers_it_would_mark_otherwise(
    course, world
):
    """A policy question's key is what the engine decides for its scenario's case: a case
    changed under it changes the key without the question's row changing."""
    before = work()
    edit(course, "scenarios/iam.yaml", "{Effect: Allow,", "{Effect: Deny,")
    edit(course, "scenarios/iam.yaml", "expect: Allow", "expect: ExplicitDeny")
    said = load(course)
    # ada's "Allow" was right and is wrong now; bob's "Implicit deny" was wrong and still is.
    assert "question 'read-reports-decision': its answer key changed: 1 answer graded" in said
    assert work() == before


def test_an_option_reworded_beyond_a_small_edit_is_a_new_choice(course, world):
    """The old id stays with the old words: an answer that chose "AWS" is not shown, counted or
    regraded as having chosen the new text. The answers keep the text they chose."""
    question = Question.objects.get(slug="who-patches")
    old = {c["text"]: c["id"] for c in question.choices()}
    before = work()
    edit(course, "quizzes/basics-quiz.yaml", "{text: AWS,", "{text: Nobody does,")
    said = load(course)
    question.refresh_from_db()
    now = {c["text"]: c["id"] for c in question.choices()}
    assert now["The customer"] == old["The customer"]
    assert now["Nobody does"] not in old.values(), "a new choice"
    assert (
        "question 'who-patches': the choice 'AWS' is gone (reworded beyond a small edit, or "
        f"taken out): answers that chose it keep its text and their marks; if only its words "
        f"changed, `id: {old['AWS']}` on the new choice in the file keeps it the same choice"
    ) in said
    assert work() == before
    result = world.client("bob").get(reverse("quizzes:result", args=[world.attempts[1].pk]))
    page = result.content.decode()
    assert "<li>AWS</li>" in page and "Nobody does</li>" not in page
    # The instructor's statistics count bob's "AWS" as a choice since removed, not as the new.
    basics = Quiz.objects.get(slug="basics-quiz")
    stats = quiz_statistics(quiz=basics, attempts=Attempt.objects.filter(quiz=basics))
    shown = next(q for q in stats.questions if q.question.slug == "who-patches")
    picked = {t.label: t.count for t in shown.tallies}
    assert picked == {"The customer": 1, "Nobody does": 0, "A choice since removed": 1}
    assert pages_problems(world) == []
    # The author meant the same option: the id the load named keeps it so.
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "{text: Nobody does,",
        f"{{id: {old['AWS']}, text: Nobody does,",
    )
    load(course)
    question.refresh_from_db()
    assert {c["id"] for c in question.choices()} == set(old.values())


def test_a_check_answered_on_a_choice_reworded_since_reads_as_it_was_marked(course, world):
    """Graded again, ada's right answer would name a choice that is gone and read as wrong."""
    question = Question.objects.get(slug="who-patches")
    right = next(c for c in question.choices() if c["correct"])
    edit(
        course,
        "basics/02-second.md",
        ":::",
        ":::\n\n::: check who-patches\n:::",
    )
    load(course)
    KnowledgeCheck.objects.create(
        user=world.ada,
        lesson=lesson_at("basics/second"),
        kind=KnowledgeCheck.Kind.QUESTION,
        ref="who-patches",
        response={"choice": right["id"], "text": right["text"]},
        score=1.0,
        correct=True,
        answered_at=timezone.now(),
    )
    edit(course, "quizzes/basics-quiz.yaml", "{text: The customer,", "{text: Whoever runs it,")
    said = load(course)
    assert "question 'who-patches': the choice 'The customer' is gone" in said
    page = world.client("ada").get("/learn/basics/second/").content.decode()
    check = page[page.index("Who patches the guest operating system") :]
    assert "<strong>Right.</strong>" in check[: check.index("Whoever runs it")]
    assert "<li>The customer</li>" in check, "the answer as given"


def test_an_option_with_a_typo_fixed_keeps_its_id_and_its_answers(course, world):
    question = Question.objects.get(slug="customer-parts")
    old = [c["id"] for c in question.choices()]
    before = work()
    edit(course, "quizzes/basics-quiz.yaml", "Data centre guards", "Data center guards")
    said = load(course)
    question.refresh_from_db()
    assert [c["id"] for c in question.choices()] == old
    assert question.choices()[2]["text"] == "Data center guards"
    assert "is gone" not in said
    assert work() == before


def test_a_check_answered_on_an_item_reworded_since_reads_as_it_was_marked(course, world):
    """An ordering check, as a choice's above: graded again, ada's right order would name an
    item that is gone and read as partly wrong."""
    question = Question.objects.get(type="ordering")
    edit(course, "basics/02-second.md", ":::", f":::\n\n::: check {question.slug}\n:::")
    load(course)
    items = question.items()
    KnowledgeCheck.objects.create(
        user=world.ada,
        lesson=lesson_at("basics/second"),
        kind=KnowledgeCheck.Kind.QUESTION,
        ref=question.slug,
        response={"order": [i["id"] for i in items], "texts": [i["text"] for i in items]},
        score=1.0,
        correct=True,
        answered_at=timezone.now(),
    )
    edit(course, "quizzes/basics-quiz.yaml", "SCPs, Identity", "Service control policies, Identity")
    said = load(course)
    assert f"question '{question.slug}': the item 'SCPs' is gone" in said
    page = world.client("ada").get("/learn/basics/second/").content.decode()
    check = page[page.index("Order the steps") :]
    assert "<strong>Right.</strong>" in check[: check.index("Service control policies")]


# (d) A question deleted from the files, with attempts, in an instructor's quiz.


def test_a_question_deleted_from_the_files_is_retired_and_kept_for_its_answers(course, world):
    before = work()
    edit(course, "basics/02-second.md", "::: check aws-owns-hardware\n:::", "")
    text = (course / "quizzes/basics-quiz.yaml").read_text()
    start = text.index("  - slug: aws-owns-hardware")
    end = text.index("  - slug: evaluation-order")
    (course / "quizzes/basics-quiz.yaml").write_text(text[:start] + text[end:])
    said = load(course)
    retired = Question.objects.get(slug="aws-owns-hardware")
    assert retired.archived
    assert "retired: question 'aws-owns-hardware' is no longer in the files" in said
    assert "its 4 answers are kept" in said
    assert "still in a quiz written in the app: 'Ines's quiz'" in said
    after = work()
    assert after["answers"] == before["answers"]
    assert after["attempts"] == before["attempts"]
    assert after["own quiz"] == before["own quiz"], "Ines's quiz is hers: it keeps its entry"
    new = attempts.attempt_start(quiz=world.mine, user=world.bob)
    assert retired not in attempts.attempt_questions(new), "no new attempt is given it"
    teaching = world.client("ines").get(reverse("teach:quiz", args=[world.mine.pk]))
    assert "Archived: not in new attempts" in teaching.content.decode()  # marked for its author
    assert pages_problems(world) == []
    # Back in the files (a mistake undone), the load puts it back in use: the same row, its
    # answers as they were, and new attempts are given it again.
    after = work()
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    back = Question.objects.get(slug="aws-owns-hardware")
    assert back.pk == retired.pk and not back.archived
    assert "restored: question 'aws-owns-hardware' is back in the files: in use again" in said
    assert "questions: 0 created, 0 updated, 6 unchanged, 1 restored" in said
    assert "kept" not in said.replace("answers are kept", ""), "not taken for an admin edit"
    assert work() == after, "its answers and their scores untouched"
    basics = Quiz.objects.get(slug="basics-quiz")
    started = attempts.attempt_start(quiz=basics, user=world.bob)
    assert back in attempts.attempt_questions(started)
    said = load(course)
    assert "restored" not in said and "archived" not in said, "said once, when it happens"
    assert "questions: 0 created, 0 updated, 6 unchanged" in said


def test_a_retired_question_a_teacher_put_back_in_use_takes_the_files_changes(course, world):
    """Archived by the load, put back in use in the teaching area while out of the files: back
    in them, changed, it takes the change (not refused as an edit made in the admin)."""
    text = (course / "quizzes/basics-quiz.yaml").read_text()
    start, end = text.index("  - slug: who-patches"), text.index("  - slug: customer-parts")
    (course / "quizzes/basics-quiz.yaml").write_text(text[:start] + text[end:])
    load(course)
    question = Question.objects.get(slug="who-patches")
    assert question.archived
    teach_services.question_set_archived(question=question, archived=False)
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    edit(course, "quizzes/basics-quiz.yaml", "prompt: Who patches", "prompt: Who, then, patches")
    said = load(course)
    question.refresh_from_db()
    assert not question.archived and question.prompt.startswith("Who, then, patches")
    assert "kept" not in said and "restored" not in said and "archived" not in said


def test_a_retired_question_put_back_and_archived_again_by_hand_stays_archived(
    course, world, client, everyday_admin
):
    """The load archived it; an admin put it back in use (the admin's action), then a teacher
    archived it (the teaching area): the last archive is a person's, so back in the files it
    stays archived."""
    text = (course / "quizzes/basics-quiz.yaml").read_text()
    start, end = text.index("  - slug: who-patches"), text.index("  - slug: customer-parts")
    (course / "quizzes/basics-quiz.yaml").write_text(text[:start] + text[end:])
    load(course)
    question = Question.objects.get(slug="who-patches")
    chosen = {"action": "restore_selected", "_selected_action": [question.pk]}
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert "1 question put back in use." in page
    question.refresh_from_db()
    assert not question.archived
    teach_services.question_set_archived(question=question, archived=True)
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said
    assert "question 'who-patches' is in the files but was archived in the teaching" in said


def _tick_archived(client, question: Question, archived: bool, **changes: str) -> None:
    """Save the question's admin change form as drawn, with its `archived` box (un)ticked."""
    url = f"/admin/quizzes/question/{question.pk}/change/"
    fields = admin_form(client, url, "question_form")
    fields.pop("archived", None)
    if archived:
        fields["archived"] = ["on"]
    fields.update({name: [value] for name, value in changes.items()})
    assert client.post(url, fields).status_code == 302
    question.refresh_from_db()
    assert question.archived is archived


def _retire_who_patches(course) -> tuple[str, Question]:
    text = (course / "quizzes/basics-quiz.yaml").read_text()
    start, end = text.index("  - slug: who-patches"), text.index("  - slug: customer-parts")
    (course / "quizzes/basics-quiz.yaml").write_text(text[:start] + text[end:])
    load(course)
    question = Question.objects.get(slug="who-patches")
    assert question.archived
    return text, question


def test_a_retired_question_restored_on_its_admin_change_form_loses_the_loads_mark(
    course, world, client, everyday_admin
):
    """The change form's tick, like the list's action: restored there, the load's retirement
    mark goes (it stayed, so a later archive on the form was taken for the load's)."""
    text, question = _retire_who_patches(course)
    assert question.file_fingerprint == retired_mark(question)
    _tick_archived(client, question, False)
    assert question.file_fingerprint != retired_mark(question)
    teach_services.question_set_archived(question=question, archived=True)
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said


def test_archiving_on_the_change_form_a_question_still_marked_is_a_persons_archive(
    course, world, client, everyday_admin
):
    """A question put back in use with the load's mark still on (as the change form did before
    it took the mark off), archived on the form: a person's archive, so it stays archived."""
    text, question = _retire_who_patches(course)
    Question.objects.filter(pk=question.pk).update(archived=False)
    _tick_archived(client, question, True)
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said
    assert "question 'who-patches' is in the files but was archived in the teaching" in said


def test_a_retired_question_restored_and_archived_again_on_its_change_form_stays_archived(
    course, world, client, everyday_admin
):
    """Archiving by hand on the change form is a teacher's archive, as the action is."""
    text, question = _retire_who_patches(course)
    _tick_archived(client, question, False)
    _tick_archived(client, question, True)
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said
    assert "question 'who-patches' is in the files but was archived in the teaching" in said


def test_a_question_archived_on_its_change_form_stays_archived_in_the_files(
    course, world, client, everyday_admin
):
    question = Question.objects.get(slug="who-patches")
    _tick_archived(client, question, True)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said
    assert "question 'who-patches' is in the files but was archived in the teaching" in said


def test_a_retired_question_restored_with_an_edit_on_its_change_form_keeps_the_edit(
    course, world, client, everyday_admin
):
    """The mark is read from the row as stored: the prompt changed with the tick is an
    admin edit, which the next load keeps (it does not take the file's prompt over it)."""
    text, question = _retire_who_patches(course)
    _tick_archived(client, question, False, prompt="Who patches it, then?")
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    question.refresh_from_db()
    assert not question.archived and question.prompt == "Who patches it, then?"
    assert "restored" not in said


def test_a_question_a_teacher_archived_stays_archived_in_the_files(course, world):
    """Archived in the teaching area (or the admin) on purpose: the load neither restores it
    nor takes the archive for an edit of its text, and says so on every load."""
    question = Question.objects.get(slug="who-patches")
    teach_services.question_set_archived(question=question, archived=True)
    edit(course, "quizzes/basics-quiz.yaml", "prompt: Who patches", "prompt: Who, then, patches")
    said = load(course)
    question.refresh_from_db()
    assert question.archived and question.prompt.startswith("Who, then, patches")
    assert (
        "question 'who-patches' is in the files but was archived in the teaching area or the "
        "admin: it stays archived" in said
    )
    assert "restored" not in said and "kept" not in said
    # Taken out of the files and put back, it is still the teacher's archive.
    text = (course / "quizzes/basics-quiz.yaml").read_text()
    start, end = text.index("  - slug: who-patches"), text.index("  - slug: customer-parts")
    (course / "quizzes/basics-quiz.yaml").write_text(text[:start] + text[end:])
    assert "retired" not in load(course), "archived already"
    (course / "quizzes/basics-quiz.yaml").write_text(text)
    said = load(course)
    assert Question.objects.get(slug="who-patches").archived and "restored" not in said
    assert "question 'who-patches' is in the files but was archived in the teaching" in said


def test_a_quiz_taken_out_of_the_files_is_retired_with_its_attempts_kept(course, world):
    """Unpublished, never deleted: its attempts, scores and the cohort's assignment stay, and
    no learner starts it again. Back in the files, it is published again (not taken for a
    quiz unpublished in the admin)."""
    iam = Quiz.objects.get(slug="iam-quiz")
    cohort_services.assignment_create(
        cohort=world.cohort, quiz=iam, lessons=[], due_at=None, by=world.ines
    )
    before = work()
    text = (course / "quizzes/iam-quiz.yaml").read_text()
    (course / "quizzes/iam-quiz.yaml").unlink()
    said = load(course)
    iam.refresh_from_db()
    assert not iam.published
    assert (
        "retired: quiz 'iam-quiz' is no longer in the files: unpublished (no new attempt); its "
        "2 attempts are kept; assigned in 1 cohort assignment" in said
    )
    assert "quizzes: 0 created, 0 updated, 1 unchanged, 1 retired" in said
    assert work() == before, "attempts, answers, scores and the assignment are kept"
    assert world.client("bob").get("/quizzes/iam-quiz/").status_code == 404
    assert world.client("bob").post("/quizzes/iam-quiz/start/").status_code == 404
    assert not Attempt.objects.filter(quiz=iam).exclude(pk__in=[a.pk for a in world.attempts])
    assert (
        world.client("ada").get(reverse("quizzes:result", args=[world.attempts[2].pk])).status_code
        == 200
    )
    assert pages_problems(world) == []
    said = load(course)
    assert "retired" not in said, "said once, when it happens"
    (course / "quizzes/iam-quiz.yaml").write_text(text)
    said = load(course)
    iam.refresh_from_db()
    assert iam.published, "back in the files: published again"
    assert "kept" not in said
    assert "restored: question 'read-reports-decision' is back in the files" in said
    assert world.client("bob").get("/quizzes/iam-quiz/").status_code == 200
    # With its questions: a learner who starts it is asked them.
    started = world.client("bob").post("/quizzes/iam-quiz/start/", follow=True)
    assert started.status_code == 200 and "Will AWS allow this?" in started.content.decode()
    attempt = Attempt.objects.filter(quiz=iam, user=world.bob).latest("started_at")
    assert [q.slug for q in attempts.attempt_questions(attempt)] == ["read-reports-decision"]


def test_a_published_quiz_with_every_question_archived_says_it_cannot_be_started(course, world):
    """A teacher archived each of its questions: the quiz stays listed (its past attempts are
    read from it), but its page and the list say it has none to ask, no Start is offered, and
    a start posted anyway (a page open from before) says why, with no empty attempt made."""
    iam = Quiz.objects.get(slug="iam-quiz")
    for question in iam.questions.all():
        teach_services.question_set_archived(question=question, archived=True)
    bob = world.client("bob")
    listing = bob.get(reverse("quizzes:list")).content.decode()
    assert "IAM quiz" in listing and "0 questions" in listing
    page = bob.get("/quizzes/iam-quiz/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "This quiz has no questions to ask at the moment, so it cannot be started." in text
    assert reverse("quizzes:start", args=["iam-quiz"]) not in text
    before = Attempt.objects.count()
    started = bob.post("/quizzes/iam-quiz/start/", follow=True)
    assert started.redirect_chain == [("/quizzes/iam-quiz/", 302)]
    assert "no questions to ask at the moment" in started.content.decode()
    assert Attempt.objects.count() == before


def test_a_quiz_renamed_with_formerly_keeps_its_attempts_and_assignments(course, world):
    basics = Quiz.objects.get(slug="basics-quiz")
    before = work()
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "slug: basics-quiz",
        "slug: basics-check\n  formerly: basics-quiz",
    )
    said = load(course)
    renamed = Quiz.objects.get(slug="basics-check")
    assert renamed.pk == basics.pk and renamed.published
    assert "renamed: quiz 'basics-quiz' to 'basics-check'" in said
    assert "quizzes: 0 created, 0 updated, 2 unchanged, 1 renamed" in said
    assert "retired" not in said
    assert work() == before, "attempts, scores and the cohort's assignment stay on it"
    for client in (world.client("bob"), Client()):
        assert client.get("/quizzes/basics-quiz/").url == "/quizzes/basics-check/"
    assert world.client("bob").get("/quizzes/basics-check/").status_code == 200
    assert pages_problems(world) == []
    said = load(course)
    assert "renamed" not in said and "0 created, 0 updated" in said


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("slug: iam-quiz", "slug: iam-check\n  formerly: iam-qiuz"),
            "quizzes/iam-quiz.yaml:3: quiz 'iam-check': 'formerly' names 'iam-qiuz', which the "
            "database has no quiz at; this load would retire 'iam-quiz': is that the old slug?",
        ),
        (
            ("slug: iam-quiz", "slug: iam-quiz\n  formerly: basics-quiz"),
            "quizzes/iam-quiz.yaml:3: quiz 'iam-quiz': 'formerly' names 'basics-quiz', still a "
            "quiz in the files (quizzes/basics-quiz.yaml)",
        ),
        (
            ("slug: iam-quiz", "slug: iam-quiz\n  formerly: [Old Quiz]"),
            "quizzes/iam-quiz.yaml:3: quiz 'iam-quiz': 'formerly' names 'Old Quiz': write a slug",
        ),
        (
            ("slug: iam-quiz", "slug: iam-quiz\n  formerly: final-exam"),
            "quizzes/iam-quiz.yaml:3: quiz 'iam-quiz': 'formerly' names 'final-exam', the slug "
            "course progress and the certificate find the final exam by: keep it",
        ),
    ],
    ids=["no-such-slug", "still-in-the-files", "not-a-slug", "the-final-exam"],
)
def test_a_bad_quiz_rename_is_refused_and_nothing_is_loaded(course, world, change, message):
    before = work()
    edit(course, "quizzes/iam-quiz.yaml", *change)
    with pytest.raises(CommandError) as refused:
        load(course)
    assert message in str(refused.value)
    assert work() == before
    assert Quiz.objects.get(slug="iam-quiz").published


def test_a_quiz_rename_claimed_twice_or_in_a_cycle_is_refused(course, world):
    edit(
        course, "quizzes/iam-quiz.yaml", "slug: iam-quiz", "slug: iam-quiz\n  formerly: basics-quiz"
    )
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "slug: basics-quiz",
        "slug: basics-quiz\n  formerly: iam-quiz",
    )
    with pytest.raises(CommandError) as refused:
        load(course)
    assert (
        "'formerly' names 'iam-quiz', whose file (quizzes/iam-quiz.yaml) says it was formerly 'basics-quiz': a cycle"
        in str(refused.value)
    )
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "slug: basics-quiz\n  formerly: iam-quiz",
        "slug: basics-two\n  formerly: old-quiz",
    )
    edit(
        course,
        "quizzes/iam-quiz.yaml",
        "slug: iam-quiz\n  formerly: basics-quiz",
        "slug: iam-quiz\n  formerly: old-quiz",
    )
    with pytest.raises(CommandError) as refused:
        load(course)
    assert (
        "quiz 'iam-quiz': 'formerly' names 'old-quiz', which quizzes/basics-quiz.yaml names too"
        in str(refused.value)
    )


# A question renamed: the same row, every piece of work on it kept.


def rename_question(root: Path, old: str, new: str, formerly: str = "") -> None:
    """Give the basics quiz's question `old` the slug `new`, saying `formerly: <formerly>`
    (the old slug when not given)."""
    edit(
        root,
        "quizzes/basics-quiz.yaml",
        f"- slug: {old}\n",
        f"- slug: {new}\n    formerly: {formerly or old}\n",
    )


def take_out(root: Path, slug: str) -> None:
    """Take the basics quiz's question `slug` out of its file."""
    path = root / "quizzes/basics-quiz.yaml"
    text = path.read_text()
    start = text.index(f"  - slug: {slug}\n")
    end = text.find("  - slug: ", start + 1)
    path.write_text(text[:start] + (text[end:] if end != -1 else ""))


def statistics_of(quiz: Quiz) -> dict:
    """What the teaching area's statistics say of each of `quiz`'s questions, by row."""
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(quiz=quiz))
    return {
        row.question.pk: (row.attempts, row.answered, row.facility, row.discrimination,
                          [(t.label, t.count) for t in row.tallies])
        for row in stats.questions
    }  # fmt: skip


def check_block(page: str, slug: str) -> str:
    block = page[page.index(f'id="check-{slug}"') :]
    return block[: block.index("</section>")]


def test_a_question_renamed_with_formerly_keeps_its_answers_checks_cards_and_quizzes(course, world):
    patches = Question.objects.get(slug="who-patches")  # bob's review card, in Ines's quiz
    hardware = Question.objects.get(slug="aws-owns-hardware")  # ada's lesson check on it
    quizzes = [Quiz.objects.get(slug="basics-quiz"), world.mine]
    before, statistics = work(), [statistics_of(quiz) for quiz in quizzes]
    rename_question(course, "who-patches", "guest-os-patching")
    rename_question(course, "aws-owns-hardware", "aws-secures-hardware")
    edit(course, "basics/02-second.md", "check aws-owns-hardware", "check aws-secures-hardware")
    said = load(course)
    assert Question.objects.get(slug="guest-os-patching").pk == patches.pk
    assert Question.objects.get(slug="aws-secures-hardware").pk == hardware.pk
    assert not Question.objects.filter(slug__in=["who-patches", "aws-owns-hardware"]).exists()
    assert "renamed: question 'who-patches' to 'guest-os-patching'" in said
    assert "renamed: question 'aws-owns-hardware' to 'aws-secures-hardware'" in said
    assert "questions: 0 created, 0 updated, 6 unchanged, 2 renamed" in said
    assert "retired" not in said and "archived" not in said and "kept:" not in said
    after = work()
    # The lesson check recorded on it names it by slug: renamed with it.
    assert after["checks"] == sorted(
        (user, lesson, "aws-secures-hardware" if ref == "aws-owns-hardware" else ref, score)
        for user, lesson, ref, score in before["checks"]
    )
    # Answers and their scores, bob's review card, Ines's quiz listing both: on the same rows.
    assert {**after, "checks": []} == {**before, "checks": []}
    assert [statistics_of(quiz) for quiz in quizzes] == statistics
    assert [row.question_id for row in world.mine.entries.order_by("order")][1:] == [
        hardware.pk,
        patches.pk,
    ]
    ada = world.client("ada").get("/learn/basics/second/").content.decode()
    shown = check_block(ada, "aws-secures-hardware")
    assert "Right." in shown and "<form" not in shown, "ada's answer, as she gave it"
    assert pages_problems(world) == []
    # The file keeps saying `formerly:` (for databases not yet updated): nothing more to do.
    said = load(course)
    assert "renamed" not in said and "questions: 0 created, 0 updated, 6 unchanged\n" in said
    assert Question.objects.get(slug="guest-os-patching").pk == patches.pk
    assert work() == after


def test_a_question_renamed_keeps_the_order_its_choices_are_shown_in(course, world):
    """The display order is shuffled with the slug as the seed: a rename alone does not draw
    it again (nor count the question as updated)."""
    shown = {q.slug: q.data.get("layout") for q in Question.objects.all()}
    for slug in ("who-patches", "customer-parts", "evaluation-order", "who-owns-it"):
        rename_question(course, slug, f"{slug}-renamed")
    said = load(course)
    assert "questions: 0 created, 0 updated, 6 unchanged, 4 renamed" in said
    for slug in ("who-patches", "customer-parts", "evaluation-order", "who-owns-it"):
        assert Question.objects.get(slug=f"{slug}-renamed").data["layout"] == shown[slug]


def test_a_lesson_page_opened_before_a_question_was_renamed_still_answers_its_check(course, world):
    """The check's form posts to the question's slug: a page opened before the update posts
    to the old one, which leads to the renamed question (while the lesson places it)."""
    old = reverse("lesson-check", args=["basics", "second", "aws-owns-hardware"])
    rename_question(course, "aws-owns-hardware", "aws-secures-hardware")
    edit(course, "basics/02-second.md", "check aws-owns-hardware", "check aws-secures-hardware")
    load(course)
    bob = world.client("bob")
    swapped = bob.post(old, {"answer": "true"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="check-aws-secures-hardware"' in swapped and "Right." in swapped
    row = KnowledgeCheck.objects.get(user=world.bob)
    assert (row.ref, row.correct, row.lesson.slug) == ("aws-secures-hardware", True, "second")
    page = bob.post(old, {"answer": "false"})  # without JavaScript: the lesson, answer in place
    assert page.status_code == 200
    assert "Not right." in check_block(page.content.decode(), "aws-secures-hardware")
    assert KnowledgeCheck.objects.get(user=world.bob).correct, "the first answer is the one kept"
    # Only a check the lesson places: not one elsewhere, nor a slug no question ever had.
    for lesson, slug in (("first", "aws-owns-hardware"), ("second", "no-such-question")):
        url = reverse("lesson-check", args=["basics", lesson, slug])
        assert bob.post(url, {"answer": "true"}).status_code == 404


def test_a_question_renamed_twice_names_both_old_slugs(course, world):
    """A database that missed the release with the first rename still finds its row."""
    patches = Question.objects.get(slug="who-patches")
    rename_question(course, "who-patches", "patching-third", "[patching-second, who-patches]")
    said = load(course)
    assert Question.objects.get(slug="patching-third").pk == patches.pk
    assert "renamed: question 'who-patches' to 'patching-third'" in said


def test_a_question_renamed_and_changed_is_held_to_the_rules_of_its_row(course, world):
    """A rename is no way round a question's rules: its answer key changed under graded
    answers is said, a teacher's archive stands, and the load's own retirement is undone."""
    patches = Question.objects.get(slug="who-patches")
    edit(
        course,
        "quizzes/basics-quiz.yaml",
        "- {text: The customer, correct: true}\n      - {text: AWS, correct: false}",
        "- {text: The customer, correct: false}\n      - {text: AWS, correct: true}",
    )
    rename_question(course, "who-patches", "guest-os-patching")
    teach_services.question_set_archived(
        question=Question.objects.get(slug="customer-parts"), archived=True
    )
    rename_question(course, "customer-parts", "customers-share")
    before = work()
    said = load(course)
    assert "question 'guest-os-patching': its answer key changed" in said
    assert "4 answers graded before would score differently now" in said
    assert Question.objects.get(slug="customers-share").archived
    assert "question 'customers-share' is in the files but was archived in the teaching" in said
    assert work() == before
    # Taken out of the files, it is retired; back under a new slug, renamed and in use again.
    take_out(course, "guest-os-patching")
    assert "retired: question 'guest-os-patching'" in load(course)
    (course / "quizzes/basics-quiz.yaml").write_text(
        (course / "quizzes/basics-quiz.yaml").read_text()
        + "  - slug: patching\n    formerly: [guest-os-patching, who-patches]\n"
        "    type: single\n    prompt: Who patches it?\n    explanation: The customer.\n"
        "    lesson: basics/first\n    choices:\n      - {text: The customer, correct: true}\n"
        "      - {text: AWS, correct: false}\n"
    )
    said = load(course)
    back = Question.objects.get(slug="patching")
    assert back.pk == patches.pk and not back.archived
    assert "renamed: question 'guest-os-patching' to 'patching'" in said
    assert "restored: question 'patching' is back in the files" in said


def test_a_type_changed_with_a_rename_under_answers_is_refused(course, world):
    before = work()
    rename_question(course, "who-patches", "guest-os-patching")
    edit(course, "quizzes/basics-quiz.yaml", "type: single", "type: multiple")
    with pytest.raises(CommandError) as refused:
        load(course)
    said = str(refused.value)
    assert said.startswith("Nothing was loaded")
    assert (
        "quizzes/basics-quiz.yaml:8: question 'guest-os-patching' (formerly 'who-patches'): its "
        "type would change from single to multiple, but learners have answered it as single "
        "(4 answers)" in said
    )
    assert work() == before
    assert Question.objects.get(slug="who-patches").type == "single"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda root: rename_question(root, "who-patches", "guest-os-patching", "who-patchs"),
            "quizzes/basics-quiz.yaml:9: question 'guest-os-patching': 'formerly' names "
            "'who-patchs', which the database has no question at; this load would retire "
            "'who-patches': is that the old slug?",
        ),
        (
            lambda root: rename_question(root, "who-patches", "who-patches", "customer-parts"),
            "quizzes/basics-quiz.yaml:9: question 'who-patches': 'formerly' names "
            "'customer-parts', still a question in the files (quizzes/basics-quiz.yaml:17): a "
            "renamed question's old slug is in no file",
        ),
        (
            lambda root: (
                rename_question(root, "who-patches", "who-patches", "customer-parts"),
                rename_question(root, "customer-parts", "customer-parts", "who-patches"),
            ),
            "quizzes/basics-quiz.yaml:9: question 'who-patches': 'formerly' names "
            "'customer-parts', whose file (quizzes/basics-quiz.yaml:17) says it was formerly "
            "'who-patches': a cycle",
        ),
        (
            lambda root: (
                rename_question(root, "who-patches", "patching"),
                rename_question(root, "customer-parts", "customers-share", "who-patches"),
            ),
            "quizzes/basics-quiz.yaml:18: question 'customers-share': 'formerly' names "
            "'who-patches', which quizzes/basics-quiz.yaml:8 names too: one question cannot "
            "become two",
        ),
        (
            lambda root: (
                take_out(root, "customer-parts"),
                rename_question(root, "who-patches", "patching", "[who-patches, customer-parts]"),
            ),
            "quizzes/basics-quiz.yaml:9: question 'patching': 'formerly' names 'who-patches' "
            "and 'customer-parts', both questions in the database: only one can become this one",
        ),
        (
            lambda root: rename_question(root, "who-patches", "patching", "[Who Patches]"),
            "quizzes/basics-quiz.yaml:9: question 'patching': 'formerly' names 'Who Patches': "
            "write a slug",
        ),
        (
            lambda root: rename_question(root, "who-patches", "patching", "patching"),
            "quizzes/basics-quiz.yaml:9: question 'patching': 'formerly' names 'patching', the "
            "question's own slug",
        ),
        (
            lambda root: rename_question(root, "aws-owns-hardware", "aws-secures-hardware"),
            "basics/02-second.md:8: lesson basics/second: '::: check aws-owns-hardware' names a "
            "question renamed to 'aws-secures-hardware' (its 'formerly'): write '::: check "
            "aws-secures-hardware'",
        ),
    ],
    ids=[
        "no-such-slug",
        "still-in-the-files",
        "cycle",
        "claimed-twice",
        "two-stored",
        "not-a-slug",
        "itself",
        "a-lesson-checks-the-old-slug",
    ],
)
def test_a_bad_question_rename_is_refused_at_its_line_and_nothing_is_loaded(
    course, world, change, message
):
    before = work()
    change(course)
    with pytest.raises(CommandError) as refused:
        load(course)
    said = str(refused.value)
    assert said.startswith("Nothing was loaded") and message in said
    assert work() == before
    assert not Question.objects.get(slug="who-patches").archived


def test_a_rename_of_a_question_written_in_the_app_is_refused(course, world):
    own = world.mine.entries.order_by("order").first().question
    assert own.source == Source.AUTHORED
    rename_question(course, "who-patches", "patching", own.slug)
    with pytest.raises(CommandError) as refused:
        load(course)
    assert (
        f"quizzes/basics-quiz.yaml:9: question 'patching': 'formerly' names '{own.slug}', a "
        "question written in the app, not loaded from the files: it is not the files' to rename"
        in str(refused.value)
    )
    assert Question.objects.get(pk=own.pk).slug == own.slug


def test_a_quiz_written_in_the_app_is_not_retired(course, world):
    load(course)
    world.mine.refresh_from_db()
    assert world.mine.published


# (e) A question's type changed under the same slug.


def test_a_type_changed_under_a_slug_with_answers_is_refused(course, world):
    before = work()
    edit(course, "quizzes/basics-quiz.yaml", "type: single", "type: multiple")
    with pytest.raises(CommandError) as refused:
        load(course)
    said = str(refused.value)
    assert "Nothing was loaded" in said
    assert "question 'who-patches': its type would change from single to multiple" in said
    assert "give the new question a new slug" in said
    assert work() == before
    assert Question.objects.get(slug="who-patches").type == "single"
    assert pages_problems(world) == []


# (f) A module renamed.


def test_a_module_retitled_is_the_same_module(course, world):
    before = work()
    edit(course, "modules.yaml", "title: Basics", "title: The basics")
    said = load(course)
    assert "modules: 0 created, 1 updated" in said
    assert work() == before
    assert pages_problems(world) == []


def test_a_module_given_a_new_slug_takes_its_lessons_and_their_progress(course, world):
    basics = Module.objects.get(slug="basics")
    lessons = {le.slug: le.pk for le in basics.lessons.all()}
    before = work()
    edit(course, "modules.yaml", "slug: basics", "slug: foundations")
    shutil.move(course / "basics", course / "foundations")
    for name in ("quizzes/basics-quiz.yaml", "glossary.yaml"):
        path = course / name
        text = path.read_text().replace("module: basics", "module: foundations")
        path.write_text(text.replace("lesson: basics/", "lesson: foundations/"))
    said = load(course)
    foundations = Module.objects.get(slug="foundations")
    assert {le.slug: le.pk for le in foundations.lessons.all()} == lessons
    assert "moved: lesson 'basics/first' to 'foundations/first'" in said
    assert "retired: module 'basics' is no longer in the files" in said
    basics.refresh_from_db()
    assert not basics.published
    assert Quiz.objects.get(slug="basics-quiz").module == foundations
    assert work() == before
    assert completions(world.ada) == {"foundations": 3, "iam": 1}
    anonymous = Client()
    assert anonymous.get("/learn/basics/").url == "/learn/foundations/"
    assert anonymous.get("/learn/basics/first/").url == "/learn/foundations/first/"
    assert anonymous.get("/learn/basics/no-such-lesson/").status_code == 404
    assert pages_problems(world) == []


# (h) A file's lesson or module renamed in the admin before the admin kept those names
# (lessons/admin.py, `FileIdentityForm`): each test builds the database as that rename left it,
# with what it recorded (the old address since 2026-12-06, the audit log's entry since
# 2026-11-30), and the next load puts the row back at its file's name (`curriculum.recovery`).


def renamed_in_admin(
    row: Lesson | Module, *, address: bool = True, logged: bool = True, **names
) -> None:
    """`row` renamed as the admin's change page did before the fix: a save, which the audit log
    records (`logged`; without it, only the new names written, as if the log had been
    emptied), and with `address` the old address, as the admin has recorded since 2026-12-06."""
    old = (row.module.slug, row.slug) if isinstance(row, Lesson) else row.slug
    for name, value in names.items():
        setattr(row, name, value)
    if logged:
        row.save()
    else:
        type(row).objects.filter(pk=row.pk).update(**names)
    if address and isinstance(row, Lesson):
        addresses.record_move(row, module_slug=old[0], lesson_slug=old[1])
    elif address:
        addresses.record_module_move(row, module_slug=old)


def test_a_file_lesson_renamed_in_the_admin_is_put_back_with_its_progress(course, world):
    second = lesson_at("basics/second")
    # Found by the old address alone (the audit log's entry is the next test's).
    renamed_in_admin(second, logged=False, slug="the-second", title="Second (renamed)")
    before = work()
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk, "the same row, not a new one"
    assert not Lesson.objects.filter(slug="the-second").exists()
    assert (
        "recovered: lesson 'basics/the-second' is the files' 'basics/second', renamed in the "
        "admin: it is 'basics/second' again"
    ) in said
    assert "lessons: 0 created, 1 updated, 3 unchanged, 1 recovered" in said
    assert "retired" not in said
    second.refresh_from_db()
    assert second.published and second.title == "Second lesson"  # the file's, as every load
    assert work() == before  # progress, the knowledge check, the cohort's reading list
    assert completions(world.ada) == {"basics": 3, "iam": 1}
    for client in (world.client("ada"), Client()):  # the admin's address leads to it
        assert client.get("/learn/basics/the-second/").url == "/learn/basics/second/"
    assert pages_problems(world) == []
    said = load(course)
    assert "recovered" not in said and "0 created, 0 updated" in said


def test_a_lesson_renamed_and_moved_in_the_admin_is_found_by_the_audit_log(course, world):
    """Renamed before the admin recorded old addresses: the audit log's entries are all that
    says where it stood."""
    second = lesson_at("basics/second")
    iam = Module.objects.get(slug="iam")
    renamed_in_admin(second, address=False, module=iam, slug="roles")
    assert not EarlierAddress.objects.exists()
    before = work()
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk
    assert "recovered: lesson 'iam/roles' is the files' 'basics/second'" in said
    assert "lessons: 0 created" in said and "retired" not in said
    assert work() == before
    assert completions(world.ada) == {"basics": 3, "iam": 1}
    assert Client().get("/learn/iam/roles/").url == "/learn/basics/second/"


@pytest.mark.parametrize("recorded", ["old address", "audit log"])
def test_a_file_module_renamed_in_the_admin_is_put_back_with_its_lessons(course, world, recorded):
    basics = Module.objects.get(slug="basics")
    lessons = {le.slug: le.pk for le in basics.lessons.all()}
    by_address = recorded == "old address"
    renamed_in_admin(basics, address=by_address, logged=not by_address, slug="the-basics")
    before = work()
    said = load(course)
    assert Module.objects.get(slug="basics").pk == basics.pk, "not a second module"
    assert Module.objects.count() == 2
    assert {le.slug: le.pk for le in basics.lessons.all()} == lessons
    assert "recovered: module 'the-basics' is the files' 'basics'" in said
    assert "modules: 0 created, 0 updated, 2 unchanged, 1 recovered" in said
    assert "moved" not in said and "retired" not in said
    assert Quiz.objects.get(slug="basics-quiz").module_id == basics.pk
    assert work() == before
    assert completions(world.ada) == {"basics": 3, "iam": 1}
    assert Client().get("/learn/the-basics/").url == "/learn/basics/"
    assert Client().get("/learn/the-basics/first/").url == "/learn/basics/first/"


def test_a_renamed_lesson_coming_back_is_no_retirement_a_formerly_could_have_meant(course, world):
    """A `formerly:` naming nothing while a lesson of its module would be retired is refused as
    a likely typo; a lesson the load gives its file's name back is not being retired."""
    second = lesson_at("basics/second")
    renamed_in_admin(second, slug="the-second")
    write(course, "basics/04-fourth.md", lesson_file("Fourth lesson"))
    edit(course, "basics/04-fourth.md", "---\n", "---\nformerly: fourth-draft\n")
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk
    assert "recovered: lesson 'basics/the-second'" in said


def test_two_rows_once_at_a_files_lesson_are_not_guessed_between(course, world):
    """Neither is brought back; the warning names both and the fix, which then works."""
    second = lesson_at("basics/second")
    renamed_in_admin(second, slug="the-second")
    other = Lesson.objects.create(
        module=second.module, slug="second", title="Copy", body="x", source=Source.FILE
    )
    renamed_in_admin(other, address=False, slug="second-copy")
    before = work()
    said = load(course)
    assert (
        f"not recovered: lessons 'basics/second-copy' (id {other.pk}) and 'basics/the-second' "
        f"(id {second.pk}) were each the files' 'basics/second' once"
    ) in said
    assert "add 'formerly: " in said
    new = lesson_at("basics/second")
    assert new.pk not in (second.pk, other.pk)  # as before: a new row, the two retired
    second.refresh_from_db()
    assert not second.published
    # The fix the warning gives: the new row (no work yet) deleted, `formerly:` naming the one.
    new.delete()
    edit(course, "basics/02-second.md", "---\n", "---\nformerly: the-second\n")
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk
    assert "renamed: lesson 'basics/the-second' to 'basics/second'" in said
    assert work() == before


def test_a_lesson_an_earlier_load_already_split_is_named_until_fixed(course, world):
    """Renamed and loaded before the fix: the files' lesson is a new row and the renamed one,
    retired, holds the progress. Nothing is merged; each load says so and how to fix it."""
    second = lesson_at("basics/second")
    renamed_in_admin(second, slug="the-second", published=False)  # as that load left it
    new = Lesson.objects.create(
        module=second.module, slug="second", title="Second lesson", body="x", order=2,
        source=Source.FILE,
    )  # fmt: skip
    before = work()
    said = load(course)
    assert (
        f"not recovered: lesson 'basics/the-second' (id {second.pk}, retired, 2 completions, "
        "1 knowledge check) is the files' 'basics/second', renamed in the admin, but an earlier "
        f"load added 'basics/second' again as another lesson (id {new.pk})"
    ) in said
    assert "tick Published on 'basics/the-second'" in said
    assert lesson_at("basics/second").pk == new.pk and work() == before
    new.delete()
    Lesson.objects.filter(pk=second.pk).update(published=True)
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk and lesson_at("basics/second").published
    assert "recovered: lesson 'basics/the-second'" in said and "not recovered" not in said
    assert work() == before


def test_a_lesson_renamed_under_the_first_release_is_named_with_the_fix(course, world):
    """Renamed under the 2026-12-01 release, before rows recorded their source: migration
    lessons/0015 marked the row as written in the admin (no file had its name), so it is not the
    files' to rename. The load says where its learners' work is, and the fix it gives works."""
    second = lesson_at("basics/second")
    renamed_in_admin(second, address=False, slug="the-second", source=Source.AUTHORED)
    before = work()
    said = load(course)
    new = lesson_at("basics/second")
    assert new.pk != second.pk  # as before: the files' lesson added again
    assert (
        f"not recovered: lesson 'basics/the-second' (id {second.pk}, 2 completions, 1 knowledge "
        "check), written in the admin, once stood at the files' 'basics/second', which this "
        "load keeps as a new lesson"
    ) in said
    assert "give 'basics/the-second' the slug and module of 'basics/second' there" in said
    new.delete()
    second.refresh_from_db()
    renamed_in_admin(second, slug="second")  # the admin's own rename, allowed for its rows
    said = load(course)
    assert lesson_at("basics/second").pk == second.pk
    assert "not recovered" not in said
    second.refresh_from_db()
    assert second.source == Source.FILE and second.published
    assert work() == before


# (g) A glossary term removed that lessons link to.


def test_a_glossary_term_removed_unlinks_it_everywhere(course, world):
    lesson = lesson_at("basics/second")
    page = world.client("ada").get(lesson.get_absolute_url()).content.decode()
    assert "#term-guest-os" in page
    before = work()
    text = (course / "glossary.yaml").read_text()
    (course / "glossary.yaml").write_text(text[: text.index("- slug: guest-os")])
    said = load(course)
    assert "glossary terms: 0 created, 0 updated, 1 unchanged, 1 removed" in said
    assert not GlossaryTerm.objects.filter(slug="guest-os").exists()
    page = world.client("ada").get(lesson.get_absolute_url()).content.decode()
    assert "#term-guest-os" not in page
    assert work() == before
    assert pages_problems(world) == []
