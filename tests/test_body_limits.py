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


# --- every form at a default door fits it ---------------------------------------------------------
#
# A door not in `_doors()` takes `DEFAULT_LIMIT` (32 KB). A form whose largest legitimate fill is
# over it is refused whole, unread, at the server: its author's typing lost unless the browser
# keeps it. Each form a view at a default door uses is filled here at its fields' own limits,
# urlencoded as Latin text at its worst (`LATIN`: an accented letter, é or ł, is two UTF-8 bytes,
# `%XX` each; a value ASCII by its nature, a choice, an id, a code, at `ESCAPED`, `<` or `"`),
# and must fit. A field of no limit fails, with its name, unless its legitimate largest value is
# known (`_bounded`, each with where that bound comes from): a text field with no `max_length`
# on a default door is a paste that may be refused there whole.


def _forms_named_in(func, seen: set[int], depth: int = 0) -> set[type]:
    """The form classes a view's code names, and those of the project's own functions it calls
    (a page's `_page` helper draws its form): the forms its page draws and reads."""
    import inspect
    import types

    from django import forms

    func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    if code is None or id(func) in seen or depth > 4:
        return set()
    seen.add(id(func))
    names, codes = set(), [code]
    while codes:
        one = codes.pop()
        names |= set(one.co_names)
        codes += [c for c in one.co_consts if isinstance(c, types.CodeType)]
    found: set[type] = set()
    for name in names:
        obj = func.__globals__.get(name)
        if isinstance(obj, type) and issubclass(obj, forms.BaseForm):
            found.add(obj)
        elif isinstance(obj, types.FunctionType) and _ours(obj):
            found |= _forms_named_in(obj, seen, depth + 1)
    return found


def _ours(func) -> bool:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    path = Path(getattr(func, "__code__", None) and func.__code__.co_filename or "/")
    return root in path.parents and "tests" not in path.relative_to(root).parts


def default_door_forms() -> dict[type, list[str]]:
    """Each form class used by a view at a default door (the admin's are its own: its content
    pages have Django's whole limit, the rest a row's fields), with the doors it is used at."""
    used: dict[type, list[str]] = {}
    for name, path in DOORS:
        if name in too_large._doors() or name.startswith("admin:") or not name:
            continue
        func = resolve(path).func
        view_class = getattr(func, "view_class", None)
        if view_class is not None:
            form = getattr(view_class, "form_class", None)
            classes = {form} if form else set()
        else:
            classes = _forms_named_in(func, set())
        for form in sorted(classes, key=_qualified):
            used.setdefault(form, []).append(name)
    return used


def _qualified(form: type) -> str:
    return f"{form.__module__}.{form.__name__}"


LATIN = 6  # bytes a character of Latin text costs at worst: é, %C3%A9 (Vietnamese's ạ: 9)
ASCII = too_large.ESCAPED  # a character of a value that is ASCII by its nature, at worst


def _bounded() -> dict[str, tuple[int, int]]:
    """Fields whose largest legitimate value is bounded elsewhere than their `max_length`: its
    characters and the bytes each costs at worst, by `Form.field` (or `*.field` for every
    form's field of that name)."""
    from django.contrib.auth import get_user_model

    from lessons import finder, shown_names
    from quizzes.models import Quiz

    username = get_user_model()._meta.get_field("username").max_length
    return {
        # A password has no limit in Django or allauth; a password manager's longest is 100
        # characters or so, a typed passphrase shorter: 1,000 is room for either.
        "*.password": (1_000, LATIN),
        "*.password1": (1_000, LATIN),
        "*.password2": (1_000, LATIN),
        "*.oldpassword": (1_000, LATIN),
        # A one-time code: six digits, or a recovery code; a login code of allauth's, 8-ish.
        "*.code": (64, ASCII),
        # A security key's name, typed; allauth's model holds it in a 255-character column.
        "AddWebAuthnForm.name": (255, LATIN),
        "EditWebAuthnForm.name": (255, LATIN),
        # A security key's credential (JSON of base64url, mostly unescaped): a few KB with an
        # attestation's certificate chain.
        "*.credential": (8_000, ASCII),
        # The zone a cohort's page was drawn in: an IANA name (the longest, 32 characters).
        "*.zone": (64, ASCII),
        # An edit stamp and the typed times a form asks about once (`past_due_ok`).
        "*.seen": (64, ASCII),
        "*.past_due_ok": (64, LATIN),
        "*.uncount_ok": (64, LATIN),
        "*.count_ok": (64, LATIN),
        # A quiz typed by its title (or address, or id); a learner by their username.
        "AssignmentForm.quiz": (Quiz._meta.get_field("title").max_length or 0, LATIN),
        "ExtensionForm.learner": (username or 0, LATIN),
        # At most `finder.MAX_KEYS` lessons, each by its id.
        "AssignmentForm.lessons": (finder.MAX_KEYS * (20 + len("&lessons=")), ASCII),
        "ShownNameForm.shown_name": (shown_names.MAX_LENGTH, LATIN),
    }


