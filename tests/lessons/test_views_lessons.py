"""Home, module and lesson pages: content, navigation, progress, drafts, query counts."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import LessonProgress
from tests.conftest import give_mfa, make_lesson, make_module, make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    one = make_module(slug="one", title="Module One", summary="First things.")
    two = make_module(slug="two", title="Module Two")
    a = make_lesson(
        one,
        slug="a",
        title="Lesson A",
        body="## Why it matters\n\nAlpha text.\n\n::: key-points\n- point\n:::\n",
    )
    b = make_lesson(one, slug="b", title="Lesson B")
    c = make_lesson(two, slug="c", title="Lesson C")
    return {"one": one, "two": two, "a": a, "b": b, "c": c}


def test_the_home_page_lists_every_module(client, course):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Module One" in body and "Module Two" in body
    assert reverse("module", args=["one"]) in body
    assert "Start with the first lesson" in body


def test_learn_typed_alone_opens_the_modules_not_a_404(client, course):
    """`/learn/` is what a learner gets cutting a module's address back (`/learn/one/`), and
    what the header's "Learn" reads: it answered 404; it sends them to the modules' page."""
    response = client.get("/learn/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Module One" in response.content.decode()
    assert client.get("/learn/?level=advanced")["Location"] == "/"
    assert client.post("/learn/").status_code == 405
    assert client.get("/learn/one/").status_code == 200  # a module's page is still its own


def test_a_lesson_page_renders_its_markdown(client, course):
    response = client.get("/learn/one/a/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="why-it-matters">Why it matters</h2>' in body
    assert "Alpha text." in body
    assert 'class="box box-key-points"' in body
    assert 'href="#why-it-matters"' in body  # the table of contents


def test_on_this_page_shows_a_heading_with_code_as_it_reads(client, course):
    lesson = course["b"]
    lesson.body = "## Deny `s3:*` for <guests>\n\nWords.\n"
    lesson.save()
    page = client.get("/learn/one/b/").content.decode()
    contents = page.split('id="toc-title"', 1)[1].split("</aside>", 1)[0]
    entry = '<a href="#deny-s3-for-guests">Deny <code>s3:*</code> for &lt;guests&gt;</a>'
    assert entry in contents and "`" not in contents


def test_lesson_navigation_crosses_module_boundaries(client, course):
    body = client.get("/learn/one/b/").content.decode()
    assert 'href="/learn/one/a/" rel="prev"' in body
    assert 'href="/learn/two/c/" rel="next"' in body
    first = client.get("/learn/one/a/").content.decode()
    assert 'rel="prev"' not in first
    last = client.get("/learn/two/c/").content.decode()
    assert 'rel="next"' not in last


def test_a_lesson_under_the_wrong_module_is_not_found(client, course):
    assert client.get("/learn/two/a/").status_code == 404


@pytest.mark.parametrize("path", ["/learn/nope/", "/learn/one/nope/", "/learn/nope/a/"])
def test_unknown_slugs_get_the_styled_404_page(client, course, settings, path):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def test_unpublished_lessons_are_hidden_from_learners_and_shown_to_staff(
    client, learner, staff, course
):
    draft = make_lesson(course["one"], slug="draft", title="Secret draft", published=False)
    url = draft.get_absolute_url()
    assert client.get(url).status_code == 404
    assert "Secret draft" not in client.get("/learn/one/").content.decode()
    client.force_login(learner)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 404  # staff preview drafts once they have two-factor
    give_mfa(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "Draft: visible to staff only" in response.content.decode()


def test_lessons_of_an_unpublished_module_are_hidden(client, course):
    course["two"].published = False
    course["two"].save()
    assert client.get("/learn/two/").status_code == 404
    assert client.get("/learn/two/c/").status_code == 404
    assert "Module Two" not in client.get("/").content.decode()


def test_marking_a_lesson_complete_with_htmx_swaps_the_progress_box(
    learner_client, learner, course
):
    response = learner_client.post(
        "/learn/one/a/complete/", {"done": "true"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="progress"')
    assert "Lesson completed." in body
    assert "<html" not in body
    assert LessonProgress.objects.filter(user=learner, lesson=course["a"]).count() == 1


def test_marking_a_lesson_says_so_in_the_pages_status_region(learner_client, course):
    from tests.test_live_status import assert_not_live, region_of, said

    assert_not_live(region_of(learner_client.get("/learn/one/a/")), "progress")
    done = learner_client.post(
        "/learn/one/a/complete/", {"done": "true"}, headers={"HX-Request": "true"}
    )
    assert said(done) == "Lesson completed. Well done."
    undone = learner_client.post(
        "/learn/one/a/complete/", {"done": "false"}, headers={"HX-Request": "true"}
    )
    assert said(undone) == "Lesson marked as not completed."


def test_marking_complete_without_javascript_redirects_back(learner_client, learner, course):
    response = learner_client.post("/learn/one/a/complete/", {"done": "true"})
    assert response.status_code == 302
    assert response["Location"] == "/learn/one/a/#progress"
    assert LessonProgress.objects.filter(user=learner, lesson=course["a"]).exists()


def test_completing_twice_keeps_one_record_and_undo_removes_it(learner_client, learner, course):
    learner_client.post("/learn/one/a/complete/", {"done": "true"})
    learner_client.post("/learn/one/a/complete/", {"done": "true"})
    assert LessonProgress.objects.filter(user=learner).count() == 1
    learner_client.post("/learn/one/a/complete/", {"done": "false"})
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_an_anonymous_completion_is_kept_in_the_session_until_sign_up(client, course):
    response = client.post("/learn/one/a/complete/", {"done": "true"})
    assert response.status_code == 302
    assert not LessonProgress.objects.exists()
    assert "Lesson completed." in client.get("/learn/one/a/").content.decode()
    client.post(
        "/accounts/signup/",
        {"username": "ada", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert LessonProgress.objects.filter(user__username="ada").count() == 1


def test_signing_up_keeps_the_place_home_continues_from(client, course):
    """The lessons a visitor finished are carried in the order they finished them: home's
    "Continue" goes on from the last one read, as it did before they signed up, not from the
    one latest in the course."""
    make_lesson(course["two"], slug="d", title="Lesson D")
    for lesson in ("two/c", "one/a"):  # read ahead, then back to the start
        assert client.post(f"/learn/{lesson}/complete/").status_code == 302
    assert "Continue: Lesson B" in client.get("/").content.decode()
    client.post(
        "/accounts/signup/",
        {"username": "ada", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert LessonProgress.objects.filter(user__username="ada").count() == 2
    assert "Continue: Lesson B" in client.get("/").content.decode()


def test_completing_is_post_only(learner_client, course):
    assert learner_client.get("/learn/one/a/complete/").status_code == 405


def test_a_learner_cannot_complete_a_draft(learner_client, course):
    make_lesson(course["one"], slug="draft", published=False)
    assert learner_client.post("/learn/one/draft/complete/").status_code == 404


def test_progress_belongs_to_one_learner(client, learner, other_learner, course):
    LessonProgress.objects.create(
        user=learner, lesson=course["a"], completed_at="2026-01-01T00:00:00Z"
    )
    client.force_login(other_learner)
    body = client.get("/learn/one/").content.decode()
    assert "0 of 2 lessons completed" in body


def test_home_shows_progress_and_continues_after_the_last_completed_lesson(
    learner_client, learner, course
):
    LessonProgress.objects.create(
        user=learner, lesson=course["a"], completed_at="2026-01-01T00:00:00Z"
    )
    body = learner_client.get("/").content.decode()
    assert "1 of 2 lessons completed" in body
    assert "Continue: Lesson B" in body
    LessonProgress.objects.create(
        user=learner, lesson=course["b"], completed_at="2026-01-02T00:00:00Z"
    )
    assert "Continue: Lesson C" in learner_client.get("/").content.decode()


def test_home_sends_a_learner_who_read_every_lesson_to_their_progress(
    learner_client, learner, course
):
    # With nothing left to continue, the hero offered "Start with the first lesson" to a
    # learner who had read the whole course (and passed the exam, with a certificate).
    from lessons import progress

    for lesson in (course["a"], course["b"], course["c"]):
        progress.mark_complete(user=learner, lesson=lesson)
    body = learner_client.get("/").content.decode()
    assert "Start with the first lesson" not in body and "Continue:" not in body
    assert f'<a class="button" href="{reverse("certificates:progress")}">' in body
    assert "You have read every lesson" in body
    progress.mark_incomplete(user=learner, lesson=course["b"])
    assert "Continue: Lesson B" in learner_client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_home_draws_each_learners_own_module_cards(client, learner, other_learner):
    """Committed rows, as a server sees them, so the cards are kept between requests
    (lessons_extras.module_card): learners with the same lessons read but different quiz
    results, and an anonymous visitor, each see their own card for the same module."""
    from tests.certificates.conftest import build_course, read_all, take

    built = build_course()
    for user in (learner, other_learner):
        read_all(user, built)
    take(built["quiz"], learner, right=True)
    take(built["quiz"], other_learner, right=False)

    def home(user) -> str:
        client.force_login(user)
        return client.get("/").content.decode()

    for _ in range(2):  # the second round draws from the kept cards
        passed, failed = home(learner), home(other_learner)
        assert "Quiz passed" in passed and "Quiz not passed yet" not in passed
        assert "Quiz not passed yet" in failed and "Quiz passed" not in failed
        assert passed.count("Module complete") == 2 and failed.count("Module complete") == 1
        assert "2 of 2 lessons completed" in passed and "2 of 2 lessons completed" in failed
    take(built["quiz"], other_learner, right=True)
    now_passed = home(other_learner)
    assert "Quiz not passed yet" not in now_passed and now_passed.count("Module complete") == 2
    client.logout()
    anonymous = client.get("/").content.decode()
    assert "2 lessons<" in anonymous and "lessons completed" not in anonymous


def test_a_lesson_shows_its_scenarios_with_readable_policies(client, course):
    make_scenario(course["a"], title="Alice reads a report")
    body = client.get("/learn/one/a/").content.decode()
    assert "Alice reads a report" in body
    assert "arn:aws:iam::111122223333:user/alice" in body
    assert "&quot;Effect&quot;: &quot;Allow&quot;" in body  # indented JSON, escaped
    # Predict first: the answer and the sandbox (which would show it) wait for a prediction.
    assert "Predict first: what does AWS decide?" in body
    assert "The right answer" not in body
    assert "/sandbox/?preset=scenario-" not in body


def test_scenario_text_cannot_inject_markup(client, course):
    make_scenario(
        course["a"], title="<script>alert(1)</script>", situation="<img src=x onerror=alert(1)>"
    )
    body = client.get("/learn/one/a/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x" not in body


@pytest.mark.parametrize("path", ["/", "/learn/one/", "/learn/one/a/"])
def test_pages_issue_a_fixed_number_of_queries(learner_client, learner, course, path):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert learner_client.get(path).status_code == 200
        return len(ctx.captured_queries)

    # The first view of a lesson renders its body and stores it (two queries, once per body
    # and not per process: lessons/rendered.py); whether an earlier test in this process
    # already rendered the same text decided whether `before` counted them.
    count()
    before = count()
    for _ in range(5):
        lesson = make_lesson(course["one"])
        make_scenario(lesson)
        LessonProgress.objects.create(
            user=learner, lesson=lesson, completed_at="2026-01-01T00:00:00Z"
        )
    extra = make_module()
    make_lesson(extra)
    assert count() == before
    # Home: 9, and 7 for the course progress (certificates/progress.py). Three of the 9 replace
    # reading every completion: the kept per-module counts, the last completion, and the
    # lessons after it ("Continue"), each a small query whatever the learner's history.
    assert before <= 16, before


def test_responses_carry_a_strict_content_security_policy(client, course):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


# --- Sources, rules and levels -----------------------------------------------------------

SOURCES = [
    {"title": "Policy evaluation logic", "url": "https://docs.aws.amazon.com/IAM/eval.html"},
    {"title": "Condition operators", "url": "https://docs.aws.amazon.com/IAM/ops.html"},
]


def test_a_lesson_ends_with_its_sources_as_plain_external_links(client, course):
    course["a"].sources = SOURCES
    course["a"].save()
    body = client.get("/learn/one/a/").content.decode()
    section = body[body.index('aria-labelledby="sources-title"') :]
    assert '<h2 id="sources-title">Sources</h2>' in section
    for link in SOURCES:
        assert f'<a href="{link["url"]}" rel="noopener">{link["title"]}</a>' in section
    assert "target=" not in section[: section.index("</section>")]  # same tab: nothing to break
    assert 'aria-labelledby="sources-title"' not in client.get("/learn/one/b/").content.decode()


def test_a_source_title_is_escaped(client, course):
    course["a"].sources = [{"title": "<b>bold</b>", "url": "https://docs.aws.amazon.com/x"}]
    course["a"].save()
    body = client.get("/learn/one/a/").content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "<b>bold</b>" not in body


def test_the_module_page_shows_each_lessons_level_and_filters_by_it(client, course):
    course["b"].level = "advanced"
    course["b"].save()
    body = client.get("/learn/one/").content.decode()
    assert "Lesson A" in body and "Lesson B" in body
    assert "badge-level-foundational" in body and "badge-level-advanced" in body
    assert 'href="/learn/one/?level=advanced"' in body and "Advanced (1)" in body

    advanced = client.get("/learn/one/?level=advanced").content.decode()
    assert "Lesson B" in advanced and "Lesson A" not in advanced
    assert 'href="/learn/one/?level=advanced" aria-current="true"' in advanced

    # A level with no lesson is said, not linked: a link led to an empty list.
    assert 'href="/learn/one/?level=associate"' not in body
    assert '<span class="level-empty">Associate (0)</span>' in body
    associate = client.get("/learn/one/?level=associate").content.decode()
    assert "Lesson A" not in associate and "Lesson B" not in associate
    assert "This module has no associate lessons" in associate
    assert 'href="/learn/one/?level=associate" aria-current="true">Associate (0)' in associate


def test_an_unknown_level_shows_every_lesson_and_says_so(client, course):
    response = client.get("/learn/one/?level=<script>")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lesson A" in body and "Lesson B" in body
    assert "There is no level called" in body and "<script>" not in body


def test_the_lesson_page_shows_its_level_linking_to_the_filter(client, course):
    body = client.get("/learn/one/a/").content.decode()
    assert 'href="/learn/one/?level=foundational"' in body and ">Foundational</a>" in body


def test_a_scenario_shows_the_rule_it_illustrates_with_its_answer(client, course):
    scenario = make_scenario(
        course["a"],
        rule={"title": "Policy evaluation logic", "url": "https://docs.aws.amazon.com/IAM/e.html"},
    )
    rule = (
        'The rule: <a href="https://docs.aws.amazon.com/IAM/e.html" rel="noopener">'
        "Policy evaluation logic</a>"
    )
    assert rule not in client.get("/learn/one/a/").content.decode()  # not before predicting
    body = client.post(
        f"/learn/one/a/predict/{scenario.slug}/", {"decision": "ImplicitDeny"}
    ).content.decode()
    answer = body[body.index(f'id="predict-{scenario.slug}"') :]
    assert rule in answer[: answer.index("</article>")]


@pytest.mark.parametrize(
    "url",
    ["/", "/learn/one/", "/learn/one/a/", "/progress/", "/quizzes/", "/quizzes/review/"],
)
def test_pages_showing_a_learners_progress_are_not_kept_by_the_browser(learner_client, course, url):
    """A lesson marked complete (or a check answered) changes the page in place; after going on
    to another page, Back showed the copy the browser had kept from before: "Mark lesson
    complete" again, and the module page one lesson short. These pages are asked for again."""
    response = learner_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")


