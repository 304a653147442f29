"""Admins manage every piece of curriculum content in the Django admin."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from lessons.models import Lesson, LessonProgress, Source
from tests.conftest import give_mfa, page_queries, sign_in

pytestmark = pytest.mark.django_db

MODELS = [
    "module",
    "lesson",
    "layer",
    "service",
    "responsibility",
    "scenario",
    "artifactsection",
    "complianceprogram",
    "lessonprogress",
]


@pytest.fixture
def admin_client(shipped_course, client):
    user = get_user_model().objects.create_superuser("root-admin", password="a-long-passphrase-9")
    give_mfa(user)
    sign_in(client, user)  # the session `login` leaves, without its side effects (last_login...)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_curriculum_model_has_a_working_list_add_and_search(
    admin_client, model, django_assert_max_num_queries
):
    """Each page in a fixed handful of queries with the shipped course's 27 lessons and 8
    modules: a lesson's name reads its module, a module's row counts its lessons, a
    programme's row names its artifact section, all in the page's queries, not one per row."""
    for page in ("", "?q=iam", "add/"):
        with django_assert_max_num_queries(12, info=page):
            assert admin_client.get(f"/admin/lessons/{model}/{page}").status_code == 200


def test_a_lesson_opens_for_editing_with_its_scenarios_inline(admin_client):
    from lessons.models import Lesson

    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    body = admin_client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert "scenarios shown in this lesson" in body.lower()


def test_learners_cannot_open_the_admin(client, learner):
    sign_in(client, learner)
    assert client.get("/admin/lessons/lesson/").status_code == 302


def test_the_admin_refuses_a_lesson_source_that_is_not_an_https_link():
    """Lesson.clean() runs the loader's link check; a draft may have fewer than two sources."""
    from django.core.exceptions import ValidationError

    from tests.conftest import make_lesson

    lesson = make_lesson(sources=[{"title": "One page", "url": "https://docs.aws.amazon.com/a"}])
    lesson.full_clean()  # one source is fine for a draft written in the admin
    lesson.sources = [{"title": "Bad", "url": "javascript:alert(1)"}]
    with pytest.raises(ValidationError, match="https address"):
        lesson.full_clean()


# --- learners' answers to in-lesson checks: read-only, for superusers --------------------

CHECKS = "/admin/lessons/knowledgecheck/"


@pytest.fixture
def answered(learner, other_learner):
    """Ada predicted right, Grace wrong (twice: the second try only counts as a try)."""
    from lessons import knowledge_checks
    from tests.conftest import make_lesson, make_module

    # Not the shipped course's slugs: this module's `admin_client` tests keep that course loaded.
    lesson = make_lesson(make_module(slug="checks-demo"), slug="policies", title="Policies")
    for user, correct in ((learner, True), (other_learner, False), (other_learner, True)):
        knowledge_checks.record(
            user=user,
            lesson=lesson,
            kind="prediction",
            ref="alice-reads",
            response={"decision": "Allow" if correct else "ExplicitDeny"},
            score=1.0 if correct else 0.0,
            correct=correct,
        )
    return lesson


@pytest.fixture
def root_client(client):
    """A superuser, without the shipped course this module's `admin_client` loads."""
    user = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(user)
    sign_in(client, user)
    return client


def _rows(client, query: str = "") -> list[str]:
    response = client.get(CHECKS + query)
    assert response.status_code == 200
    body = response.content.decode()
    return sorted(name for name in ("ada", "grace") if f">{name}<" in body)


def test_knowledge_checks_are_listed_searched_and_filtered(root_client, answered):
    assert _rows(root_client) == ["ada", "grace"]
    assert _rows(root_client, "?q=grace") == ["grace"]
    assert _rows(root_client, "?q=alice-reads") == ["ada", "grace"]
    assert _rows(root_client, "?correct__exact=0") == ["grace"]  # her first answer is kept
    assert _rows(root_client, "?kind__exact=question") == []
    assert _rows(root_client, f"?lesson__module__id__exact={answered.module_id}") == [
        "ada",
        "grace",
    ]


def test_a_knowledge_check_cannot_be_added_or_rewritten(root_client, answered):
    from lessons.models import KnowledgeCheck

    kept = KnowledgeCheck.objects.get(user__username="grace")
    assert root_client.get(CHECKS + "add/").status_code == 403
    page = root_client.get(f"{CHECKS}{kept.pk}/change/").content.decode()
    assert "ExplicitDeny" in page and 'name="correct"' not in page
    root_client.post(f"{CHECKS}{kept.pk}/change/", {"correct": "on", "score": "1"})
    kept.refresh_from_db()
    assert (kept.correct, kept.score, kept.tries) == (False, 0.0, 2)


