"""The policy-decision editor: pick or write a scenario with the sandbox's case editor, and see
the engine's key (decision, deciding statements, findings) as you type.

The case editor is the sandbox's own (`templates/sandbox/case_editor.html`, read by
`srm_trainer.sandbox.state`, evaluated by `srm_trainer.sandbox.live.analyse`), with its field
names prefixed `case-` so they sit inside the question's form. Saving writes the scenario
first: an author's own scenario is updated in place; a curriculum scenario is never changed, so
an edited one is saved as a new scenario of the author's (`source=authored`, `owner`). Every
scenario is checked by `Scenario.clean()` (its `expect` must agree with the engine), the
question by `Question.clean()`, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from curriculum.validation import DECISIONS
from lessons.models import Scenario, Source
from quizzes.explain import NO_STATEMENT, NO_STATEMENT_LABEL, case_statements
from srm_trainer.iam import PolicyError, evaluate
from srm_trainer.iam.words import DECISIONS as DECISION_WORDS
from srm_trainer.prepared import instance
from srm_trainer.sandbox.live import Analysis, Note, analyse
from srm_trainer.sandbox.panel import case_editor_context
from srm_trainer.sandbox.state import (
    REQUEST_EDITORS,
    SandboxState,
    StateError,
    apply_op,
    aws_context_for,
    starter_state,
    state_from_case,
    state_from_form,
    state_to_case,
    unprefixed,
)
from srm_trainer.typed_text import one_char_line_breaks
from teach.access import ByViewer
from teach.editors import Editor, Linked, Parts, _Form
from teach.widgets import FittedTextarea

CASE_PREFIX = "case-"
# The scenario form's fields that edit a `Scenario` field of the same name (or, `expect`, its
# case's expected decision): a refusal of one is shown beside it.
SCENARIO_FIELDS = ("title", "situation", "explanation", "expect")
MENU_FIELDS = ("pk", "title", "source", "owner_id")  # what the scenario menu shows
NEW = ""  # the scenario choice "a new scenario"


def scenarios_for(user) -> QuerySet[Scenario]:
    """The scenarios `user` may build a question on: the curriculum's (file, or made in the
    admin, which have no owner) and their own. Another instructor's are not there at all."""
    rows = Scenario.objects.all()
    if not user.is_staff:
        rows = rows.filter(Q(source=Source.FILE) | Q(owner__isnull=True) | Q(owner=user))
    return rows.order_by("title", "slug")


# The menu's columns in the model's field order (as `Model.from_db` takes a partial row), and
# its read by whether the user is staff, compiled once (`PreparedQuery`).
MENU_COLUMNS = [
    f.attname
    for f in Scenario._meta.concrete_fields
    if f.attname in MENU_FIELDS or (f.primary_key and "pk" in MENU_FIELDS)
]
MENU_READ = ByViewer(Scenario, lambda user: scenarios_for(user).values_list(*MENU_COLUMNS))


def scenario_menu(user) -> list[Scenario]:
    """`scenarios_for(user)` with only the menu's fields (`MENU_FIELDS`), as `only()` reads
    them (the rest deferred)."""
    return [instance(Scenario, row, MENU_COLUMNS) for row in MENU_READ.rows(user)]


def may_edit_scenario(user, scenario: Scenario) -> bool:
    """Authored scenarios are changed in place by their owner (or staff); curriculum ones never
    are here (the loader owns them): an edit becomes the author's own copy."""
    return scenario.source == Source.AUTHORED and (
        user.is_staff or (scenario.owner_id is not None and scenario.owner_id == user.pk)
    )


