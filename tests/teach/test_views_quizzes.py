"""Instructors create, change, publish, duplicate, delete and preview quizzes in /teach/."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.forms import AnswerForm
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewCard
from tests.conftest import make_module
from tests.quizzes.builders import make_attempt, make_question, make_quiz

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db

SETTINGS = {
    "title": "IAM basics",
    "description": "Warm-up",
    "pass_mark": "80",
    "attempts_allowed": "2",
    "feedback": "end",
    "draw_category": "",
    "draw_count": "0",
}


def test_the_dashboard_lists_my_quizzes_and_questions_with_counts(teacher, owned):
    quiz, question = owned
    page = teacher.get(reverse("teach:dashboard")).content.decode()
    assert quiz.title in page
    assert question.prompt in page
    assert reverse("teach:quiz-create") in page


def test_it_creates_a_draft_quiz_with_a_generated_slug(teacher, instructor):
    module = make_module()
    response = teacher.post(
        reverse("teach:quiz-create"), {**SETTINGS, "module": module.pk, "shuffle_choices": "on"}
    )
    quiz = Quiz.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teach:quiz", args=[quiz.pk])
    assert quiz.slug == "iam-basics"
    assert (quiz.owner, quiz.source, quiz.published) == (instructor, Source.AUTHORED, False)
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.feedback) == (80, 2, "end")
    assert quiz.shuffle_choices and not quiz.shuffle_questions
    assert quiz.module == module


def test_a_second_quiz_with_the_same_title_gets_its_own_slug(teacher):
    teacher.post(reverse("teach:quiz-create"), SETTINGS)
    teacher.post(reverse("teach:quiz-create"), SETTINGS)
    assert sorted(Quiz.objects.values_list("slug", flat=True)) == ["iam-basics", "iam-basics-2"]


def test_a_refused_quiz_lists_its_problems_at_the_top_linked_to_their_fields(teacher):
    """The draw's fields are a screen below the top, where the page opens again: the summary
    (announced, role="alert") says what was refused and links to each field."""
    response = teacher.post(
        reverse("teach:quiz-create"), {**SETTINGS, "draw_category": "iam", "draw_count": "0"}
    )
    page = response.content.decode()
    top = page[page.index('id="problems"') : page.index('id="id_title"')]
    assert 'role="alert"' in page[page.index("<form") : page.index('id="problems"') + 40]
    assert "The quiz was not created." in top
    assert '<a href="#id_draw_count">How many questions to draw: A draw needs both' in top
    # A sentence of its own on the page, though the model's words are a fragment for the loader.
    assert "a category and a count of at least 1.</a>" in top


def test_a_reserved_title_does_not_take_a_page_slug(teacher):
    teacher.post(reverse("teach:quiz-create"), {**SETTINGS, "title": "Review"})
    assert Quiz.objects.get().slug == "review-2"


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    "change,field,words",
    [
        # the model's words, spoken to this page: "This" beside the field, not its key
        ({"pass_mark": "150"}, "pass_mark", "This is a percent (0-100), not 150"),
        ({"draw_category": "iam", "draw_count": "0"}, "draw_count", "A draw needs both"),
        # As many as the draw rules' total: 30,000 drew a whole bank of 1,000 per attempt (its
        # result page 11 MB and 0.9 s of CPU), and a bank has no ceiling.
        (
            {"draw_category": "iam", "draw_count": "30000"},
            "draw_count",
            "A quiz draws at most 200 questions per attempt, not 30000",
        ),
        ({"tries": "30"}, "tries", "This is from 1 to 10, not 30"),
        (
            {"tries": "1", "try_penalty": "10"},
            "try_penalty",
            "(set “Tries per question” to 2 or more",
        ),
        ({"title": ""}, "title", "This field is required"),
        ({"pass_mark": "lots"}, "pass_mark", "Enter a whole number"),
        # Below 0: in the page's words, not Django's "Ensure this value is greater than …"
        (
            {"time_limit": "-5"},
            "time_limit",
            "This is in minutes, from 1 to 1440 (or empty for none), not -5.",
        ),
        ({"attempts_allowed": "-1"}, "attempts_allowed", "This cannot be below 0, not -1."),
        # A setting whose range starts above 0, or is a percent, says its range below 0 too:
        # "cannot be below 0" told a teacher typing -1 tries that 0 would do, and 0 is refused.
        ({"tries": "-1"}, "tries", "This is from 1 to 10, not -1."),
        ({"pass_mark": "-5"}, "pass_mark", "This is a percent (0-100), not -5."),
        ({"try_penalty": "-1"}, "try_penalty", "This is a percent (0-100), not -1."),
    ],
)
def test_bad_settings_are_refused_with_the_models_words(teacher, owned, change, field, words):
    quiz, _ = owned
    response = teacher.post(reverse("teach:quiz-edit", args=[quiz.pk]), {**SETTINGS, **change})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    quiz.refresh_from_db()
    assert quiz.title != "IAM basics"


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    "change,said,unsaid",
    [
        # A category mistyped while the count is given: the count was said to be missing.
        (
            {"draw_category": "week one", "draw_count": "5"},
            {"draw_category": "lower-case words joined by dashes"},
            ["A draw needs both", "“slug”"],
        ),
        (
            {"draw_category": "iam", "draw_count": "lots"},
            {"draw_count": "Enter a whole number"},
            ["A draw needs both"],
        ),
        # A number past what the database holds: its range ("less than or equal to
        # 9223372036854775807") was said beside the page's own words.
        (
            {"time_limit": "9" * 30},
            {"time_limit": "This is in minutes, from 1 to 1440"},
            ["9223372036854775807"],
        ),
        (
            {"attempts_allowed": "9" * 30},
            {"attempts_allowed": "far too large for this setting"},
            ["9223372036854775807"],
        ),
    ],
)
def test_a_setting_is_said_wrong_once_in_the_pages_words(teacher, owned, change, said, unsaid):
    quiz, _ = owned
    response = teacher.post(reverse("teach:quiz-edit", args=[quiz.pk]), {**SETTINGS, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    for field, words in said.items():
        assert words in " ".join(errors[field]), errors
    every = " ".join(m for found in errors.values() for m in found)
    for words in unsaid:
        assert words not in every, every


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("title", ["\u202eBucket policies", "Bucket\u200b policies"])
def test_a_title_with_a_hidden_character_is_refused_beside_it_and_kept(teacher, title):
    """A right-to-left override (pasted, or typed by a stray key) turned the title, and the
    text after it in every list (the dashboard, learners' quiz list, the gradebook),
    backwards; a zero-width space made two titles look alike. Refused as a cohort's name is."""
    response = teacher.post(reverse("teach:quiz-create"), {**SETTINGS, "title": title})
    assert response.status_code == 200
    errors = response.context["form"].errors["title"]
    assert f"U+{ord(next(c for c in title if not c.isprintable())):04X}" in " ".join(errors)
    assert "This contains an invisible or control character" in " ".join(errors)
    assert title in response.content.decode()  # kept as typed, to mend
    assert not Quiz.objects.exists()


def test_a_title_with_joiners_is_kept():
    """Zero-width joiners shape emoji and some scripts: not hidden characters."""
    assert Quiz(title="Family \U0001f468\u200d\U0001f469\u200d\U0001f467 quiz").problems() == []


@pytest.mark.usefixtures("template_context")
def test_a_quiz_that_draws_by_rules_refuses_a_category_beside_it_not_with_a_500(
    teacher, instructor
):
    """A copy of the curriculum's final exam draws by rules (40 questions across the
    modules), which the settings page does not show. Giving it a draw category was refused by
    `Quiz.problems()` on `draw_rules`, a field the form lacks: Django raised ValueError, a
    500. It is said beside the category, in the page's words, and nothing is saved."""
    make_module(slug="iam")
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, published=False)
    quiz.draw_rules = [{"module": "iam", "count": 1}]
    quiz.save()
    url = reverse("teach:quiz-edit", args=[quiz.pk])
    response = teacher.post(url, {**SETTINGS, "draw_category": "iam", "draw_count": "3"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["draw_category"])
    assert "draws its questions by its own rules" in errors
    quiz.refresh_from_db()
    assert quiz.draw_category == "" and quiz.draw_rules == [{"module": "iam", "count": 1}]
    assert teacher.post(url, SETTINGS).status_code == 302  # the rules alone are kept


@pytest.mark.usefixtures("template_context")
def test_a_rule_naming_a_module_gone_is_said_in_the_summary_not_a_500(teacher, instructor):
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, published=False)
    quiz.draw_rules = [{"module": "gone", "count": 1}]
    quiz.save()
    response = teacher.post(reverse("teach:quiz-edit", args=[quiz.pk]), SETTINGS)
    assert response.status_code == 200
    assert "gone" in " ".join(response.context["form"].non_field_errors())