def test_an_everyday_admin_does_not_see_learners_answers(client, answered):
    from django.core.management import call_command

    user = get_user_model().objects.create_user("ops", password="a-long-passphrase-6")
    call_command("make_admin", "ops")
    give_mfa(user)
    sign_in(client, user)
    assert client.get(CHECKS).status_code == 403


# --- pages with a row per related object: their queries do not grow with the rows ---------


def test_a_modules_page_reads_its_lessons_in_the_same_queries_for_one_or_many(root_client):
    """Each lesson row is titled "module/lesson": the module is read with the lessons."""
    from tests.conftest import make_lesson, make_module

    small, big = make_module(slug="small"), make_module(slug="big")
    make_lesson(small, slug="only")
    for n in range(5):
        make_lesson(big, slug=f"part-{n}")
    few, _ = page_queries(root_client, f"/admin/lessons/module/{small.pk}/change/", warm=True)
    many, page = page_queries(root_client, f"/admin/lessons/module/{big.pk}/change/")
    assert many == few
    assert all(f"big/part-{n}" in page for n in range(5))


def test_a_lessons_page_reads_its_scenarios_in_the_same_queries_for_one_or_many(root_client):
    """Each scenario row shows its scenario, chosen, in an autocomplete select."""
    from tests.conftest import make_lesson, make_scenario

    small, big = make_lesson(slug="small"), make_lesson(slug="big")
    make_scenario(small)
    scenarios = [make_scenario(big, title=f"Case {n}") for n in range(4)]
    few, _ = page_queries(root_client, f"/admin/lessons/lesson/{small.pk}/change/", warm=True)
    many, page = page_queries(root_client, f"/admin/lessons/lesson/{big.pk}/change/")
    assert many == few
    for n, scenario in enumerate(scenarios):
        assert f'<option value="{scenario.pk}" selected>Case {n}</option>' in page


def test_a_services_page_reads_its_responsibilities_and_the_layers_once(root_client):
    """Each row titles itself by service and layer, and offers every layer in its select."""
    from lessons.models import Layer, Responsibility, Service

    layers = [
        Layer.objects.create(slug=f"demo-layer-{n}", name=f"Demo layer {n}", order=n)
        for n in range(4)
    ]
    small = Service.objects.create(slug="demo-s3", name="Demo S3", model="Abstracted", order=1)
    big = Service.objects.create(slug="demo-ec2", name="Demo EC2", model="Infrastructure", order=2)
    Responsibility.objects.create(service=small, layer=layers[0], owner="customer", reason="r")
    for layer in layers:
        Responsibility.objects.create(service=big, layer=layer, owner="aws", reason="r")
    few, _ = page_queries(root_client, f"/admin/lessons/service/{small.pk}/change/", warm=True)
    many, page = page_queries(root_client, f"/admin/lessons/service/{big.pk}/change/")
    assert many == few
    # every row (and the blank row kept for "Add another") offers all four layers ...
    assert page.count(f'<option value="{layers[3].pk}"') == 4 + 1
    # ... with its own layer chosen
    for n, layer in enumerate(layers):
        assert f'<option value="{layer.pk}" selected>Demo layer {n}</option>' in page


def test_a_responsibilitys_layer_is_still_changed_and_checked_from_the_service_page(root_client):
    from lessons.models import Layer, Responsibility, Service

    data, os_layer = (
        Layer.objects.create(slug=slug, name=slug, order=n)
        for n, slug in enumerate(("demo-data", "demo-guest-os"))
    )
    service = Service.objects.create(slug="demo-ec2", name="Demo EC2", model="IaaS", order=1)
    row = Responsibility.objects.create(service=service, layer=data, owner="customer", reason="r")
    url = f"/admin/lessons/service/{service.pk}/change/"

    def post(layer_pk) -> object:
        return root_client.post(
            url,
            {
                "slug": "demo-ec2",
                "name": "Demo EC2",
                "model": "IaaS",
                "summary": "",
                "order": "1",
                "responsibilities-TOTAL_FORMS": "1",
                "responsibilities-INITIAL_FORMS": "1",
                "responsibilities-MIN_NUM_FORMS": "0",
                "responsibilities-MAX_NUM_FORMS": "1000",
                "responsibilities-0-id": str(row.pk),
                "responsibilities-0-service": str(service.pk),
                "responsibilities-0-layer": str(layer_pk),
                "responsibilities-0-owner": "customer",
                "responsibilities-0-reason": "r",
            },
        )

    assert post(9999).status_code == 200  # no such layer: the form says so
    row.refresh_from_db()
    assert row.layer == data
    assert post(os_layer.pk).status_code == 302
    row.refresh_from_db()
    assert row.layer == os_layer


# --- an account is searched for, not picked from a list of every account ----------------------


