"""What the teaching views read, bounded: a slug is found in one query however many are taken,
and a question that saves reads nothing for the page it does not draw."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Question, Quiz
from teach import bank, services
from tests.teach.formdata import page_data
from tests.teach.test_views_questions import KINDS, form_data

pytestmark = pytest.mark.django_db


def _quizzes(*slugs: str) -> None:
    Quiz.objects.bulk_create(Quiz(slug=slug, title=slug) for slug in slugs)


def test_a_slug_taken_many_times_is_found_in_one_query():
    _quizzes("which-is-true", *(f"which-is-true-{n}" for n in range(2, 41)))
    with CaptureQueriesContext(connection) as queries:
        slug = services.unique_slug(Quiz, "Which is true?", fallback="quiz")
    assert slug == "which-is-true-41"
    assert len(queries) == 1


def test_the_first_free_number_is_taken_and_look_alikes_do_not_count():
    # -3 is free; "which-is-true-ish" and "which-is-truer" only look like the base.
    _quizzes("which-is-true", "which-is-true-2", "which-is-true-4", "which-is-true-ish")
    _quizzes("which-is-truer")
    assert services.unique_slug(Quiz, "Which is true?", fallback="quiz") == "which-is-true-3"
    assert services.unique_slug(Quiz, "Which is true, really", fallback="q") == (
        "which-is-true-really"
    )


def test_a_reserved_slug_is_never_given_even_when_no_row_has_it():
    assert services.unique_slug(Quiz, "Review", fallback="quiz") == "review-2"
    assert services.unique_slug(Quiz, "!!!", fallback="attempts") == "attempts-2"


def test_a_question_that_saves_counts_no_tags_for_a_page_it_does_not_draw(
    teacher, owned, monkeypatch
):
    quiz, _ = owned

    def not_needed(*args):
        raise AssertionError("counted for a page that is not drawn")

    monkeypatch.setattr(bank, "question_offers", not_needed)
    monkeypatch.setattr(bank, "tag_counts", not_needed)
    monkeypatch.setattr(bank, "tag_uses", not_needed)
    rows, extra = KINDS["single"]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    response = teacher.post(url, form_data(rows, extra, new_tags="s3"))
    assert response.status_code == 302
    assert Question.objects.filter(prompt__contains="yours").exists()


def test_a_refused_question_still_offers_the_tags_in_use(teacher, owned, instructor):
    quiz, question = owned
    services.question_set_tags(question=question, tags=["exam-2026"])
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    page = teacher.post(url, {"prompt": "", "action": "save"}).content.decode()
    assert "exam-2026 (1)" in page  # the bank tag, with how many questions have it
    assert "thinks-something (1)" in page  # the misconception of the quiz's question


def test_an_htmx_button_in_the_policy_editor_reads_no_offers_for_fields_it_does_not_draw(
    teacher, owned, monkeypatch
):
    """A button that reshapes the case (add a policy) answers htmx with the editor's part
    alone: the shared fields' tag offers and categories are not in it, so not read."""
    from tests.teach.test_engine_editors import HTMX, policy_form

    quiz, _ = owned
    url, data = policy_form(teacher, quiz, op="add-identity")

    def not_needed(*args):
        raise AssertionError("read for a fragment that does not show it")

    monkeypatch.setattr(bank, "question_offers", not_needed)
    monkeypatch.setattr(bank, "tag_counts", not_needed)
    monkeypatch.setattr(bank, "tag_uses", not_needed)
    response = teacher.post(url, data, **HTMX)
    assert response.status_code == 200
    assert 'id="pd-editor"' in response.content.decode()
    assert 'name="misconceptions"' not in response.content.decode()