def test_it_saves_the_settings(teacher, owned):
    quiz, _ = owned
    before = quiz.updated_at
    teacher.post(
        reverse("teach:quiz-edit", args=[quiz.pk]), {**SETTINGS, "shuffle_questions": "on"}
    )
    quiz.refresh_from_db()
    assert quiz.title == "IAM basics" and quiz.shuffle_questions and quiz.pass_mark == 80
    assert quiz.updated_at > before


def test_publish_and_unpublish(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:quiz-publish", args=[quiz.pk])
    teacher.post(url, {"published": "true"})
    quiz.refresh_from_db()
    assert quiz.published
    # A learner can now see it.
    assert teacher.get(reverse("quizzes:detail", args=[quiz.slug])).status_code == 200
    teacher.post(url, {"published": "false"})
    quiz.refresh_from_db()
    assert not quiz.published


def test_an_empty_quiz_cannot_be_published(teacher, instructor):
    quiz = make_quiz(owner=instructor, published=False)
    response = teacher.post(
        reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"}, follow=True
    )
    assert "add one before publishing" in response.content.decode()
    quiz.refresh_from_db()
    assert not quiz.published


def test_a_quiz_drawing_from_an_empty_category_says_to_change_the_category(teacher, instructor):
    """Its page says the listed questions are not used while it draws: "add one" sent the
    instructor to add questions that would change nothing."""
    quiz = make_quiz(owner=instructor, published=False, draw_category="no-such-bank", draw_count=5)
    response = teacher.post(
        reverse("teach:quiz-publish", args=[quiz.pk]), {"published": "true"}, follow=True
    )
    page = response.content.decode()
    assert "draws its questions from the category “no-such-bank”" in page
    assert "choose another category in its settings" in page
    assert "add one before publishing" not in page
    quiz.refresh_from_db()
    assert not quiz.published


def test_duplicate_makes_a_draft_copy_sharing_the_questions(teacher, owned, instructor):
    quiz, question = owned
    teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    assert copy.title == f"Copy of {quiz.title}" and not copy.published
    assert copy.owner == instructor and copy.slug != quiz.slug
    assert list(copy.questions.all()) == [question]


def test_a_copy_has_every_setting_of_the_quiz_as_it_is_under_its_lock(teacher, owned):
    """Every setting is copied (the draw's rules, a JSON list, as a list of its own), from the
    quiz's row read again once its lock is held: two reads of the quiz, the view's (to check
    who may copy it) and that one, whose settings are the ones copied (a setting saved between
    the two is in the copy: tests/teach/test_entry_positions.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz, _ = owned
    rules = [{"category": "mine", "count": 1}]
    Quiz.objects.filter(pk=quiz.pk).update(
        description="Why *this*", pass_mark=55, time_limit=20, tries=2, draw_rules=rules
    )
    with CaptureQueriesContext(connection) as queries:
        teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
    reads = [q for q in queries if q["sql"].startswith('SELECT "quizzes_quiz"."id"')]
    assert len(reads) == 2  # (their SQL compiled once, so they name their columns)
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    settings = ("description", "pass_mark", "time_limit", "tries", "draw_rules", "feedback")
    original = Quiz.objects.get(pk=quiz.pk)
    assert [getattr(copy, n) for n in settings] == [getattr(original, n) for n in settings]
    assert copy.draw_rules == rules


def test_duplicating_leaves_the_quiz_copied_unchanged(teacher, owned):
    """Copying holds the quiz's lock by reading it, not by marking it changed as an edit of
    its entries does: the quiz's last change and its audit stay as they were."""
    from auditlog.models import LogEntry

    quiz, _ = owned

    def state():
        logged = LogEntry.objects.get_for_object(quiz).count()
        return Quiz.objects.get(pk=quiz.pk).updated_at, logged

    before = state()
    teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
    assert Quiz.objects.count() == 2
    assert state() == before


def test_delete_asks_first_then_deletes_but_keeps_the_questions(teacher, owned):
    quiz, question = owned
    url = reverse("teach:quiz-delete", args=[quiz.pk])
    page = teacher.get(url)
    assert page.status_code == 200 and "Delete the quiz" in page.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    response = teacher.post(url)
    assert response["Location"] == reverse("teach:dashboard")
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_quiz_with_attempts_is_never_deleted(teacher, owned, learner):
    quiz, _ = owned
    make_attempt(quiz, user=learner)
    page = teacher.get(reverse("teach:quiz-delete", args=[quiz.pk])).content.decode()
    assert "cannot be deleted" in page and "Unpublish" in page
    teacher.post(reverse("teach:quiz-delete", args=[quiz.pk]))
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert Attempt.objects.count() == 1


def test_questions_are_moved_removed_and_reused(teacher, instructor, owned):
    quiz, first = owned
    second = make_question("true_false", owner=instructor, lesson=None)
    teacher.post(reverse("teach:quiz-question-add", args=[quiz.pk]), {"question": second.pk})
    assert list(quiz.questions.order_by("entries__order")) == [first, second]
    teacher.post(
        reverse("teach:quiz-question-move", args=[quiz.pk, second.pk]), {"direction": "up"}
    )
    assert list(quiz.questions.order_by("entries__order")) == [second, first]
    teacher.post(reverse("teach:quiz-question-remove", args=[quiz.pk, first.pk]))
    assert list(quiz.questions.all()) == [second]
    assert Question.objects.filter(pk=first.pk).exists()


def test_adding_another_instructors_question_is_refused(teacher, owned, other_instructor):
    quiz, _ = owned
    theirs = make_question("single", owner=other_instructor, lesson=None)
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]), {"question": theirs.pk}
    )
    assert response.status_code == 404
    assert not quiz.questions.filter(pk=theirs.pk).exists()


