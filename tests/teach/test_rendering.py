"""The teaching pages draw their form fields in Python (`teach.rendering`), not through Django's
form templates. What a teacher (and a screen reader) gets must not change: every page is the
same HTML, byte for byte, as Django's templates make it, and a field keeps its label, help text
and errors tied to its control."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import time_machine
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe

from teach.rendering import BETWEEN_TEMPLATE, PAGE_TEMPLATES, RENDERER
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question
from tests.teach.statsdata import build_class

pytestmark = pytest.mark.django_db

# What differs between two requests whatever draws the forms: CSRF tokens, CSP nonces.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+"')


def _both_ways(monkeypatch, fetch) -> tuple[str, str]:
    """The page as `teach.rendering` draws it, and as Django's form templates draw it."""
    with time_machine.travel("2026-06-01T12:00:00Z", tick=False):  # the case editor's clock
        fast = fetch()
        with monkeypatch.context() as m:
            m.setattr(RENDERER, "handlers", {})
            plain = fetch()
    assert fast.status_code == plain.status_code
    return (
        PER_REQUEST.sub(r"\1…", fast.content.decode()),
        PER_REQUEST.sub(r"\1…", plain.content.decode()),
    )


def test_it_draws_the_control_templates_itself():
    # Django's own templates are in use (no app overrides them), so the fast path is on.
    assert "django/forms/field.html" in RENDERER.handlers
    assert "django/forms/widgets/select.html" in RENDERER.handlers


# --- every teaching page with a form: the same HTML either way ----------------------------


# Refused: no prompt, a bad category and tag, rows that say little; each kind's own errors too.
REFUSED = {
    "prompt": "",
    "explanation": "<i>why</i>",
    "category": "Not A Slug",
    "new_tags": "Bad Tag",
    "misconceptions": ["thinks-a", "also-b"],
    "action": "save",
    "rows-TOTAL_FORMS": "2",
    "rows-INITIAL_FORMS": "0",
    "rows-0-text": 'A "quoted" <choice>',
    "rows-0-correct": "on",
    "k-reference": "{not json",
    "allow-TOTAL_FORMS": "1",
    "allow-INITIAL_FORMS": "0",
    "allow-0-context": "[1]",
    "deny-TOTAL_FORMS": "0",
    "deny-INITIAL_FORMS": "0",
}


# The shared fields right, the rows not: the kind's own check refuses them, and its problems
# are drawn beside their rows' fields (a choice's text and feedback, a request's resource).
REFUSED_ROWS = {
    "prompt": "Which?",
    "explanation": "Because.",
    "category": "srm",
    "action": "save",
    "rows-TOTAL_FORMS": "3",
    "rows-INITIAL_FORMS": "0",
    "rows-0-text": "A <b>choice</b>",
    "rows-0-correct": "on",
    "rows-1-feedback": "Feedback & no text",
    "rows-2-text": "A <b>choice</b>",
    "k-principal": "arn:aws:iam::111122223333:user/alice",
    "k-reference": '{"Version": "2012-10-17", "Statement": []}',
    "allow-TOTAL_FORMS": "2",
    "allow-INITIAL_FORMS": "0",
    "allow-1-action": "s3:GetObject",
    "allow-1-context": '{"aws:SecureTransport": "true"}',
    "deny-TOTAL_FORMS": "0",
    "deny-INITIAL_FORMS": "0",
}


def _pages(quiz, question) -> list[tuple[str, str, dict | None]]:
    """(method, url, data): every teaching form, drawn blank, filled and refused, so every
    widget, label, help text and error list the pages use is drawn at least once."""

    def new(kind: str) -> str:
        return reverse("teach:question-create", args=[quiz.pk, kind])

    bad_quiz = {"title": "<b>Mine</b> & “yours”", "pass_mark": "150", "tries": "x"}
    return [
        ("post", reverse("teach:quiz-create"), bad_quiz | {"feedback": "never"}),
        ("get", reverse("teach:quiz-edit", args=[quiz.pk]), None),
        ("get", reverse("teach:question-edit", args=[question.pk]), None),
        ("get", reverse("teach:bank") + "?kind=nope&level=x&module=gone&q=a&unused=on", None),
        ("post", reverse("teach:import"), {"format": "nope", "text": ""}),
        ("post", new("single"), REFUSED),
        ("post", new("ordering"), REFUSED | {"action": "add"}),
        ("post", new("true_false"), REFUSED),
        ("post", new("categorize"), REFUSED),
        ("get", new("policy_decision"), None),
        ("post", new("policy_decision"), REFUSED),
        ("post", new("least_privilege"), REFUSED),
        ("post", new("single"), REFUSED_ROWS),
        ("post", new("categorize"), REFUSED_ROWS | {"k-categories": "A\nB"}),
        ("post", new("least_privilege"), REFUSED_ROWS),
    ]


