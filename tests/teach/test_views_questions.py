"""Question editors: every kind round-trips through its authoring form, `Question.clean()`, the
learner's form and grading; bad input gets a clear message; ids survive reorders and edits."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.attempts import answer_save, attempt_start
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.models import Question
from srm_trainer import once
from teach import services
from tests.conftest import count_calls, make_lesson
from tests.quizzes.builders import make_attempt, make_question, make_quiz, right_response

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db


def form_data(rows=None, extra=None, action="save", **base) -> dict:
    """What the editor posts: the shared fields, the rows formset, the kind's extra form."""
    data = {
        "prompt": "Which one is **yours** to do?",
        "explanation": "Because the *customer* runs the guest.",
        "category": "srm",
        "module": "",
        "lesson": "",
        "misconceptions": "thinks-aws-patches-guests",
        "action": action,
        **base,
    }
    if rows is not None:
        data.update(
            {
                "rows-TOTAL_FORMS": str(len(rows)),
                "rows-INITIAL_FORMS": "0",
                "rows-MIN_NUM_FORMS": "0",
                "rows-MAX_NUM_FORMS": "12",
            }
        )
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key == "correct":
                    if value:
                        data[f"rows-{i}-correct"] = "on"
                else:
                    data[f"rows-{i}-{key}"] = value
    for key, value in (extra or {}).items():
        data[f"k-{key}"] = value
    return data


def choice(text, correct=False, feedback="", id=""):
    return {"id": id, "text": text, "correct": correct, "feedback": feedback}


KINDS = {
    "single": (
        [
            choice("Patch the guest OS", True, "Yes: it is your instance."),
            choice("Patch the hypervisor"),
        ],
        None,
    ),
    "multiple": (
        [choice("Encrypt data", True), choice("Rotate keys", True), choice("Rack servers")],
        None,
    ),
    "true_false": (None, {"answer": "false"}),
    "ordering": ([{"id": "", "text": t} for t in ("Sign in", "Assume role", "Call API")], None),
    "categorize": (
        [
            {"id": "", "text": "Hypervisor", "category": "AWS"},
            {"id": "", "text": "Guest OS", "category": "Customer"},
            {"id": "", "text": "Your data", "category": "Customer"},
        ],
        {"categories": "AWS\nCustomer\n"},
    ),
}


def learner_post(question: Question) -> dict:
    """What a learner who knows the answer submits on the take page."""
    response = right_response(question)
    if question.type == "single":
        return {"choice": response["choice"]}
    if question.type == "multiple":
        return {"choices": response["choices"]}
    if question.type == "true_false":
        return {"answer": "true" if response["answer"] else "false"}
    if question.type == "ordering":
        return {f"pos_{i}": str(n) for n, i in enumerate(response["order"], start=1)}
    return {f"cat_{i}": c for i, c in response["placed"].items()}


def _create(teacher, quiz, kind, data):
    return teacher.post(reverse("teach:question-create", args=[quiz.pk, kind]), data)


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_round_trips_from_editor_to_grade(teacher, owned, instructor, learner, kind):
    quiz, _ = owned
    rows, extra = KINDS[kind]
    lesson = make_lesson()
    response = _create(teacher, quiz, kind, form_data(rows, extra, lesson=str(lesson.pk)))
    assert response.status_code == 302, response.context and response.context.get("problems")
    question = Question.objects.get(type=kind, prompt__contains="yours")
    assert (question.source, question.owner, question.lesson) == (
        Source.AUTHORED,
        instructor,
        lesson,
    )
    assert question.misconceptions == ["thinks-aws-patches-guests"]
    assert question.problems() == []
    assert quiz.questions.filter(pk=question.pk).exists()
    # The learner's form accepts the right answer, and grading gives full marks.
    form = AnswerForm(question, question.layout_ids(), learner_post(question))
    assert form.is_valid(), form.errors
    assert grade(question, form.response()).correct
    # And the quiz can be taken with it.
    quiz.published = True
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=learner)
    assert question.pk in attempt.question_ids
    # Opening it again shows what was saved.
    page = teacher.get(reverse("teach:question-edit", args=[question.pk]))
    assert page.status_code == 200
    assert "Which one is **yours** to do?" in page.content.decode()