@pytest.mark.parametrize(("model", "field"), [("scenario", "owner"), ("lessonprogress", "user")])
def test_an_account_field_is_searched_for_not_listed(root_client, learner, model, field):
    """The add page does not grow with the accounts; the autocomplete finds the one wanted."""
    page = root_client.get(f"/admin/lessons/{model}/add/").content.decode()
    assert f'<option value="{learner.pk}">ada</option>' not in page
    assert f'id="id_{field}" class="admin-autocomplete"' in page
    found = root_client.get(
        "/admin/autocomplete/",
        {"app_label": "lessons", "model_name": model, "field_name": field, "term": "ada"},
    )
    assert [r["text"] for r in found.json()["results"]] == ["ada"]


# --- learners' records: a search counts what it found, not the whole table again ------------


def _count_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    counts = [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    return len(counts), response.content.decode()


def test_a_search_of_learners_records_counts_only_what_it_found(root_client, answered):
    """Knowledge checks and lesson progress grow by a row per learner and lesson: "(N total)"
    would count all of it on every page."""
    from django.utils import timezone

    from lessons.models import LessonProgress

    for user in get_user_model().objects.filter(username__in=("ada", "grace")):
        LessonProgress.objects.create(user=user, lesson=answered, completed_at=timezone.now())
    for model in ("knowledgecheck", "lessonprogress"):
        counts, page = _count_queries(root_client, f"/admin/lessons/{model}/?q=grace")
        assert counts == 1, model
        assert "1 result" in page and "Show all" in page


# --- the form fields, drawn in Python (teach/rendering.py): the same HTML as the templates' ---


def test_the_admins_pages_are_the_same_html_as_djangos_form_templates_make(
    root_client, monkeypatch
):
    """Editable list rows and their action checkboxes, inline rows with selects in related-
    object wrappers, an autocomplete, an add page, and a refused form with its error lists."""
    from django.forms.renderers import get_default_renderer

    from lessons.models import Layer, Responsibility, Service
    from tests.conftest import make_lesson, make_module, make_scenario

    module = make_module(slug="both-ways", title="Both <ways> & “quoted”")
    lesson = make_lesson(module, slug="drawn", title='A "drawn" <lesson>')
    make_scenario(lesson, title="A <scenario> & more")
    layer = Layer.objects.create(slug="demo-layer", name="Demo <layer>", order=1)
    service = Service.objects.create(slug="demo-s3", name="Demo S3", model="Abstracted", order=1)
    Responsibility.objects.create(service=service, layer=layer, owner="customer", reason="r&r")
    service_page = f"/admin/lessons/service/{service.pk}/change/"
    refused = {"slug": "not a slug!", "name": "", "model": "x", "order": "nope"}
    refused |= {"responsibilities-TOTAL_FORMS": "0", "responsibilities-INITIAL_FORMS": "0"}
    pages = [
        ("get", "/admin/lessons/lesson/", None),
        ("get", f"/admin/lessons/lesson/{lesson.pk}/change/", None),
        ("post", service_page, refused),  # its blank row's selects, and the errors
        ("get", "/admin/lessons/scenario/add/", None),
    ]
    renderer = get_default_renderer()
    assert "django/forms/widgets/select.html" in renderer.handlers  # the fast path is on
    for method, url, data in pages:
        send = getattr(root_client, method)
        args = (url, data) if data else (url,)
        fast = send(*args)
        with monkeypatch.context() as m:
            m.setattr(renderer, "handlers", {})
            plain = send(*args)
        assert fast.status_code == plain.status_code == 200, url
        assert method == "get" or 'class="errorlist' in fast.content.decode()
        token = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
        assert token.sub("", fast.content.decode()) == token.sub("", plain.content.decode()), url


def test_the_scenario_list_says_whether_the_engine_agrees_and_follows_an_edited_case(root_client):
    """The column is kept per case: a case changed since (here, `expect`) is judged again."""
    from tests.conftest import make_scenario

    good = make_scenario(slug="agrees")
    broken = make_scenario(slug="disagrees")
    broken.case = {**broken.case, "expect": "ExplicitDeny"}
    broken.save()

    def agrees() -> dict[str, bool]:
        page = root_client.get("/admin/lessons/scenario/").content.decode()
        rows = {
            slug: page.split(f">{slug}<", 1)[1].split("</tr>", 1)[0]
            for slug in (good.slug, broken.slug)
        }
        return {slug: 'alt="True"' in row for slug, row in rows.items()}

    assert agrees() == {"agrees": True, "disagrees": False}
    good.case = {**good.case, "expect": "ImplicitDeny"}
    good.save()
    broken.case = {**broken.case, "expect": "Allow"}
    broken.save()
    assert agrees() == {"agrees": False, "disagrees": True}


# --- lists that show a lesson's name read it with their rows, without its long columns -----


def test_lists_naming_lessons_read_them_with_their_rows_in_a_few_queries(admin_client):
    """The shipped course's glossary (100 terms a page) and learners' records of its lessons:
    each row names its lesson ("module/lesson"), read with the rows; the lesson's body, summary
    and sources, which no column shows, are left unread (ListColumnsAdmin) and never asked for
    row by row."""
    from django.utils import timezone

    from lessons.models import KnowledgeCheck, Lesson, LessonProgress

    users = get_user_model().objects
    now = timezone.now()
    lessons = list(Lesson.objects.select_related("module")[:6])
    for n, lesson in enumerate(lessons):
        user = users.create_user(f"reader-{n}")
        KnowledgeCheck.objects.create(
            user=user,
            lesson=lesson,
            kind="prediction",
            ref="r",
            response={},
            score=1.0,
            correct=True,
            answered_at=now,
        )
        LessonProgress.objects.create(user=user, lesson=lesson, completed_at=now)
    for url in ("glossary/glossaryterm", "lessons/knowledgecheck", "lessons/lessonprogress"):
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get(f"/admin/{url}/").content.decode()
        assert len(queries) <= 9, url
        named = lessons if "glossary" not in url else Lesson.objects.select_related("module")
        assert sum(f">{lesson}<" in page for lesson in named) >= (6 if named is lessons else 5), url


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("5", 'Must be a list of sentences, ["...", "..."], not a number.'),
        ('"One sentence"', 'Must be a list of sentences, ["...", "..."], not a text.'),
        ('{"k": "v"}', 'Must be a list of sentences, ["...", "..."], not an object.'),
        ("[]", "This field is required."),  # the model field refuses an empty list itself
        ('["Fine.", 3]', "Item 2 is not a sentence: it is a number."),
        ('["Fine.", "  "]', "Item 2 is empty."),
    ],
)
def test_a_compliance_programs_lists_must_be_sentences(admin_client, typed, said):
    """The compliance explorer prints each item as a bullet: `5` was saved and the page
    answered 500 to everyone; a text was printed one letter a bullet, an object by its keys.
    The admin refuses them where they were typed, and the public page is untouched."""
    from lessons.models import ComplianceProgram

    program = ComplianceProgram.objects.order_by("pk").first()
    url = f"/admin/lessons/complianceprogram/{program.pk}/change/"
    form = {
        "slug": program.slug,
        "name": program.name,
        "kind": program.kind,
        "jurisdiction": program.jurisdiction,
        "summary": program.summary,
        "aws_provides": typed,
        "customer_keeps": json.dumps(program.customer_keeps),
        "artifact_section": program.artifact_section_id or "",
        "artifact_item": program.artifact_item,
        "order": program.order,
    }
    response = admin_client.post(url, form)
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(said) in body
    assert escape(typed) in body  # what was typed is shown again
    program.refresh_from_db()
    assert isinstance(program.aws_provides, list) and program.aws_provides
    assert admin_client.get(f"/learn/compliance/?program={program.slug}").status_code == 200


