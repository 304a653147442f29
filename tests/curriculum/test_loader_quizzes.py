"""Loading quiz files: valid files load idempotently; a broken one aborts everything with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum import readers
from curriculum.loader import load_curriculum
from curriculum.quiz_loader import load_quizzes
from curriculum.quiz_readers import read_quizzes, text_id
from curriculum.readers import CurriculumError, read_curriculum
from lessons.models import Lesson
from quizzes.models import Answer, Question, Quiz
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write
from tests.quizzes.builders import make_attempt

pytestmark = pytest.mark.django_db


IAM_QUIZ = """
    quiz:
      slug: iam-quiz
      title: Check your IAM knowledge
      module: iam
      description: Policies and the root user.
      pass_mark: 60
      attempts_allowed: 3
      shuffle_questions: true
      shuffle_choices: true
      feedback: immediate
    questions:
      - slug: root-user-mfa
        type: single
        prompt: What should you do with the root user?
        explanation: Protect it with MFA and keep it for the few tasks that need it.
        lesson: iam/policies
        misconceptions: [thinks-root-is-for-daily-work]
        choices:
          - {text: Turn on MFA for it, correct: true}
          - {text: Use it for daily work, correct: false, feedback: It cannot be limited.}
      - slug: groups-are-principals
        type: true_false
        prompt: Groups can be named as principals.
        explanation: Groups are not principals.
        lesson: iam/policies
        answer: false
      - slug: read-reports-decision
        type: policy_decision
        prompt: Will AWS allow this?
        explanation: An identity policy allows it and nothing denies it.
        lesson: iam/policies
        scenario: read-reports
        ask_statement: true
      - slug: fix-alice
        type: least_privilege
        prompt: Let Alice read the first report and nothing else.
        explanation: One action on one object.
        lesson: iam/policies
        challenge:
          principal: arn:aws:iam::111122223333:user/alice
          resource_account: "111122223333"
          start_policy: |
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
          must_allow:
            - {action: s3:GetObject, resource: "arn:aws:s3:::reports/q1.csv"}
          must_deny:
            - {action: s3:DeleteObject, resource: "arn:aws:s3:::reports/q1.csv"}
          scope: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]
        reference: |
          {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/q1.csv"}]}
"""

SRM_QUIZ = """
    quiz:
      slug: srm-quiz
      title: Who secures what
      module: basics
      feedback: end
    questions:
      - slug: srm-order
        type: ordering
        prompt: Order the steps.
        explanation: Deny first.
        lesson: basics/first
        items: [Explicit deny, SCPs, Identity policies]
      - slug: srm-categorize
        type: categorize
        category: srm
        prompt: Who owns it?
        explanation: It depends on the layer.
        lesson: basics/first
        categories: [AWS, Customer]
        items:
          - {text: Hypervisor, category: AWS}
          - {text: Guest OS on EC2, category: Customer}
      - slug: srm-multi
        type: multiple
        category: srm
        prompt: Which are the customer's?
        explanation: Data and access.
        lesson: basics/first
        choices:
          - {text: Data, correct: true}
          - {text: Access policies, correct: true}
          - {text: Data centre guards, correct: false}
"""

REVIEW_QUIZ = """
    quiz:
      slug: mixed-review
      title: Mixed review
      draw: {category: srm, count: 2}
      published: false
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "modules.yaml",
        """
        - slug: basics
          title: Basics
        - slug: iam
          title: IAM
    """,
    )
    write(
        tmp_path,
        "basics/01-first.md",
        "---\ntitle: First\n" + TWO_SOURCES + "\n---\n## Hi\nWords.\n",
    )
    write(
        tmp_path,
        "iam/01-policies.md",
        "---\ntitle: Policies\n" + TWO_SOURCES + "\n---\n## Grammar\nJSON.\n",
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    write(tmp_path, "quizzes/iam-quiz.yaml", IAM_QUIZ)
    write(tmp_path, "quizzes/srm-quiz.yaml", SRM_QUIZ)
    write(tmp_path, "quizzes/mixed-review.yaml", REVIEW_QUIZ)
    return tmp_path


def load(root: Path):
    cur = read_curriculum(root)
    quizzes = read_quizzes(root, cur)
    report = load_curriculum(cur)
    return load_quizzes(quizzes, report)


def test_it_creates_quizzes_and_questions_from_the_files(content):
    report = load(content)
    assert report.counts["quizzes"]["created"] == 3
    assert report.counts["questions"]["created"] == 7
    quiz = Quiz.objects.get(slug="iam-quiz")
    assert (quiz.module.slug, quiz.pass_mark, quiz.attempts_allowed, quiz.feedback) == (
        "iam",
        60,
        3,
        "immediate",
    )
    assert list(quiz.entries.values_list("question__slug", flat=True)) == [
        "root-user-mfa",
        "groups-are-principals",
        "read-reports-decision",
        "fix-alice",
    ]
    root = Question.objects.get(slug="root-user-mfa")
    assert root.category == "iam"  # defaults to the quiz's module
    assert root.lesson == Lesson.objects.get(slug="policies")
    assert root.choices()[1] == {
        "text": "Use it for daily work",
        "correct": False,
        "feedback": "It cannot be limited.",
        "id": text_id("Use it for daily work"),
    }
    assert Question.objects.get(slug="read-reports-decision").scenario.slug == "read-reports"
    review = Quiz.objects.get(slug="mixed-review")
    assert (review.module, review.draw_category, review.draw_count, review.published) == (
        None,
        "srm",
        2,
        False,
    )


def test_a_second_load_changes_nothing(content):
    load(content)
    report = load(content)
    assert report.counts["quizzes"] == {"unchanged": 3}
    assert report.counts["questions"] == {"unchanged": 7}


def test_a_second_read_of_the_same_files_reads_the_same_lines_and_all(content, monkeypatch):
    """A process keeps what each file parsed to (curriculum/readers.py), so reading the same
    files again parses nothing; it still reads what a first read does, the lines that errors
    name included."""
    first = read_quizzes(content, read_curriculum(content))
    cur = read_curriculum(content)
    again = (cur, read_quizzes(content, cur))
    assert again[1] == first
    monkeypatch.setattr(readers, "_PARSED", {})  # a new process: everything parsed afresh
    cur = read_curriculum(content)
    assert again == (cur, read_quizzes(content, cur))
    lines = (content / "quizzes/iam-quiz.yaml").read_text().splitlines()
    fix_alice = next(q for q in again[1].questions if q.slug == "fix-alice")
    assert fix_alice.line == lines.index("  - slug: fix-alice") + 1


def test_each_read_of_a_file_gets_data_of_its_own():
    """What one reader changes in what a file parsed to (the kinds fill in defaults) never
    reaches the next read of the same text."""
    text = (
        "- slug: a\n  choices: [{text: Turn on MFA}]\n  case: {request: {action: s3:GetObject}}\n"
    )
    first = readers._load_yaml(text, "quiz.yaml")
    first[0]["choices"][0]["feedback"] = "filled in"
    first[0]["case"]["request"]["action"] = "changed"
    first.append({"slug": "b"})
    again = readers._load_yaml(text, "quiz.yaml")
    assert again == [
        {
            "slug": "a",
            "choices": [{"text": "Turn on MFA"}],
            "case": {"request": {"action": "s3:GetObject"}},
        }
    ]
    assert [again[0].line, again[0]["choices"][0].line] == [1, 2]


def test_a_reload_keeps_attempts_and_the_text_of_chosen_answers(content, learner):
    load(content)
    from quizzes.attempts import answer_save

    quiz = Quiz.objects.get(slug="iam-quiz")
    attempt = make_attempt(quiz, learner)
    question = Question.objects.get(slug="root-user-mfa")
    chosen = question.choices()[0]
    answer_save(
        attempt=attempt,
        question=question,
        response={"choice": chosen["id"], "text": chosen["text"]},
    )
    path = content / "quizzes/iam-quiz.yaml"
    path.write_text(path.read_text().replace("Turn on MFA for it", "Protect it with MFA"))
    report = load(content)
    assert report.counts["questions"]["updated"] == 1
    answer = Answer.objects.get(attempt=attempt)
    assert answer.response["text"] == "Turn on MFA for it"


def test_the_command_loads_quizzes_after_lessons(content, capsys):
    call_command("load_curriculum", path=content)
    assert "quizzes: 3 created" in capsys.readouterr().out


def test_a_broken_quiz_file_aborts_the_whole_load(content):
    lesson = content / "basics/01-first.md"
    lesson.write_text(lesson.read_text().replace("Words.", "New words."))
    write(
        content,
        "quizzes/zz-broken.yaml",
        """
        quiz:
          slug: broken
          title: Broken
        questions:
          - slug: bad
            type: essay
            prompt: Write.
            explanation: No.
            lesson: basics/first
    """,
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("load_curriculum", path=content)
    assert "quizzes/zz-broken.yaml:5" in str(excinfo.value)
    assert "unknown type 'essay'" in str(excinfo.value)
    assert not Lesson.objects.exists()
    assert not Quiz.objects.exists()


def _with_reference(content: Path, reference: str) -> str:
    """fix-alice's `reference:` (the quiz file's last field) written as `reference`, YAML
    indented to its place; the file's new text."""
    path = content / "quizzes/iam-quiz.yaml"
    text = path.read_text()
    text = text[: text.index("    reference:")] + textwrap.indent(reference, "    ")
    path.write_text(text)
    return text


def _line_of(text: str, words: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), start=1) if words in row)