def test_every_teaching_form_is_the_same_html_as_djangos_templates_make(
    teacher, owned, monkeypatch
):
    quiz, question = owned
    # A create page's one-time token is random per page; the same on both renderings here.
    monkeypatch.setattr("srm_trainer.once.new_token", lambda: "one-page")
    make_module(title="Module <one> & “two”")
    make_scenario(title="A <scenario> & more")
    for method, url, data in _pages(quiz, question):
        send = getattr(teacher, method)
        args = (url, data) if data else (url,)
        fast, plain = _both_ways(monkeypatch, lambda s=send, a=args: s(*a))
        assert fast == plain, (method, url)


def test_the_statistics_filter_is_the_same_html_either_way(teacher, instructor, monkeypatch):
    quiz = build_class()[0]
    quiz.owner = instructor
    quiz.save()
    url = reverse("teach:quiz-statistics", args=[quiz.pk])
    for query in ("?attempts=first", "?attempts=bad"):
        fast, plain = _both_ways(monkeypatch, lambda q=query: teacher.get(url + q))
        assert "Attempts to count" in fast
        assert fast == plain, query


# --- odd values, widget by widget ------------------------------------------------------------


class Odd(forms.Form):
    """Values that test the escaping and the attributes' rules."""

    text = forms.CharField(
        label='Say "<b>it</b>" & go',
        help_text="<em>Help</em> stays HTML",
        widget=forms.TextInput(attrs={"data-on": True, "data-off": False, "data-n": 0}),
    )
    safe = forms.CharField(
        label=mark_safe("<span>safe</span>"),
        required=False,
        widget=forms.TextInput(attrs={"title": mark_safe("&amp; kept")}),
    )
    count = forms.IntegerField(label="Count", min_value=1)
    note = forms.CharField(widget=forms.Textarea, required=False, label="Note")
    flag = forms.BooleanField(required=False, label="Flag")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    pick = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [("a", "A & a"), ("b", "B")]), (3, "Three")],
        label="Pick",
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "X <x>"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, label="Many"
    )
    one = forms.ChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=forms.RadioSelect, label="One of"
    )


ODD_DATA = {
    "text": '"><script>x</script>',
    "count": "zero",
    "note": "line one\n<line two> & more",
    "flag": "on",
    "hidden": "h&i",
    "pick": "b",
    "many": ["x", "zzz"],
    "one": "3",
}


@pytest.mark.parametrize("data", [None, ODD_DATA], ids=["unbound", "bound-with-errors"])
def test_each_piece_is_the_same_as_djangos_template(data):
    fast = Odd(data, renderer=RENDERER, initial={"note": "start", "pick": 3})
    plain = Odd(data, renderer=DjangoTemplates(), initial={"note": "start", "pick": 3})
    fast.is_bound and fast.is_valid()
    plain.is_bound and plain.is_valid()
    for name in Odd.base_fields:
        a, b = fast[name], plain[name]
        assert a.as_field_group() == b.as_field_group(), name
        assert str(a) == str(b), name
        assert a.label_tag() == b.label_tag(), name
        assert str(a.errors) == str(b.errors), name
        for x, y in zip(a.subwidgets, b.subwidgets, strict=True):
            assert x.tag() == y.tag(), name
            assert x.tag(wrap_label=True) == y.tag(wrap_label=True), name