def test_a_compliance_program_with_sentences_passes_the_same_check(admin_client):
    from lessons.models import ComplianceProgram

    program = ComplianceProgram.objects.order_by("pk").first()
    program.aws_provides = ["Audited data centres.", "A signed addendum."]
    program.full_clean()  # raises if refused


# --- deleting what learners have worked through --------------------------------------------


def test_a_lesson_or_module_learners_completed_is_refused_saying_why_and_to_unpublish(
    client, everyday_admin, learner
):
    """Their progress (a learner record no role may delete) would go with it: Django said only
    "your account doesn't have permission to delete ... lesson progress", as if a permission
    were missing. The page says learners completed it, how many, and to unpublish it."""
    from lessons import progress
    from tests.conftest import make_lesson, make_module

    module = make_module(slug="mod")
    lesson, spare = make_lesson(module, slug="done"), make_lesson(module, slug="spare")
    progress.mark_complete(user=learner, lesson=lesson, session=None)

    page = client.get(f"/admin/lessons/lesson/{lesson.pk}/delete/").content.decode()
    assert "Learners have completed the lesson" in page
    assert "“mod/done”: completed by 1 learner<" in page
    assert "Unpublish it instead" in page
    assert f'href="/admin/lessons/lesson/{lesson.pk}/change/"' in page
    assert "permission to delete" not in page
    client.post(f"/admin/lessons/lesson/{lesson.pk}/delete/", {"post": "yes"})

    chosen = {"action": "delete_selected", "_selected_action": [lesson.pk, spare.pk]}
    page = client.post("/admin/lessons/lesson/", chosen).content.decode()
    assert "Learners have completed these lessons" in page
    assert "Unpublish them instead" in page and "permission to delete" not in page
    client.post("/admin/lessons/lesson/", {**chosen, "post": "yes"})

    page = client.get(f"/admin/lessons/module/{module.pk}/delete/").content.decode()
    assert "Learners have completed lessons of the module" in page
    assert "“mod”: completed by 1 learner<" in page
    assert "permission to delete" not in page
    client.post(f"/admin/lessons/module/{module.pk}/delete/", {"post": "yes"})

    assert Lesson.objects.filter(pk__in=[lesson.pk, spare.pk]).count() == 2
    assert LessonProgress.objects.filter(user=learner, lesson=lesson).exists()


