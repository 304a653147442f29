"""My progress, issuing the certificate, the public verification page and the PDF."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certificates import issuing
from certificates.models import Certificate
from tests.certificates.conftest import complete, course_from, pdf_runs, pdf_text, read_all, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(shared_course, db):
    """The small course, built once for this module (tests/certificates/conftest.py)."""
    return course_from(shared_course)


@pytest.fixture(scope="module")
def _finished(shared_course, django_db_blocker):
    """zoe, who has completed the module's course, made once for this module in a savepoint
    rolled back when the module ends (as test_pdf.py's `_completed`); each test runs in a
    savepoint inside it, so a certificate one test issues the next never sees. Her key."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        zoe = get_user_model().objects.create_user("zoe", password="a-long-passphrase-3")
        complete(zoe, course_from(shared_course))
        yield zoe.pk
        transaction.set_rollback(True)


@pytest.fixture
def finished(_finished, db):
    """A learner who has read every lesson and passed the quiz and the final exam."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=_finished)


def test_my_progress_shows_each_module_and_what_is_left(client, learner, course):
    client.force_login(learner)
    read_all(learner, course)
    body = client.get("/progress/").content.decode()
    assert "2 of 2 lessons completed" in body and "1 of 1 lesson completed" in body
    assert "Quiz not passed yet" in body
    assert "Module complete" in body  # the module without a quiz
    assert "pass the final exam" in body.lower()
    assert "Get your certificate" not in body


def test_my_progress_works_for_an_anonymous_learner(client, course):
    lesson = course["lessons"][course["modules"][1].pk][0]
    client.post(lesson.get_absolute_url() + "complete/")
    body = client.get("/progress/").content.decode()
    assert "1 of 1 lesson completed" in body


def test_the_home_page_shows_quiz_and_review_per_module(client, learner, course):
    client.force_login(learner)
    take(course["quiz"], learner)
    body = client.get("/").content.decode()
    assert "Quiz passed" in body
    assert "Review: nothing to review" in body
    assert "My progress" in body


def test_before_the_course_is_complete_no_certificate_is_issued(client, learner, course):
    client.force_login(learner)
    read_all(learner, course)
    page = client.get("/progress/certificate/")
    assert page.status_code == 200
    assert "pass the final exam" in page.content.decode().lower()
    refused = client.post("/progress/certificate/", {"name": "Ada Lovelace"})
    assert refused.status_code == 403
    assert not Certificate.objects.exists()
    with pytest.raises(issuing.NotReady, match="pass the final exam"):
        issuing.issue(user=learner, name="Ada Lovelace")


def test_without_a_name_on_the_account_the_name_box_starts_empty(client, finished):
    """The username is not a name, and the verification page is public: one click on "Issue"
    would print it there for good."""
    client.force_login(finished)
    form = client.get("/progress/certificate/").content.decode()
    assert 'name="name"' in form
    assert f'value="{finished.username}"' not in form
    refused = client.post("/progress/certificate/", {"name": ""})
    assert "Write the name to print on the certificate." in refused.content.decode()
    assert not Certificate.objects.exists()


def test_a_learner_who_completed_the_course_names_and_gets_the_certificate(client, finished):
    learner = finished
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    client.force_login(learner)
    form = client.get("/progress/certificate/").content.decode()
    assert 'value="Ada Lovelace"' in form  # from the account, editable
    response = client.post("/progress/certificate/", {"name": "  Augusta   Ada King  "})
    assert response.status_code == 302 and response.url == "/progress/certificate/"
    certificate = Certificate.objects.get(user=learner)
    assert certificate.name == "Augusta Ada King"
    assert len(certificate.code) >= 16
    page = client.get("/progress/certificate/").content.decode()
    assert "Augusta Ada King" in page
    assert f"http://testserver/certificates/{certificate.code}/" in page
    # a second post (a double click, another tab) changes nothing
    client.post("/progress/certificate/", {"name": "Someone Else"})
    assert Certificate.objects.get(user=learner).name == "Augusta Ada King"
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("   ", "Write the name"),
        ("A" * 101, "at most 100"),
        ("Ada\u0007", "control or invisible character"),
        ("Ada \u202eecalevoL", "(U+202E)"),  # a direction override: reads one way, stored another
        ("Ada \ue000", "(U+E000)"),  # private use: no one can read it
    ],
)
def test_a_name_the_certificate_cannot_print_is_refused_on_its_field(client, finished, name, words):
    client.force_login(finished)
    response = client.post("/progress/certificate/", {"name": name})
    assert response.status_code == 200
    body = response.content.decode()
    assert words in body and 'aria-invalid="true"' in body
    assert not Certificate.objects.exists()


def test_a_refused_name_opens_the_page_on_its_field(client, finished):
    """The page's one rule for a refused form (srm_trainer/error_focus.py): the focus on the
    field in error, its message read with it; it opened at the top of the page, and a
    keyboard user tabbed through the header to find what was wrong."""
    client.force_login(finished)

    def name_box(response) -> str:
        match = re.search(r'<input[^>]*name="name"[^>]*>', response.content.decode())
        assert match
        return match.group(0)

    assert "autofocus" not in name_box(client.get("/progress/certificate/"))
    refused = name_box(client.post("/progress/certificate/", {"name": "   "}))
    assert "autofocus" in refused and 'aria-invalid="true"' in refused


def test_the_public_page_shows_name_course_and_date_only(client, finished):
    learner = finished
    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True)
    certificate = issuing.issue(user=learner, name="Ada Lovelace")
    response = client.get(f"/certificates/{certificate.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert "Ada Lovelace" in main and certificate.course_title in main
    assert certificate.issued_at.strftime("%Y-%m-%d") in main
    for private in ("ada@example.com", learner.username, "%", "score", "exam"):
        assert private not in main.lower().replace("ada lovelace", ""), private
    assert '<meta name="robots" content="noindex, nofollow">' in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get("/certificates/not-a-real-code/").status_code == 404


def test_the_pdf_is_a_pdf_with_the_name_course_date_and_link(client, finished):
    certificate = issuing.issue(user=finished, name="Zoë Ångström")
    client.force_login(finished)
    response = client.get("/progress/certificate/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    assert "Zoë Ångström" in text
    assert certificate.course_title in text
    assert f"/certificates/{certificate.code}/" in text
    assert certificate.issued_at.strftime("%B %Y") in text


def test_no_pdf_before_a_certificate_leads_to_what_is_left_to_do(client, learner, course):
    """It was a 404 page, with no way on: now the certificate page, saying why there."""
    client.force_login(learner)
    response = client.get("/progress/certificate/pdf/")
    assert response.status_code == 302 and response["Location"] == "/progress/certificate/"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "No certificate has been issued to you yet." in body
    assert "Still to do:" in body
    # The other refusal stays a 404: a verification code no certificate has.
    assert client.get("/certificates/no-such-code/").status_code == 404


def test_my_progress_costs_the_same_however_much_is_done(client, learner, course):
    client.force_login(learner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/progress/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    complete(learner, course)
    issuing.issue(user=learner, name="Ada")
    assert count() == before


def test_a_long_name_is_drawn_smaller_to_stay_inside_the_border(finished):
    from fpdf import FPDF

    from certificates.pdf import NAME_FONTS, certificate_pdf

    name = "Wolfeschlegelsteinhausenbergerdorff " * 2 + "Hubert Blaine"
    certificate = issuing.issue(user=finished, name=name)
    [size] = {
        s for text, s in pdf_runs(certificate_pdf(certificate, verify_url="x")) if name in text
    }
    assert size < 30
    probe = FPDF(orientation="landscape", format="A4")
    font = NAME_FONTS[0]
    probe.add_font(font.family, font.style, font.path)
    probe.set_font(font.family, font.style, size)
    assert probe.get_string_width(name) <= probe.w - 40


def test_a_module_of_many_quizzes_names_a_few_on_its_card_the_passed_one_first(
    client, learner, course
):
    """Passing any one completes the module; with a hundred quizzes in it, the home page and
    "My progress" named every one on its card (100 links each, 10 times today's page)."""
    from certificates.progress import QUIZZES_NAMED
    from quizzes.models import Quiz, QuizQuestion

    quiz = course["quiz"]
    more = Quiz.objects.bulk_create(
        Quiz(
            module=quiz.module,
            slug=f"more-{n}",
            title=f"Another quiz {n}",
            order=n + 1,
            published=True,
        )  # fmt: skip
        for n in range(99)
    )
    entry = quiz.entries.get()
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=other, question_id=entry.question_id, order=1) for other in more
    )
    take(more[50], learner)
    read_all(learner, course)
    client.force_login(learner)
    for url in ("/", "/progress/"):
        body = " ".join(client.get(url).content.decode().split())
        assert body.count('href="/quizzes/more-') + body.count(f'"/quizzes/{quiz.slug}/"') == (
            QUIZZES_NAMED
        )
        assert 'Quiz passed: <a href="/quizzes/more-50/">Another quiz 50</a>' in body
        assert f'(and <a href="/quizzes/">{100 - QUIZZES_NAMED} more quizzes</a>)' in body


def test_a_name_pasted_past_the_box_is_refused_whole_not_cut(client, finished):
    """The box carried `maxlength="200"`: a longer paste was cut by the browser without a
    word (the rule that refuses a name past 100 characters then measured what was left)."""
    client.force_login(finished)
    box = re.search(r'<input[^>]*name="name"[^>]*>', client.get("/progress/certificate/").text)
    assert box and "maxlength" not in box.group(0)
    pasted = "Augusta Ada King, Countess of Lovelace" * 6
    response = client.post("/progress/certificate/", {"name": pasted})
    assert response.status_code == 200
    assert f"This is {len(pasted)} characters long; at most 100 fit" in response.text


def test_a_name_too_long_is_told_the_limit_that_decides(client, finished):
    """Past the box's own 200 characters (room for spaces, collapsed before the name is
    measured) a name was told "it takes at most 200"; shortened to 150, it was refused again,
    "at most 100 fit". The first refusal now names the limit a name must meet."""
    client.force_login(finished)
    response = client.post("/progress/certificate/", {"name": "Ada " * 60})
    assert "characters long; at most 100 fit" in response.text
    assert "at most 200" not in response.text
    assert not Certificate.objects.exists()