@pytest.mark.parametrize("data", [None, ODD_DATA], ids=["unbound", "bound-with-errors"])
def test_the_field_group_with_a_slot_is_djangos_with_the_slot_after_the_label(data, monkeypatch):
    """teach/_field_group_between.html (`field_group_with`: a row's "Correct" and "Remove"
    between its text's label and its box) is Django's field group with one slot after the
    label: empty, it draws Django's HTML; filled, the slot follows the label (or legend), the
    same whether written in Python or by the template."""
    slot = mark_safe('<button type="submit">Remove<span> choice "2"</span></button>')
    fast = Odd(data, renderer=RENDERER, initial={"note": "start", "pick": 3})
    plain = Odd(data, renderer=DjangoTemplates(), initial={"note": "start", "pick": 3})
    fast.is_bound and fast.is_valid()
    plain.is_bound and plain.is_valid()

    def group(field, between):
        context = {**field.get_context(), "between": between}
        return field.render(BETWEEN_TEMPLATE, context, renderer=PAGE_TEMPLATES)

    for name in Odd.base_fields:
        a, b = fast[name], plain[name]
        drawn = group(a, slot)
        with monkeypatch.context() as m:  # the handlers off: the template draws it
            m.setattr(RENDERER, "handlers", {})
            assert group(b, "") == b.as_field_group(), name
            assert group(b, slot) == drawn, name
        if b.label:
            label = b.legend_tag() if b.use_fieldset else b.label_tag()
            assert f"{label}{slot}" in drawn, name


class Hidden(forms.Form):
    """Only hidden fields, as a formset's management form: one required, to have an error."""

    one = forms.CharField(widget=forms.HiddenInput)
    two = forms.IntegerField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize("data", [None, ODD_DATA], ids=["unbound", "bound-with-errors"])
@pytest.mark.parametrize("form_class", [Odd, Hidden])
def test_a_whole_form_is_the_same_as_djangos_template(form_class, data):
    """`{{ form }}` (django/forms/div.html): visible fields each in its div, the hidden ones
    after the last (or alone, or boxed with the errors of a form that has only those)."""
    fast = form_class(data, renderer=RENDERER, initial={"note": "start", "pick": 3})
    plain = form_class(data, renderer=DjangoTemplates(), initial={"note": "start", "pick": 3})
    fast.is_bound and fast.is_valid()
    plain.is_bound and plain.is_valid()
    if data is not None:
        for form in (fast, plain):
            form.add_error(None, "Something about the <whole> form.")
    assert fast.render() == plain.render()
    assert str(fast) == str(plain)


