"""My progress, issuing the certificate, the public verification page and the PDF."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

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


def confirm_form(response) -> dict[str, str]:
    """What the check page's form sends with its "Issue my certificate" (its hidden fields and
    the button's own), read from the page as a browser would."""
    body = response.content.decode()
    start = body.index('<form method="post" class="card">')
    form = body[start : body.index("</form>", start)]
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    }
    assert re.search(r'<button type="submit" name="step" value="issue"[^>]*>Issue my', form)
    return {**fields, "step": "issue"}


def certificate_name_shown(response) -> str:
    """The name drawn large, as on the certificate (its `.certificate-name`)."""
    match = re.search(r'<p class="certificate-name"[^>]*>([^<]*)</p>', response.content.decode())
    assert match, "no name drawn as on the certificate"
    return html.unescape(match.group(1))


def test_a_learner_who_completed_the_course_names_and_gets_the_certificate(client, finished):
    learner = finished
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    client.force_login(learner)
    form = client.get("/progress/certificate/").content.decode()
    assert 'value="Ada Lovelace"' in form  # from the account, editable
    check = client.post("/progress/certificate/", {"name": "  Augusta   Ada King  "})
    assert check.status_code == 200
    assert not Certificate.objects.exists()  # the name is shown to check first
    response = client.post("/progress/certificate/", confirm_form(check))
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


def test_the_name_sent_is_shown_to_check_as_printed_and_nothing_is_issued(client, finished):
    """A typo in the name is printed and public for good: the name form's post issues
    nothing; it shows the name as the certificate will, large, and opens on the heading that
    asks to check it (read with the name)."""
    client.force_login(finished)
    check = client.post("/progress/certificate/", {"name": "  Ada   Lovelace  "})
    assert check.status_code == 200
    assert not Certificate.objects.exists()
    assert certificate_name_shown(check) == "Ada Lovelace"  # as printed: spaces collapsed
    body = check.content.decode()
    heading = re.search(r"<h1[^>]*>Check your name</h1>", body)
    assert heading and "autofocus" in heading.group(0)
    assert body.count("autofocus") == 1
    described = re.search(r'aria-describedby="([^"]+)"', heading.group(0)).group(1)
    assert re.search(rf'id="{described}"[^>]*>Is “<bdi>Ada Lovelace</bdi>” right', body)
    assert "<title>Check your name" in body
    assert re.search(
        r'<button type="submit" name="step" value="change"[^>]*>Change the name<', body
    )
    # It works the same sent again, or from an old page whose button issued directly.
    assert client.post("/progress/certificate/", {"name": "Ada Lovelace"}).status_code == 200
    assert not Certificate.objects.exists()


def test_issue_on_the_check_page_issues_the_name_it_showed(client, finished):
    client.force_login(finished)
    check = client.post("/progress/certificate/", {"name": "Zoë  Ångström"})
    issued = client.post("/progress/certificate/", confirm_form(check))
    assert issued.status_code == 302 and issued.url == "/progress/certificate/"
    assert Certificate.objects.get().name == "Zoë Ångström" == certificate_name_shown(check)
    page = client.get("/progress/certificate/")
    assert certificate_name_shown(page) == "Zoë Ångström"


def test_change_the_name_goes_back_to_the_form_with_the_name_in_its_box(client, finished):
    client.force_login(finished)
    check = client.post("/progress/certificate/", {"name": "Ada Lovelase"})
    back = client.post("/progress/certificate/", {**confirm_form(check), "step": "change"})
    assert back.status_code == 200
    assert not Certificate.objects.exists()
    box = re.search(r'<input[^>]*name="name"[^>]*>', back.content.decode())
    assert box and 'value="Ada Lovelase"' in box.group(0)
    assert "autofocus" in box.group(0) and "aria-invalid" not in box.group(0)
    assert back.content.decode().count("autofocus") == 1
    check = client.post("/progress/certificate/", {"name": "Ada Lovelace"})  # corrected
    client.post("/progress/certificate/", confirm_form(check))
    assert Certificate.objects.get().name == "Ada Lovelace"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda sent: {**sent, "name": "Someone Else"}, id="name-changed"),
        pytest.param(lambda sent: {**sent, "checked": ""}, id="no-note"),
        pytest.param(lambda sent: {**sent, "checked": sent["checked"][:-2] + "xx"}, id="forged"),
        pytest.param(lambda sent: {"name": sent["name"], "step": "issue"}, id="note-left-out"),
    ],
)
def test_a_confirm_whose_name_is_not_the_one_shown_is_refused(client, finished, tamper):
    client.force_login(finished)
    check = client.post("/progress/certificate/", {"name": "Ada Lovelace"})
    refused = client.post("/progress/certificate/", tamper(confirm_form(check)))
    assert refused.status_code == 400
    assert not Certificate.objects.exists()
    body = refused.content.decode()
    assert "Nothing was issued: the name sent is not the name the check page showed you." in body
    assert re.search(r'role="alert" tabindex="-1" autofocus>Nothing was issued', body)
    assert 'name="name"' in body and "Check the name" in body  # the form, to check it again