def test_choice_feedback_reaches_the_learner(teacher, owned):
    quiz, _ = owned
    rows, _ = KINDS["single"]
    _create(teacher, quiz, "single", form_data(rows))
    question = Question.objects.get(type="single", source=Source.AUTHORED, prompt__contains="yours")
    right = next(c for c in question.choices() if c["correct"])
    assert right["feedback"] == "Yes: it is your instance."
    result = grade(question, {"choice": right["id"]})
    assert result.feedback["chosen_feedback"] == "Yes: it is your instance."


def test_text_typed_to_a_limit_with_line_breaks_is_not_refused_as_too_long(teacher, owned):
    """The browser stops typing at a textarea's maxlength counting a line break as one
    character, then sends each as CR LF: feedback typed to its 2,000 characters over 20 lines
    arrived as 2,019 and was refused. It saves, with its line breaks as LF."""
    quiz, _ = owned
    typed = "\n".join(["x" * 99] * 20) + "y" * 1  # 2,000 as the browser counts it
    assert len(typed) == 2000
    sent = typed.replace("\n", "\r\n")
    rows = [choice("Patch the guest OS", True, feedback=sent), choice("Patch the hypervisor")]
    response = _create(teacher, quiz, "single", form_data(rows))
    assert response.status_code == 302
    question = Question.objects.get(type="single", source=Source.AUTHORED, prompt__contains="yours")
    assert next(c for c in question.choices() if c["correct"])["feedback"] == typed


def test_ordering_is_never_shown_in_its_right_order(teacher, owned):
    quiz, _ = owned
    rows, _ = KINDS["ordering"]
    _create(teacher, quiz, "ordering", form_data(rows))
    question = Question.objects.get(type="ordering", prompt__contains="yours")
    assert question.layout_ids() != [i["id"] for i in question.items()]


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    "kind,rows,extra,words",
    [
        (
            "single",
            [choice("A", True), choice("B", True)],
            None,
            "Mark only one choice as correct: 2 are marked.",
        ),
        ("single", [choice("A"), choice("B")], None, "Mark the correct choice."),
        ("single", [choice("A", True)], None, "Give 2 to 6 choices."),
        (
            "single",
            [choice("A", True), choice("A")],
            None,
            "Choice 2 repeats “A”: give each choice its own text.",
        ),
        ("multiple", [choice("A"), choice("B")], None, "Mark at least one choice as correct."),
        (
            "multiple",
            [choice("A", True), choice("B", True)],
            None,
            "Leave at least one choice wrong: with every choice marked correct, choosing them all "
            "gets full marks.",
        ),
        (
            "single",
            [choice("A", True), choice("", feedback="orphan")],
            None,
            "Choice 2 needs some text.",
        ),
        (
            "categorize",
            [{"text": "X", "category": "AWS"}, {"text": "Y", "category": "Nobody"}],
            {"categories": "AWS\nCustomer"},
            "Put item 2 in one of the categories (AWS, Customer): “Nobody” is not one of them.",
        ),
        (
            "categorize",
            [{"text": "X", "category": "AWS"}, {"text": "Y", "category": "AWS"}],
            {"categories": "AWS"},
            "Give at least 2 categories, one per line.",
        ),
    ],
)
def test_broken_questions_are_refused_in_a_teachers_words(teacher, owned, kind, rows, extra, words):
    quiz, _ = owned
    rows = [{"id": "", **r} for r in rows]
    before = Question.objects.count()
    response = _create(teacher, quiz, kind, form_data(rows, extra))
    assert response.status_code == 200
    assert words in response.context["problems"]
    assert words in html.unescape(response.content.decode())
    assert "'" not in " ".join(response.context["problems"]), "no file key is named"
    assert Question.objects.count() == before


def test_the_same_words_as_question_clean(owned):
    """The editor shows `Question.clean()`'s message, the one the admin and loader show."""
    from django.core.exceptions import ValidationError

    question = make_question(
        "single", data={"choices": [{"id": "a", "text": "A", "correct": True, "feedback": ""}]}
    )
    with pytest.raises(ValidationError) as info:
        question.clean()
    assert "'choices' must be a list of 2 to 6 choices" in str(info.value)


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"prompt": ""}, "prompt", "Write the question's prompt."),
        ({"explanation": ""}, "explanation", "Write an explanation"),
        (
            {"category": "Not a slug!"},
            "category",
            "words joined by dashes, such as “iam” or “week-1”: not “Not a slug!”",
        ),
        ({"misconceptions": "Bad Tag"}, "misconceptions", "is not a tag"),
        ({"lesson": "999999"}, "lesson", "is not the address of a published lesson"),
    ],
)
def test_bad_shared_fields_get_a_message_on_the_field(teacher, owned, change, field, words):
    quiz, _ = owned
    rows, _ = KINDS["single"]
    response = _create(teacher, quiz, "single", form_data(rows, **change))
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])