def test_the_module_quiz_box_says_whether_a_learner_passed_or_their_best_score(
    client, course, learner, other_learner
):
    """The box said only "test yourself": a learner had to open the quiz (or My progress) to
    learn they had passed it already, or how close they came."""
    from django.test import Client
    from django.utils import timezone

    from quizzes.models import Attempt
    from tests.conftest import sign_in
    from tests.quizzes.builders import make_question, make_quiz

    quiz = make_quiz(make_question(), module=course["one"], slug="one-quiz", title="One quiz")
    now = timezone.now()
    for score in (0.4, 0.6):
        Attempt.objects.create(
            quiz=quiz, user=learner, question_ids=[], started_at=now, submitted_at=now,
            score=score, passed=False,
        )  # fmt: skip
    sign_in(client, learner)
    body = client.get("/learn/one/").content.decode()
    assert 'test yourself: <a href="/quizzes/one-quiz/">One quiz</a>' in body
    assert "Not passed yet: your best score so far is 60%." in body
    Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[], started_at=now, submitted_at=now, score=0.9,
        passed=True,
    )  # fmt: skip
    body = client.get("/learn/one/").content.decode()
    assert "You have passed it." in body and "best score" not in body
    # Another learner, with no attempt, and a visitor: the link alone. The standing costs a
    # signed-in learner one query (their attempts at the module's quiz), a visitor none.
    other = Client()
    sign_in(other, other_learner)
    for who, reader in (("learner", other), ("visitor", Client())):
        reader.get("/learn/one/")
        with CaptureQueriesContext(connection) as queries:
            text = reader.get("/learn/one/").content.decode()
        assert "One quiz</a>" in text
        assert "passed it" not in text and "best score" not in text
        reads = [q for q in queries if 'FROM "quizzes_attempt"' in q["sql"]]
        assert len(reads) == (1 if who == "learner" else 0), who