def test_adding_with_a_bad_question_id_says_so(teacher, owned):
    quiz, _ = owned
    response = teacher.post(
        reverse("teach:quiz-question-add", args=[quiz.pk]), {"question": "abc"}, follow=True
    )
    assert "Choose a question to add." in response.content.decode()


# --- preview ------------------------------------------------------------------------------


def test_the_preview_is_the_learners_page_and_stores_nothing(teacher, owned):
    quiz, question = owned
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert question.prompt in html
    for choice in question.choices():  # the learner's controls
        assert f'value="{choice["id"]}"' in html
    right = next(c for c in question.choices() if c["correct"])
    response = teacher.post(
        reverse("teach:quiz-preview-check", args=[quiz.pk, 1]), {"choice": right["id"]}
    )
    assert response.status_code == 200
    assert "Right." in response.content.decode()
    assert question.explanation in response.content.decode()
    assert Attempt.objects.count() == 0
    assert Answer.objects.count() == 0
    assert ReviewCard.objects.count() == 0


def test_a_preview_answer_that_is_not_valid_shows_the_learners_message(teacher, owned):
    quiz, _ = owned
    response = teacher.post(reverse("teach:quiz-preview-check", args=[quiz.pk, 1]), {})
    assert "Choose one answer." in response.content.decode()


NOTHING_IN_USE = "This quiz has no question in use yet"


def test_the_preview_of_an_empty_quiz_says_so_and_where_to_add_one(teacher, instructor):
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED)
    response = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert NOTHING_IN_USE in page
    assert "Preview.</strong> This is the learner's page." in page  # the preview's layout
    quiz_page = reverse("teach:quiz", args=[quiz.pk])
    assert f'<a href="{quiz_page}#add-question">Add a question</a>' in page
    assert f'<a href="{quiz_page}">Open the quiz’s editor</a>' in page
    assert 'id="add-question"' in teacher.get(quiz_page).content.decode()  # where it leads