def _policy(action: str, resource: str = "arn:aws:s3:::reports/q1.csv") -> str:
    statement = f'{{"Effect": "Allow", "Action": "{action}", "Resource": "{resource}"}}'
    return f'reference: |\n  {{"Version": "2012-10-17", "Statement": [{statement}]}}\n'


def test_a_reference_that_does_not_solve_its_challenge_stops_the_load(content):
    """Our reference solutions are proved with the engine as the files are read: one that
    would not get full marks (here it allows a must-deny request) is named with its file,
    line and question, and nothing is loaded."""
    text = _with_reference(content, _policy("s3:*"))
    with pytest.raises(CommandError) as excinfo:
        call_command("load_curriculum", path=content)
    assert (
        f"quizzes/iam-quiz.yaml:{_line_of(text, 'reference: |')}: question 'fix-alice': "
        "reference solution: must-deny request #1 (s3:DeleteObject on "
        "arn:aws:s3:::reports/q1.csv) is allowed"
    ) in str(excinfo.value)
    assert not Lesson.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(
    ("reference", "at", "words"),
    [
        (
            _policy("s3:GetObject*", "arn:aws:s3:::reports/*"),
            "reference:",
            "reference solution: it over-grants",
        ),
        (
            _policy("s3:ListBucket", "arn:aws:s3:::reports"),
            "reference:",
            "reference solution: must-allow request #1 (s3:GetObject on "
            "arn:aws:s3:::reports/q1.csv) is not allowed",
        ),
        (
            'reference: |\n  {"Version": "2012-10-17" "Statement": []}\n',
            "reference:",
            "reference solution, line 1, column 26: Expected a comma between two items here.",
        ),
        (
            "reference:\n  Version: '2012-10-17'\n  Statement: []\n",
            "Version:",  # a mapping's first line, as for any mapping's problem
            "the reference solution must be JSON text",
        ),
    ],
    ids=["over-grants", "fails-a-must-allow", "bad-json", "a-mapping"],
)
def test_a_wrong_reference_is_refused_naming_the_file_and_question(content, reference, at, words):
    text = _with_reference(content, reference)
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert str(excinfo.value).startswith(
        f"quizzes/iam-quiz.yaml:{_line_of(text, at)}: question 'fix-alice': "
    )
    assert words in str(excinfo.value)