def test_the_offers_count_only_what_the_teacher_may_use(
    instructor, other_instructor, django_user_model
):
    """Tags, misconceptions and categories come from the teacher's own questions and the
    curriculum's; another instructor's are not counted; staff count every question's tags and
    banks, and the misconceptions of the course and the question's owner. An
    archived question's category is not suggested, its tags still count. Each is counted by
    module too (what groups them in the editor), in the same read."""
    from lessons.models import Source
    from tests.conftest import make_module
    from tests.quizzes.builders import make_question

    iam = make_module(title="IAM")

    def question(owner, source, category, tags, misconceptions, archived=False, module=None):
        q = make_question("single", owner=owner, source=source, lesson=None, category=category)
        Question.objects.filter(pk=q.pk).update(
            misconceptions=misconceptions, archived=archived, module=module
        )
        services.question_set_tags(question=q, tags=tags)

    question(instructor, Source.AUTHORED, "mine", ["s3", "iam"], ["thinks-a"], module=iam)
    question(instructor, Source.AUTHORED, "old", ["s3"], ["thinks-a", 7], archived=True)
    question(None, Source.FILE, "shipped", ["iam"], ["thinks-b"])
    question(other_instructor, Source.AUTHORED, "theirs", ["s3", "secret"], ["thinks-c"])
    offers = bank.question_offers(instructor)
    assert offers.misconceptions == [("thinks-a", 2), ("thinks-b", 1)]
    assert offers.categories == ["mine", "shipped"]
    assert bank.tag_counts(instructor) == [("iam", 2), ("s3", 2)]
    assert sorted(offers.misconception_uses, key=str) == sorted(
        [("thinks-a", iam.pk, 1), ("thinks-a", None, 1), ("thinks-b", None, 1)], key=str
    )
    assert sorted(bank.tag_uses(instructor), key=str) == sorted(
        [("iam", iam.pk, 1), ("iam", None, 1), ("s3", iam.pk, 1), ("s3", None, 1)], key=str
    )
    staff = django_user_model.objects.create_user("sam", is_staff=True)
    assert bank.tag_counts(staff) == [("iam", 2), ("s3", 3), ("secret", 1)]
    everything = bank.question_offers(staff, other_instructor.pk)
    assert everything.misconceptions == [("thinks-b", 1), ("thinks-c", 1)]
    assert everything.categories == ["mine", "shipped", "theirs"]


def _scenario_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "lessons_scenario"' in q["sql"]]


def test_the_scenario_suggestions_read_titles_not_every_scenarios_case(teacher, owned):
    """The policy editor suggests scenarios the teacher may use: it reads what a suggestion
    shows, once, and the whole row only of the one opened. A live check as the author types
    draws no suggestions, so reads no scenario at all."""
    from lessons.models import Source
    from tests.conftest import make_scenario
    from tests.teach.test_engine_editors import HTMX, policy_form

    quiz, _ = owned
    for n in range(5):
        make_scenario(source=Source.FILE, title=f"Scenario {n}")
    url, data = policy_form(teacher, quiz, action="engine")
    for partial in (False, True):  # "Check" without JavaScript draws the page, with it less
        with CaptureQueriesContext(connection) as queries:
            page = teacher.post(url, data, **(HTMX if partial else {}))
        assert page.status_code == 200
        reads = _scenario_reads(queries)
        if partial:
            assert 'id="engine-key"' in page.content.decode()
            assert "Scenario 0" not in page.content.decode()
            assert reads == []  # the live check: no suggestions
            continue
        assert "Scenario 0 (curriculum)" in page.content.decode()
        assert len(reads) == 1  # the suggestions, once
        assert '"lessons_scenario"."title"' in reads[0]
        assert '"lessons_scenario"."case"' not in reads[0]
    with CaptureQueriesContext(connection) as queries:
        page = teacher.get(url, follow=True)
    assert "Scenario 4 (curriculum)" in page.content.decode()
    assert len(_scenario_reads(queries)) == 1  # the new question's page: suggestions, once
    opened = make_scenario(source=Source.FILE, title="Opened one")
    data |= {"k-scenario": str(opened.pk), "op": "load-scenario", "action": "save"}
    with CaptureQueriesContext(connection) as queries:
        page = teacher.post(url, data, **HTMX)
    assert "Opened one" in page.content.decode()
    whole = [sql for sql in _scenario_reads(queries) if '"lessons_scenario"."case"' in sql]
    assert len(whole) == 1  # the opened scenario's case, read once