def test_a_lesson_set_as_reading_in_a_cohort_assignment_is_refused_to_an_everyday_admin(
    client, everyday_admin, django_user_model
):
    """Deleting it took it out of the assignment's reading list without a word (Django asks
    only about models in the admin, and cohorts are not). The lesson, its module, and both
    in a list selection are refused, counted; a lesson nobody was given is deleted as before."""
    from cohorts import services as cohorts
    from tests.conftest import make_lesson, make_module
    from tests.quizzes.builders import make_question, make_quiz

    owner = django_user_model.objects.create_user("ines", password="a-long-passphrase-7")
    module = make_module(slug="mod")
    lesson, spare = make_lesson(module, slug="read"), make_lesson(module, slug="spare")
    cohort = cohorts.cohort_create(owner=owner, name="Spring class")
    quiz = make_quiz(make_question(slug="q"), slug="quiz")
    assignment = cohorts.assignment_create(cohort=cohort, quiz=quiz, lessons=[lesson], by=owner)

    page = client.get(f"/admin/lessons/lesson/{lesson.pk}/delete/").content.decode()
    assert "an instructor has set it as reading in a cohort assignment" in page
    assert "“mod/read”: in 1 cohort assignment<" in page
    assert "Unpublish it instead" in page
    client.post(f"/admin/lessons/lesson/{lesson.pk}/delete/", {"post": "yes"})

    chosen = {"action": "delete_selected", "_selected_action": [lesson.pk, spare.pk]}
    page = client.post("/admin/lessons/lesson/", chosen).content.decode()
    assert "“mod/read”: in 1 cohort assignment<" in page and "mod/spare" not in page
    client.post("/admin/lessons/lesson/", {**chosen, "post": "yes"})

    page = client.get(f"/admin/lessons/module/{module.pk}/delete/").content.decode()
    assert "“mod”: in 1 cohort assignment<" in page
    client.post(f"/admin/lessons/module/{module.pk}/delete/", {"post": "yes"})
    assert list(assignment.lessons.all()) == [lesson]

    client.post(f"/admin/lessons/lesson/{spare.pk}/delete/", {"post": "yes"})
    assert not Lesson.objects.filter(pk=spare.pk).exists()


def test_a_module_and_a_scenario_open_at_the_same_cost_with_100_times_the_lessons(admin_client):
    """A module past `INLINE_LESSONS` lessons links to them instead of a row each; a
    scenario's lessons are searched for (autocomplete), not a chooser of every lesson."""
    from lessons.admin import INLINE_LESSONS
    from tests.conftest import make_module, make_scenario

    module = make_module(title="Big module")
    scenario = make_scenario(title="Alice reads")
    pages = {
        "module": f"/admin/lessons/module/{module.pk}/change/",
        "scenario": f"/admin/lessons/scenario/{scenario.pk}/change/",
        "new scenario": "/admin/lessons/scenario/add/",
    }

    def grow(total: int) -> None:
        have = Lesson.objects.filter(module=module).count()
        Lesson.objects.bulk_create(
            Lesson(module=module, slug=f"l-{n}", title=f"Lesson {n}", order=n, body="Words.")
            for n in range(have, total)
        )

    grow(3)
    scenario.lessons.add(Lesson.objects.get(module=module, slug="l-1"))
    small = {page: page_queries(admin_client, url, warm=True) for page, url in pages.items()}
    assert 'name="lessons-0-title"' in small["module"][1] and "Listed below." in small["module"][1]
    grow(3 * INLINE_LESSONS)
    large = {page: page_queries(admin_client, url, warm=True) for page, url in pages.items()}
    for page, (count, _) in large.items():  # the module's: one fewer, its rows not read
        assert count <= small[page][0], page
    assert 'name="lessons-0-title"' not in large["module"][1]
    assert f"{3 * INLINE_LESSONS} lessons: <a href=" in large["module"][1]
    assert f"?module__id__exact={module.pk}" in large["module"][1]
    for page in ("scenario", "new scenario"):
        assert large[page][1].count("<option") == small[page][1].count("<option") < 10
    assert f"{module.slug}/l-1</option>" in large["scenario"][1]  # the lesson it shows in


# --- how long a text may be: the same limits as the loader and the editors ------------------