def test_a_least_privilege_question_in_a_file_needs_a_reference(content):
    """Optional in an import, not in our files: without one nothing proves the challenge
    solvable, and a teacher's "Copy to edit" of it could not be saved unchanged."""
    text = _with_reference(content, "")
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert str(excinfo.value).startswith(
        f"quizzes/iam-quiz.yaml:{_line_of(text, 'slug: fix-alice')}: question 'fix-alice': "
        "'reference' is required for a least_privilege question: our own policy that solves "
        "the challenge"
    )


def test_an_error_while_writing_quizzes_rolls_back_the_lessons(content, monkeypatch):
    import curriculum.quiz_loader

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(curriculum.quiz_loader, "write_tracked", fail)
    with pytest.raises(RuntimeError):
        call_command("load_curriculum", path=content)
    assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("old", "new", "at", "words"),
    [
        (
            "type: true_false",
            "type: essay",
            "- slug: groups-are-principals",
            "unknown type 'essay'",
        ),
        (
            "lesson: iam/policies\n    misconceptions",
            "lesson: iam/nope\n    misconceptions",
            "- slug: root-user-mfa",
            "unknown lesson 'iam/nope'",
        ),
        (
            "scenario: read-reports",
            "scenario: nope",
            "- slug: read-reports-decision",
            "unknown scenario 'nope'",
        ),
        (
            "- {text: Use it for daily work, correct: false, feedback: It cannot be limited.}",
            "- {text: Use it for daily work, correct: true}",
            "- slug: root-user-mfa",
            "exactly one correct choice, not 2",
        ),
        (
            "answer: false",
            "answer: maybe",
            "answer: maybe",  # the field's own line, not its question's
            "'answer' must be true or false",
        ),
        (
            "- {text: Turn on MFA for it, correct: true}",
            "- text: Turn on MFA for it\n        correct: maybe",
            "correct: maybe",  # not the choice's first line
            "choice #1: 'correct' must be true or false",
        ),
        (
            'scope: ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"]',
            'scope: ["arn:aws:s3:::reports", "reports/*"]',
            "scope: [",
            "scope entries are ARNs, not 'reports/*'",
        ),
        (
            'resource_account: "111122223333"',
            'resource_account: "111122223333"\n      colour: blue',
            "colour: blue",
            "challenge: unknown field 'colour'",
        ),
        ("module: iam", "module: nope", "slug: iam-quiz", "unknown module 'nope'"),
        (
            "feedback: immediate",
            "feedback: later",
            "slug: iam-quiz",
            "'feedback' must be immediate or end",
        ),
        (
            "s3:DeleteObject",
            "s3:DeleteObjekt",
            "{action: s3:DeleteObjekt",
            "unknown action 's3:DeleteObjekt'",
        ),
        (
            'resource: "arn:aws:s3:::reports/q1.csv"}\n      must_deny',
            'resource: "reports/q1.csv"}\n      must_deny',
            '{action: s3:GetObject, resource: "reports/q1.csv"}',
            "not a valid request",
        ),
        (
            '"Action": "s3:*", "Resource": "*"',
            '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/q1.csv"',
            "start_policy: |",
            "already solves the challenge",
        ),
        (
            "    answer: false",
            "    answer: false\n    choices: []",
            "- slug: groups-are-principals",
            "'choices' does not apply",
        ),
        ("slug: iam-quiz", "slug: review", "slug: review", "taken by a page"),
        (  # rendered when it is saved: the same limit as the admin and the editor
            "prompt: Groups can be named as principals.",
            "prompt: " + "Groups. " * 626,
            "- slug: groups-are-principals",
            "'prompt' is 5,007 characters long; at most 5,000 are taken",
        ),
    ],
)
def test_errors_name_the_file_and_line(content, old, new, at, words):
    path = content / "quizzes/iam-quiz.yaml"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if at in row)
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert str(excinfo.value).startswith(f"quizzes/iam-quiz.yaml:{line}:")
    assert words in str(excinfo.value)