def test_a_formsets_management_form_is_the_same_as_djangos_template():
    from teach.editors import ChoiceRow, _formset

    for data in (None, {"rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "x"}, {}):
        fast = _formset(ChoiceRow)(data, prefix="rows", initial=[{"text": "a"}])
        plain = _formset(ChoiceRow)(data, prefix="rows", initial=[{"text": "a"}])
        plain.renderer = DjangoTemplates()
        fast_html, plain_html = str(fast.management_form), str(plain.management_form)
        assert 'name="rows-TOTAL_FORMS"' in fast_html
        assert fast_html == plain_html, data


MANAGEMENT_DATA = [
    None,
    {"rows-TOTAL_FORMS": "3", "rows-INITIAL_FORMS": "0002", "rows-MAX_NUM_FORMS": "12"},
    {"rows-TOTAL_FORMS": "2", "rows-INITIAL_FORMS": "x"},
    {"rows-TOTAL_FORMS": '"><b>', "rows-INITIAL_FORMS": "0"},
    {},
]


@pytest.mark.parametrize("data", MANAGEMENT_DATA)
def test_the_management_form_drawn_in_python_is_djangos(data, monkeypatch):
    """`{% management_form %}` writes the hidden inputs itself (`rendering.hidden_form`) for a
    management form without errors, and leaves one with errors to Django: either way the same
    HTML as Django's templates make."""
    from teach.editors import ChoiceRow, _formset
    from teach.rendering import hidden_form
    from teach.templatetags.teach_forms import management_form

    fast = _formset(ChoiceRow)(data, prefix="rows", initial=[{"text": "a"}, {"text": "b"}])
    plain = _formset(ChoiceRow)(data, prefix="rows", initial=[{"text": "a"}, {"text": "b"}])
    plain.renderer = DjangoTemplates()
    assert management_form(fast) == str(plain.management_form)
    fine = data is None or fast.management_form.is_valid()  # unbound, or bound without errors
    assert (hidden_form(fast.management_form) is not None) == fine
    with monkeypatch.context() as m:  # the handlers off: Django draws it
        m.setattr(RENDERER, "handlers", {})
        assert hidden_form(fast.management_form) is None


# (tag, module, count): the bank tags in two modules (their keys filled in by the test) and in
# none; the misconceptions in none.
KNOWN_TAGS = [(f"tag-{n}", ("a", "b", None)[n % 3], n % 4) for n in range(40)]
KNOWN_MISCONCEPTIONS = [("thinks-a", None, 2), ("thinks-b", None, 0), ("confuses-c-and-d", None, 1)]
CHOOSER_DATA = [
    None,
    {
        "tags": ["tag-3", "fresh-one"],
        "new_tags": "s3, exam-2026",
        "misconceptions": [],
        "module": "b",
    },
    {"tags": ["tag-3", "<b>Bad</b>"], "new_tags": "Bad Tag", "new_misconceptions": "x" * 600},
    {"tags": [], "misconceptions": ["thinks-b", "thinks-new"]},
]


@pytest.mark.parametrize(
    "data", CHOOSER_DATA, ids=["unbound", "bound", "bound-with-errors", "none-ticked"]
)
def test_the_tag_chooser_drawn_in_python_is_its_templates(data, monkeypatch):
    """`{% tag_chooser %}` (`rendering.tag_chooser`) draws teach/_tag_chooser.html itself:
    boxes ticked or not, counted or not, none at all (the hint), a short list in the open or
    a long one grouped by module (groups open or folded, the question's module first, a
    title to escape), errors on either field: the same HTML as the template makes with
    Django's own form templates."""
    from django.template.loader import render_to_string

    from teach import rendering
    from teach.forms import QuestionForm

    keys = {"a": make_module(title="IAM & <roles>").pk, "b": make_module().pk, None: None}
    if data is not None and "module" in data:
        data = {**data, "module": str(keys[data["module"]])}
    initial = {"tags": ["tag-1", "tag-7", "kept-only"], "misconceptions": ["thinks-a"]}
    form = QuestionForm(
        data,
        initial=initial,
        known_tags=[(tag, keys[module], count) for tag, module, count in KNOWN_TAGS],
        known_misconceptions=KNOWN_MISCONCEPTIONS if data is not None else [],
    )
    form.is_bound and form.is_valid()
    for chosen, new in (("misconceptions", "new_misconceptions"), ("tags", "new_tags")):
        fast = rendering.tag_chooser(form[chosen], form[new])
        with monkeypatch.context() as m:
            m.setattr(RENDERER, "handlers", {})
            assert rendering.tag_chooser(form[chosen], form[new]) is None
            plain = render_to_string(
                "teach/_tag_chooser.html", {"chosen": form[chosen], "new": form[new]}
            )
        assert fast == plain, (chosen, data)
        assert ("<details" in fast) == (chosen == "tags")  # 40 bank tags fold, 3 do not
        if chosen == "tags":
            assert "IAM &amp; &lt;roles&gt;" in fast
    if data is not None and "<b>Bad</b>" in data["tags"]:
        assert "has-error" in fast and "&lt;b&gt;Bad&lt;/b&gt;" in fast


# --- what a teacher relies on ----------------------------------------------------------------


class _Controls(HTMLParser):
    """Labels (for → text), controls (id → attributes) and elements with an id (id → text)."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.controls: dict[str, dict] = {}
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None, str]] = []  # (tag, label for, id)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("id"):
            self.controls[a["id"]] = a
        if tag in ("label", "ul", "div") or a.get("id"):
            self._open.append((tag, a.get("for"), a.get("id") or ""))
            if a.get("id"):
                self.texts.setdefault(a["id"], "")
        if tag == "label" and a.get("for"):
            self.labels.setdefault(a["for"], "")

    def handle_data(self, data):
        for tag, for_, id_ in self._open:
            if tag == "label" and for_:
                self.labels[for_] += data
            if id_:
                self.texts[id_] += data

    def handle_endtag(self, tag):
        for n in range(len(self._open) - 1, -1, -1):
            if self._open[n][0] == tag:
                del self._open[n:]
                break


def _controls(html: str) -> _Controls:
    parser = _Controls()
    parser.feed(html)
    return parser


def test_a_refused_question_names_each_error_on_its_field(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    page = teacher.post(url, {"prompt": "", "explanation": "x", "category": "Not A Slug"})
    seen = _controls(page.content.decode())
    # Every visible control has a label tied to it.
    for id_, attrs in seen.controls.items():
        if attrs.get("type") not in ("hidden", "submit", "checkbox") and id_.startswith("id_"):
            assert seen.labels.get(id_, "").strip(), id_
    assert seen.labels["id_prompt"] == "Prompt (Markdown)"
    # The prompt is marked invalid and described by its error, which says what to do.
    prompt = seen.controls["id_prompt"]
    assert prompt["aria-invalid"] == "true"
    assert prompt["aria-describedby"] == "id_prompt_error"
    assert seen.texts["id_prompt_error"] == "Write the question's prompt."
    # The category is described by its help text and its error, both on the page.
    category = seen.controls["id_category"]
    assert category["aria-invalid"] == "true"
    assert category["aria-describedby"].split() == ["id_category_helptext", "id_category_error"]
    assert "Lower-case words joined by dashes" in seen.texts["id_category_helptext"]
    assert seen.texts["id_category_error"].strip()
    # A valid field is not marked, and keeps its help text.
    level = seen.controls["id_level"]
    assert "aria-invalid" not in level
    assert level["aria-describedby"] == "id_level_helptext"


def test_a_quiz_setting_keeps_its_label_help_and_typed_value(teacher, owned):
    quiz, _ = owned
    page = teacher.post(
        reverse("teach:quiz-edit", args=[quiz.pk]),
        {"title": 'A "quoted" <title>', "pass_mark": "150", "attempts_allowed": "2"},
    )
    html = page.content.decode()
    seen = _controls(html)
    title = seen.controls["id_title"]
    assert title["value"] == 'A "quoted" <title>'  # escaped in the HTML, intact for the reader
    assert "&lt;title&gt;" in html and '<title>"' not in html
    assert seen.labels["id_pass_mark"] == "Pass mark (percent)"
    assert seen.controls["id_pass_mark"]["aria-invalid"] == "true"
    assert seen.texts["id_pass_mark_error"].strip()
    assert seen.labels["id_attempts_allowed"] == "Attempts allowed"
    assert (
        seen.controls["id_attempts_allowed"]["aria-describedby"] == "id_attempts_allowed_helptext"
    )
    assert seen.texts["id_attempts_allowed_helptext"] == "0 means unlimited."
    # Each field sits in its box (teach_forms.field_group): marked when it has an error, and
    # for a checkbox, which the CSS lays out beside its label.
    assert re.search(r'<div class="field has-error">\s*<label for="id_pass_mark">', html)
    assert re.search(r'<div class="field">\s*<label for="id_title">', html)
    assert re.search(r'<div class="field field-check">\s*<label for="id_shuffle_questions">', html)


def test_a_stored_question_is_drawn_with_its_values_chosen(teacher, instructor):
    module = make_module(title="Shared <model>")
    question = make_question(
        "single", owner=instructor, source="authored", module=module, category="mine", lesson=None
    )
    page = teacher.get(reverse("teach:question-edit", args=[question.pk])).content.decode()
    assert f'<option value="{module.pk}" selected>Shared &lt;model&gt;</option>' in page
    assert 'name="category" value="mine"' in page


def test_the_module_menu_says_what_the_model_says_and_a_lesson_is_typed(instructor):
    """The module menu is read as rows (`teach.forms.ModuleChoiceField`): each entry is still
    the row's key and its `__str__`, in the queryset's order. The lesson is no menu: its
    address (or id) cleans to the row."""
    from lessons.models import Module
    from teach.forms import QuestionForm

    first, second = make_module(title="Zeta & <co>"), make_module(title="Alpha")
    lessons = [make_lesson(first), make_lesson(second), make_lesson(first)]
    form = QuestionForm()
    modules = Module.objects.order_by("order", "slug")
    assert list(form.fields["module"].choices) == [("", "---------")] + [
        (m.pk, str(m)) for m in modules
    ]
    assert '<select name="lesson"' not in str(form["lesson"])
    for sent in (lessons[2].pk, str(lessons[2]), f" {lessons[2]} "):
        posted = QuestionForm({"prompt": "p", "explanation": "e", "category": "c", "lesson": sent})
        assert posted.is_valid(), posted.errors
        assert posted.cleaned_data["lesson"] == lessons[2]
    for gone in (9999, "nowhere/nothing", "a/b/c", "x" * 300):
        form = QuestionForm({"prompt": "p", "explanation": "e", "category": "c", "lesson": gone})
        assert not form.is_valid() and "lesson" in form.errors