class ScenarioForm(_Form):
    scenario = forms.ChoiceField(label="Scenario", required=False)
    # The scenario whose case the editor holds (set when one is opened): saving writes to it,
    # never to one merely chosen in the menu and not opened.
    opened = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="Scenario title", max_length=200, required=False)
    situation = forms.CharField(
        label="Situation (Markdown): who is acting, where, and what they want",
        max_length=5000,
        required=False,
        widget=FittedTextarea(most=12),
    )
    explanation = forms.CharField(
        label="Explanation (Markdown): why AWS decides as it does, shown after the prediction",
        max_length=5000,
        required=False,
        widget=FittedTextarea(most=12),
        help_text="In a lesson the learner predicts first; this is what they read afterwards.",
    )
    expect = forms.ChoiceField(
        label="Expected decision",
        required=False,
        choices=[("", "Whatever the engine decides (filled in on save)")]
        + [(d, DECISION_WORDS.get(d, d)) for d in DECISIONS],
        help_text="Lessons show it as the answer, so it must agree with the engine.",
    )
    ask_statement = forms.BooleanField(
        label="Also ask which statement decided it (half the score)", required=False
    )

    def __init__(self, *args, scenarios: Callable[[], list[Scenario]], user=None, **kwargs):
        """`scenarios`: reads the menu, whose rows may hold only what it shows (`MENU_FIELDS`).
        It is called when the menu is first needed (drawn, validated, or an entry opened): a
        live check as the author types draws no menu, so reads none."""
        super().__init__(*args, **kwargs)
        self._read_menu = scenarios
        self._user = user
        self._whole: dict[str, Scenario | None] = {}
        for name in ("scenario", "opened"):
            menu = self.fields[name]
            assert isinstance(menu, forms.ChoiceField)  # the form's own copy of the field above
            menu.choices = self._choices

    @cached_property
    def scenarios(self) -> dict[str, Scenario]:
        """The menu's scenarios by key, read once."""
        return {str(s.pk): s for s in self._read_menu()}

    @cached_property
    def _menu(self) -> list[tuple[str, str]]:
        user = self._user

        def whose(s: Scenario) -> str:
            if s.source == Source.FILE:
                return "curriculum"
            return "yours" if user is not None and s.owner_id == user.pk else "shared"

        return [(NEW, "A new scenario, written below")] + [
            (key, f"{s.title} ({whose(s)})") for key, s in self.scenarios.items()
        ]

    def _choices(self) -> list[tuple[str, str]]:
        return self._menu

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean() gives cleaned_data
        if "scenario" in data and "opened" in data and data["scenario"] != data["opened"]:
            held = self.scenarios.get(data["opened"])
            self.add_error(
                "scenario",
                "Open the chosen scenario first: the editor below still holds "
                + (f"“{held.title}”." if held else "a new scenario."),
            )
        return data

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the scenario a title.")
        return title

    def clean_situation(self) -> str:
        situation = self.cleaned_data["situation"].strip()
        if not situation:
            raise forms.ValidationError("Describe the situation: learners read it first.")
        return situation

    def whole(self, key) -> Scenario | None:
        """The whole scenario behind a menu entry, read once; None for "a new scenario" (or
        a key not on the menu)."""
        key = str(key)
        if key == NEW:
            return None
        if key not in self._whole:
            row = self.scenarios.get(key)
            if row is not None and row.get_deferred_fields():
                row = Scenario.objects.filter(pk=row.pk).first()
            self._whole[key] = row
        return self._whole[key]

    def keep(self, scenario: Scenario) -> None:
        """`scenario`, read whole elsewhere, is what its menu entry stands for."""
        self._whole[str(scenario.pk)] = scenario

    def chosen(self) -> Scenario | None:
        """The scenario the editor holds (after `is_valid()`)."""
        return self.whole(self.cleaned_data.get("opened") or NEW)


def _posted_values(post) -> dict:
    """The scenario form's fields as typed (to draw them again without errors)."""
    values = {name: post.get(f"k-{name}", "") for name in ScenarioForm.base_fields}
    values["ask_statement"] = post.get("k-ask_statement") in ("on", "true", "1")
    return values


def _scenario_values(scenario: Scenario) -> dict:
    return {
        "scenario": str(scenario.pk),
        "opened": str(scenario.pk),
        "title": scenario.title,
        "situation": scenario.situation,
        "explanation": scenario.explanation,
        "expect": scenario.expected if scenario.expected in DECISIONS else "",
    }


def _state_of(scenario: Scenario | None) -> tuple[SandboxState, str]:
    if scenario is None:
        return starter_state(), ""
    try:
        case = scenario.case if isinstance(scenario.case, dict) else None
        return state_from_case({k: v for k, v in (case or {}).items() if k != "name"}), ""
    except StateError as exc:
        return starter_state(), f"This scenario's case cannot be opened: {exc.message}"


def read_state(post) -> tuple[SandboxState, str]:
    """The case as posted, and why it cannot be evaluated ("" when it can): past the sandbox's
    limits, the text is kept to be drawn again (nothing typed is lost) but never evaluated."""
    # Line breaks as the browser counted them (CR LF sent as LF), as every textarea reads
    # them: a policy was stored, exported and counted against its limit with CR LF in it.
    data = {
        key: one_char_line_breaks(value) if isinstance(value, str) else value
        for key, value in unprefixed(post, CASE_PREFIX).items()
    }
    try:
        return state_from_form(data), ""
    except StateError as exc:
        return state_from_form(data, strict=False), exc.message


