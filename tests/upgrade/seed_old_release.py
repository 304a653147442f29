"""Learners' and an instructor's work, made through an OLD release's own code.

Not a test: make_fixture.py pipes this file into `manage.py shell` of an old checkout (with
the course loaded), so it may use only what that release had; each newer part is tried and
skipped when its module is missing. Answers go through each question kind's own form
(`AnswerForm`, as the take page posts them) and the attempt services, so every kind that
release had is answered as a learner would. Random choices are seeded: the same release gives
the same work.

Who is there (password `correct-horse-42`; TOTP secret `JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP`):
ada (every lesson done, every shipped quiz taken, the certificate), bob (three lessons, a
submitted and an unfinished attempt, a review card answered, lesson checks), cy (the
instructor's quiz only), ines (instructor with TOTP and recovery codes, her own quiz with one
question of every kind, a cohort with an assignment and an extension), root (superuser with
TOTP), and one anonymous learner's unfinished attempt. ada and bob are signed in (a session
each, as the site keeps it).
"""

import inspect
import itertools
import json
import random
from datetime import timedelta
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django import forms as djf
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from lessons import progress
from lessons.models import Lesson
from quizzes import attempts, review
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.models import Question, Quiz, QuizQuestion

rng = random.Random(7)
PASSWORD = "correct-horse-42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)

User = get_user_model()
users = {}
for name in ("ada", "bob", "cy", "ines", "root"):
    user = User.objects.create_user(name, f"{name}@example.com", PASSWORD, first_name=name.title())
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    users[name] = user
root = users["root"]
root.is_staff = root.is_superuser = True
root.save()
TOTP.activate(users["ines"], SECRET)
TOTP.activate(root, SECRET)
call_command("make_instructor", "ines")
try:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(users["ines"])
except ImportError as exc:
    print("no recovery codes:", exc)


def as_post(values: dict) -> QueryDict:
    post = QueryDict(mutable=True)
    for key, value in values.items():
        if isinstance(value, list):
            post.setlist(key, value)
        else:
            post[key] = value
    return post