@pytest.mark.parametrize(
    "data",
    [
        {"action": "save"},  # no management form at all
        {"action": "up-x", "rows-TOTAL_FORMS": "x"},
        {"action": "remove-99", "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0"},
        {"action": "save", "rows-TOTAL_FORMS": "5000", "rows-INITIAL_FORMS": "0", "prompt": "p"},
        {"action": "add", "rows-TOTAL_FORMS": "-3", "rows-INITIAL_FORMS": "0"},
        {"action": "preview", "k-answer": "maybe"},
    ],
)
def test_garbage_posts_never_give_a_500(teacher, owned, data):
    quiz, _ = owned
    for kind in KINDS:
        response = _create(teacher, quiz, kind, data)
        assert response.status_code == 200, (kind, data)


def test_unknown_kinds_have_no_editor(teacher, owned):
    quiz, _ = owned
    for kind in ("nonsense", "policy-decision"):
        response = teacher.get(reverse("teach:question-create", args=[quiz.pk, kind]))
        assert response.status_code == 404


# --- stable ids ---------------------------------------------------------------------------


def _edit_rows(teacher, question, rows, action="save"):
    return teacher.post(
        reverse("teach:question-edit", args=[question.pk]),
        form_data(rows, category=question.category, action=action),
    )


@pytest.mark.usefixtures("template_context")
def test_ids_stay_stable_across_a_reorder_and_a_typo_fix(teacher, owned, learner):
    quiz, _ = owned
    _create(
        teacher,
        quiz,
        "single",
        form_data([choice("Patch the guset OS", True), choice("Nothing"), choice("Call AWS")]),
    )
    question = Question.objects.get(prompt__contains="yours")
    ids = {c["text"]: c["id"] for c in question.choices()}
    # A learner answers it right.
    quiz.published = True
    quiz.save()
    attempt = make_attempt(quiz, user=learner)
    answer_save(
        attempt=attempt,
        question=question,
        response={"choice": ids["Patch the guset OS"], "text": "x"},
    )
    # The author moves the right choice down (with the button) and fixes the typo.
    stored = [choice(c["text"], c["correct"], id=c["id"]) for c in question.choices()]
    page = _edit_rows(teacher, question, stored, action="down-0")
    moved = page.context["parts"].rows.initial
    assert [r["text"] for r in moved] == ["Nothing", "Patch the guset OS", "Call AWS"]
    assert [r["id"] for r in moved] == [ids["Nothing"], ids["Patch the guset OS"], ids["Call AWS"]]
    fixed = [dict(r, correct=bool(r["correct"])) for r in moved]
    fixed[1]["text"] = "Patch the guest OS"
    response = _edit_rows(teacher, question, fixed)
    assert response.status_code == 302
    question.refresh_from_db()
    assert [c["text"] for c in question.choices()] == ["Nothing", "Patch the guest OS", "Call AWS"]
    assert [c["id"] for c in question.choices()] == [
        ids["Nothing"],
        ids["Patch the guset OS"],
        ids["Call AWS"],
    ]
    # The saved answer still scores.
    assert grade(question, attempt.answers.get().response).correct


def test_a_new_choice_never_takes_a_removed_choices_id(teacher, owned):
    quiz, question = owned
    old = question.choices()
    rows = [choice(c["text"], c["correct"], id=c["id"]) for c in old]
    removed = rows.pop()  # drop the last choice, add a new one with its text
    rows.append(choice(removed["text"] + "!"))
    rows.append(choice(removed["text"]))  # same text as the removed one, but a new row
    _edit_rows(teacher, question, rows)
    question.refresh_from_db()
    ids = [c["id"] for c in question.choices()]
    assert len(set(ids)) == len(ids)
    assert ids[:-2] == [c["id"] for c in old[:-1]]
    assert removed["id"] not in ids


def test_a_forged_id_is_replaced(teacher, owned):
    quiz, question = owned
    rows = [choice(c["text"], c["correct"], id="forged") for c in question.choices()]
    _edit_rows(teacher, question, rows)
    question.refresh_from_db()
    ids = [c["id"] for c in question.choices()]
    assert "forged" not in ids and len(set(ids)) == len(ids)


