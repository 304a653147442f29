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

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorDict, ErrorList
from django.urls import reverse_lazy

from curriculum.validation import DECISIONS
from lessons.models import Scenario, Source
from quizzes.explain import NO_STATEMENT, NO_STATEMENT_LABEL, case_statements
from srm_trainer import finder as shared_finder
from srm_trainer.iam import PolicyError, evaluate
from srm_trainer.iam.json_mistakes import named_by
from srm_trainer.iam.words import DECISIONS as DECISION_WORDS
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
from teach.editors import Editor, Linked, Parts, _Form, linked_to, named_error
from teach.forms import MAX_SCENARIO_TEXT
from teach.widgets import FittedTextarea

CASE_PREFIX = "case-"
EXPECT_REFUSED = (
    "Scenario: you expect “{expect}”, but the engine decides “{decision}”. Choose the "
    "engine's decision (or “Whatever the engine decides”), or change the case."
)
# The scenario form's fields that edit a `Scenario` field of the same name (or, `expect`, its
# case's expected decision): a refusal of one is shown beside it.
SCENARIO_FIELDS = ("title", "situation", "explanation", "expect")
NEW = ""  # the scenario typed: none, "a new scenario"
SCENARIO_MATCHES = shared_finder.MATCHES  # suggestions for one search (the course has 35)
MAX_ADDRESS = 250  # characters of a typed address read (a slug holds 50)
SCENARIO_OPTIONS_ID = "scenario-options"  # the <datalist> of the scenario field's suggestions
# What a suggestion shows and a search reads: never the case or the texts.
SUGGESTION_FIELDS = ("pk", "slug", "title", "source", "owner_id")
NOT_A_SCENARIO = (
    "“%(value)s” is not the address of a scenario you may use. Type its address (such as "
    "cross-account-both-sides-allow), choose a suggestion, or leave it empty to write a new one."
)


def _allowed(user) -> Q | None:
    """The rule of which scenarios `user` may build a question on, as a filter (None: all)."""
    if user.is_staff:
        return None
    return Q(source=Source.FILE) | Q(owner__isnull=True) | Q(owner=user)


def scenarios_for(user) -> QuerySet[Scenario]:
    """The scenarios `user` may build a question on: the curriculum's (file, or made in the
    admin, which have no owner) and their own. Another instructor's are not there at all."""
    rule = _allowed(user)
    rows = Scenario.objects.all() if rule is None else Scenario.objects.filter(rule)
    return rows.order_by("title", "slug")


SCENARIO_WORDING = shared_finder.Wording(
    one="scenario",
    many="scenarios",
    empty="No scenario yet: leave the address empty to write a new one.",
    first="The first {n} scenarios; type a word of a title to find others.",
    every="All {count} you may use.",
    no_match="No scenario you may use matches “{typed}”.",
)


class FoundScenarios(shared_finder.Found):
    """One search's scenarios as suggestions (address, "title (whose)"), and whether more
    matched than are shown."""

    @property
    def options(self) -> list[tuple[str, str]]:
        return self.rows


def find_scenarios(user, query: str) -> FoundScenarios:
    """At most `SCENARIO_MATCHES` scenarios `user` may use whose title or address holds every
    typed word (case aside), by title: the editor's suggestions. Its menu drew every one
    (3,500 options at 100 times the course)."""
    query = str(query)[: shared_finder.MAX_QUERY]
    found = shared_finder.matching(
        scenarios_for(user).only(*SUGGESTION_FIELDS), query, ("title", "slug"), separators="-"
    )
    rows, more = shared_finder.first(found, SCENARIO_MATCHES)
    options = [(s.slug, f"{s.title} ({whose(s, user)})") for s in rows]
    return FoundScenarios(query, options, more, SCENARIO_WORDING)


def whose(scenario: Scenario, user) -> str:
    """Where a scenario comes from, as its suggestion says it."""
    if scenario.source == Source.FILE:
        return "curriculum"
    return "yours" if user is not None and scenario.owner_id == user.pk else "shared"


def may_edit_scenario(user, scenario: Scenario) -> bool:
    """Authored scenarios are changed in place by their owner (or staff); curriculum ones never
    are here (the loader owns them): an edit becomes the author's own copy."""
    return scenario.source == Source.AUTHORED and (
        user.is_staff or (scenario.owner_id is not None and scenario.owner_id == user.pk)
    )