@dataclass(kw_only=True)
class PolicyParts(Parts):
    form: ScenarioForm
    state: SandboxState = field(default_factory=starter_state)
    refusal: str = ""
    user: object = None
    _analysis: Analysis | None = None

    def is_valid(self) -> bool:
        return self.form.is_valid() and not self.refusal

    @property
    def analysis(self) -> Analysis:
        """The engine's verdict on the case (once per request; never for a refused case)."""
        if self._analysis is None:
            if self.refusal:
                self._analysis = Analysis(
                    state=self.state, case={}, error=Note("error", self.refusal)
                )
            else:
                self._analysis = analyse(self.state)
        return self._analysis

    def expect_value(self) -> str:
        form = self.form
        if form.is_bound:
            return form.data.get(form.add_prefix("expect"), "")
        return form.initial.get("expect") or ""

    def chosen(self) -> Scenario | None:
        """The scenario the editor holds."""
        form = self.form
        key = form.data.get(form.add_prefix("opened")) if form.is_bound else None
        if key is None:
            key = form.initial.get("opened") or NEW
        return form.whole(key)

    def summary(self) -> list[str]:
        return [self.refusal] if self.refusal else []

    def engine_refusal(self) -> Linked | None:
        """Why the engine cannot decide the case, in the words and place the key panel shows
        ("Identity policy 1, line 4, column 24: Invalid JSON: …"), linked to the editor that
        holds it; None when it can. `Scenario.clean()` says the same thing in the case's own
        terms ("invalid case: … (identity_policies[0])", or, the key left to the engine,
        "case.expect must be …"), which a teacher cannot act on."""
        analysis = self.analysis
        error = analysis.error
        if error is None:
            return None
        where = analysis.error_where
        editor = next(
            (
                name
                for name, notes in analysis.notes.items()
                if any(n.code == error.code and n.line == error.line for n in notes)
            ),
            "",
        )
        if editor in REQUEST_EDITORS:
            anchor = "context-fold" if editor == "context" else editor
        else:
            anchor = f"editor-{editor}" if editor and editor != "case" else "live"
        return Linked(f"{where}: {error.message}" if where else str(error.message), anchor)

    def context(self, request) -> dict:
        # The held scenario, whether it is the author's and how many questions use it, only
        # when the template asks (callables, each worked out once): the editor's menu shows
        # them, the live check as the author types does not (its whole row and a count were
        # read on every keystroke's check).
        chosen = cache(self.chosen)

        @cache
        def chosen_editable() -> bool:
            held = chosen()
            return held is not None and may_edit_scenario(self.user, held)

        @cache
        def chosen_uses() -> int:
            held = chosen()
            return held.questions.count() if held is not None else 0

        decision = self.analysis.decision
        expect = self.expect_value()
        statements = []
        if decision and not self.refusal:
            try:
                statements = case_statements(self.analysis.case)
            except PolicyError:
                statements = []
        return {
            **case_editor_context(
                request,
                self.state,
                url=request.get_full_path(),
                target="#pd-editor",
                prefix=CASE_PREFIX,
                oob=False,
                analysis=self.analysis,
                folded=True,  # the key in view; the steps folded, no diagram or permalink
            ),
            "chosen": chosen,
            "chosen_editable": chosen_editable,
            "chosen_uses": chosen_uses,
            "expect": expect,
            "expect_disagrees": bool(expect and decision and expect != decision),
            "learner_statements": [*statements, (NO_STATEMENT, NO_STATEMENT_LABEL)]
            if statements or decision == "ImplicitDeny"
            else [],
        }