ID = 20  # a chosen row's id, in digits
OTHERS = 1024  # the CSRF token (64 characters), the button pressed


def _fields(form: type) -> dict:
    """A form's fields as its page draws them: an instance's where one can be made without a
    request (allauth's sign-in adds its `login` field in `__init__`), else its class's."""
    for kwargs in ({}, {"request": None}, {"user": None}):
        try:
            return dict(form(**kwargs).fields)
        except Exception:  # noqa: BLE001, S112 - a form that needs more: its class's fields
            continue
    return dict(form.base_fields)  # type: ignore[attr-defined]


def largest_fill(form: type, bounded: dict[str, tuple[int, int]]) -> tuple[int, list[str]]:
    """The bytes of `form`'s largest legitimate fill, urlencoded (text as Latin at its worst),
    and the fields it could not bound (`Form.field: why`)."""
    from django import forms

    total, unbounded = 0, []
    for name, field in _fields(form).items():
        most, cost = getattr(field, "max_length", None), LATIN
        if most is None:
            most, cost = bounded.get(
                f"{form.__name__}.{name}", bounded.get(f"*.{name}", (None, ASCII))
            )
        if most is None:
            if isinstance(field, forms.ModelMultipleChoiceField):
                most = None  # how many ids: no limit of its own
            elif isinstance(field, forms.ModelChoiceField):
                most = ID
            elif isinstance(field, forms.MultipleChoiceField):
                most = sum(len(str(key)) + len(name) + 2 for key, _ in field.choices)
            elif isinstance(field, forms.ChoiceField):
                most = max((len(str(key)) for key, _ in field.choices), default=0)
            elif isinstance(field, forms.BooleanField):
                most = 2
            elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
                most = ID
            elif isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField):
                most = 32
        if most is None:
            unbounded.append(f"{form.__name__}.{name}: {type(field).__name__} of no max_length")
            continue
        total += len(name) + 2 + cost * most
    return total, unbounded


FORMS_AT_DEFAULT_DOORS = default_door_forms()


def test_the_default_doors_forms_are_found():
    """The walk finds the forms (a renamed helper would hide them): the sign-in, a cohort's."""
    names = {form.__name__ for form in FORMS_AT_DEFAULT_DOORS}
    assert {"LoginForm", "SignupForm", "CohortForm", "AssignmentForm", "NameForm"} <= names


@pytest.mark.parametrize(
    "form", FORMS_AT_DEFAULT_DOORS, ids=[_qualified(f) for f in FORMS_AT_DEFAULT_DOORS]
)
def test_every_form_at_a_default_door_fits_it_filled_to_its_fields_limits(form):
    size, unbounded = largest_fill(form, _bounded())
    doors = FORMS_AT_DEFAULT_DOORS[form]
    assert unbounded == [], f"no limit at {doors}: give each a max_length, or a bound in _bounded"
    assert size + OTHERS <= DEFAULT_LIMIT, f"{form.__name__} at {doors}: {size:,} B"


def test_a_text_field_of_no_limit_is_named_and_a_long_one_does_not_fit():
    """The check itself: a box of no `max_length` is named, and a form of 6,000 characters of
    accented Latin text is over 32 KB (18 KB of `<`, 36 KB of `é`)."""
    from django import forms

    class Note(forms.Form):
        title = forms.CharField(max_length=200)
        body = forms.CharField(widget=forms.Textarea)

    class Long(forms.Form):
        body = forms.CharField(max_length=6_000)

    assert largest_fill(Note, {}) == (
        len("title") + 2 + 1_200,
        ["Note.body: CharField of no max_length"],
    )
    assert largest_fill(Long, {})[0] > DEFAULT_LIMIT


# --- the teaching pages say their limit before a form is sent (static/js/form-size.js) ------------


def _pages_for(instructor) -> list[tuple[str, str]]:
    """The teaching pages whose form may be long, and the door each posts to."""
    from lessons.models import Source
    from tests.quizzes.builders import make_question, make_quiz

    question = make_question(owner=instructor, source=Source.AUTHORED, lesson=None)
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, published=False)
    return [
        (reverse("teach:question-create", args=[quiz.pk, "single"]), "teach:question-create"),
        (reverse("teach:question-edit", args=[question.pk]), "teach:question-edit"),
        (reverse("teach:quiz-create"), "teach:quiz-create"),
        (reverse("teach:quiz-edit", args=[quiz.pk]), "teach:quiz-edit"),
        (reverse("teach:import"), "teach:import"),
    ]