@pytest.mark.usefixtures("template_context")
def test_row_buttons_add_and_remove_without_saving(teacher, owned):
    quiz, question = owned
    before = question.data
    rows = [choice(c["text"], c["correct"], id=c["id"]) for c in question.choices()]
    page = _edit_rows(teacher, question, rows, action="add")
    assert len(page.context["parts"].rows.forms) == len(rows) + 1
    page = _edit_rows(teacher, question, rows, action="remove-0")
    assert [r["text"] for r in page.context["parts"].rows.initial] == [r["text"] for r in rows[1:]]
    question.refresh_from_db()
    assert question.data == before


@pytest.mark.usefixtures("template_context")
def test_add_gives_no_choice_past_the_six_a_question_takes(teacher, owned):
    """The "Add a choice" button added rows up to 12, the 7th typed in and then refused by the
    save ("Give 2 to 6 choices: there are 7"). At 6 the button gives way to the limit."""
    quiz, question = owned
    rows = [choice(f"Choice {n}", n == 0) for n in range(5)]
    page = _edit_rows(teacher, question, rows, action="add")
    assert len(page.context["parts"].rows.forms) == 6
    said = html.unescape(page.content.decode())
    assert 'value="add"' not in said
    assert "A question has at most 6 choices: remove one to add another." in said
    rows.append(choice("Choice 5", False))
    page = _edit_rows(teacher, question, rows, action="add")
    assert len(page.context["parts"].rows.forms) == 6
    page = _edit_rows(teacher, question, rows[:5], action="remove-0")
    assert 'value="add"' in page.content.decode()


@pytest.mark.parametrize("kind", [*sorted(KINDS), "policy_decision", "least_privilege"])
def test_every_button_posts_back_to_the_page_it_is_on(teacher, owned, kind):
    """The page, its buttons (each row's too) and its live checks post to the address the
    teacher opened, query included (`?quiz=` brings them back to that quiz)."""
    import html
    import re

    from tests.teach.test_engine_editors import HTMX

    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, kind])
    url += f"?quiz={quiz.pk}&from=x&once={once.new_token()}"  # a new page's address has one
    rows, extra = KINDS.get(kind, (None, None))
    pages = [teacher.get(url), teacher.post(url, form_data(rows, extra, prompt=""))]
    if rows is not None:
        pages.append(teacher.post(url, form_data(rows, extra, action="add"), **HTMX))
    for page in pages:
        targets = re.findall(r'(?:action|formaction|hx-post)="([^"]*)"', page.content.decode())
        ours = [html.unescape(t).partition("#")[0] for t in targets if t.startswith("/teach/")]
        assert len(ours) >= 3 and "" not in targets, ours
        assert set(ours) == {url}, kind