def test_a_preview_check_after_the_last_question_was_archived_says_so(teacher, owned):
    """The page was drawn with a question, which was archived before "Check answer": the
    check answers the same finished page (it was a 404, "This quiz has no questions yet")."""
    quiz, question = owned
    Question.objects.filter(pk=question.pk).update(archived=True)
    url = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    response = teacher.post(url, {"choice": question.choices()[0]["id"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert NOTHING_IN_USE in page and "Add a question" in page
    partial = teacher.post(url, {}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="attempt-body"') and NOTHING_IN_USE in html


def test_the_preview_of_a_quiz_from_the_files_with_none_in_use_offers_no_add(teacher, instructor):
    """An instructor cannot add to a quiz from the course's files: only its page is linked."""
    archived = make_question("true_false", source=Source.FILE, lesson=None, archived=True)
    quiz = make_quiz(archived, source=Source.FILE, published=True)
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode()
    assert NOTHING_IN_USE in page and "Add a question" not in page
    assert "Open the quiz’s editor" in page


def test_the_preview_of_a_drawing_quiz_with_an_empty_category_names_it(teacher, instructor):
    quiz = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_category="nothing-here", draw_count=2
    )
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode()
    assert "draws its questions from the category “nothing-here”" in page
    assert reverse("teach:quiz-edit", args=[quiz.pk]) in page


def test_the_preview_with_htmx_swaps_only_the_panel(teacher, owned):
    quiz, question = owned
    response = teacher.get(
        reverse("teach:quiz-preview", args=[quiz.pk]) + "?q=1", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="attempt-body"')
    assert question.prompt in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_the_preview_skips_archived_questions(teacher, instructor):
    kept = make_question("true_false", owner=instructor, lesson=None, prompt="Kept?")
    gone = make_question("true_false", owner=instructor, lesson=None, prompt="Gone?", archived=True)
    quiz = make_quiz(gone, kept, owner=instructor)
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode()
    assert "Kept?" in page and "Gone?" not in page
    assert "Question 1 of 1" in page


def test_the_quiz_page_counts_the_questions_a_learner_gets(teacher, instructor):
    """Neither an archived question nor a broken one (it fails its kind's checks) counts."""
    kept = make_question("true_false", owner=instructor, lesson=None)
    also = make_question("single", owner=instructor, lesson=None)
    gone = make_question("true_false", owner=instructor, lesson=None, archived=True)
    broken = make_question("single", owner=instructor, lesson=None, data={"choices": []})
    quiz = make_quiz(kept, gone, broken, also, owner=instructor)
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "<dt>Questions a learner gets</dt><dd>2</dd>" in page
    drawing = make_quiz(owner=instructor, draw_category=kept.category, draw_count=1)
    page = teacher.get(reverse("teach:quiz", args=[drawing.pk])).content.decode()
    assert "(2 usable there)" in page  # the category's questions (it lists none itself)


@pytest.mark.parametrize(
    "kind",
    [
        "single",
        "multiple",
        "true_false",
        "ordering",
        "categorize",
        "policy_decision",
        "least_privilege",
    ],
)
def test_every_kind_previews_with_the_learners_controls(teacher, instructor, kind):
    question = make_question(kind, owner=instructor)
    quiz = make_quiz(question, owner=instructor)
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert question.prompt in html
    for name in AnswerForm(question, question.layout_ids()).fields:  # the learner's controls
        assert f'name="{name}"' in html
    # An empty answer gets the learner's message, not an error page.
    response = teacher.post(reverse("teach:quiz-preview-check", args=[quiz.pk, 1]), {})
    assert response.status_code == 200
    assert Attempt.objects.count() == 0


def test_a_teacher_may_order_and_remove_any_question_of_their_quiz(teacher, owned, staff):
    """Even one they did not write (staff put it there): the quiz is theirs."""
    quiz, _ = owned
    foreign = make_question("single", owner=staff, lesson=None)
    quiz.entries.create(question=foreign, order=9)
    teacher.post(
        reverse("teach:quiz-question-move", args=[quiz.pk, foreign.pk]), {"direction": "up"}
    )
    assert quiz.entries.order_by("order").first().question == foreign
    teacher.post(reverse("teach:quiz-question-remove", args=[quiz.pk, foreign.pk]))
    assert not quiz.entries.filter(question=foreign).exists()
    assert Question.objects.filter(pk=foreign.pk).exists()


def test_category_suggestions_come_from_what_the_teacher_may_see(teacher, owned, other_instructor):
    make_question("single", owner=other_instructor, lesson=None, category="their-secret-bank")
    make_question("single", source=Source.FILE, lesson=None, category="shipped-bank")
    html = teacher.get(reverse("teach:quiz-create"), follow=True).content.decode()  # to ?once=
    assert '<option value="mine">' in html and '<option value="shipped-bank">' in html
    assert "their-secret-bank" not in html


def test_the_dashboard_counts_the_questions_a_drawing_quiz_gives(teacher, instructor):
    """A quiz drawing by rules (as the final exam) lists no question of its own: the dashboard
    said "0 questions" for the course's 40-question final exam."""
    rules = [{"module": "iam", "count": 5}, {"module": "kms", "count": 3}]
    make_quiz(title="My drawn exam", owner=instructor, source=Source.AUTHORED, draw_rules=rules)
    make_quiz(title="Course exam", source=Source.FILE, published=True, draw_rules=rules)
    make_quiz(
        title="Course mix", source=Source.FILE, published=True, draw_category="iam", draw_count=4
    )

    page = teacher.get(reverse("teach:dashboard")).content.decode()

    assert "<td>8 drawn by its rules</td>" in page
    assert 'Course exam</a> <span class="meta">8 questions drawn at random</span>' in page
    assert 'Course mix</a> <span class="meta">4 questions drawn at random</span>' in page
    assert "0 questions" not in page


def test_the_quiz_page_offers_every_kinds_editor(teacher, owned):
    quiz, _ = owned
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "New: policy decision" in page and "New: least-privilege challenge" in page
    assert "cannot be written here" not in page
    # The network kinds have editors now: offered, none said to have no editor, and "WAF"
    # kept in capitals (the names were lower-cased: "waf rule (which rule acts)").
    assert "New: flow decision (network)" in page and "New: WAF rule (which rule acts)" in page
    assert "New: fix the network rules" in page
    assert "have no editor here" not in page and "waf rule" not in page


def _three(instructor, owned):
    from quizzes.models import QuizQuestion

    quiz, first = owned
    others = [make_question("true_false", owner=instructor, lesson=None) for _ in range(2)]
    for n, question in enumerate(others, start=2):
        QuizQuestion.objects.create(quiz=quiz, question=question, order=n)
    return quiz, [first, *others]


def _focused(html: str) -> list[tuple[str, str]]:
    """(direction, question number) of each button drawn with autofocus."""
    import re

    return re.findall(r'value="(up|down)"[^>]*\bautofocus><span aria-hidden="true">[^<]*</span>'
                      r'<span class="visually-hidden">Move \w+ question (\d+)<', html)  # fmt: skip


@pytest.mark.parametrize(
    ("moving", "direction", "order", "said", "focused"),
    [
        (2, "up", [0, 2, 1], "Moved up: now question 2 of 3.", [("up", "2")]),
        (1, "down", [0, 2, 1], "Moved down: now question 3 of 3.", [("up", "3")]),  # the end
        (1, "up", [1, 0, 2], "Moved up: now question 1 of 3.", [("down", "1")]),  # the top
    ],
)
def test_a_move_with_htmx_swaps_the_list_keeps_the_focus_and_says_where(
    teacher, instructor, owned, moving, direction, order, said, focused
):
    """The move is said ("Moved up: now question 2 of 3") in the page's status region and the
    moved question's button keeps the focus, the other one where the pressed one is disabled
    (the top or the bottom); the page was drawn again and said nothing."""
    quiz, questions = _three(instructor, owned)
    url = reverse("teach:quiz-question-move", args=[quiz.pk, questions[moving].pk])
    html = teacher.post(url, {"direction": direction}, headers={"HX-Request": "true"})
    html = html.content.decode()
    assert list(quiz.questions.order_by("entries__order")) == [questions[i] for i in order]
    assert html.lstrip().startswith('<div id="quiz-entries">')
    assert "<html" not in html
    assert f'<p id="live-status" hx-swap-oob="innerHTML">{said}</p>' in html
    assert _focused(html) == focused


def test_a_move_without_javascript_says_where_on_the_page_it_returns_to(teacher, instructor, owned):
    quiz, questions = _three(instructor, owned)
    url = reverse("teach:quiz-question-move", args=[quiz.pk, questions[2].pk])
    response = teacher.post(url, {"direction": "up"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#entry-{questions[2].pk}")
    assert "Moved up: now question 2 of 3." in page
    assert _focused(page) == []  # a whole page focuses nothing of its own


def test_the_previews_verdict_and_refusal_are_said_in_the_status_region(teacher, owned):
    """As a learner's page: the feedback swapped in is no live region of its own."""
    from tests.test_live_status import said_within

    quiz, question = owned
    url = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    htmx = {"HX-Request": "true"}
    right = next(c for c in question.choices() if c["correct"])
    assert said_within(teacher.post(url, {"choice": right["id"]}, headers=htmx)) == "Right."
    assert said_within(teacher.post(url, {}, headers=htmx)).startswith("Not checked: ")
    page = reverse("teach:quiz-preview", args=[quiz.pk]) + "?q=1"
    assert said_within(teacher.get(page, headers=htmx)) == ""


# --- a copy of a question, to change (a shipped one is read-only here) -----------------------


def _copy(teacher, quiz, question):
    url = reverse("teach:quiz-question-copy", args=[quiz.pk, question.pk])
    return teacher.post(url, {"once": "a-page-token-123"})


def test_a_shipped_question_is_copied_to_edit_just_after_it_and_opens_in_the_editor(
    teacher, owned, instructor, learner
):
    """A shipped question could be reused but never changed: no button led to an editable
    version of it, so a teacher who wanted other wording wrote it again from nothing."""
    from quizzes.attempts import answer_save
    from quizzes.models import Tag
    from tests.quizzes.builders import right_response

    quiz, mine = owned
    shipped = make_question("single", source=Source.FILE, category="iam", prompt="Shipped?")
    shipped.tags.add(Tag.objects.create(slug="week-one"))
    last = make_question("single", owner=instructor, source=Source.AUTHORED, lesson=None)
    for question in (shipped, last):
        quiz.entries.create(question=question, order=quiz.entries.count() + 1)
    attempt = make_attempt(quiz, user=learner)  # a learner answered the original
    answer_save(attempt=attempt, question=shipped, response=right_response(shipped))

    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "Copy to edit<span" in page and "Duplicate<span" in page

    response = _copy(teacher, quiz, shipped)
    copy = Question.objects.exclude(pk__in=[mine.pk, shipped.pk, last.pk]).get()
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("teach:question-edit", args=[copy.pk]) + f"?quiz={quiz.pk}"
    )
    assert (copy.owner, copy.source, copy.prompt, copy.data) == (
        instructor, Source.AUTHORED, "Shipped?", shipped.data
    )  # fmt: skip
    assert [t.slug for t in copy.tags.all()] == ["week-one"]
    order = list(quiz.entries.order_by("order").values_list("question_id", "order"))
    assert order == [(mine.pk, 1), (shipped.pk, 2), (copy.pk, 3), (last.pk, 4)]
    shipped.refresh_from_db()
    assert shipped.source == Source.FILE and shipped.answers.exists()  # the original untouched
    editor = teacher.get(response["Location"])
    assert editor.status_code == 200 and "Shipped?" in editor.content.decode()


def test_copying_twice_by_a_double_click_makes_one_copy(teacher, owned):
    quiz, mine = owned
    first = _copy(teacher, quiz, mine)
    again = _copy(teacher, quiz, mine)
    assert Question.objects.count() == 2
    assert again["Location"] == first["Location"]


def test_a_question_is_copied_only_into_a_quiz_the_teacher_may_change(
    client, owned, other_instructor
):
    from tests.teach.conftest import client_for

    quiz, mine = owned
    response = _copy(client_for(other_instructor), quiz, mine)
    assert response.status_code in (403, 404)
    assert Question.objects.count() == 1


def test_a_draw_of_more_than_the_category_holds_says_what_a_learner_gets(teacher, instructor):
    """A quiz set to draw 500 from a category of 3 said "500 drawn at random from the
    category (3 usable there)": a learner gets the 3, which the page now says first."""
    for _n in range(3):
        make_question("single", owner=instructor, source=Source.AUTHORED, category="week-1")
    quiz = make_quiz(
        owner=instructor, source=Source.AUTHORED, draw_category="week-1", draw_count=500
    )
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "500 drawn at random" not in page
    assert (
        "All 3 usable questions of the category “week-1”, in a random order: the quiz asks "
        "for 500, more than the category holds" in page
    )
    quiz.draw_count = 2
    quiz.save()
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "2 drawn at random from the category “week-1” (3 usable there)" in page


def test_a_draw_from_a_category_of_one_question_says_it_in_the_singular(teacher, instructor):
    """It said "All 1 usable questions of the category …, in a random order"."""
    make_question("single", owner=instructor, source=Source.AUTHORED, category="week-1")
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, draw_category="week-1", draw_count=5)
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "All 1 usable questions" not in page
    assert (
        "The one usable question of the category “week-1”: the quiz asks for 5, more than the "
        "category holds" in page
    )


def test_taking_a_question_out_says_where_it_still_is(teacher, owned):
    """A shipped question taken out was said to be "still in your list": it is in the bank."""
    quiz, mine = owned
    shipped = make_question("single", source=Source.FILE, category="iam")
    quiz.entries.create(question=shipped, order=2)
    for question, where in ((shipped, "the question bank"), (mine, "your questions")):
        url = reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk])
        page = teacher.post(url, follow=True).content.decode()
        assert f"Question taken out of this quiz (it is still in {where})." in page


def test_a_new_quiz_drawing_from_an_unknown_category_is_saved_with_a_warning(teacher):
    """A category no usable question has made a quiz with nothing to draw, said only when
    publishing was refused. The save says so at once and names the category meant. (One typed
    in capitals is the same category: categories are kept in lower case.)"""
    make_question("single", source=Source.FILE, lesson=None, category="shipped-bank")
    data = {**SETTINGS, "draw_category": "Shipped-Bank", "draw_count": "1"}
    page = teacher.post(reverse("teach:quiz-create"), data, follow=True).content.decode()
    assert Quiz.objects.get().draw_category == "shipped-bank"
    assert "No question you can use has the category" not in page
    data = {**SETTINGS, "title": "Second", "draw_category": "shiped-bank", "draw_count": "1"}
    page = teacher.post(reverse("teach:quiz-create"), data, follow=True).content.decode()
    assert "No question you can use has the category “shiped-bank” yet" in page
    assert "Did you mean “shipped-bank”?" in page


def test_a_quiz_drawing_from_a_known_category_is_saved_without_a_warning(teacher, owned):
    make_question("single", source=Source.FILE, lesson=None, category="shipped-bank")
    quiz, _ = owned
    data = {**SETTINGS, "draw_category": "shipped-bank", "draw_count": "1"}
    page = teacher.post(
        reverse("teach:quiz-edit", args=[quiz.pk]), data, follow=True
    ).content.decode()
    assert "Settings saved." in page
    assert "No question you can use has the category" not in page


def test_the_warning_never_suggests_a_category_the_teacher_may_not_see(
    teacher, owned, other_instructor
):
    make_question("single", owner=other_instructor, lesson=None, category="their-secret-bank")
    quiz, _ = owned
    data = {**SETTINGS, "draw_category": "their-secret-bnk", "draw_count": "1"}
    page = teacher.post(
        reverse("teach:quiz-edit", args=[quiz.pk]), data, follow=True
    ).content.decode()
    assert "No question you can use has the category “their-secret-bnk” yet" in page
    assert "their-secret-bank" not in page


def test_a_quiz_drawn_by_rules_lists_each_rule(teacher, instructor):
    """A rule by module has no 'category' key: `rule.module|default:rule.category` looked it up
    as the filter's argument, which Django does not forgive, and the page was a server error
    for every quiz with a module rule (the shipped course's final exam among them)."""
    rules = [{"module": "iam", "count": 2}, {"category": "kms", "count": 1}]
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, published=False, draw_rules=rules)
    response = teacher.get(reverse("teach:quiz", args=[quiz.pk]))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert (
        "None: its rules ask for 3 (2 from module “iam”, 1 from category “kms”), and no usable "
        "question is in their banks" in page
    )


def test_a_quiz_drawn_by_rules_says_when_a_rules_bank_holds_fewer_than_it_asks_for(
    teacher, instructor
):
    """It said "3 drawn by its rules (…; 4 usable)" when the module's bank held one question
    for a rule asking two: an attempt gets 2, as the page now says, naming the rule short."""
    from tests.conftest import make_module

    iam = make_module(slug="iam")
    rules = [{"module": "iam", "count": 2}, {"category": "kms", "count": 1}]
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, published=False, draw_rules=rules)
    make_question("single", owner=instructor, lesson=None, module=iam, category="iam")
    for _n in range(3):
        make_question("single", owner=instructor, lesson=None, category="kms")
    make_question("single", owner=instructor, lesson=None, category="kms", archived=True)

    def facts() -> str:
        page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
        found = re.search(r"<dt>Questions a learner gets</dt><dd>(.*?)</dd>", page)
        assert found, "the quiz's facts say what a learner gets"
        return found.group(1)

    assert facts() == (
        "At most 2, fewer than the 3 its rules ask for: 2 from module “iam” (only 1 usable "
        "there), 1 from category “kms”; 4 usable in all"
    )
    make_question("single", owner=instructor, lesson=None, module=iam, category="other")
    assert facts() == (
        "3 drawn by its rules (2 from module “iam”, 1 from category “kms”; 5 usable)"
    )