def test_the_dashboard_counts_each_quizs_questions_and_attempts_without_joining_them(
    teacher, instructor
):
    """Questions and attempts are counted per quiz apart: joined together, a quiz's entries
    times its attempts were walked (thousands of rows per popular quiz)."""
    from tests.quizzes.builders import make_question, make_quiz
    from tests.teach.statsdata import bulk_class, mixed_quiz

    quiz, questions, responses = mixed_quiz(owner=instructor)
    bulk_class(quiz, questions, responses, 5)
    make_quiz(make_question("single", owner=instructor), owner=instructor, title="Untried")
    with CaptureQueriesContext(connection) as queries:
        body = teacher.get(reverse("teach:dashboard")).content.decode()
    rows = re.findall(r">([^<]+)</a></th>\s*<td>.*?</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>", body)
    assert (quiz.title, "7", "5") in rows
    assert ("Untried", "1", "0") in rows
    listed = [q["sql"] for q in queries if q["sql"].startswith('SELECT "quizzes_quiz"."id"')]
    assert listed and not any('JOIN "quizzes_attempt"' in sql for sql in listed)


def test_a_quizs_page_reads_the_same_number_of_rows_however_many_questions_it_has(
    teacher, owned, instructor
):
    """Each entry's question, its scenario and its answer count come with the entries: no
    query per question (nor per question's author, which the page does not show)."""
    from lessons.models import Source
    from tests.quizzes.builders import make_question

    quiz, _ = owned
    url = reverse("teach:quiz", args=[quiz.pk])

    def reads() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert teacher.get(url).status_code == 200
        return len(queries)

    few = reads()
    for kind in ("multiple", "policy_decision", "ordering", "true_false"):
        question = make_question(kind, owner=instructor, source=Source.AUTHORED, lesson=None)
        services.quiz_add_question(quiz=quiz, question=question)
    assert reads() == few


def test_an_opened_scenario_is_described_on_the_page_but_not_read_for_a_live_check(
    teacher, owned, instructor
):
    """Opened, the author's scenario says it is theirs and how many questions use it, a
    curriculum one that an edit makes a copy; a live check as the author types draws neither,
    so it reads neither the scenario's row nor its questions."""
    from lessons.models import Source
    from tests.conftest import make_scenario
    from tests.quizzes.builders import make_question
    from tests.teach.formdata import form_fields
    from tests.teach.test_engine_editors import HTMX, policy_form

    quiz, _ = owned
    mine = make_scenario(title="Mine", owner=instructor, source=Source.AUTHORED)
    for _ in range(2):
        make_question("policy_decision", scenario=mine, owner=instructor, lesson=None)
    shipped = make_scenario(title="Shipped", source=Source.FILE)
    url, data = policy_form(teacher, quiz)
    for scenario, said in (
        (mine, "This scenario is yours, used by 2 questions: changing its case changes"),
        (shipped, "This scenario comes from the curriculum. If you change it, saving makes"),
    ):
        opened = data | {"k-scenario": str(scenario.pk), "op": "load-scenario"}
        page = teacher.post(url, opened)
        assert said in page.content.decode()
        live = form_fields(page.content.decode()) | {"action": "engine"}
        live.pop("op", None)
        assert live["k-opened"] == str(scenario.pk)
        with CaptureQueriesContext(connection) as queries:
            assert teacher.post(url, live, **HTMX).status_code == 200
        assert not [q for q in queries if '"lessons_scenario"."case"' in q["sql"]]
        assert not [q for q in queries if 'FROM "quizzes_question"' in q["sql"]]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_opening_a_scenario_reads_it_once_and_its_suggestions_once(teacher, owned, htmx):
    """The chosen scenario is read whole once (one row, by its id or address), and the
    suggestions drawn beside it (at most 30, without their cases) once."""
    from lessons.models import Source
    from tests.conftest import make_scenario
    from tests.teach.test_engine_editors import HTMX, policy_form

    quiz, _ = owned
    scenario = make_scenario(source=Source.FILE, title="Cross-account read")
    url, data = policy_form(teacher, quiz, op="load-scenario", **{"k-scenario": str(scenario.pk)})
    with CaptureQueriesContext(connection) as queries:
        response = teacher.post(url, data, **(HTMX if htmx else {}))
    assert "Cross-account read" in response.content.decode()
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "lessons_scenario"' in q["sql"]]
    suggestions = [sql for sql in reads if sql.endswith("LIMIT 31")]
    assert len(suggestions) == 1, reads
    assert '"lessons_scenario"."case"' not in suggestions[0]
    assert len(reads) == 2, reads  # and the chosen one, whole