class _Focusable(HTMLParser):
    """The page's links and buttons in document (Tab) order: (tag, href, id, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[list[str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "button"):
            named = dict(attrs)
            self._open = [tag, named.get("href") or "", named.get("id") or "", ""]
            self.found.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open[3] += data

    def handle_endtag(self, tag):
        if tag in ("a", "button"):
            self._open = None


def _focusable(page: str) -> list[list[str]]:
    parser = _Focusable()
    parser.feed(page)
    return [[tag, href, id_, " ".join(text.split())] for tag, href, id_, text in parser.found]


@pytest.mark.parametrize("done", [False, True])
def test_a_link_after_the_lessons_heading_reaches_its_completion_button(
    learner_client, learner, course, done
):
    """A long lesson's "Mark lesson complete" was 76-84 Tab presses from the top (its contents
    come after the lesson in Tab order). A link just after the heading, before the lesson's
    text, and an entry in "On this page", target the button's id, whichever it says."""
    if done:
        learner_client.post("/learn/one/a/complete/", {"done": "true"})
    page = learner_client.get("/learn/one/a/").content.decode()
    controls = _focusable(page)
    buttons = [c for c in controls if c[2] == "lesson-done"]
    assert len(buttons) == 1 and page.count('id="lesson-done"') == 1
    assert buttons[0][0] == "button"
    assert buttons[0][3] == ("Mark as not completed" if done else "Mark lesson complete")
    to_it = [c for c in controls if c[1] == "#lesson-done"]
    assert [text for _, _, _, text in to_it] == ["Skip to the end of the lesson", "Your progress"]
    heading, body = page.index('id="lesson-title"'), page.index('<div class="prose">')
    assert heading < page.index('href="#lesson-done"') < body
    # The link is the lesson's second stop, after its level's badge.
    before = controls[controls.index(to_it[0]) - 1]
    assert before[0] == "a" and "?level=" in before[1]


def test_the_completion_button_keeps_its_id_when_swapped(learner_client, course):
    swapped = learner_client.post(
        "/learn/one/a/complete/", {"done": "true"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert [c[3] for c in _focusable(swapped) if c[2] == "lesson-done"] == ["Mark as not completed"]