def test_markdown_preview_is_sanitized(teacher, owned):
    quiz, question = owned
    rows = [choice(c["text"], c["correct"], id=c["id"]) for c in question.choices()]
    data = form_data(rows, action="preview", prompt="**bold** <script>alert(1)</script>")
    page = teacher.post(reverse("teach:question-edit", args=[question.pk]), data)
    html = page.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    partial = teacher.post(
        reverse("teach:question-edit", args=[question.pk]), data, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.lstrip().startswith("<h3>Prompt, as learners see it</h3>")
    assert "<strong>bold</strong>" in partial


@pytest.mark.parametrize("htmx", [True, False])
def test_a_text_past_its_limit_is_not_previewed_but_said_why(teacher, owned, monkeypatch, htmx):
    """The preview rendered whatever was posted: 100,000 characters of list items in each box
    cost 0.8 s of CPU a preview (Django's 2.5 MB form, several seconds). A text past its field's
    limit is now said to be so in the preview, not rendered; the other text still is, and both
    boxes keep what was typed."""
    from lessons.templatetags import lessons_extras
    from teach.forms import MAX_EXPLANATION_CHARS, MAX_PROMPT_CHARS

    quiz, question = owned
    rendered = count_calls(monkeypatch, lessons_extras, "render_markdown")
    rows = [choice(c["text"], c["correct"], id=c["id"]) for c in question.choices()]
    prompt = "- a\r\n" * 30_000  # a line break counts as one character, as the box counts it
    data = form_data(rows, action="preview", prompt=prompt, explanation="**Why** it is so")
    url = reverse("teach:question-edit", args=[question.pk])
    page = teacher.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    said = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert (
        f"Not previewed: the prompt is 120,000 characters long and takes at most "
        f"{MAX_PROMPT_CHARS:,}. Nothing was cut: shorten it in its box above." in said
    )
    assert "<strong>Why</strong> it is so" in said
    assert rendered == ["**Why** it is so"]
    if not htmx:  # the whole page: the box keeps the text as typed
        assert said.count("- a") >= 30_000
    # At its limits, both are rendered.
    rendered.clear()
    at_limit = {
        "prompt": "a\r\n" * (MAX_PROMPT_CHARS // 2),
        "explanation": "b" * MAX_EXPLANATION_CHARS,
    }
    data = form_data(rows, action="preview", **at_limit)
    partial = teacher.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert len(rendered) == 2 and "Not previewed" not in partial


# --- delete or archive --------------------------------------------------------------------


def test_an_unanswered_question_is_deleted_after_confirmation(teacher, owned):
    quiz, question = owned
    url = reverse("teach:question-delete", args=[question.pk]) + f"?quiz={quiz.pk}"
    assert "Delete the question" in teacher.get(url).content.decode()
    response = teacher.post(url)
    assert response["Location"] == reverse("teach:quiz", args=[quiz.pk])
    assert not Question.objects.filter(pk=question.pk).exists()


def test_a_deleted_question_leaves_each_quiz_that_had_it_1_to_n(teacher, instructor, owned):
    """The quizzes that listed it keep the order of the rest, renumbered 1..n: no gap where
    the question was, so the next question added goes right after the last."""
    quiz, first = owned
    mine = {"owner": instructor, "source": Source.AUTHORED, "lesson": None, "category": "mine"}
    gone, last = make_question(**mine), make_question(**mine)
    for question in (gone, last):
        services.quiz_add_question(quiz=quiz, question=question)
    other = make_quiz(gone, first, owner=instructor, source=Source.AUTHORED, published=False)
    assert teacher.post(reverse("teach:question-delete", args=[gone.pk])).status_code == 302
    assert not Question.objects.filter(pk=gone.pk).exists()
    positions = [(e.question_id, e.order) for e in quiz.entries.order_by("order", "pk")]
    assert positions == [(first.pk, 1), (last.pk, 2)]
    assert list(other.entries.values_list("question_id", "order")) == [(first.pk, 1)]


def test_an_answered_question_is_archived_not_deleted(teacher, owned, learner, other_learner):
    quiz, question = owned
    attempt = make_attempt(quiz, user=learner)
    answer_save(attempt=attempt, question=question, response=right_response(question))
    url = reverse("teach:question-delete", args=[question.pk])
    page = teacher.get(url).content.decode()
    assert "archived, not deleted" in page
    # it stays listed in its quiz, marked archived: the page does not say it leaves the quiz
    assert "<h1>Archive this question?</h1>" in page
    assert "It stays listed in that quiz, marked archived." in page
    assert "Deleting it takes it out" not in page
    teacher.post(url)
    question.refresh_from_db()
    assert question.archived
    assert attempt.answers.count() == 1
    # No new attempt includes it.
    with pytest.raises(Exception, match="no questions"):
        make_attempt(quiz, user=other_learner)
    # Restoring brings it back.
    teacher.post(reverse("teach:question-archive", args=[question.pk]), {"archived": "false"})
    question.refresh_from_db()
    assert not question.archived
    assert question.pk in make_attempt(quiz, user=other_learner).question_ids


def test_what_the_page_offers_saves_unchanged_and_its_buttons_keep_ids(teacher, owned):
    """Through the rendered form itself: save as shown changes nothing; moving a row with
    its button and fixing its text, then saving, keeps every id with its text."""
    from tests.teach.formdata import form_fields

    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    before = question.choices()
    fields = form_fields(teacher.get(url).content.decode())
    assert teacher.post(url, {**fields, "action": "save"}).status_code == 302
    question.refresh_from_db()
    assert question.choices() == before
    fields = form_fields(teacher.get(url).content.decode())  # the page after that save
    moved = teacher.post(url, {**fields, "action": "up-2"}).content.decode()
    fields = form_fields(moved)
    # A small edit (punctuation): a rewording would be a new choice (test_reworded_choices.py).
    fields["rows-1-text"] = fields["rows-1-text"] + "."
    response = teacher.post(url, {**fields, "action": "save"})
    assert response["Location"] == reverse("teach:quiz", args=[quiz.pk]) + f"#entry-{question.pk}"
    question.refresh_from_db()
    after = question.choices()
    order = [before[0], before[2], before[1]]  # the third choice moved up one place
    assert [c["id"] for c in after] == [c["id"] for c in order]
    assert [c["correct"] for c in after] == [c["correct"] for c in order]
    assert after[1]["text"] == before[2]["text"] + "."


@pytest.mark.usefixtures("template_context")
def test_a_refused_save_says_every_problem_at_once(teacher, owned):
    """The explanation left empty and two choices ticked on a single-choice question: both are
    said on the first refusal. The kind's check ran only once the shared fields passed, so a
    teacher fixed the explanation, saved again, and only then heard about the choices."""
    quiz, _ = owned
    rows = [{"id": "", **r} for r in (choice("A", True), choice("B", True))]
    before = Question.objects.count()
    response = _create(teacher, quiz, "single", form_data(rows, explanation=""))
    assert response.status_code == 200
    assert "Write an explanation" in " ".join(response.context["form"].errors["explanation"])
    assert "Mark only one choice as correct: 2 are marked." in response.context["problems"]
    assert Question.objects.count() == before
    # Nothing else is said that the teacher had got right, nor the same thing twice.
    fine = _create(teacher, quiz, "single", form_data(rows[:1] + [choice("B")], explanation=""))
    assert not fine.context["problems"]


@pytest.mark.usefixtures("template_context")
def test_a_true_false_answer_not_given_is_said_and_linked_in_the_summary(teacher, owned):
    """The summary said only "See the highlighted fields below", the one problem far down the
    page; it names it now and links to the answer's buttons, as a row's problem is."""
    quiz, _ = owned
    response = _create(teacher, quiz, "true_false", form_data(None, {}))
    assert response.status_code == 200
    problems = response.context["problems"]
    # Its own words, not after the label, a sentence's start: "The statement in the prompt
    # is: Say whether the statement is true or false." read as one garbled sentence.
    assert problems == ["Say whether the statement in the prompt is true or false."]
    body = response.content.decode()
    summary = body[body.index('id="problems"') : body.index("</div>", body.index('id="problems"'))]
    anchor = problems[0].anchor
    assert f'<a href="#{anchor}">' in summary and f'id="{anchor}"' in body
    assert "See the highlighted fields below" not in summary


@pytest.mark.usefixtures("template_context")
def test_a_shared_field_refused_is_named_and_linked_in_the_summary(teacher, owned):
    """A prompt too long (or no explanation) was said beside its field only; the summary at the
    top, where the page puts the focus, said "See the highlighted fields below" and linked to
    nothing. Each is listed there now, named by its label and linked to its field, the text's
    before the kind's problems (two choices marked right) and the rest after them."""
    quiz, _ = owned
    rows = [choice("A", correct=True), choice("B", correct=True)]
    data = form_data(rows, prompt="x" * 6000, explanation="", category="Not A Slug")
    response = _create(teacher, quiz, "single", data)
    assert response.status_code == 200
    body = response.content.decode()
    start = body.index('id="problems"')
    summary = body[start : body.index("</div>", start)]
    assert "See the highlighted fields below" not in summary
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary)
    anchors = [anchor for anchor, _words in links]
    assert anchors[:2] == ["id_prompt", "id_explanation"]
    assert anchors[-1] == "id_category"
    assert links[0][1].startswith("Prompt (Markdown): ")
    kind_said = summary.index("Mark only one choice as correct: 2 are marked.")
    assert (
        summary.index('href="#id_explanation"') < kind_said < summary.index('href="#id_category"')
    )
    from tests.teach.formdata import form_fields

    assert form_fields(body)["prompt"] == "x" * 6000


def test_a_bank_category_typed_in_capitals_is_filed_where_a_quiz_draws_it(teacher, owned):
    """A question filed as "IAM" sat in a bank of its own: a quiz drawing "iam" (as every
    shipped quiz names it) never drew it, and nothing said so. Categories are kept in lower
    case, a quiz's draw too; one that is no category says what one looks like."""
    from teach.forms import QuizForm
    from tests.teach.test_views_quizzes import SETTINGS

    quiz, _ = owned
    rows, extra = KINDS["single"]
    saved = _create(teacher, quiz, "single", form_data(rows, extra, category=" IAM "))
    assert saved.status_code == 302
    assert Question.objects.get(prompt__contains="yours").category == "iam"
    draws = QuizForm({**SETTINGS, "draw_category": "IAM", "draw_count": "1"})
    assert draws.is_valid(), draws.errors
    assert draws.cleaned_data["draw_category"] == "iam"
    refused = _create(teacher, quiz, "single", form_data(rows, extra, category="IAM basics"))
    assert "A category is lower-case words joined by dashes, such as “iam”" in html.unescape(
        refused.content.decode()
    )