def test_a_title_without_latin_letters_gets_its_own_address_and_file_name(teacher, instructor):
    """クイズ and Κουίζ once both became `quiz` (then `quiz-2`), exported as `quiz.json`."""
    from tests.teach.formdata import form_fields

    url = reverse("teach:quiz-create")
    made = []
    for title in ("クイズ", "Κουίζ ασφάλειας"):
        fields = form_fields(teacher.get(url, follow=True).content.decode(), "teach-form")
        teacher.post(url, {**fields, "title": title, "pass_mark": "70"})
        made.append(Quiz.objects.get(title=title))
    assert [quiz.slug for quiz in made] == [f"quiz-{quiz.pk}" for quiz in made]
    export = teacher.get(reverse("teach:quiz-export", args=[made[0].pk, "json"]))
    assert f'filename="quiz-{made[0].pk}.json"' in export["Content-Disposition"]
    assert reverse("quizzes:detail", args=[made[1].slug]) == f"/quizzes/quiz-{made[1].pk}/"
    # A Latin title still names it, and editing a title later keeps the address.
    fields = form_fields(teacher.get(url, follow=True).content.decode(), "teach-form")
    teacher.post(url, {**fields, "title": "IAM basics", "pass_mark": "70"})
    assert Quiz.objects.get(title="IAM basics").slug == "iam-basics"


