"""/teach/import/: upload or paste → preview (nothing written) → confirm (all written, once);
export buttons for a quiz and a category."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question, Quiz, QuizQuestion
from teach.transfer import json_format
from teach.transfer.drafts import MAX_TEXT_CHARS, TransferError
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/teach/import/"

GIFT = """$CATEGORY: s3

::s3-private:: Are new S3 buckets private by default? {TRUE####They block public access.}

::who-encrypts:: Who chooses to encrypt your data? {
=You #Right: it is your data.
~AWS #AWS gives you the tools.
####Data is on the customer's side.
}
"""


def _quiz_file(owner) -> str:
    question = make_question("single", owner=owner, lesson=None, slug="root-mfa")
    quiz = make_quiz(question, slug="basics", title="Basics", owner=owner, source="authored")
    text = json_format.export_quiz(quiz)
    quiz.delete()
    question.delete()
    return text


def _counts():
    return Quiz.objects.count(), Question.objects.count(), QuizQuestion.objects.count()


def _confirm_fields(page: str) -> dict:
    """The confirm form's hidden fields, as the browser would post them back."""
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields = {k: html.unescape(v) for k, v in fields.items() if k != "csrfmiddlewaretoken"}
    return {**fields, "action": "confirm"}


def test_upload_preview_then_confirm_creates_the_quiz(teacher, instructor):
    upload = SimpleUploadedFile("basics.json", _quiz_file(instructor).encode("utf-8"))
    before = _counts()

    page = teacher.post(URL, {"file": upload, "format": "auto", "action": "preview"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "A new quiz (draft): Basics" in text
    assert "Single choice" in text and "root-mfa" in text
    assert _counts() == before  # the preview wrote nothing

    done = teacher.post(URL, _confirm_fields(text))

    quiz = Quiz.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("teach:quiz", args=[quiz.pk])
    assert (quiz.owner, quiz.source, quiz.published) == (instructor, Source.AUTHORED, False)
    assert quiz.entries.get().question.owner == instructor
    # Said as a new quiz, as the preview said it: a quiz of that title may be there already.
    said = [str(m) for m in done.wsgi_request._messages]
    assert said == [
        "Imported 1 question into a new quiz, “Basics”: a draft, publish it when it is ready."
    ]


def test_pasted_gift_goes_into_the_chosen_quiz(teacher, owned):
    quiz, _ = owned
    page = teacher.post(URL, {"text": GIFT, "format": "auto", "quiz": quiz.pk, "action": "preview"})
    text = page.content.decode()
    assert "GIFT (Moodle)" in text and "True or false" in text
    assert "added to the end of the quiz" in text

    teacher.post(URL, _confirm_fields(text))

    slugs = list(quiz.entries.order_by("order").values_list("question__slug", flat=True))
    assert slugs[-2:] == ["s3-private", "who-encrypts"]
    assert Question.objects.get(slug="who-encrypts").choices()[0]["feedback"] == (
        "Right: it is your data."
    )


def test_a_confirm_with_other_text_than_the_preview_is_refused(teacher):
    page = teacher.post(URL, {"text": GIFT, "format": "gift", "action": "preview"}).content
    fields = _confirm_fields(page.decode())
    fields["text"] = fields["text"].replace("TRUE", "FALSE")
    response = teacher.post(URL, fields)
    assert "not the import you previewed" in response.content.decode()
    assert Question.objects.count() == 0


def test_a_confirm_checks_everything_again(teacher, instructor):
    """A slug taken between preview and confirm is renamed then, not a crash."""
    page = teacher.post(URL, {"text": GIFT, "format": "gift", "action": "preview"}).content
    make_question("true_false", slug="s3-private", lesson=None, owner=instructor)
    teacher.post(URL, _confirm_fields(page.decode()))
    assert Question.objects.filter(slug="s3-private-2").exists()
    # A new preview now says so before anything is written.
    again = teacher.post(URL, {"text": GIFT, "format": "gift", "action": "preview"})
    assert "Question slug &#x27;s3-private&#x27; is taken here" in again.content.decode()


def test_a_bad_file_shows_each_line_and_reason_and_writes_nothing(teacher):
    bad = GIFT.replace("=You", "~You") + "\n::c:: When? {#1822####e}\n"
    before = _counts()
    response = teacher.post(URL, {"text": bad, "format": "gift", "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    line = bad.splitlines().index("::c:: When? {#1822####e}") + 1
    assert f"Line {line}: question &#x27;c&#x27;: numerical questions are not imported" in page
    assert _counts() == before


def test_a_bad_json_file_names_line_and_column(teacher):
    text = '{\n  "format": "srm-trainer-questions",,\n}'
    response = teacher.post(URL, {"text": text, "action": "preview", "format": "json"})
    column = text.splitlines()[1].index(",,") + 2  # the second comma
    assert f"Line 2, column {column}: Two commas in a row: remove one of them on line 2." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("fmt", "text", "where"),
    [
        ("gift", "::a:: A? {=x ~y####e}\n\n::b:: B\x00? {=x ~y####e}\n", "Line 3:"),
        (
            "json",
            '{\n  "format": "srm-trainer-questions",\n  "x": "a\x00"\n}',
            "Line 3, column 10:",
        ),
    ],
)
def test_a_nul_pasted_is_refused_at_its_place_as_in_a_file(teacher, fmt, text, where):
    """Django's check answered "Null characters are not allowed." of the whole box."""
    before = _counts()
    page = teacher.post(URL, {"text": text, "format": fmt, "action": "preview"}).content.decode()
    assert "Null characters" not in page
    assert re.search(rf"{re.escape(where)} [^<]*NUL", page), where
    assert _counts() == before


def test_too_large_and_double_input_are_refused_in_words(teacher):
    big = SimpleUploadedFile("big.gift", b"x" * (MAX_TEXT_CHARS + 1))
    page = teacher.post(URL, {"file": big, "format": "gift", "action": "preview"}).content.decode()
    assert "one import reads at most 512 KB" in page
    both = SimpleUploadedFile("a.gift", GIFT.encode())
    page = teacher.post(URL, {"file": both, "text": GIFT, "format": "gift", "action": "preview"})
    assert "not both" in page.content.decode()


def test_another_instructors_quiz_cannot_be_the_target(owned, other_instructor):
    quiz, _ = owned
    otto = client_for(other_instructor)
    page = otto.post(URL, {"text": GIFT, "format": "gift", "quiz": quiz.pk, "action": "preview"})
    assert "Select a valid choice" in page.content.decode()
    forged = {"text": GIFT, "format": "gift", "quiz": quiz.pk, "token": "x", "action": "confirm"}
    assert otto.post(URL, forged).status_code == 404
    assert quiz.entries.count() == 1


def test_the_quiz_page_offers_exports_and_names_what_gift_leaves_out(teacher, owned, instructor):
    quiz, _ = owned
    ordering = make_question("ordering", owner=instructor, lesson=None, slug="steps")
    QuizQuestion.objects.create(quiz=quiz, question=ordering, order=5)
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert reverse("teach:quiz-export", args=[quiz.pk, "gift"]) in page
    assert "leaves out 1 question of this quiz: steps (put in order)" in page

    response = teacher.get(reverse("teach:quiz-export", args=[quiz.pk, "json"]))
    assert response["Content-Disposition"] == f'attachment; filename="{quiz.slug}.json"'
    assert response.content.decode() == json_format.export_quiz(quiz)
    gift_text = teacher.get(reverse("teach:quiz-export", args=[quiz.pk, "gift"])).content.decode()
    assert gift_text.startswith("// Left out, GIFT has no such kind: steps")


def test_a_gift_export_with_nothing_to_hold_says_so(teacher, instructor):
    quiz = make_quiz(make_question("ordering", owner=instructor, lesson=None), owner=instructor)
    response = teacher.get(reverse("teach:quiz-export", args=[quiz.pk, "gift"]), follow=True)
    assert "Nothing to export as GIFT" in response.content.decode()


def test_a_category_exports_as_a_bank(teacher, instructor):
    make_question("true_false", owner=instructor, lesson=None, category="s3", slug="b")
    make_question("single", owner=instructor, lesson=None, category="s3", slug="a")
    make_question("single", owner=instructor, lesson=None, category="iam", slug="c")
    page = teacher.get(URL).content.decode()
    assert reverse("teach:category-export", args=["s3", "json"]) in page
    document = json.loads(
        teacher.get(reverse("teach:category-export", args=["s3", "json"])).content
    )
    assert (document["kind"], document["name"]) == ("bank", "s3")
    assert [q["slug"] for q in document["questions"]] == ["a", "b"]
    assert teacher.get(reverse("teach:category-export", args=["none", "json"])).status_code == 404


def test_a_preview_imports_once_however_often_it_is_confirmed(teacher, instructor):
    """A double click on the confirm button, or the page sent again after Back, sent the same
    confirm twice, and everything was imported twice (the second time under renamed slugs)."""
    page = teacher.post(URL, {"text": GIFT, "format": "auto", "action": "preview"})
    fields = _confirm_fields(page.content.decode())
    assert teacher.post(URL, fields).status_code == 302
    imported = _counts()

    again = teacher.post(URL, fields, follow=True)

    assert _counts() == imported
    assert "confirmed already" in again.content.decode()


def test_a_refused_confirm_can_be_confirmed_again(teacher, instructor, monkeypatch):
    """The claim is given back when the import wrote nothing."""
    from teach.transfer import importer

    page = teacher.post(URL, {"text": GIFT, "format": "auto", "action": "preview"})
    fields = _confirm_fields(page.content.decode())
    real = importer.run

    def refused(*args, **kwargs):
        raise TransferError("a slug was taken meanwhile", 1)

    monkeypatch.setattr(importer, "run", refused)
    assert teacher.post(URL, fields).status_code == 200
    monkeypatch.setattr(importer, "run", real)
    assert teacher.post(URL, fields).status_code == 302
    assert Question.objects.filter(slug="who-encrypts").exists()


def test_a_quiz_that_draws_by_rules_previews_what_it_draws_not_zero_questions(teacher, instructor):
    """The shipped final exam, exported, lists no questions: the preview says what each of
    its rules draws (and the button imports the quiz), never "0 questions"."""
    from tests.conftest import make_module

    make_module(slug="iam")
    quiz = make_quiz(slug="exam", title="Exam", owner=instructor, source="authored")
    quiz.draw_rules = [{"module": "iam", "count": 5}, {"category": "kms", "count": 2}]
    quiz.save()
    text = json_format.export_quiz(quiz)
    quiz.delete()

    page = teacher.post(URL, {"text": text, "format": "auto", "action": "preview"})
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.content.decode())).split())

    assert "0 questions" not in shown
    assert "Draws 7 questions for each attempt" in shown
    assert "Draws 5 questions from the module “iam”" in shown
    assert "Draws 2 questions from the category “kms”" in shown
    assert "Confirm: import the quiz" in shown


@pytest.mark.parametrize(
    ("pasted", "kind", "where"),
    [
        ("[1,2,3]", "an array", "Line 1, column 1"),
        ('\n  "a quiz"', "a string", "Line 2, column 3"),
        ("42", "a number", "Line 1, column 1"),
    ],
)
def test_json_that_is_not_our_format_is_told_so_in_json_terms_with_where(
    teacher, pasted, kind, where
):
    """Pasted JSON that is no quiz was once read as GIFT and answered in GIFT's words."""
    response = teacher.post(URL, {"text": pasted, "format": "auto", "action": "preview"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{where}: this is JSON, but not a question file of this app: it is {kind}" in page
    assert "GIFT" not in page.split("Nothing was imported")[1].split("</ul>")[0]
    assert _counts() == (0, 0, 0)


def test_gift_that_starts_like_json_is_still_read_as_gift():
    from teach.transfer.importer import detect_format

    assert detect_format("[markdown]Are buckets private? {T}") == "gift"
    assert detect_format("2 + 2 = 4? {T}") == "gift"
    assert detect_format("[" * 5000 + "]" * 5000) == "json"  # too deep, but JSON all the same


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("::Q\u202e1:: Are buckets private? {T}\n", "question 'Q[U+202E]1' has no general"),
        ('"Q\u202e1"', 'it is a string "Q[U+202E]1";'),
        (
            '{"format": "srm-trainer-questions", "version": 1, "kind": "bank", '
            '"questions": [], "n\u200bame": "x", "n\u200bame": "y"}',
            "the key 'n[U+200B]ame' appears twice",
        ),
    ],
)
def test_an_import_error_quotes_the_text_as_written_with_hidden_characters_named(
    teacher, pasted, expected
):
    """Not as a Python repr ('Q\\u202e1'), and never a direction override obeyed."""
    response = teacher.post(URL, {"text": pasted, "format": "auto", "action": "preview"})
    errors = html.unescape(response.content.decode()).split("Nothing was imported")[1]
    errors = errors.split("</ul>")[0]
    assert expected in errors
    assert "\\u202e" not in errors and "\u202e" not in errors and "\u200b" not in errors


def test_imports_are_rate_limited_and_the_refusal_keeps_the_text(teacher, owned, settings):
    """A preview reads, checks and draws up to 512 KB (seconds of CPU at the most an import
    holds), and nothing limited how often: past the limit nothing is read, the page says when
    to try again, and the pasted text and chosen quiz are still in the form."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "import": "2/600"}
    quiz, _ = owned
    sent = {"text": GIFT, "format": "gift", "quiz": quiz.pk, "action": "preview"}
    previewed = "This is what will be created"
    assert previewed in teacher.post(URL, sent).content.decode()
    assert previewed in teacher.post(URL, sent).content.decode()

    refused = teacher.post(URL, sent)

    page = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "That was a lot of imports in a short time: nothing was read. Try again in" in page
    assert previewed not in page and "Fix this problem" not in page
    assert html.escape("::s3-private:: Are new S3 buckets") in page  # the text is kept
    assert f'<option value="{quiz.pk}" selected>' in page
    assert teacher.get(URL).status_code == 200  # the page itself is not counted


def _quizzes_of(owner, count: int, *, prefix: str, from_minute: int = 0) -> list[Quiz]:
    """`count` quizzes of `owner`'s, each edited a minute after the one before."""
    from datetime import timedelta

    from django.utils import timezone

    made = Quiz.objects.bulk_create(
        Quiz(slug=f"{prefix}-{n}", title=f"{prefix.title()} {n:03}", owner=owner,
             source=Source.AUTHORED, published=False)
        for n in range(count)
    )  # fmt: skip
    start = timezone.now() - timedelta(days=1)
    for n, quiz in enumerate(made):
        moment = start + timedelta(minutes=from_minute + n)
        Quiz.objects.filter(pk=quiz.pk).update(updated_at=moment)
    return made


def _menu(page) -> dict[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.content, "html.parser")
    menu = soup.find("select", attrs={"name": "quiz"})
    return {o["value"]: "selected" if o.has_attr("selected") else "" for o in menu("option")}


def test_the_add_to_quiz_menu_lists_the_most_recently_edited_and_takes_any(teacher, instructor):
    """The import's "Add the questions to a quiz" lists the teacher's `MENU_QUIZZES` most
    recently edited quizzes, not every one (staff's listed every teacher's, quizzes have no
    ceiling), says how to reach another, and a quiz page's link to it lists and chooses
    that quiz even when it is older; importing into it works."""
    from quizzes.menus import MENU_QUIZZES

    made = _quizzes_of(instructor, MENU_QUIZZES + 5, prefix="week")
    page = teacher.get(URL)
    listed = _menu(page)
    assert set(listed) == {""} | {str(q.pk) for q in made[5:]}
    said = html.unescape(page.content.decode())
    assert f"Your {MENU_QUIZZES} most recently edited quizzes." in said
    assert "choose “Import questions into this quiz…”" in said
    oldest = made[0]
    listed = _menu(teacher.get(f"{URL}?quiz={oldest.pk}"))
    assert listed[str(oldest.pk)] == "selected" and len(listed) == MENU_QUIZZES + 2
    sent = {"text": GIFT, "format": "gift", "quiz": oldest.pk, "action": "preview"}
    preview = teacher.post(URL, sent).content.decode()
    assert "added to the end of the quiz" in preview
    teacher.post(URL, _confirm_fields(preview))
    assert oldest.entries.count() == 2


def test_staffs_add_to_quiz_menu_is_bounded_too(client, staff, instructor, other_instructor):
    from quizzes.menus import MENU_QUIZZES
    from tests.conftest import give_mfa, sign_in

    _quizzes_of(instructor, MENU_QUIZZES, prefix="ines")
    newest = _quizzes_of(other_instructor, 3, prefix="otto", from_minute=MENU_QUIZZES)
    give_mfa(staff)
    sign_in(client, staff)
    page = client.get(URL)
    listed = _menu(page)
    assert len(listed) == MENU_QUIZZES + 1 and {str(q.pk) for q in newest} <= set(listed)
    assert f"The {MENU_QUIZZES} most recently edited quizzes." in html.unescape(
        page.content.decode()
    )


def test_a_short_add_to_quiz_menu_lists_every_quiz_and_says_nothing_more(teacher, instructor):
    made = _quizzes_of(instructor, 3, prefix="week")
    page = teacher.get(URL)
    assert set(_menu(page)) == {""} | {str(q.pk) for q in made}
    assert "most recently edited" not in page.content.decode()