def test_each_teaching_form_says_the_limit_its_door_refuses_it_by(instructor, reads):
    """The page's `data-max-body` is the limit the server refuses a body over, for the one the
    page is drawn for: one byte over it is refused unread, a body at it is read. It is on the
    form's status line, as on the admin's: the one place static/js/form-size.js reads it."""
    browser = browser_for(instructor)
    for url, name in _pages_for(instructor):
        page = BeautifulSoup(browser.get(url, follow=True).content, "html.parser")
        # On the form's status line, beside its buttons, as on the admin's (below).
        line = page.select_one("form[method=post] [data-size-status][data-max-body]")
        assert line is not None and line["role"] == "status", url
        limit = int(line["data-max-body"])
        assert limit == body_limit(name) > DEFAULT_LIMIT, url
        assert line["data-max-body-words"] == too_large.in_units(limit)
        reads.clear()
        over = browser.post(url, sent(limit + 1), content_type="application/x-www-form-urlencoded")
        assert over.status_code == 400 and reads == [], url
        browser.post(url, sent(limit), content_type="application/x-www-form-urlencoded")
        assert reads == [url]


def test_the_import_pages_file_limit_is_said_in_the_servers_own_words(instructor):
    """The script says a chosen file too large in the words the server refuses it with."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from teach.transfer_views import MAX_UPLOAD_BYTES

    browser = browser_for(instructor)
    url = reverse("teach:import")
    page = BeautifulSoup(browser.get(url).content, "html.parser")
    file = page.select_one("input[type=file]")
    assert int(file["data-max-file"]) == MAX_UPLOAD_BYTES
    size = MAX_UPLOAD_BYTES + 200 * 1024
    upload = SimpleUploadedFile("bank.gift", b"x" * size)
    refused = browser.post(
        url, {"csrfmiddlewaretoken": "a" * 32, "file": upload, "action": "preview"}
    )
    said = " ".join(BeautifulSoup(refused.content, "html.parser").get_text().split())
    assert file["data-too-large"].replace("{kb}", str(size // 1024)) in said


@pytest.mark.parametrize(
    ("name", "args", "words"),
    [
        ("teach:question-edit", [1], "only your browser has it. Go back to the editor"),
        ("teach:quiz-create", [], "only your browser has it. Go back to the editor"),
        ("teach:import", [], "One import reads at most 512 KB: go back, split the file"),
    ],
)
def test_the_400_page_of_a_teaching_door_says_what_is_left_of_the_form(
    instructor, reads, name, args, words
):
    """The editors' typing is not kept by the server, which never read it; the 400 page said
    "your browser keeps what you typed there", which nothing promises, and for an import's
    file never holds (a file is not chosen again on Back)."""
    url = reverse(name, args=args)
    page = post(browser_for(instructor), url, {"x": "<" * (body_limit(name) // 3 + 1_000)})
    assert page.status_code == 400 and reads == []
    said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    assert words in said
    assert "your browser keeps what you typed" not in said


# --- the admin's content pages say their limit too (templates/admin/change_form.html) -------------

ADMIN_FORMS = [
    ("admin:lessons_lesson_change", [1]),
    ("admin:lessons_lesson_add", []),
    ("admin:quizzes_question_add", []),
    ("admin:quizzes_quiz_add", []),
]


@pytest.mark.parametrize(("name", "args"), ADMIN_FORMS)
def test_each_admin_content_form_says_the_limit_its_door_refuses_it_by(insider, reads, name, args):
    """Staff writing a lesson's body in the admin got the 400 page for a form over 2.5 MB, the
    form unread, with nothing said before: its change form now carries the limit the server
    refuses by (on the status line below its buttons: Django's <form> tag is not ours)."""
    from tests.conftest import make_lesson

    browser = browser_for(insider)
    url = reverse(name, args=[make_lesson().pk] if args else [])
    got = browser.get(url)
    assert got.status_code == 200, url
    page = BeautifulSoup(got.content, "html.parser")
    line = page.select_one("form[method=post] [data-size-status]")
    assert line is not None and line["role"] == "status", url
    limit = int(line["data-max-body"])
    assert limit == body_limit(name) > DEFAULT_LIMIT, url
    assert line["data-max-body-words"] == too_large.in_units(limit) == "2.5 MB"
    assert page.select_one("script[src$='js/form-size.js']") is not None
    reads.clear()
    over = browser.post(url, sent(limit + 1), content_type="application/x-www-form-urlencoded")
    assert over.status_code == 400 and reads == [], url
    browser.post(url, sent(limit), content_type="application/x-www-form-urlencoded")
    assert reads == [url]


def test_the_400_page_of_an_admin_form_says_what_back_brings_and_what_it_does_not(insider, reads):
    """The admin's forms are sent `no-store`; the 400 page said "your browser keeps what you
    typed there". Chromium did fill the boxes in again on Back, but not an inline row added with
    "Add another" (tests/e2e/test_form_size.py holds an over-limit save back before it is sent)."""
    name = "admin:lessons_lesson_change"
    url = reverse(name, args=[1])
    page = post(browser_for(insider), url, {"body": "<" * (body_limit(name) // 3 + 1_000)})
    assert page.status_code == 400 and reads == []
    said = " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())
    assert "(at most 2.5 MB), so nothing was saved, and the site never read it" in said
    assert "not a row added with “Add another” (add it again)" in said
    assert "your browser keeps what you typed" not in said