def test_a_copy_of_a_title_without_latin_letters_is_named_by_its_id(teacher, owned):
    """Copies titled “Copy of クイズ” were all `copy-of` (then `copy-of-2`), an address saying
    nothing of the quiz; a copy is named as a new quiz with that title is, `quiz-<id>`."""
    quiz, _ = owned
    made = []
    for title in ("クイズ", "Κουίζ ασφάλειας"):
        Quiz.objects.filter(pk=quiz.pk).update(title=title)
        teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
        made.append(Quiz.objects.get(title=f"Copy of {title}"))
    assert [copy.slug for copy in made] == [f"quiz-{copy.pk}" for copy in made]
    # A Latin title still names its copy.
    Quiz.objects.filter(pk=quiz.pk).update(title="IAM basics")
    teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]))
    assert Quiz.objects.get(title="Copy of IAM basics").slug == "copy-of-iam-basics"


def _take_out_focused(html: str) -> list[str]:
    """The question number of each "Take out" button drawn with autofocus."""
    import re

    return re.findall(r"\bautofocus>Take out of this quiz<span class=\"visually-hidden\">"
                      r" \(question (\d+)\)<", html)  # fmt: skip


@pytest.mark.parametrize(("taking", "focused"), [(0, ["1"]), (1, ["2"]), (2, ["2"])])
def test_taking_out_with_htmx_keeps_the_keyboard_in_the_list_and_says_so(
    teacher, instructor, owned, taking, focused
):
    """The keyboard went back to the top of the page: it stays on the question now in the
    taken one's place (the one before, at the end), and the removal is said."""
    quiz, questions = _three(instructor, owned)
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, questions[taking].pk])
    html = teacher.post(url, headers={"HX-Request": "true"}).content.decode()
    assert questions[taking] not in quiz.questions.all()
    assert html.lstrip().startswith('<div id="quiz-entries">') and "<html" not in html
    assert _take_out_focused(html) == focused
    assert html.count("autofocus") == 1
    assert (
        '<p id="live-status" hx-swap-oob="innerHTML">Question taken out of this quiz (it is '
        "still in your questions). 2 questions left.</p>"
    ) in html