def any_post(form) -> dict:
    """A learner's guess: a random option for each choice, a small policy for text."""
    values: dict = {}
    for name, field in form.fields.items():
        if isinstance(field, djf.MultipleChoiceField):
            options = [v for v, _ in field.choices]
            values[name] = options[: max(1, len(options) // 2)]
        elif isinstance(field, djf.ChoiceField):
            values[name] = rng.choice([v for v, _ in field.choices if v != ""])
        elif isinstance(field, djf.BooleanField):
            values[name] = "on"
        else:
            values[name] = POLICY
    return values


def right_posts(question, form):
    """Posts to try for full marks: the files' own answer for ordering and categorizing, the
    author's reference for text, else a bounded search over the choices."""
    data = question.data
    text = {}
    for name, field in form.fields.items():
        if not isinstance(field, djf.ChoiceField):
            reference = data.get("reference")
            text[name] = reference if isinstance(reference, str) else POLICY

    def item_of(name: str) -> int:  # a field is named for its item: a prefix, then the id
        return next(n for n, item in enumerate(data["items"]) if name.endswith(item["id"]))

    if question.type == "ordering":
        yield {name: str(item_of(name) + 1) for name in form.fields}
    if question.type == "categorize":
        yield {name: data["items"][item_of(name)]["category"] for name in form.fields}
    choices = [(n, f) for n, f in form.fields.items() if isinstance(f, djf.ChoiceField)]
    options = []
    for _, field in choices:
        values = [v for v, _ in field.choices if v != ""]
        if isinstance(field, djf.MultipleChoiceField):
            options.append(
                [
                    list(c)
                    for r in range(1, len(values) + 1)
                    for c in itertools.combinations(values, r)
                ]
            )
        else:
            options.append(values)
    for combo in itertools.islice(itertools.product(*options), 3000):
        yield {**text, **{n: v for (n, _), v in zip(choices, combo, strict=True)}}


def response_for(question, attempt, right: bool):
    order = attempt.layout.get(str(question.pk))
    blank = AnswerForm(question, order)
    if right:
        best = None
        for post in right_posts(question, blank):
            form = AnswerForm(question, order, as_post(post))
            if form.is_valid():
                response = form.response()
                score = grade(question, response).score
                if best is None or score > best[0]:
                    best = (score, response)
                if score >= 1:
                    break
        if best:
            return best[1]
    for _ in range(20):
        form = AnswerForm(question, order, as_post(any_post(blank)))
        if form.is_valid():
            return form.response()
        draft = form.draft()
        if draft is not None:
            return draft
    return None


def take(quiz, user, right_rate: float, *, submit: bool = True, session_key: str = ""):
    attempt = attempts.attempt_start(quiz=quiz, user=user, session_key=session_key)
    for question in attempts.attempt_questions(attempt):
        response = response_for(question, attempt, rng.random() < right_rate)
        if response is None:
            print("  no answer for", question.type, question.slug)
            continue
        check = bool(getattr(quiz, "immediate", False)) and rng.random() < 0.5
        attempts.answer_save(attempt=attempt, question=question, response=response, check=check)
    if submit:
        attempt, _ = attempts.attempt_submit(attempt=attempt)
    return attempt


lessons = list(Lesson.objects.filter(published=True).order_by("module__order", "order"))
for lesson in lessons:
    progress.mark_complete(user=users["ada"], lesson=lesson)
for lesson in lessons[:3]:
    progress.mark_complete(user=users["bob"], lesson=lesson)

shipped = list(Quiz.objects.filter(published=True, owner__isnull=True).order_by("pk"))
for quiz in shipped:
    done = take(quiz, users["ada"], 1.0)
    print(f"ada {quiz.slug}: {done.score:.3f} passed={done.passed}")
print("bob submitted", take(shipped[0], users["bob"], 0.4).score)
print("bob unfinished", take(shipped[1], users["bob"], 0.5, submit=False).pk)
take(shipped[0], None, 0.5, submit=False, session_key="anonymous-learner-key-1")

# The instructor's own quiz: one question of every kind the bank has, as hers (`authored`,
# as the teach editors save it).
ines = users["ines"]
own = Quiz.objects.create(
    slug="ines-own-quiz", title="Ines's own quiz", owner=ines, published=True, source="authored"
)
first_of_kind: dict = {}
for question in Question.objects.filter(owner__isnull=True).order_by("pk"):
    first_of_kind.setdefault(question.type, question)
for order, (kind, question) in enumerate(sorted(first_of_kind.items()), start=1):
    question.pk = question.id = None
    question.slug = f"ines-{kind.replace('_', '-')}"
    question.owner, question.source = ines, "authored"
    question.save()
    QuizQuestion.objects.create(quiz=own, question=question, order=order)
print("kinds in ines's quiz:", sorted(first_of_kind))
print("bob on ines's quiz", take(own, users["bob"], 0.5).score)
take(own, users["cy"], 0.9)

card = users["bob"].review_cards.order_by("pk").first()
review.card_record(
    user=users["bob"], question=card.question, correct=True, now=timezone.now() + timedelta(days=2)
)

try:
    from cohorts import services as cohorts
except ImportError as exc:
    print("no cohorts:", exc)
else:
    cohort = cohorts.cohort_create(owner=ines, name="Autumn cohort")
    cohorts.cohort_join(cohort=cohort, user=users["ada"])
    cohorts.cohort_join(cohort=cohort, user=users["bob"])
    wanted = {"cohort": cohort, "quiz": own, "due_at": timezone.now() - timedelta(days=1)}
    wanted["created_by"] = ines
    accepted = inspect.signature(cohorts.assignment_create).parameters
    assignment = cohorts.assignment_create(**{k: v for k, v in wanted.items() if k in accepted})
    cohorts.extension_set(
        assignment=assignment, user_id=users["bob"].pk, due_at=timezone.now() + timedelta(days=3)
    )
    print("cohort", cohort.pk, "assignment", assignment.pk)

try:
    from lessons.models import Scenario
    from quizzes import lesson_checks
except ImportError as exc:
    print("no lesson checks:", exc)
else:
    request = SimpleNamespace(user=users["bob"])
    kept = 0
    for scenario in Scenario.objects.filter(lessons__isnull=False).distinct().order_by("pk")[:3]:
        view = lesson_checks.prediction_view(
            request=request,
            lesson=scenario.lessons.order_by("pk").first(),
            scenario=scenario,
            data=as_post({"decision": "ImplicitDeny"}),
        )
        kept += bool(view.recorded)
    placed = Question.objects.filter(
        owner__isnull=True, lesson__isnull=False, type__in=["single", "true_false", "multiple"]
    )
    for question in placed.order_by("pk")[:3]:
        view = lesson_checks.question_view(
            request=request,
            lesson=question.lesson,
            question=question,
            data=as_post(any_post(AnswerForm(question, None))),
        )
        kept += bool(view.recorded)
    print("lesson checks kept:", kept)

# ada and bob are signed in when the site is upgraded: their sessions must still sign them in.
for name in ("ada", "bob"):
    Client().force_login(users[name])

try:
    from certificates.issuing import issue
except ImportError as exc:
    print("no certificates:", exc)
else:
    print("certificate", issue(user=users["ada"], name="Ada Lovelace").code)