def test_a_name_checked_by_one_learner_issues_nothing_for_another(
    client, finished, learner, course
):
    """The note names its account: one learner's checked name is not another's to send."""
    client.force_login(finished)
    sent = confirm_form(client.post("/progress/certificate/", {"name": "Zoe Ready"}))
    complete(learner, course)
    client.force_login(learner)
    refused = client.post("/progress/certificate/", sent)
    assert refused.status_code == 400
    assert not Certificate.objects.exists()


def test_issue_sent_twice_issues_one_certificate_with_the_first_name(client, finished):
    client.force_login(finished)
    first = confirm_form(client.post("/progress/certificate/", {"name": "Ada Lovelace"}))
    other = confirm_form(client.post("/progress/certificate/", {"name": "Ada King"}))  # a tab
    assert client.post("/progress/certificate/", first).status_code == 302
    again = client.post("/progress/certificate/", first)  # a double click
    assert again.status_code == 302 and again.url == "/progress/certificate/"
    assert "already been issued" not in client.get(again.url).content.decode()
    later = client.post("/progress/certificate/", other)  # the other tab's check
    assert later.status_code == 302
    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().name == "Ada Lovelace"
    page = client.get(later.url).content.decode()
    assert "Your certificate had already been issued, with the name below" in page


def test_the_check_page_says_before_issuing_when_a_name_gets_no_pdf(client, finished):
    """A name the PDF's fonts cannot draw was told it has no PDF only once issued, for good."""
    client.force_login(finished)
    check = client.post("/progress/certificate/", {"name": "山田 太郎"})
    body = check.content.decode()
    assert "There will be no PDF download for this name" in body
    assert certificate_name_shown(check) == "山田 太郎"
    plain = client.post("/progress/certificate/", {"name": "Ada Lovelace"}).content.decode()
    assert "no PDF download" not in plain


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


def test_the_certificate_bears_one_date_whatever_the_readers_time_zone(client, finished):
    # Issued at 23:30 UTC on 7 December: 8 December in Tokyo, where the public page said so
    # while the learner's page and PDF said 7 December.
    issued = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    certificate = issuing.issue(user=finished, name="Ada Lovelace", now=issued)
    client.force_login(finished)
    for zone in ("Europe/London", "Asia/Tokyo", "America/Los_Angeles"):
        client.cookies["tz"] = zone
        for address in (certificate.get_absolute_url(), "/progress/certificate/"):
            body = client.get(address).content.decode()
            assert '<time datetime="2026-12-07">7 December 2026</time>' in body, (zone, address)
        assert "issued on 7 December 2026" in client.get("/progress/").content.decode(), zone
        assert "on 7 December 2026" in pdf_text(client.get("/progress/certificate/pdf/").content)


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
    "My progress" named every one on its card (100 links each, 10 times today's page). Once
    one is passed, only the passed one is named."""
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
    read_all(learner, course)
    client.force_login(learner)

    def named(body: str) -> int:
        return body.count('href="/quizzes/more-') + body.count(f'"/quizzes/{quiz.slug}/"')

    for url in ("/", "/progress/"):
        body = " ".join(client.get(url).content.decode().split())
        assert named(body) == QUIZZES_NAMED
        assert f'Quiz not passed yet: pass one of <a href="/quizzes/{quiz.slug}/">' in body
        assert f'(and <a href="/quizzes/">{100 - QUIZZES_NAMED} more quizzes</a>)' in body
    take(more[50], learner)
    for url in ("/", "/progress/"):
        # The one passed, alone: "Quiz passed: A: B: C" said the two not passed were too.
        body = " ".join(client.get(url).content.decode().split())
        assert named(body) == 1
        assert 'Quiz passed: <a href="/quizzes/more-50/">Another quiz 50</a> </li>' in body
        assert "more quizzes" not in body


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


def test_a_code_no_certificate_has_says_so_to_whoever_checks(client, db):
    """Someone checking a certificate's link met "We couldn't find that page ... the lesson
    may have moved": a 404 about lessons, with nothing about certificates."""
    response = client.get("/certificates/not-a-real-code/")
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    body = response.content.decode()
    assert "<title>No such certificate · SRM Trainer</title>" in body
    main = body[body.index("<main") : body.index("</main>")]
    assert "No certificate has this address" in main
    assert "the code is its last part" in main
    assert "lesson may have moved" not in main


def test_a_certificate_gone_with_its_account_is_not_said_never_issued(client, finished):
    certificate = issuing.issue(user=finished, name="Ada Lovelace")
    finished.delete()  # the certificate goes with the account (CASCADE)
    response = client.get(f"/certificates/{certificate.code}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "issued no certificate" not in text
    assert "deletes their account" in text