def test_taking_out_the_last_question_focuses_the_empty_list_and_without_js_returns_there(
    teacher, instructor, owned
):
    quiz, questions = _three(instructor, owned)
    for question, after in zip(questions[:2], questions[1:], strict=True):
        url = reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk])
        response = teacher.post(url, follow=True)
        assert response.redirect_chain[-1][0].endswith(f"#entry-{after.pk}")
        assert "Question taken out of this quiz" in response.content.decode()
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, questions[2].pk])
    html = teacher.post(url, headers={"HX-Request": "true"}).content.decode()
    assert '<p class="hint" tabindex="-1" autofocus>No questions yet.</p>' in html
    assert "0 questions left." in html


def test_the_dashboard_with_nothing_written_yet_says_where_to_begin(teacher, instructor):
    """Each empty list names the next step and links to it: a quiz first, and once there is
    one, the quiz or the bank, where a question is added."""
    page = teacher.get(reverse("teach:dashboard")).content.decode()
    create = reverse("teach:quiz-create")
    assert f'No quizzes yet. <a href="{create}">Create your first quiz</a>' in page
    assert f'No questions yet. <a href="{create}">Create a quiz</a>, then write' in page

    make_quiz(title="Week 1", owner=instructor, source=Source.AUTHORED)
    page = teacher.get(reverse("teach:dashboard")).content.decode()
    assert "No quizzes yet" not in page
    bank = reverse("teach:bank")
    assert "Open one of your quizzes above and add one there" in page
    assert f'<a href="{bank}">find one in the question bank</a>' in page


