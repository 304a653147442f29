"""Every form control on the admin's pages has a name for a screen reader (a <label>, an
aria-label or an aria-labelledby): the list, add and change page of each registered model, as a
superuser sees them with the shipped course and a few learner records. A list's editable
columns, an inline's rows and a date-and-time field's two inputs had none
(srm_trainer/admin_names.py names them after their column and row, or field and part)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from lessons.models import KnowledgeCheck, Lesson, LessonProgress, Module, Service
from quizzes.models import Answer, ReviewCard
from srm_trainer.admin_names import NamedControls
from tests.conftest import give_mfa, sign_in
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db

UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}  # no name needed or own text


class Controls(HTMLParser):
    """A page's form controls and what names them: the <label for> ids, the labels around."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and attributes.get("type", "text") in UNNAMED_TYPES:
                return
            self.controls.append({**attributes, "in_label": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1

    def unnamed(self) -> list[str]:
        def named(control: dict) -> bool:
            labelled_by = (control.get("aria-labelledby") or "").split()
            return bool(
                control["in_label"]
                or control.get("id") in self.label_for
                or (control.get("aria-label") or "").strip()
                or (labelled_by and all(i in self.ids for i in labelled_by))
            )

        return [c.get("id") or c.get("name") or "?" for c in self.controls if not named(c)]

    def described_by_nothing(self) -> list[str]:
        """Controls whose aria-describedby names an id the page does not have (a table row's
        help text, which only the column's header icon holds)."""
        return [
            c.get("id") or c.get("name") or "?"
            for c in self.controls
            if any(i not in self.ids for i in (c.get("aria-describedby") or "").split())
        ]


def controls(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def names(html: str) -> set[str]:
    return {c["aria-label"] for c in controls(html).controls if c.get("aria-label")}


@pytest.fixture
def records(shipped_course):
    """A learner's records, so that each learner-record list has a row and a page to open."""
    learner = get_user_model().objects.create_user("lee", password="a-long-pass-9")
    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    now = timezone.now()
    LessonProgress.objects.create(user=learner, lesson=lesson, completed_at=now)
    KnowledgeCheck.objects.create(
        user=learner, lesson=lesson, kind="prediction", ref="alice-reads", score=1.0,
        correct=True, response={"decision": "Allow"}, answered_at=now,
    )  # fmt: skip
    question = make_question(slug="alpha", lesson=lesson, module=lesson.module)
    quiz = make_quiz(question, make_question(slug="beta"), slug="wk")
    attempt = make_attempt(quiz, user=learner)
    Answer.objects.create(attempt=attempt, question=question, saved_at=now)
    ReviewCard.objects.create(user=learner, question=question, card={}, due=now)
    Certificate.objects.create(user=learner, name="Lee", issued_at=now)
    EmailAddress.objects.create(user=learner, email="lee@example.org", verified=True)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Lesson),
        object_pk=str(lesson.pk),
        action=LogEntry.Action.UPDATE,
        changes_text="title",
    )


@pytest.fixture
def superuser_client(client, records):
    user = get_user_model().objects.create_superuser("root-admin", password="a-long-pass-9")
    give_mfa(user)
    sign_in(client, user)
    return client


def test_every_control_on_every_admin_page_has_a_name(superuser_client):
    unnamed, undescribed, opened = {}, {}, set()
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        pages = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(_request(superuser_client)):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
        first = model_admin.get_queryset(_request(superuser_client)).order_by("pk").first()
        if first is not None:
            opened.add(model._meta.label)
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        for page in pages:
            response = superuser_client.get(page)
            assert response.status_code == 200, page
            found = controls(response.content.decode())
            if found.unnamed():
                unnamed[page] = found.unnamed()
            if found.described_by_nothing():
                undescribed[page] = found.described_by_nothing()
    assert unnamed == {}
    assert undescribed == {}
    assert opened == {m._meta.label for m in admin.site._registry}  # each change page seen


def _request(client):
    """A request as the signed-in superuser, for the admin's permission and queryset methods."""
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username="root-admin")
    return request


def test_a_lists_editable_columns_are_named_for_their_column_and_row(superuser_client):
    module = Module.objects.get(slug="iam")
    service = Service.objects.order_by("order").first()
    found = names(superuser_client.get("/admin/lessons/module/").content.decode())
    assert {f"Order of “{module.title}”", f"Published of “{module.title}”"} <= found
    found = names(superuser_client.get("/admin/lessons/service/").content.decode())
    assert f"Order of “{service.name}”" in found


def test_an_inlines_rows_are_named_for_their_column_and_row(superuser_client):
    module = Module.objects.get(slug="iam")
    html = superuser_client.get(f"/admin/lessons/module/{module.pk}/change/").content.decode()
    row = "“iam/least-privilege”"
    assert {f"{column} of {row}" for column in ("Order", "Slug", "Title", "Published")} | {
        f"Delete {row}",
        "Title of the new lesson",  # the row "Add another Lesson" copies
    } <= names(html)

    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    scenario = lesson.scenarios.order_by("pk").first()
    html = superuser_client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert f"Delete “{scenario.title}”" in names(
        html
    )  # its scenario, not "Scenario_lessons object"

    service = Service.objects.get(slug="ec2")
    row = f"“{service.responsibilities.select_related('service', 'layer').first()}”"
    html = superuser_client.get(f"/admin/lessons/service/{service.pk}/change/").content.decode()
    assert {f"Layer of {row}", f"Owner of {row}", f"Reason of {row}", f"Delete {row}"} <= names(
        html
    )


def test_a_quizs_rows_keep_the_names_it_gives_them(superuser_client):
    quiz = make_quiz(make_question(slug="gamma"), slug="kept")
    html = superuser_client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert {"Position of “gamma”", "Delete “gamma”"} <= names(html)


def test_a_date_and_time_is_named_in_its_two_parts(superuser_client):
    user = get_user_model().objects.get(username="lee")
    html = superuser_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert {
        "Last login: date",
        "Last login: time",
        "Date joined: date",
        "Date joined: time",
    } <= names(html)


def test_every_admin_names_its_rows_controls():
    """A new admin derives from `NamedControlsAdmin` too (a library's: `name_controls_of`), so
    that its inlines and editable list columns to come are named without a line of their own."""
    admins = [type(model_admin) for model_admin in admin.site._registry.values()]
    assert admins and [cls for cls in admins if not issubclass(cls, NamedControls)] == []