class ScenarioForm(_Form):
    scenario = forms.CharField(
        label="Scenario address",
        required=False,
        strip=False,  # a refused form shows it as typed; `look_up` strips it
        help_text="Type words of its title to see suggestions, then open it. Leave it empty "
        "to write a new scenario below.",
        widget=shared_finder.typed_input(
            SCENARIO_OPTIONS_ID, **{"hx-get": reverse_lazy("teach:scenario-find")}
        ),
    )
    # The scenario whose case the editor holds (its id, set when one is opened): saving writes
    # to it, never to one merely typed above and not opened.
    opened = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label="Scenario title", max_length=200, required=False)
    situation = forms.CharField(
        label="Situation (Markdown): who is acting, where, and what they want",
        max_length=MAX_SCENARIO_TEXT,
        required=False,
        widget=FittedTextarea(most=12),
    )
    explanation = forms.CharField(
        label="Explanation (Markdown): why AWS decides as it does, shown after the prediction",
        max_length=MAX_SCENARIO_TEXT,
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

    def __init__(self, *args, user=None, own_id: int | None = None, **kwargs):
        """`user`: whose rule says which scenarios may be used (`scenarios_for`); `own_id`: the
        question's scenario, taken whatever the rule (already on the question: kept)."""
        super().__init__(*args, **kwargs)
        self._user = user
        self._own_id = own_id
        self._whole: dict[str, Scenario | None] = {}

    def look_up(self, text) -> Scenario | None:
        """The whole scenario typed (its address) or posted (its id) that may be used, read
        once; None for nothing typed, or for anything else (another instructor's scenario, a
        40-digit number, a paragraph): no menu to check it against, one row read. A NUL is
        U+FFFD (`typed_text`): a post's NUL, here or in the hidden id, was a 500 on PostgreSQL."""
        text = shared_finder.typed_text(text)
        if not text or len(text) > MAX_ADDRESS or self._user is None:
            return None
        if text not in self._whole:
            match = Q(slug=text)
            if shared_finder.PLAIN_KEY.match(text):
                match |= Q(pk=int(text))
            rule = _allowed(self._user)
            rows = Scenario.objects.filter(match)
            if rule is not None:
                rows = rows.filter(rule | Q(pk=self._own_id) if self._own_id else rule)
            found = list(rows[:2])
            one = next((s for s in found if s.slug == text), found[0] if found else None)
            if one is not None:
                self.keep(one)  # its id (the hidden `opened`) and address name it too
            self._whole[text] = one
        return self._whole[text]

    whole = look_up  # the editor's name for it: the scenario a key stands for

    def clean_scenario(self) -> Scenario | None:
        typed = self.cleaned_data["scenario"]
        if not typed.strip():
            return None
        found = self.look_up(typed)
        if found is None:
            raise forms.ValidationError(
                NOT_A_SCENARIO, code="invalid_choice", params={"value": typed.strip()[:80]}
            )
        return found

    def clean_opened(self) -> Scenario | None:
        key = self.cleaned_data["opened"].strip()
        if not key:
            return None
        found = self.look_up(key) if shared_finder.PLAIN_KEY.match(key) else None
        if found is None:  # a hidden field: said where the author can act on it
            self.add_error(
                "scenario",
                "The scenario the editor held is not one you may use: open one again, or "
                "leave the address empty to save a new one.",
            )
        return found

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean() gives cleaned_data
        if "scenario" in data and "opened" in data and data["scenario"] != data["opened"]:
            held = data["opened"]
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

    def keep(self, scenario: Scenario) -> None:
        """`scenario`, read whole elsewhere, is what its id and address stand for."""
        self._whole[str(scenario.pk)] = self._whole[scenario.slug] = scenario

    def refuse(self, message: str) -> None:
        """Say `message` beside the address on a form drawn again from what was typed (not
        validated: an address that named nothing when "Open" was pressed)."""
        # With the field's id, so its list has the id the address's `aria-describedby` names:
        # without one a screen reader on the address heard nothing of the refusal.
        self._errors = ErrorDict(scenario=ErrorList([message], field_id=self["scenario"].auto_id))

    def chosen(self) -> Scenario | None:
        """The scenario the editor holds (after `is_valid()`)."""
        return self.cleaned_data.get("opened")


def _posted_values(post) -> dict:
    """The scenario form's fields as typed (to draw them again without errors)."""
    values = {name: post.get(f"k-{name}", "") for name in ScenarioForm.base_fields}
    values["ask_statement"] = post.get("k-ask_statement") in ("on", "true", "1")
    return values


def _scenario_values(scenario: Scenario) -> dict:
    return {
        "scenario": scenario.slug,
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


def _linked(where: str, error: Note, editor: str) -> Linked:
    """An error of the case in the summary, linked to the editor that holds it."""
    if editor in REQUEST_EDITORS:
        anchor = "context-fold" if editor == "context" else editor
    else:
        anchor = f"editor-{editor}" if editor and editor != "case" else "live"
    return Linked(named_by(where, str(error.message)) if where else str(error.message), anchor)


@dataclass(kw_only=True)
class PolicyParts(Parts):
    form: ScenarioForm
    state: SandboxState = field(default_factory=starter_state)
    refusal: str = ""
    user: object = None
    opened_title: str = ""  # the scenario a button just opened: said before its decision
    _analysis: Analysis | None = None

    def is_valid(self) -> bool:
        return self.form.is_valid() and not self.refusal

    def readable(self) -> bool:
        """The scenario is checked whole: only once its form and case are readable."""
        return self.is_valid()

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
        """The case's refusal, then the scenario form's (no title, no situation), each named by
        its field and linked to it, then why the engine cannot decide the case (a policy that
        is not JSON): the summary said only "See the highlighted fields below" while the other
        editors list every problem, and then, with an address refused, not the policies'
        mistakes, which the author met only on the next save."""
        said: list[str] = [self.refusal] if self.refusal else []
        form = self.form
        if form.is_bound:
            said += [
                linked_to(form, name, named_error(form, name, e))
                for name, errors in form.errors.items()
                if name in form.fields
                for e in errors
            ]
        if not self.refusal:  # a case past the limits is never evaluated
            said += self.engine_refusals()
        return said

    def engine_refusals(self) -> list[Linked]:
        """Why the engine cannot decide the case, in the words and place the key panel shows
        ("Identity policy 1, line 4, column 24: A comma is probably missing …"), each linked to the editor
        that holds it: the engine's error, then every other policy that does not parse (each
        is marked beside its editor; the summary named only the first). None when it can
        decide. `Scenario.clean()` says the first in the case's own terms ("invalid case: …
        (identity_policies[0])", or, the key left to the engine, "case.expect must be …"),
        which a teacher cannot act on."""
        analysis = self.analysis
        error = analysis.error
        if error is None:
            return []
        editor = next(
            (
                name
                for name, notes in analysis.notes.items()
                if any(n.code == error.code and n.line == error.line for n in notes)
            ),
            "",
        )
        said = [_linked(analysis.error_where, error, editor)]
        return said + [_linked(where, note, name) for name, where, note in analysis.more_errors]

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

        @cache
        def scenario_found() -> FoundScenarios:
            # The suggestions drawn with the page: those matching the address it shows.
            form = self.form
            shown = form["scenario"].value()
            return find_scenarios(
                self.user, "" if isinstance(shown, Scenario) else str(shown or "")
            )

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
            "scenario_found": scenario_found,
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
        # The question's own scenario is taken whatever the rule (already on it: kept); read
        # whole with the question, it stands for its id and address without another read.
        own = question.scenario_id
        if post is not None:
            form = ScenarioForm(post, prefix="k", user=user, own_id=own)
        else:
            form = ScenarioForm(prefix="k", initial=initial or {}, user=user, own_id=own)
        if own and type(question).scenario.is_cached(question):
            form.keep(question.scenario)
        return form

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
            typed = str(post.get("k-scenario", NEW))
            scenario = parts.form.look_up(typed)
            if scenario is None and typed.strip():  # kept as typed, said beside it
                parts.form.refuse(NOT_A_SCENARIO % {"value": typed.strip()[:80]})
                return parts
            if scenario is None:  # "a new scenario": keep the case as typed, to save as new
                parts.form.initial.update(scenario=NEW, opened=NEW)
                return parts
            parts.form.initial.update(_scenario_values(scenario))
            parts.state, parts.refusal = _state_of(scenario)
            if not parts.refusal:
                parts.opened_title = scenario.title
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

    def not_checked(self, parts: PolicyParts, why: str) -> None:
        """The key and the case's result say `why` instead of the engine's verdict."""
        parts._analysis = Analysis(state=parts.state, case={}, error=Note("error", why))

    def runs_engine(self, post, action: str) -> bool:
        """The live key as the author types, and every button of the case (each redraws the
        engine's analysis)."""
        return action == "engine" or bool(post.get("op"))

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
        engine = parts.engine_refusals()
        for name, errors in exc.error_dict.items():
            if name == "case" and engine:
                out += engine  # the case as the engine reads it, said where it is
                continue
            for error in errors:
                field = "expect" if name == "case" and error.code == "expect" else name
                placed = field in SCENARIO_FIELDS and field in form.fields
                for message in error:
                    line = f"Scenario: {message}"
                    decision = parts.analysis.decision
                    if field == "expect" and decision:
                        # the menu's words, as the live key says it, not the case's keys
                        # ("the case expects ExplicitDeny but the engine decides Allow")
                        line = EXPECT_REFUSED.format(
                            expect=DECISION_WORDS.get(parts.expect_value(), parts.expect_value()),
                            decision=DECISION_WORDS.get(decision, decision),
                        )
                    if placed:
                        form.add_error(field, line)
                    out.append(Linked(line, (form[field].auto_id or "") if placed else ""))
        return out

    def checked_beside(
        self, question, parts: PolicyParts, *, user, shared: Iterable[str]
    ) -> list[Linked]:
        """The scenario's own refusals (a policy that is not JSON, an expected decision the
        engine contradicts) with the shared fields': a new scenario, or the author's own
        changed, was checked only on the save after the prompt was fixed. Checked on copies,
        as the save checks them (`_try_save`); a question on a scenario unchanged is the
        kind's check, as for every editor."""
        trial = copy.copy(question)
        previous = question.data if isinstance(question.data, dict) else {}
        related = self.fill(trial, parts, previous=previous, user=user)
        if not related:
            fields = set(shared)
            return self.place(parts, [p for p in trial.problems() if p.field not in fields])
        out: list[Linked] = []
        for row in related:
            try:
                row.full_clean(exclude={"owner", "slug"}, validate_unique=False)
            except ValidationError as exc:
                said = self.place_related(parts, exc)
                out += [m if isinstance(m, Linked) else Linked(m) for m in said]
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