def test_a_refused_question_makes_no_slug_and_checks_no_key_it_has_just_read(
    teacher, owned, instructor
):
    """The author, module and lesson a question points at were read by this request, and a
    question's slug is made once its checks pass: a refused save asks the database neither
    whether they exist nor which slugs are taken. The question saved next gets the first
    free slug all the same."""
    from tests.conftest import make_lesson

    quiz, question = owned
    Question.objects.filter(pk=question.pk).update(slug="which-one-is-yours-to-do")
    lesson = make_lesson()
    rows, extra = KINDS["single"]
    data = form_data(rows, extra, module=str(lesson.module_id), lesson=str(lesson.pk))
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    refused = {k: v for k, v in data.items() if not k.endswith("-correct")}
    with CaptureQueriesContext(connection) as queries:
        page = teacher.post(url, refused)
    assert page.status_code == 200
    assert "Mark the correct choice." in page.content.decode()
    checks = [q["sql"] for q in queries if q["sql"].startswith('SELECT 1 AS "a"')]
    assert checks == []  # no existence check of the author, module, lesson, or the slug
    assert not [q for q in queries if '"quizzes_question"."slug"' in q["sql"]]
    assert teacher.post(url, data).status_code == 302
    saved = Question.objects.get(prompt="Which one is **yours** to do?", lesson=lesson)
    assert saved.slug == "which-one-is-yours-to-do-2"
    assert (saved.module, saved.owner) == (lesson.module, instructor)


def test_moving_or_removing_a_question_reads_no_question_per_entry(teacher, owned, instructor):
    """The audit names each changed entry by its quiz's and question's slugs: the entries
    come with their questions' slugs, so a move reads no question per renumbered entry, and
    a removed entry is named without reading its quiz and question again."""
    from auditlog.models import LogEntry

    from quizzes.models import QuizQuestion
    from tests.quizzes.builders import make_question

    quiz, first = owned
    for n in range(2, 7):
        QuizQuestion.objects.create(quiz=quiz, question=make_question(owner=instructor), order=n)
    url = reverse("teach:quiz-question-move", args=[quiz.pk, first.pk])
    before = LogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(url, {"direction": "down"}).status_code == 302
    reads = [q["sql"] for q in queries if 'FROM "quizzes_question"' in q["sql"]]
    assert len(reads) == 1  # the moved question (the view's); the entries bring their slugs
    second = quiz.entries.order_by("order")[0].question  # now first
    named = set(LogEntry.objects.order_by("pk")[before:].values_list("object_repr", flat=True))
    assert {f"{quiz.slug} #1: {second.slug}", f"{quiz.slug} #2: {first.slug}"} <= named
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, first.pk])
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(url).status_code == 302
    reads = [q for q in queries if q["sql"].startswith('SELECT "quizzes_question"')]
    assert len(reads) == 1  # the view's look-up of the question in the quiz, and no other
    gone = LogEntry.objects.order_by("-pk").first()
    assert (gone.action, gone.object_repr) == (
        LogEntry.Action.DELETE,
        f"{quiz.slug} #2: {first.slug}",
    )


def test_a_question_saved_with_its_tags_writes_none_and_a_change_writes_the_difference(owned):
    """Its tags are read once and compared: the same tags write nothing; a change removes
    and adds only the difference (creating tags nobody used before); a new question has none
    to read."""
    from quizzes.models import Tag

    _, question = owned
    services.question_set_tags(question=question, tags=["s3", "iam", "exam"])
    with CaptureQueriesContext(connection) as queries:
        services.question_set_tags(question=question, tags=["exam", "iam", "s3"])
    assert len(queries) == 1 and queries[0]["sql"].startswith("SELECT")
    services.question_set_tags(question=question, tags=["iam", "kms", "brand-new"])
    assert services.question_tags(question) == ["brand-new", "iam", "kms"]
    assert set(Tag.objects.values_list("slug", flat=True)) >= {"s3", "exam", "kms", "brand-new"}
    services.question_set_tags(question=question, tags=[])
    assert services.question_tags(question) == []
    fresh = Question.objects.create(slug="fresh", type="single", prompt="?", data={})
    with CaptureQueriesContext(connection) as queries:
        services.question_set_tags(question=fresh, tags=[], new=True)
    assert len(queries) == 0