def test_texts_past_their_limit_are_refused_beside_the_field_and_others_saved():
    """Each is rendered when it is saved: the admin took Django's whole 2.5 MB form (~16 s of
    rendering in one request). At the limit it is taken."""
    from django.core.exceptions import ValidationError

    from curriculum import validation as limits
    from tests.conftest import make_lesson, make_scenario
    from tests.quizzes.builders import make_question

    rows = [
        (make_lesson(), "body", limits.MAX_LESSON_BODY),
        (make_scenario(), "situation", limits.MAX_SCENARIO_TEXT),
        (make_scenario(slug="other"), "explanation", limits.MAX_SCENARIO_TEXT),
        (make_question(slug="q-long"), "prompt", limits.MAX_PROMPT_CHARS),
        (make_question(slug="q-longer"), "explanation", limits.MAX_EXPLANATION_CHARS),
    ]
    for row, field, limit in rows:
        setattr(row, field, "w" * limit)
        row.full_clean()
        setattr(row, field, "w" * (limit + 1))
        with pytest.raises(ValidationError) as refused:
            row.full_clean()
        assert list(refused.value.message_dict) == [field]
        assert f"{limit + 1:,} characters long; at most {limit:,} are taken" in str(refused.value)


def test_the_admin_keeps_a_lesson_body_it_refuses_as_too_long(admin_client):
    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    form = {
        "module": lesson.module_id,
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "body": "Words. " * 15_000,
        "order": lesson.order,
        "level": lesson.level,
        "minutes": lesson.minutes,
        "published": "on",
        "sources": json.dumps(lesson.sources),
        "scenario_lessons-TOTAL_FORMS": 0,
        "scenario_lessons-INITIAL_FORMS": 0,
    }
    page = admin_client.post(url, form).content.decode()
    assert (
        "The body is 104,999 characters long; at most 100,000 are taken: split the lesson." in page
    )
    assert "Words. Words." in page  # what was typed comes back in the field
    lesson.refresh_from_db()
    assert len(lesson.body) < 100_000


def test_a_lesson_body_of_more_lines_than_the_limit_is_refused_before_it_is_parsed(monkeypatch):
    """Markdown's block rules run at every line: 100,000 characters of one-letter list items
    (24,000 lines) cost 0.6 s a parse and 1.2 s for the admin's save, which parsed it twice."""
    from django.core.exceptions import ValidationError
    from markdown_it import MarkdownIt

    from curriculum.validation import MAX_LESSON_LINES
    from tests.conftest import make_lesson

    parsed: list[int] = []
    parse = MarkdownIt.parse
    monkeypatch.setattr(
        MarkdownIt, "parse", lambda md, text, env=None: parsed.append(1) or parse(md, text, env)
    )
    lesson = make_lesson()
    lesson.body = "- a\n" * 24_000
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert refused.value.message_dict["body"] == [
        f"The body has 24,001 lines; at most {MAX_LESSON_LINES:,} are taken: split the lesson."
    ]
    assert parsed == []
    # At the limit it is taken, and read once for all the body's checks.
    lesson.body = "- a\n" * (MAX_LESSON_LINES - 1) + "- [a link](/learn/iam/)"
    lesson.full_clean()
    assert parsed == [1]


def test_the_admin_refuses_a_lesson_link_to_a_lesson_or_module_that_does_not_exist(admin_client):
    """A typo or an old slug in a link gave learners a page not found, saved without a word;
    each dead link is named with its line, what was typed kept, and real links still save."""
    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    typed = (
        "## Links\n\nSee [roles](/learn/iam/roles/) and [the SRM](/learn/srm/).\n\n"
        "Then [a typo](/learn/iam/no-such-lesson/).\n"
        "And [a module](/learn/nomodule/) and [glossary](/learn/glossary/).\n"
    )
    from tests.quizzes.test_admin_edited_elsewhere import _form

    form = _form(admin_client, url, "lesson_form")
    form["body"] = [typed]
    page = admin_client.post(url, form).content.decode()
    assert (
        escape("Line 5: the link /learn/iam/no-such-lesson/ leads to no lesson of 'iam'.") in page
    )
    assert escape("Line 6: the link /learn/nomodule/ leads to no module ('nomodule').") in page
    assert "Line 3" not in page  # a real lesson and a page under /learn/ are fine
    assert "[a typo](/learn/iam/no-such-lesson/)" in page  # what was typed comes back
    lesson.refresh_from_db()
    assert "no-such-lesson" not in lesson.body

    fixed = typed.replace("no-such-lesson", "policies").replace("/learn/nomodule/", "/learn/iam/")
    assert admin_client.post(url, {**form, "body": [fixed]}).status_code == 302
    lesson.refresh_from_db()
    assert lesson.body == fixed.strip()