def test_taking_out_a_question_learners_have_met_says_their_attempts_keep_it(
    teacher, owned, learner
):
    """Taken out of a quiz learners have started, a question stays in their attempts: the
    instructor was told only where the question still is, and wondered about the answers."""
    quiz, question = owned
    kept = "Attempts already started keep it, with their answers; new ones leave it out."
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk])
    assert kept not in teacher.post(url, follow=True).content.decode()  # nobody started it
    quiz.entries.create(question=question, order=1)
    quiz.published = True
    quiz.save()
    make_attempt(quiz, user=learner)
    page = teacher.post(url, follow=True).content.decode()
    assert f"Question taken out of this quiz (it is still in your questions). {kept}" in page


def test_a_draw_stored_past_the_ceiling_draws_at_most_the_ceiling():
    """A row saved before `Quiz.problems` held the count (or by `update()`) still draws at most
    MAX_DRAWN questions per attempt."""
    import random

    from quizzes.attempts import _drawn
    from quizzes.draw_rules import MAX_DRAWN

    first = make_question("true_false", category="big")
    Question.objects.bulk_create(
        Question(type="true_false", slug=f"big-{n}", category="big", prompt=f"Is {n} odd?",
                 explanation="Because.", data={"answer": bool(n % 2)}, lesson=first.lesson)
        for n in range(MAX_DRAWN + 20)
    )  # fmt: skip
    quiz = make_quiz(draw_category="big", draw_count=30_000)
    assert len(_drawn(quiz, random.Random(1))) == MAX_DRAWN == quiz.drawn_count


UNSTARTABLE = "Learners cannot start this quiz, although it is published"


@pytest.mark.parametrize("htmx", [False, True])
def test_taking_out_a_published_quizs_last_question_says_learners_cannot_start_it(
    teacher, owned, htmx
):
    """Publishing a quiz with no question is refused, but taking its last one out left it
    "Published" with nothing said, while its learners (an assignment's too) were told it
    "cannot be started". The removal says so, and so does the quiz's page until it has one."""
    quiz, question = owned
    quiz.published = True
    quiz.save()
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk])
    if htmx:
        page = teacher.post(url, headers={"HX-Request": "true"}).content.decode()
        assert f'<p class="notice">{UNSTARTABLE}' in page  # drawn in the list it swaps
    else:
        page = teacher.post(url, follow=True).content.decode()
    assert UNSTARTABLE in page
    quiz_page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert UNSTARTABLE in quiz_page
    quiz.entries.create(question=question, order=1)
    assert UNSTARTABLE not in teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()


def test_a_draft_or_a_published_quiz_with_questions_left_is_not_said_unstartable(
    teacher, owned, instructor
):
    quiz, question = owned
    url = reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk])
    assert UNSTARTABLE not in teacher.post(url, follow=True).content.decode()  # a draft
    quiz.published = True
    quiz.save()
    quiz.entries.create(question=question, order=1)
    other = make_question("single", owner=instructor, source=Source.AUTHORED, lesson=None)
    quiz.entries.create(question=other, order=2)
    page = teacher.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "1 question left." in page
    assert UNSTARTABLE not in page


def test_archiving_a_published_quizs_only_question_is_said_on_the_quiz_page(teacher, owned):
    quiz, question = owned
    quiz.published = True
    quiz.save()
    url = reverse("teach:question-archive", args=[question.pk]) + f"?quiz={quiz.pk}"
    page = teacher.post(url, {"archived": "true", "quiz": quiz.pk}, follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("teach:quiz", args=[quiz.pk]))
    assert UNSTARTABLE in page.content.decode()