def test_a_hidden_character_in_a_quiz_file_is_named_not_escaped(content):
    """A right-to-left override pasted into a module name shows as [U+202E], at its line,
    where a Python repr would have read 'Q\\u202e1' (or hidden it, in a terminal)."""
    path = content / "quizzes/iam-quiz.yaml"
    text = path.read_text().replace("module: iam", "module: Q\u202e1", 1)
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "slug: iam-quiz" in row)
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert str(excinfo.value).startswith(f"quizzes/iam-quiz.yaml:{line}:")
    assert "unknown module 'Q[U+202E]1'" in str(excinfo.value)
    assert "\\u202e" not in str(excinfo.value) and "\u202e" not in str(excinfo.value)


def test_question_slugs_are_unique_across_files(content):
    path = content / "quizzes/srm-quiz.yaml"
    path.write_text(path.read_text().replace("slug: srm-order", "slug: root-user-mfa"))
    with pytest.raises(CurriculumError, match="duplicate question slug 'root-user-mfa'"):
        read_quizzes(content, read_curriculum(content))


def test_a_quiz_needs_questions_or_a_draw(content):
    write(content, "quizzes/empty.yaml", "quiz:\n  slug: empty\n  title: Empty\n")
    with pytest.raises(CurriculumError, match="at least one question"):
        read_quizzes(content, read_curriculum(content))


def test_a_draw_needs_enough_questions_in_its_category(content):
    path = content / "quizzes/mixed-review.yaml"
    path.write_text(path.read_text().replace("count: 2", "count: 5"))
    with pytest.raises(CurriculumError, match="draws 5 questions from category 'srm', which has 2"):
        read_quizzes(content, read_curriculum(content))


# The shipped quizzes load against the shipped lessons: tests/curriculum/test_shipped_load.py.


ROUTE_QUIZ = """
    quiz:
      slug: routes
      title: Routes
      module: iam
    questions:
      - slug: route-high-ec2
        type: route_findings
        prompt: Send every High GuardDuty finding about an instance, and nothing else.
        explanation: Severity and resource type, both.
        lesson: iam/policies
        samples: [ec2-bitcoin-dns, ec2-port-probe, iam-credential-exfiltration]
        want: [ec2-bitcoin-dns]
        model: |
          {"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}], "resource": {"resourceType": ["Instance"]}}}
"""


def test_a_route_findings_question_loads_with_its_samples_and_model(content):
    write(content, "quizzes/routes.yaml", ROUTE_QUIZ)
    load(content)
    stored = Question.objects.get(slug="route-high-ec2")
    assert stored.data["samples"][1] == "ec2-port-probe"
    assert stored.data["want"] == ["ec2-bitcoin-dns"]
    assert stored.kind.grade(stored, {"pattern": stored.data["model"]}).correct


def test_a_route_findings_model_that_routes_wrong_is_refused_at_its_line(content):
    text = ROUTE_QUIZ.replace(', "resource": {"resourceType": ["Instance"]}', "")
    write(content, "quizzes/routes.yaml", text)
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert "quizzes/routes.yaml:" in str(excinfo.value)
    assert "iam-credential-exfiltration is sent but must not be" in str(excinfo.value)


def test_a_route_findings_question_needs_its_model(content):
    write(content, "quizzes/routes.yaml", ROUTE_QUIZ.split("        model:")[0])
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert "'model' is required for a route_findings question" in str(excinfo.value)