def test_a_learn_address_in_code_is_not_taken_for_a_dead_link(admin_client):
    """A lesson showing how to write a link (in a code block or `inline code`) was refused
    for a "dead link" the page never draws as one; a real link beside it still is."""
    lesson = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    typed = (
        "Write a link as `[roles](/learn/iam/no-such-lesson/)`, or:\n\n"
        "```\n[roles](/learn/nomodule/lesson/)\n```\n\n"
        "But [this one](/learn/iam/still-missing/) is a link.\n"
    )
    from tests.quizzes.test_admin_edited_elsewhere import _form

    form = _form(admin_client, url, "lesson_form")
    page = admin_client.post(url, {**form, "body": [typed]}).content.decode()
    assert escape("Line 7: the link /learn/iam/still-missing/ leads to no lesson of 'iam'.") in page
    assert page.count("leads to no") == 1  # the code's addresses are not named
    fixed = typed.replace("[this one](/learn/iam/still-missing/)", "this one")
    assert admin_client.post(url, {**form, "body": [fixed]}).status_code == 302
    lesson.refresh_from_db()
    assert "/learn/nomodule/lesson/" in lesson.body


def _messages(response) -> str:
    """The messages a save queued for the next page (its redirect, not followed)."""
    assert response.status_code == 302
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_renaming_a_lesson_keeps_links_to_its_old_address_working_and_names_them(admin_client):
    """A lesson renamed in the admin left every link to its old address a page not found
    (the dead-link check runs only when the linking lesson is saved), and refused the next
    save of each linking lesson. Its old address now leads to it, as after a course update's
    rename, and the page names the lessons linking there, each with its admin page."""
    from tests.quizzes.test_admin_edited_elsewhere import _form

    linker = Lesson.objects.get(module__slug="iam", slug="least-privilege")
    Lesson.objects.filter(pk=linker.pk).update(body="Read [roles](/learn/iam/roles/) first.")
    roles = Lesson.objects.get(module__slug="iam", slug="roles")
    # No questions loaded; written in the admin (a file's lesson is renamed in its file:
    # tests/lessons/test_admin_file_identity.py).
    Lesson.objects.filter(pk=roles.pk).update(body="About roles.", source=Source.AUTHORED)
    url = f"/admin/lessons/lesson/{roles.pk}/change/"
    form = _form(admin_client, url, "lesson_form")
    done = admin_client.post(url, {**form, "slug": ["iam-roles"]})
    assert Lesson.objects.get(pk=roles.pk).slug == "iam-roles"
    said = _messages(done)
    assert "/learn/iam/roles/ now leads here" in said
    assert f'<a href="/admin/lessons/lesson/{linker.pk}/change/">{linker.title}</a>' in said
    assert "Change them to /learn/iam/iam-roles/" in said

    assert admin_client.get("/learn/iam/roles/")["Location"] == "/learn/iam/iam-roles/"
    linker_url = f"/admin/lessons/lesson/{linker.pk}/change/"
    saved = admin_client.post(linker_url, _form(admin_client, linker_url, "lesson_form"))
    assert saved.status_code == 302  # the old address leads somewhere: not a dead link


def test_renaming_a_module_keeps_its_lessons_old_addresses_working(admin_client):
    """A module's new slug changes every lesson's address: the old ones lead to them, and
    the lessons linking into the old module are named."""
    from lessons.models import Module
    from tests.quizzes.test_admin_edited_elsewhere import _form

    module = Module.objects.get(slug="iam")
    Module.objects.filter(pk=module.pk).update(source=Source.AUTHORED)  # written in the admin
    # The first lesson the bounded scan reads (by module slug, then slug): many link to iam.
    linker = Lesson.objects.exclude(module=module).order_by("module__slug", "slug").first()
    Lesson.objects.filter(pk=linker.pk).update(body="See [roles](/learn/iam/roles/).")
    url = f"/admin/lessons/module/{module.pk}/change/"
    form = _form(admin_client, url, "module_form")
    done = admin_client.post(url, {**form, "slug": ["identity"]})
    assert Module.objects.get(pk=module.pk).slug == "identity"
    assert "/learn/iam/ now leads here" in _messages(done)
    assert f'<a href="/admin/lessons/lesson/{linker.pk}/change/">' in _messages(done)
    assert admin_client.get("/learn/iam/roles/")["Location"] == "/learn/identity/roles/"
    assert admin_client.get("/learn/iam/")["Location"] == "/learn/identity/"