@pytest.mark.parametrize("size", [2, 8])
def test_deleting_a_quiz_or_a_question_reads_nothing_per_entry(teacher, instructor, size):
    """Each deleted entry is in the audit, named by its quiz's and question's slugs, without
    its quiz and question read again for it: the queries do not grow with the entries."""
    from auditlog.models import LogEntry

    from quizzes.models import QuizQuestion
    from tests.quizzes.builders import make_question, make_quiz

    questions = [make_question(owner=instructor, lesson=None) for _ in range(size)]
    quiz = make_quiz(*questions, owner=instructor)
    kept = make_quiz(*questions, owner=instructor)
    names = {str(entry) for entry in QuizQuestion.objects.filter(quiz=quiz)}
    before = LogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(reverse("teach:quiz-delete", args=[quiz.pk])).status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "quizzes_question"')]
    assert reads == []
    logged = LogEntry.objects.order_by("pk")[before:]
    assert {e.object_repr for e in logged if e.action == LogEntry.Action.DELETE} == names | {
        quiz.title
    }
    gone = questions[0]
    name = str(QuizQuestion.objects.get(quiz=kept, question=gone))
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(reverse("teach:question-delete", args=[gone.pk])).status_code == 302
    assert not [q for q in queries if q["sql"].startswith('SELECT "quizzes_quiz"."id"')]
    assert LogEntry.objects.filter(object_repr=name, action=LogEntry.Action.DELETE).exists()


def test_a_policy_questions_new_scenario_is_looked_for_once(teacher, owned):
    """Its slug is made unique in one query (`unique_slug`) and not looked for again by the
    scenario's checks; the slug's length is still checked."""
    from lessons.models import Scenario
    from tests.teach.test_engine_editors import policy_form

    quiz, _ = owned
    url, data = policy_form(teacher, quiz, action="save")
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(url, data).status_code == 302
    assert len([q for q in _scenario_reads(queries) if q.startswith("SELECT")]) == 1
    assert Scenario.objects.filter(
        title="Alice reads a report", slug="alice-reads-a-report"
    ).exists()


def test_a_long_title_gives_a_slug_that_ends_at_a_word():
    # A question's slug is made from its prompt (at most 60 characters): a teacher reads it in
    # the bank and in exports, and a word cut in half ("…-in-your-accou") reads as a typo.
    prompt = (
        "Which service keeps a record of every API call made in the accounts of an organization?"
    )
    slug = services.unique_slug(Question, prompt, fallback="question", max_length=60)
    assert len(slug) <= 60
    assert slug == "which-service-keeps-a-record-of-every-api-call-made-in-the"
    # One long word is cut where it must be, never left empty.
    assert services.unique_slug(Quiz, "x" * 200, fallback="quiz") == "x" * 90


# `Question.type_change_refused`'s read of the stored type (and slug, for a lesson's checks).
TYPE_READ = 'SELECT "quizzes_question"."type" AS "type", "quizzes_question"."slug" AS "slug" FROM'


def _type_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(TYPE_READ)]


def test_an_edited_questions_save_reads_its_type_no_second_time(teacher, owned, admin_client):
    """The editor read the question, its type with it, to draw and fill it, and never changes
    a type: `Question.clean()` read the type again on every save to refuse a change of it.
    A row keeps the type it was read with (`Question.from_db`), so neither the editor's save
    nor the admin's reads it again unless the type changed."""
    from tests.quizzes.test_admin_edited_elsewhere import _form

    _quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    data = page_data(teacher, url) | {"action": "save", "prompt": "Which is yours, now?"}
    with CaptureQueriesContext(connection) as queries:
        assert teacher.post(url, data).status_code == 302
    assert _type_reads(queries) == []
    question.refresh_from_db()
    assert question.prompt == "Which is yours, now?"

    url = f"/admin/quizzes/question/{question.pk}/change/"
    form = _form(admin_client, url, "question_form")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.post(url, {**form, "prompt": ["Which is yours?"]}).status_code == 302
    assert _type_reads(queries) == []