class PolicyDecisionEditor(Editor[PolicyParts]):
    value: str = "policy_decision"
    section_title = "Scenario and key"
    live_template = "teach/editors.html#policy_live"
    fragment_template = "teach/editors.html#policy_decision_swap"
    uses_case_editor = True
    uses_policy_editor = True

    def _form(self, question, user, post=None, initial=None) -> ScenarioForm:
        def menu() -> list[Scenario]:
            # What the menu shows, not every scenario's case and texts (read for the one
            # opened or saved, `ScenarioForm.whole`); read only when the menu is needed.
            scenarios = scenario_menu(user)
            if question.scenario_id:
                held = question.scenario  # read whole with the question
                scenarios = [held if s.pk == held.pk else s for s in scenarios]
                if held not in scenarios:
                    scenarios.append(held)  # already on this question: keep offering it
            return scenarios

        if post is not None:
            return ScenarioForm(post, prefix="k", scenarios=menu, user=user)
        return ScenarioForm(prefix="k", initial=initial or {}, scenarios=menu, user=user)

    def parts(self, question, post=None, rows=None, *, user=None) -> PolicyParts:
        if post is not None:
            state, refusal = read_state(post)
            form = self._form(question, user, post)
            return PolicyParts(form=form, state=state, refusal=refusal, user=user)
        scenario = question.scenario if question.scenario_id else None
        initial = _scenario_values(scenario) if scenario else {}
        initial["ask_statement"] = question.ask_statement
        state, refusal = _state_of(scenario)
        form = self._form(question, user, initial=initial)
        return PolicyParts(form=form, state=state, refusal=refusal, user=user)

    def redraw(self, question, post, *, user=None, values: dict | None = None, state=None):
        """The editor as typed, without errors (after a preview or a button)."""
        posted, refusal = read_state(post)
        initial = _posted_values(post) | (values or {})
        form = self._form(question, user, initial=initial)
        if state is not None:
            posted, refusal = state, ""
        return PolicyParts(form=form, state=posted, refusal=refusal, user=user)

    def act(self, question, post, action, *, user=None) -> PolicyParts | None:
        """The editor's buttons: the sandbox's (add a policy, a context key, …), open the chosen
        scenario, and take the engine's decision as the expected one."""
        op = post.get("op", "")
        if not op:
            return None
        if op == "load-scenario":
            # The chosen scenario is found through the form that draws the menu: one form,
            # and the menu read once (a second form read it again to draw it).
            parts = self.redraw(question, post, user=user)
            scenario = parts.form.whole(post.get("k-scenario", NEW))
            if scenario is None:  # "a new scenario": keep the case as typed, to save as new
                parts.form.initial.update(scenario=NEW, opened=NEW)
                return parts
            parts.form.initial.update(_scenario_values(scenario))
            parts.state, parts.refusal = _state_of(scenario)
            return parts
        parts = self.redraw(question, post, user=user)
        if parts.refusal:
            return parts
        if op == "fill-expect":
            decision = parts.analysis.decision
            if decision:
                parts.form.initial["expect"] = decision
            return parts
        state = apply_op(parts.state, op, extra_context=aws_context_for(parts.state))
        return self.redraw(question, post, user=user, state=state)

    def live(self, question, post, action, *, user=None) -> PolicyParts | None:
        if action != "engine":
            return None
        return self.redraw(question, post, user=user)

    def fill(self, question, parts: PolicyParts, *, previous: dict, user) -> list:
        """Point the question at the scenario the editor describes; returns the scenario when
        it must be saved first (new, or the author's own, changed)."""
        data = parts.form.cleaned_data
        case = state_to_case(parts.state)
        case.pop("name", None)
        expect = data["expect"]
        if not expect:
            try:
                expect = evaluate(case).decision
            except PolicyError:
                expect = ""  # `Scenario.clean()` says why the case is invalid
        if expect:
            case["expect"] = expect
        chosen = parts.form.chosen()
        question.ask_statement = data["ask_statement"]
        question.data = {}
        if chosen is not None and self._same(chosen, case, data):
            question.scenario = chosen
            return []
        if chosen is not None and may_edit_scenario(user, chosen):
            scenario = chosen
        else:
            scenario = Scenario(source=Source.AUTHORED, owner=user)
        scenario.title = data["title"]
        scenario.situation = data["situation"]
        scenario.explanation = data["explanation"].strip()
        scenario.case = case
        question.scenario = scenario
        return [scenario]

    def place_related(self, parts: PolicyParts, exc: ValidationError) -> list[str]:
        """The scenario's refusals: one about a field of the scenario form (the expected
        decision the engine contradicts, a title) beside that field and linked from the
        summary; one about the case itself (written in the case editor) in the summary."""
        form = parts.form
        out: list[str] = []
        engine = parts.engine_refusal()
        for name, errors in exc.error_dict.items():
            if name == "case" and engine is not None:
                out.append(engine)  # the case as the engine reads it, said where it is
                continue
            for error in errors:
                field = "expect" if name == "case" and error.code == "expect" else name
                placed = field in SCENARIO_FIELDS and field in form.fields
                for message in error:
                    line = f"Scenario: {message}"
                    if placed:
                        form.add_error(field, line)
                    out.append(Linked(line, (form[field].auto_id or "") if placed else ""))
        return out

    @staticmethod
    def _same(scenario: Scenario, case: dict, data: dict) -> bool:
        typed = (data["title"], data["situation"], data["explanation"].strip())
        if (scenario.title, scenario.situation, scenario.explanation) != typed:
            return False
        state, refusal = _state_of(scenario)
        if refusal:
            return False
        stored = state_to_case(state)
        stored.pop("name", None)
        if scenario.expected is not None:
            stored["expect"] = scenario.expected
        return stored == case
