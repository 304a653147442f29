"""Each door's body limit (srm_trainer/too_large.py, `BodyLimitMiddleware`): a POST over the
largest form its door takes is refused from its declared length before its form is read, in
the words and place the site uses for a form too large. Reading a urlencoded form costs ~0.4 µs
an escape before any view or rate limit (the CSRF check reads it), so Django's 2.5 MB of `%3C`
cost ~0.3 s of CPU at any door, the sign-in page as much as the question editor."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from srm_trainer import too_large
from srm_trainer.too_large import DEFAULT_LIMIT, body_limit
from tests.conftest import sign_in
from tests.teach.conftest import _instructor
from tests.test_too_large import HTMX, browser_for, refused_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The paths whose form was read (Django's parse: what a refusal from the length spares)."""
    read = WSGIRequest._load_post_and_files
    seen: list[str] = []

    def recorded(request):
        seen.append(request.path)
        return read(request)

    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", recorded)
    return seen


@pytest.fixture
def instructor(db):
    return _instructor("ines")


@pytest.fixture
def insider(instructor):
    """An instructor with the admin: whom every door's limit is for."""
    instructor.is_staff = instructor.is_superuser = True
    instructor.save(update_fields=["is_staff", "is_superuser"])
    return instructor


def post(client: Client, url: str, fields: dict[str, str | list[str]], **kwargs):
    return client.post(url, {"csrfmiddlewaretoken": "a" * 32, **fields}, **kwargs)


def sent(length: int) -> str:
    """A urlencoded body of exactly `length` bytes."""
    return "a=" + "x" * (length - 2)


# --- every door: covered by the table or the default ---------------------------------------------

SAMPLE = {"id": "1", "int": "1", "slug": "x", "str": "x", "path": "1"}


def _paths(patterns, prefix=""):
    """A concrete path for each URL pattern, with the view name it was written for."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).replace("^", "").replace("$", "")
            route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)
            yield "/" + route


def doors() -> list[tuple[str, str]]:
    """Every address of the URLconf a form may be posted to, and its view's name; the JSON API
    (exempt from the CSRF check) refuses its own bodies (tests/test_too_large.py)."""
    found = {}
    for path in _paths(get_resolver().url_patterns):
        match = resolve(path)
        if not getattr(match.func, "csrf_exempt", False):
            found.setdefault(match.view_name or "", path)
    return sorted((name, path) for name, path in found.items())


DOORS = doors()


def test_every_named_door_is_a_view_of_the_urlconf():
    """A renamed view would silently fall to the default: its editors' saves refused."""
    names = {name for name, _path in DOORS}
    assert set(too_large._doors()) <= names | {"sandbox-findings"}
    assert len(DOORS) > 150  # the admin's, allauth's and the apps' own, all walked


def test_a_door_not_named_takes_the_default_and_none_more_than_djangos():
    for name, _path in DOORS:
        limit = body_limit(name)
        assert limit <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        named = name in too_large._doors() or too_large._admin_limit(name)
        assert named or limit == DEFAULT_LIMIT, name


@pytest.mark.parametrize(("name", "path"), DOORS, ids=[name or path for name, path in DOORS])
def test_every_door_refuses_a_body_just_over_its_limit_unread_and_reads_one_at_it(
    reads, insider, name, path
):
    browser = browser_for(insider)
    limit = body_limit(name)
    over = browser.post(path, sent(limit + 1), content_type="application/x-www-form-urlencoded")
    assert over.status_code in (400, 413), over.status_code
    assert reads == []
    browser.post(path, sent(limit), content_type="application/x-www-form-urlencoded")
    assert reads == [path]


# --- the refusal: the site's words, where the learner looks ---------------------------------------


def test_the_sign_in_page_refuses_a_large_form_with_the_400_page_saying_its_limit(reads):
    page = browser_for().post(reverse("account_login"), {"login": "ada", "x": "<" * 12_000})
    assert page.status_code == 400 and reads == []
    said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    assert "That is more text than this page can send at once (at most 32 KB)" in said
    assert "Go back to the form (your browser keeps what you typed there)" in said


def test_a_live_update_at_a_default_door_is_refused_in_the_alert_region(learner, reads):
    browser = browser_for(learner)
    url = reverse("quizzes:flag", args=[1, 1])
    response = post(browser, url, {"flagged": "1", "x": "<" * 12_000}, headers=HTMX)
    said = refused_in(response, "#page-alert")
    assert "at most 32 KB" in said and reads == []