def test_renaming_a_module_with_no_lessons_keeps_its_old_address_working(admin_client, client):
    """A module's old address led on only through its lessons' old addresses, so an empty
    module's (a new one, its lessons to come) was a page not found, and a lesson linking it
    was refused as a dead link on its next save. Its own old slug is kept now."""
    from django.test import Client

    from lessons.models import Module
    from tests.conftest import make_lesson, make_module
    from tests.quizzes.test_admin_edited_elsewhere import _form

    module = make_module(slug="coming-soon", title="Coming soon")
    linker = make_lesson(slug="linker", body="Soon: [the module](/learn/coming-soon/).")
    url = f"/admin/lessons/module/{module.pk}/change/"
    form = _form(admin_client, url, "module_form")
    done = admin_client.post(url, {**form, "slug": ["next-steps"]})
    assert Module.objects.get(pk=module.pk).slug == "next-steps"
    said = _messages(done)
    assert "/learn/coming-soon/ now leads here" in said
    assert f'<a href="/admin/lessons/lesson/{linker.pk}/change/">' in said
    assert Client().get("/learn/coming-soon/")["Location"] == "/learn/next-steps/"

    linker_url = f"/admin/lessons/lesson/{linker.pk}/change/"
    saved = admin_client.post(linker_url, _form(admin_client, linker_url, "lesson_form"))
    assert saved.status_code == 302  # the old address leads somewhere: not a dead link

    make_module(slug="coming-soon", title="Another")  # a module there now is shown
    assert Client().get("/learn/coming-soon/").status_code == 200


def test_renaming_a_lesson_in_its_modules_rows_keeps_its_old_address(admin_client):
    from lessons.models import Module
    from tests.quizzes.test_admin_edited_elsewhere import _form

    module = Module.objects.get(slug="iam")
    Lesson.objects.filter(module=module, slug="roles").update(source=Source.AUTHORED)
    url = f"/admin/lessons/module/{module.pk}/change/"
    form = _form(admin_client, url, "module_form")
    row = next(k for k, v in form.items() if k.endswith("-slug") and v == ["roles"])
    done = admin_client.post(url, {**form, row: ["iam-roles"]})
    assert "/learn/iam/roles/ now leads here" in _messages(done)
    assert admin_client.get("/learn/iam/roles/")["Location"] == "/learn/iam/iam-roles/"


def test_the_scan_for_lessons_linking_an_old_address_is_bounded(shipped_course, monkeypatch):
    """However many lessons link an address, the rename reads at most LINKING_SCAN of them
    (one query) and says there are more; an address in code is no link."""
    from lessons import addresses

    monkeypatch.setattr(addresses, "LINKING_SCAN", 2)
    rows = list(Lesson.objects.order_by("module__slug", "slug")[:4])
    Lesson.objects.filter(pk=rows[0].pk).update(body="In code: `[r](/learn/zz/old/)`.")
    for row in rows[1:]:
        Lesson.objects.filter(pk=row.pk).update(body="See [r](/learn/zz/old/).")
    with CaptureQueriesContext(connection) as queries:
        found, more = addresses.linking("zz", "old")
    assert len(queries) == 1
    assert [row.pk for row in found] == [rows[1].pk] and more
    assert addresses.linking("zz", "old", besides=rows[0].pk) == ([rows[1], rows[2]], True)


@pytest.mark.parametrize("model", ["lesson", "module"])
def test_a_lesson_or_module_added_in_the_admin_starts_as_a_draft(admin_client, learner, model):
    """The model's default published it on its first save, before anyone had read it."""
    from django.test import Client

    from tests.conftest import make_module
    from tests.quizzes.test_admin_edited_elsewhere import _form

    module = make_module(slug="ops")
    data = _form(admin_client, f"/admin/lessons/{model}/add/", f"{model}_form")
    assert "published" not in data  # drawn unticked
    typed = {"title": "Fresh", "slug": "fresh", "summary": "New.", "order": "9", "_save": "1"}
    if model == "lesson":
        typed |= {
            "module": str(module.pk),
            "body": "Words.",
            "minutes": "5",
            "level": "foundational",
        }
    response = admin_client.post(f"/admin/lessons/{model}/add/", {**data, **typed})
    assert response.status_code == 302, response.content.decode()[:500]
    address = "/learn/ops/fresh/" if model == "lesson" else "/learn/fresh/"
    reader = Client()
    sign_in(reader, learner)
    assert reader.get(address).status_code == 404
    assert admin_client.get(address).status_code == 200  # staff read the draft


def test_a_lesson_added_in_a_row_of_its_module_starts_as_a_draft(admin_client):
    """The module page's "Add another lesson" row was drawn ticked, so a lesson added there went
    live on the module's save while one added on its own page started as a draft."""
    from tests.conftest import make_lesson, make_module

    module = make_module(slug="ops")
    make_lesson(module=module, slug="kept", published=True)
    page = admin_client.get(f"/admin/lessons/module/{module.pk}/change/").content.decode()
    empty_row = re.search(r'<input[^>]*name="lessons-__prefix__-published"[^>]*>', page)
    saved_row = re.search(r'<input[^>]*name="lessons-0-published"[^>]*>', page)
    assert empty_row and "checked" not in empty_row.group(0)
    assert saved_row and "checked" in saved_row.group(0)  # a saved row keeps its own
