"""`{% kept %}` parts (srm_trainer/kept_fragments.py): what a kept part draws is what Django
draws for the same template with `{% with %}` in its place, on the first render and on every
later one, whoever is asking; and the parser refuses a kept part that could show one visitor
what belongs to another."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.template import Context, Template, TemplateSyntaxError, engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, set_script_prefix
from django.utils import timezone
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from srm_trainer import kept_fragments
from srm_trainer.accounts.roles import set_instructor
from srm_trainer.sessions import SessionStore

BASE = settings.BASE_DIR / "templates" / "base.html"


def without_keeping(source: str) -> str:
    """The same template drawn by Django alone: `{% kept %}` is `{% with %}`, holes plain."""
    source = re.sub(r"{% kept (.*?) %}", r"{% with \1 %}", source)
    source = source.replace("{% endkept %}", "{% endwith %}")
    return re.sub(r"{% (end)?live %}", "", source)


def draw(source: str, **context) -> str:
    return Template(source).render(Context(context))


PART = (
    "{% kept here=page %}<a href=\"{% url 'home' %}\"{% if here == 'home' %} aria-current"
    "{% endif %}>Learn</a> {{ here }}: <b>{% live %}{{ name }}{% endlive %}</b>"
    "{% if here == 'search' %}[{% live %}{{ q }}{% endlive %}]{% endif %}{% endkept %}"
)


def test_a_kept_part_draws_what_django_draws_every_time_for_whoever_asks():
    template, plain = Template(PART), Template(without_keeping(PART))
    for page, name, q in [
        ("home", "ada", "x"),
        ("home", "grace <script>", "y"),  # same key: only the holes differ
        ("search", "ada", "<b>iam</b>"),
        ("search", "grace", "s3 & kms"),
        ("lesson", "ada", ""),
        ("home", "ada", "z"),
    ]:
        context = {"page": page, "name": name, "q": q}
        assert template.render(Context(context)) == plain.render(Context(context))


def test_a_hole_inside_a_hole_and_a_value_that_cannot_be_a_key():
    source = "{% kept v=v %}<{% live %}a{% live %}{{ n }}{% endlive %}b{% endlive %}>{% endkept %}"
    template = Template(source)
    for n in (1, 2, 3):
        assert template.render(Context({"v": "k", "n": n})) == f"<a{n}b>"
        assert template.render(Context({"v": ["not", "hashable"], "n": n})) == f"<a{n}b>"


def test_a_part_is_kept_only_so_many_times(monkeypatch):
    monkeypatch.setattr(kept_fragments, "MAX_KEPT", 2)
    template = Template("{% kept v=v %}{{ v }}{% live %}{{ n }}{% endlive %}{% endkept %}")
    for v in range(5):
        assert template.render(Context({"v": v, "n": -v})) == f"{v}{-v}"
    node = template.nodelist[0]
    assert len(node.kept) == 2  # the latest two; the oldest went first
    assert template.render(Context({"v": 0, "n": 9})) == "09"  # drawn again
    assert len(node.kept) == 2


def test_links_follow_the_script_prefix_and_static_urls_a_settings_change(settings):
    template = Template("{% kept v=v %}{% url 'home' %} {% static 'css/site.css' %}{% endkept %}")
    assert template.render(Context({"v": 1})) == "/ /static/css/site.css"
    try:
        set_script_prefix("/trainer/")
        assert template.render(Context({"v": 1})) == "/trainer/ /static/css/site.css"
    finally:
        set_script_prefix("/")
    settings.STATIC_URL = "/assets/"
    assert template.render(Context({"v": 1})) == "/ /assets/css/site.css"


@pytest.mark.parametrize(
    "inside",
    [
        "{{ name }}",  # another variable: whose name would be kept?
        "{{ here.upper }}",  # even an attribute of a kept name
        "{{ here|upper }}",
        "{% if user.is_staff %}x{% endif %}",
        "{% if here|length %}x{% endif %}",
        "{% for x in here %}{{ x }}{% endfor %}",
        "{% url 'module' slug %}",
        "{% url 'home' as where %}",
        "{% static path %}",
        "{% include 'base.html' %}",
        "{% csrf_token %}",
        "{% now 'Y' %}",
        "{% with x=here %}{% endwith %}",
    ],
)
def test_the_parser_refuses_what_could_differ_between_two_renders(inside):
    with pytest.raises(TemplateSyntaxError, match="kept"):
        Template("{% kept here=page %}" + inside + "{% endkept %}")
    # ... and a hole may hold it (the page's context, plus the part's names)
    Template("{% kept here=page %}{% live %}" + inside + "{% endlive %}{% endkept %}")


# Markup a part shows twice (the header's reference links: in the menu, and under "More"),
# written once as a partial of the part.
TWICE = (
    '{% load partials %}{% kept here=page %}<ul>{% partialdef links inline %}<li><a href="'
    "{% url 'home' %}\"{% if here == 'home' %} aria-current{% endif %}>Learn</a>"
    "{% live %}{{ name }}{% endlive %}</li>{% endpartialdef %}</ul><ul>{% partial links %}</ul>"
    "{% endkept %}"
)


def test_a_partial_of_the_part_is_drawn_where_it_is_used_as_django_draws_it():
    template, plain = Template(TWICE), Template(without_keeping(TWICE))
    for page, name in [("home", "ada"), ("home", "<b>grace</b>"), ("lesson", "ada")]:
        context = {"page": page, "name": name}
        drawn = template.render(Context(context))
        assert drawn == plain.render(Context(context))
        assert drawn.count("<li>") == 2 and drawn.count(conditional_escape(name)) == 2


@pytest.mark.parametrize(
    "source",
    [
        # defined outside the part: never checked
        "{% partialdef links %}{{ name }}{% endpartialdef %}"
        "{% kept here=page %}{% partial links %}{% endkept %}",
        # used before it is defined in the part (and so, too, inside its own definition)
        "{% kept here=page %}{% partial links %}{% partialdef links %}x{% endpartialdef %}"
        "{% endkept %}",
        "{% kept here=page %}{% partialdef links %}{% partial links %}{% endpartialdef %}"
        "{% endkept %}",
        # a partial of the part holds no more than the part may
        "{% kept here=page %}{% partialdef links %}{{ name }}{% endpartialdef %}{% endkept %}",
    ],
)
def test_the_parser_refuses_a_partial_it_has_not_checked(source):
    with pytest.raises(TemplateSyntaxError, match="kept"):
        Template("{% load partials %}" + source)


def test_a_partial_of_the_part_is_the_one_it_checked_whatever_comes_after():
    """A definition of the same name after the part, which could hold anything, is the one
    `{% partial %}` would find by name when drawing: the part draws the one it checked."""
    source = TWICE + "{% partialdef links %}{{ secret }}{% endpartialdef %}"
    drawn = Template(source).render(Context({"page": "home", "name": "ada", "secret": "s3cr3t"}))
    assert "s3cr3t" not in drawn and drawn.count("Learn</a>ada") == 2


def test_the_tag_takes_named_values_only():
    for source in ("{% kept %}{% endkept %}", "{% kept page %}{% endkept %}"):
        with pytest.raises(TemplateSyntaxError):
            Template(source)
    with pytest.raises(TemplateSyntaxError):
        Template("{% live now %}{% endlive %}")


TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a CSRF token, masked afresh on every render


def _request(path: str, user):
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request._messages = default_storage(request)
    request.resolver_match = resolve(request.path_info)
    return request


def test_the_page_header_is_drawn_as_django_draws_it_for_every_role_and_page(db):
    """templates/base.html's kept header against the same file drawn by Django alone, each
    request twice (the second from what was kept), across roles and pages that change it."""
    from quizzes import review
    from tests.quizzes.builders import make_question

    users = get_user_model().objects
    ada = users.create_user("ada", password="x" * 12)
    grace = users.create_user("grace<&>", password="x" * 12)
    past = timezone.now() - timedelta(days=2)
    for _ in range(2):
        review.card_record(user=ada, question=make_question(), correct=False, now=past)
    turing = users.create_user("turing", password="x" * 12)
    set_instructor(user=turing, instructor=True)
    morgan = users.create_user("morgan", password="x" * 12, is_staff=True)
    engine = engines["django"]
    kept = engine.get_template("base.html")
    plain = engine.from_string(without_keeping(BASE.read_text()))
    pages = ["/", "/learn/iam/", "/quizzes/", "/quizzes/review/", "/learn/glossary/", "/teach/"]
    pages += ["/search/?q=%3Cb%3Es3", "/sandbox/", "/security/", "/?next=%22%3E"]
    for path in pages:
        for user in (AnonymousUser(), ada, grace, turing, morgan):
            query = {"q": "<b>s3"} if path.startswith("/search/") else {}
            expected = TOKEN.sub("TOKEN", plain.render(query, _request(path, user)))
            assert "<header" in expected
            for _ in range(2):
                page = kept.render(query, _request(path, user))
                assert TOKEN.sub("TOKEN", page) == expected, (path, user)


# Kept drawings (`@kept_drawing`): the same rules for HTML kept from Python code.

DRAWN: list = []  # what the drawings below were asked to draw, in order


def _shown(value) -> str:
    DRAWN.append(value)
    return repr(value)


def _escaped(value) -> str:
    return conditional_escape(value)


def _from_the_course(course, n: int) -> str:
    DRAWN.append(n)
    return f"{len(course.value.everything.entries)} lessons, {n}"


def test_a_drawing_is_kept_by_its_arguments_each_with_its_type():
    """`True == 1` and `1 == 1.0`, but a page drawn for one must not be shown for the other."""
    shown = kept_fragments.kept_drawing(limit=8)(_shown)
    DRAWN.clear()
    assert [shown(v) for v in (1, True, 1.0, "1", (1, True), (True, 1), 1, True)] == [
        "1",
        "True",
        "1.0",
        "'1'",
        "(1, True)",
        "(True, 1)",
        "1",
        "True",
    ]
    assert DRAWN == [1, True, 1.0, "1", (1, True), (True, 1)]  # the last two were kept
    escaped = kept_fragments.kept_drawing(limit=8)(_escaped)
    assert escaped("<b>") == "&lt;b&gt;" and escaped(mark_safe("<b>")) == "<b>"  # noqa: S308


def test_what_may_not_be_in_a_key_is_drawn_every_time():
    """A row, a user, a date, a list: their equality says nothing of what is drawn from them
    (a model row equals another with the same id), so they are never a key."""
    shown = kept_fragments.kept_drawing(limit=8)(_shown)
    user = get_user_model()(pk=1, username="ada")
    for value in (user, timezone.now(), ["a"], (1, ["a"])):
        DRAWN.clear()
        assert shown(value) == shown(value) == repr(value)
        assert len(DRAWN) == 2, value
    assert len(shown.kept) == 0


def test_a_drawing_is_a_plain_function_handed_only_its_key():
    secret = "one visitor's"

    def closure(value) -> str:
        return f"{value} {secret}"

    for draw in (closure, str.upper, Template("x").render):
        with pytest.raises(TypeError, match="plain function"):
            kept_fragments.kept_drawing(limit=1)(draw)


@pytest.mark.django_db(transaction=True)
def test_nothing_drawn_from_a_build_made_inside_a_transaction_is_kept():
    """Committed rows, as a server sees them: the course's build inside a transaction is not
    lasting (versioned_cache), so what is drawn from it is drawn every time; outside, once."""
    from django.db import transaction

    from lessons import reading_order
    from tests.conftest import make_lesson, make_module

    drawn = kept_fragments.kept_drawing(limit=8)(_from_the_course)
    make_lesson(make_module())
    DRAWN.clear()
    with transaction.atomic():
        make_lesson(make_module())
        course = reading_order.kept()
        assert drawn(course, 1) == drawn(course, 1) == "2 lessons, 1"
        assert DRAWN == [1, 1] and len(drawn.kept) == 0
    DRAWN.clear()
    course = reading_order.kept()
    assert drawn(course, 1) == drawn(course, 1) == "2 lessons, 1"
    assert DRAWN == [1]


@pytest.mark.django_db(transaction=True)
def test_a_new_version_of_the_course_forgets_what_was_drawn_from_the_old_one():
    from lessons import reading_order
    from tests.conftest import make_lesson, make_module

    drawn = kept_fragments.kept_drawing(limit=8)(_from_the_course)
    module = make_module()
    make_lesson(module)
    assert [drawn(reading_order.kept(), n) for n in (1, 2)] == ["1 lessons, 1", "1 lessons, 2"]
    assert len(drawn.kept) == 2
    make_lesson(module)  # a new version of the course
    assert drawn(reading_order.kept(), 1) == "2 lessons, 1"
    assert len(drawn.kept) == 1  # the old version's drawings let go


def _probe_page(word: str) -> str:
    return render_to_string("kept_edit_probe.html", {"word": word})


def test_an_edited_template_is_drawn_afresh_without_a_restart(settings, tmp_path):
    """The development server empties its template loaders when a template is saved and goes
    on without restarting (django.template.autoreload); what a kept drawing drew from the old
    text must go too, or the edit does not show until a restart."""
    page = tmp_path / "kept_edit_probe.html"
    page.write_text("<p>Before: {{ word }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    probe = kept_fragments.kept_drawing(limit=4)(_probe_page)
    assert probe("hello") == "<p>Before: hello</p>"
    page.write_text("<p>After: {{ word }}</p>")
    assert probe("hello") == "<p>Before: hello</p>"  # kept: the server has not been told yet
    told = file_changed.send(sender=None, file_path=page)
    assert any(answer is True for _, answer in told)  # Django's own: no restart, loaders reset
    assert probe("hello") == "<p>After: hello</p>"