def test_an_answer_just_over_its_limit_is_refused_in_its_status_line_unread(learner, reads):
    from quizzes.views import MAX_KEPT_ANSWER

    browser = browser_for(learner)
    url = reverse("quizzes:answer", args=[1, 1])
    # Every character escaped, past the most an answer keeps, and a little more.
    typed = "<" * (MAX_KEPT_ANSWER + 4_000)
    response = post(browser, url, {"answer": typed}, headers=HTMX)
    said = refused_in(response, "#answer-status")
    assert "That is more text than this page can send at once (at most 102 KB)" in said
    assert reads == []


def test_the_question_editors_preview_just_over_its_limit_is_refused_in_the_preview(
    instructor, reads
):
    browser = browser_for(instructor)
    url = reverse("teach:question-create", args=[1, "single"])
    typed = "<" * (body_limit("teach:question-create") // 3 + 1_000)
    headers = {**HTMX, "HX-Target": "md-preview"}
    response = post(browser, url, {"prompt": typed, "action": "preview"}, headers=headers)
    refused_in(response, "#md-preview")
    assert reads == []


def test_the_sandbox_without_htmx_far_over_its_limit_is_refused_unread_in_its_own_words(reads):
    """Within four times its 64 KB the page is read to draw what was typed back; past that,
    the sandbox's own refusal, the form not read (its words: the sandbox's own limit)."""
    typed = "<" * 100_000  # 300 KB sent
    page = post(browser_for(), "/sandbox/", {"identity-0-text": typed})
    assert page.status_code == 413 and reads == []
    assert "more than the sandbox takes at once (64 KB)" in page.content.decode()


def test_the_policy_editors_findings_just_over_are_refused_in_json_unread(reads):
    from srm_trainer.sandbox.state import MAX_POLICY_CHARS

    response = post(browser_for(), "/sandbox/findings/", {"policy": "<" * (MAX_POLICY_CHARS * 2)})
    assert response.status_code == 413 and reads == []
    assert response.json()["findings"] == []


# --- the largest legitimate form at each named door goes through ---------------------------------


def _full(form) -> dict[str, str | list[str]]:
    """Each of a form class's text fields at its own limit, every character escaped."""
    from teach.forms import MAX_TAGS, TagChoiceField

    fields: dict[str, str | list[str]] = {}
    for name, field in form.base_fields.items():
        most = getattr(field, "max_length", None)
        if isinstance(field, TagChoiceField):
            fields[name] = ["a" * most] * MAX_TAGS
        elif most:
            fields[name] = "<" * most
    return fields


def _largest_answer() -> dict[str, str | list[str]]:
    from quizzes.views import MAX_KEPT_ANSWER

    return {"answer": "<" * MAX_KEPT_ANSWER, "action": "check"}


def _largest_challenge() -> dict[str, str | list[str]]:
    """A least-privilege challenge at every field's limit: its two policies, 20 + 20 requests."""
    from teach import editors  # noqa: F401 - first: it imports the kinds' editors
    from teach.challenge_editor import LISTS, MAX_REQUESTS, ChallengeForm, RequestRow
    from teach.forms import QuestionForm

    fields = {**_full(QuestionForm), **{f"k-{n}": v for n, v in _full(ChallengeForm).items()}}
    for which in LISTS:
        fields[f"{which}-TOTAL_FORMS"] = str(MAX_REQUESTS)
        fields[f"{which}-INITIAL_FORMS"] = "0"
        for row in range(MAX_REQUESTS):
            for name, value in _full(RequestRow).items():
                fields[f"{which}-{row}-{name}"] = value
    return {**fields, "action": "save"}


def _largest_network_case() -> dict[str, str | list[str]]:
    from teach.forms import QuestionForm
    from teach.network_editor import MAX_CASE_CHARS

    return {**_full(QuestionForm), "case_json": "<" * MAX_CASE_CHARS, "action": "save"}


def _largest_import() -> dict[str, str | list[str]]:
    from teach.transfer.drafts import MAX_TEXT_CHARS

    return {"text": "<" * MAX_TEXT_CHARS, "format": "gift", "action": "preview"}


def _largest_quiz() -> dict[str, str | list[str]]:
    from curriculum.validation import MAX_EXPLANATION_CHARS
    from quizzes.draw_rules import MAX_RULES

    rules = {f"rule-{n}-category": "<" * 100 for n in range(MAX_RULES)}
    return {"title": "<" * 200, "description": "<" * MAX_EXPLANATION_CHARS, **rules}


def _own_limit(limit: int, field: str):
    """A form as large as the page's own limit, which it evaluates (a live update's too)."""
    return lambda: {field: "<" * (limit // 3 - 200)}


def _largest_findings() -> dict[str, str | list[str]]:
    from srm_trainer.sandbox.state import MAX_POLICY_CHARS

    return {"policy": "<" * MAX_POLICY_CHARS}


def _long_lesson() -> dict[str, str | list[str]]:
    """A lesson's body has no limit of its own in the admin: Django's is its door's."""
    return {"title": "A lesson", "body": "<" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 - 5_000)}


LARGEST = [
    ("quizzes:answer", [1, 1], _largest_answer),
    ("quizzes:review-answer", [1], _largest_answer),
    ("lesson-check", ["m", "l", "q"], _largest_answer),
    ("teach:quiz-preview-check", [1, 1], _largest_answer),
    ("teach:question-create", [1, "least-privilege"], _largest_challenge),
    ("teach:question-edit", [1], _largest_challenge),
    ("teach:question-edit", [1], _largest_network_case),
    ("teach:import", [], _largest_import),
    ("teach:quiz-create", [], _largest_quiz),
    ("teach:quiz-edit", [1], _largest_quiz),
    ("sandbox-findings", [], _largest_findings),
    ("sandbox", [], _own_limit(64 * 1024, "identity-0-text")),
    ("sandbox-batch", [], _own_limit(64 * 1024, "actions")),
    ("sandbox-summary", [], _own_limit(64 * 1024, "identity-0-text")),
    ("sandbox-compare", [], _own_limit(64 * 1024, "identity-0-text")),
    ("network-lab", [], _own_limit(64 * 1024, "case_json")),
    ("waf-lab", [], _own_limit(64 * 1024, "web_acl")),
    ("findings-lab", [], _own_limit(16 * 1024, "pattern")),
    ("admin:lessons_lesson_change", [1], _long_lesson),
    ("admin:quizzes_question_add", [], _long_lesson),
]


@pytest.mark.parametrize(
    ("name", "args", "largest"), LARGEST, ids=[f"{n}-{f.__name__}" for n, _a, f in LARGEST]
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_largest_legitimate_form_at_a_named_door_is_read(
    reads, insider, name, args, largest, htmx
):
    url = reverse(name, args=args)
    headers = HTMX if htmx else {}
    response = post(browser_for(insider), url, largest(), headers=headers)
    assert reads == [url]
    assert "at once (at most" not in response.content.decode()


def test_every_named_door_has_its_largest_form_tested():
    assert {name for name, _args, _form in LARGEST} >= set(too_large._doors())


def test_an_instructor_signed_in_is_refused_the_same(instructor, reads):
    """Signed in or not, the door's limit is the same: read before the view knows who asks."""
    browser = Client(enforce_csrf_checks=True)
    browser.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    sign_in(browser, instructor)
    page = post(browser, reverse("teach:quiz-create"), {"description": "<" * 30_000})
    assert page.status_code == 400 and reads == []
    said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    assert "That is more text than this page can send at once (at most 61 KB)" in said


@pytest.mark.parametrize(
    ("name", "args"),
    [("teach:import", []), ("teach:question-edit", [1]), ("admin:lessons_lesson_change", [1])],
)
def test_a_teaching_or_admin_door_gives_its_larger_limit_only_to_those_it_serves(
    reads, learner, name, args
):
    """Anyone may post to /teach/import/ (the view then refuses them), and the CSRF check read
    the form first: 1.5 MB of escapes, ~0.15 s, from any client. A learner gets the default
    there, and so does anyone signed out at the admin (it sends them to sign in, unread)."""
    url = reverse(name, args=args)
    browsers = [browser_for(learner)] + ([browser_for()] if name.startswith("admin:") else [])
    for browser in browsers:
        page = post(browser, url, {"text": "<" * 12_000})
        assert page.status_code == 400 and reads == []
        said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
        assert "(at most 32 KB)" in said


@pytest.mark.parametrize(("name", "args"), [("teach:import", []), ("teach:question-edit", [1])])
def test_a_save_sent_signed_out_is_read_as_far_as_its_typing_is_shown_back(reads, name, args):
    """A session that ended while a question was written: the page says nothing was saved and
    shows the typing to copy, up to `typed_back.MAX_CHARS` of it; a form that holds that much
    typing, every character escaped, is still read for it. Past it, the 400 page."""
    from srm_trainer.typed_back import MAX_CHARS

    url = reverse(name, args=args)
    page = post(browser_for(), url, {"prompt": "<" * MAX_CHARS})
    assert page.status_code == 403 and reads == [url]
    assert page.content.decode().count("&lt;" * 1_000) == MAX_CHARS // 1_000  # shown to copy
    reads.clear()
    page = post(browser_for(), url, {"prompt": "<" * MAX_CHARS, "more": "<" * 20_000})
    assert page.status_code == 400 and reads == []
