"""The network questions' editors (flow decision, WAF rule, flow fix): the case (a flow fix's
challenge) as JSON in one box, in the import's format (`srm_trainer/netlab/FORMAT.md`), with the
kind's own settings beside it (`ask_hop`, the request asked about, the reference rules), and the question as
a learner sees it with the engine's answer, checked as the author types.

The case is one box, not a box per part, so a case written for the lab, the content files or an
import is pasted as it is and every field it has (`name`, `doc`, an `expect`) is kept: a
question made by the loader or an import opens here and saves back unchanged. The JSON is read
as an import reads it (a key written twice is refused, at its line and column); the checks are
the kind's (`problems()`, what `Question.clean()` runs), each shown beside the box with the line
of the field it is about, so the editor, the import and the loader refuse the same things with
the same words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from django import forms

from quizzes import kinds
from quizzes.forms import AnswerForm
from quizzes.kinds import Problem
from quizzes.kinds import netlab_common as nl
from quizzes.kinds.base import as_sentence
from quizzes.kinds.flow_fix import check as flow_fix_check
from quizzes.models import Question
from srm_trainer.iam import PolicyError
from srm_trainer.iam.json_mistakes import located
from srm_trainer.netlab.written_order import in_written_order
from srm_trainer.typed_text import Textarea
from teach.editors import NAMES_ITSELF, Editor, Linked, Parts, _Form
from teach.network_starters import STARTERS
from teach.transfer.json_format import read_located

MAX_CASE_CHARS = 100_000  # a network of every resource the engine caps is far less
CASE_ATTRS = {"rows": 16, "spellcheck": "false", "class": "code", "autocapitalize": "off"}


class JsonBox(forms.CharField):
    """A JSON box with its limit (`limit`) checked on the server only: a `maxlength` on the
    textarea made the browser cut a longer paste at the limit without a word, and the JSON it
    kept was then refused as broken ("Unterminated string") with the rest of the paste gone."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if len(value) > self.limit:
            raise forms.ValidationError(
                f"This is {len(value):,} characters long; it takes at most {self.limit:,}. "
                "Nothing was cut: shorten it here.",
                code="max_length",
            )


def _case_text(case: Any) -> str:
    """The saved case as the author's box shows it, its keys in the format's order (PostgreSQL
    keeps them in its own)."""
    if case is None:
        return ""
    return json.dumps(in_written_order(case), indent=2, ensure_ascii=False)


def read_box(form: forms.Form, name: str, what: str) -> dict:
    """The JSON object typed in `form`'s box `name`, read as an import reads a file; its
    `locate` kept on the form (`form.locate`) to put a line to each problem of the kind."""
    text = form.cleaned_data[name]
    if not text.strip():
        raise forms.ValidationError(form.fields[name].error_messages["required"])
    try:
        value, locate = read_located(text, what=what)
    except PolicyError as exc:
        raise forms.ValidationError(located(exc.message, exc.line, exc.column)) from None
    if not isinstance(value, dict):
        raise forms.ValidationError(f"The {what} is a JSON object: {{…}} with the fields above.")
    form.locate = locate  # type: ignore[attr-defined]  # each network form has it
    return value


class CaseForm(_Form):
    """The case box; each kind's form adds its own settings."""

    case_hint = ""
    case = JsonBox(
        label="The case (JSON)",
        strip=False,
        limit=MAX_CASE_CHARS,
        widget=Textarea(attrs=CASE_ATTRS),
        error_messages={"required": "Write the case: the engine works the answer out from it."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locate = None  # where a data path is in the box's text, once read
        self.fields["case"].help_text = self.case_hint

    def clean_case(self) -> dict:
        return read_box(self, "case", "case")


class FlowCaseForm(CaseForm):
    case_hint = (
        "An object with “network” (the VPC, subnets, network ACLs, security groups, "
        "instances) and “flow” (source, destination, protocol, port), as the import and the "
        "network lab write it; an optional “expect” must agree with the engine."
    )
    ask_hop = forms.BooleanField(
        label="Also ask where it is blocked (half the score)", required=False
    )


class WafCaseForm(CaseForm):
    case_hint = (
        "An object with “web_acl” (AWS WAF's own JSON) and “request” (or “requests”, in time "
        "order), and optionally “resource”, “ip_sets” and “regex_pattern_sets”, as the import "
        "and the WAF lab write it; an optional “expect” must agree with the engine."
    )
    # The request's number as the key below numbers it ("Request 121 of 150") and as the
    # editor's messages name it, from 1; stored as the file's `ask_index`, from 0
    # (`WafRuleEditor.settings_data`).
    ask_number = forms.IntegerField(
        label="Which request the question is about: its number, from 1 (blank: the last)",
        required=False,
        help_text="Numbered as the key below numbers them (“Request 121 of 150”); a request "
        "with “repeat” counts once per copy.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Give a whole number, or leave it blank for the last request."},
    )

    def clean_ask_number(self) -> int | None:
        """A page drawn before the box counted from 1 sends `ask_index` (from 0) instead: read
        it as it was meant, not as blank (which asks about the last request)."""
        number = self.cleaned_data.get("ask_number")
        sent_before = self.data.get(self.add_prefix("ask_index"), "")
        if number is not None or self.add_prefix("ask_number") in self.data or not sent_before:
            return number
        try:
            return int(str(sent_before).strip()) + 1
        except ValueError:
            raise forms.ValidationError(
                self.fields["ask_number"].error_messages["invalid"]
            ) from None


class ChallengeForm(_Form):
    """A flow-fix challenge: the network and the flows in one box, and the reference rules."""

    challenge = JsonBox(
        label="The challenge (JSON)",
        strip=False,
        limit=MAX_CASE_CHARS,
        widget=Textarea(attrs=CASE_ATTRS),
        help_text="An object with “network” (as a flow case has it), “must_allow” and "
        "“must_block” (1 to 12 flows each), as the import writes it. Learners edit only its "
        "network ACLs and security groups.",
        error_messages={"required": "Write the challenge: the network and the flows to fix."},
    )
    reference = JsonBox(
        label="Reference solution (JSON; never shown to learners)",
        required=False,
        strip=False,
        limit=nl.MAX_JSON_CHARS,
        widget=Textarea(attrs=CASE_ATTRS),
        help_text='Your own fix, as a learner writes it: {"network_acls": […], '
        '"security_groups": […]}. The engine checks it passes every flow before the question '
        "is saved; without one, nothing shows the challenge can be solved.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locate = None

    def clean_challenge(self) -> dict:
        return read_box(self, "challenge", "challenge")

    def clean_reference(self) -> str:
        """JSON that does not parse is said with the challenge's refusal: it was said only by
        the kind's check, which runs once the challenge reads, so a comma missing in both
        boxes was told one box at a time. The same words as that check's."""
        text = self.cleaned_data["reference"]
        if text.strip():
            try:
                nl.load_json(text, "Your rules")
            except ValueError as exc:
                said = as_sentence(nl.said_at(exc, "reference solution"))
                raise forms.ValidationError(said, code=NAMES_ITSELF) from None
        return text


@dataclass(kw_only=True)
class NetworkParts(Parts):
    extra: CaseForm | ChallengeForm
    kind_value: str = ""
    check: dict | None = None  # the live check's outcome (`learner_view`)
    filled: dict | None = None  # the data a save put on the question (`NetworkEditor.fill`)
    placed: Any = None  # gives a problem its line in the box (`NetworkEditor.placer`)

    def summary(self) -> list[str]:
        return self.extra_refusals()

    def context(self, request) -> dict:
        """After a refused save the panel says the same problems, or, when only the shared
        fields were refused, shows the question and its key: it said "write the case"."""
        if self.check is None and self.extra.is_bound:
            if not self.extra.is_valid():
                self.check = {"ok": False, "problems": self.summary()}
            elif self.filled is not None:
                prompt = request.POST.get("prompt", "")
                self.check = learner_view(
                    self.kind_value, self.filled, prompt, self.placed or (lambda p: p)
                )
        return {"net": self.check}


def learner_view(
    kind_value: str, data: dict | None, prompt: str = "", placed=lambda p: p, link=None
) -> dict:
    """What the question is, as far as the engine says: its problems (in the editor's words,
    each `placed`: given the line of the box it is about; `link`: the editor's `linked`, each
    tied to its box), or the learner's form and the engine's key (`Kind.key`), drawn as a
    learner sees them."""
    if data is None:
        return {"ok": False, "problems": [], "empty": True}
    question = Question(type=kind_value, data=data, prompt=prompt)
    kind = kinds.KINDS[kind_value]
    found = [placed(p) for p in kind.problems(question)]
    problems = link(found) if link is not None else [p.in_words() for p in found]
    if problems:
        return {"ok": False, "problems": problems}
    out: dict[str, Any] = {"ok": True, "problems": [], "question": question}
    out["form"] = AnswerForm(question, question.layout_ids())
    out["fb"] = kind.key(question)
    if kind_value == "flow_fix" and data.get("reference") is not None:
        out["reference"] = flow_fix_check(data["challenge"], data["reference"])  # it passed
    if kind_value == "waf_rule":
        out["total"] = out["fb"]["total"]  # the key counts the burst's requests
    return out


class NetworkEditor(Editor[NetworkParts]):
    """A network kind's editor: one case box and the kind's settings (`extra_fields`)."""

    section_title = "Case and key"
    live_template = "teach/editors.html#net_check_live"
    form_class: type[CaseForm | ChallengeForm] = CaseForm
    box = "case"  # the data key the JSON box holds
    settings: tuple[str, ...] = ()  # the kind's data keys beside the case (`extra_fields`)

    @property
    def template(self) -> str:
        return "teach/editors.html#network"

    def parts(self, question, post=None, rows=None, *, user=None) -> NetworkParts:
        if post is not None:
            return NetworkParts(extra=self.form_class(post, prefix="k"), kind_value=self.value)
        data = question.data if isinstance(question.data, dict) else {}
        if question.pk is None and data.get(self.box) is None:
            return self.starter(question)
        initial = {self.box: _case_text(data.get(self.box)), **self.initial_settings(data)}
        parts = NetworkParts(
            extra=self.form_class(prefix="k", initial=initial), kind_value=self.value
        )
        if data.get(self.box) is not None:
            parts.check = learner_view(self.value, data, question.prompt)
        return parts

    def starter(self, question) -> NetworkParts:
        """A new question opens on the kind's worked example (`network_starters`), its key
        shown: the box was empty, and nothing on the page showed what a case looks like."""
        texts = STARTERS[self.value]
        parts = NetworkParts(
            extra=self.form_class(prefix="k", initial=dict(texts)), kind_value=self.value
        )
        data = {name: json.loads(text) for name, text in texts.items() if name == self.box}
        if "reference" in texts:
            data["reference"] = texts["reference"]
        parts.check = learner_view(self.value, data, question.prompt)
        return parts

    def initial_settings(self, data: dict) -> dict:
        return {}

    def redraw(self, question, post, *, user=None) -> NetworkParts:
        """The editor as typed, without errors (after the Markdown preview)."""
        initial = {name: post.get(f"k-{name}", "") for name in self.form_class.base_fields}
        for name, field in self.form_class.base_fields.items():
            if isinstance(field, forms.BooleanField):
                initial[name] = post.get(f"k-{name}") in ("on", "true", "1")
        return NetworkParts(
            extra=self.form_class(prefix="k", initial=initial), kind_value=self.value
        )

    def runs_engine(self, post, action: str) -> bool:
        return action == "check"

    def live(self, question, post, action: str, *, user=None) -> NetworkParts | None:
        """ "check": the question as a learner sees it and the engine's key, or why not."""
        if action != "check":
            return None
        parts = self.parts(question, post)
        if parts.is_valid():
            previous = question.data if isinstance(question.data, dict) else {}
            prompt = post.get("prompt", "")
            data = self.data(parts, previous)
            link = lambda problems: self.linked(parts, problems)  # noqa: E731
            parts.check = learner_view(self.value, data, prompt, self.placer(parts), link)
        else:
            parts.check = {"ok": False, "problems": parts.summary()}
        return parts

    def place(self, parts: NetworkParts, problems: list[Problem]) -> list[Linked]:
        """As every editor places them, with the line of the case's text each is about."""
        locate = parts.extra.locate
        if locate is not None:
            problems = [self._with_line(p, locate) for p in problems]
        return super().place(parts, problems)

    def placer(self, parts: NetworkParts):
        """A problem with the line of the box it is about, as `place` says it: the panel under
        the boxes said "Case: …" without the line the summary and the box gave."""
        locate = parts.extra.locate
        return (lambda p: self._with_line(p, locate)) if locate is not None else (lambda p: p)

    def _with_line(self, problem: Problem, locate) -> Problem:
        path = tuple(problem.path)
        if problem.field != "data" or path[:1] != (self.box,) or len(path) < 2:
            return problem
        line, _column = locate(path[1:])
        if not line:
            return problem
        # The editor's words (`plain`, a sentence: "Case: …") get the line as the file's do.
        plain = (
            f"Line {line}: {problem.plain[:1].lower()}{problem.plain[1:]}" if problem.plain else ""
        )
        return replace(problem, message=f"Line {line}: {problem.message}", plain=plain)

    def fill(self, question, parts: NetworkParts, *, previous: dict, user) -> list:
        parts.filled = question.data = self.data(parts, previous)
        parts.placed = self.placer(parts)
        return []

    def data(self, parts: NetworkParts, previous: dict) -> dict:
        """The stored data with the case and the settings as the form has them: anything else
        it held is kept, so a question opened and saved unchanged is stored unchanged."""
        out = dict(previous)
        out[self.box] = parts.extra.cleaned_data[self.box]
        for name, value in self.settings_data(parts.extra.cleaned_data, previous).items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out

    def settings_data(self, cleaned: dict, previous: dict) -> dict:
        return {}


class FlowDecisionEditor(NetworkEditor):
    value: str = "flow_decision"
    form_class = FlowCaseForm
    settings = ("ask_hop",)
    extra_fields = {("case",): "case", ("ask_hop",): "ask_hop"}

    def initial_settings(self, data: dict) -> dict:
        return {"ask_hop": data.get("ask_hop") is True}

    def settings_data(self, cleaned: dict, previous: dict) -> dict:
        # The loader always writes `ask_hop`; an import may leave it out (false): kept so.
        if not cleaned["ask_hop"] and "ask_hop" not in previous:
            return {"ask_hop": None}
        return {"ask_hop": cleaned["ask_hop"]}


class WafRuleEditor(NetworkEditor):
    value: str = "waf_rule"
    form_class = WafCaseForm
    settings = ("ask_index",)
    extra_fields = {("case",): "case", ("ask_index",): "ask_number"}

    def initial_settings(self, data: dict) -> dict:
        index = data.get("ask_index")
        return {"ask_number": index + 1 if type(index) is int else ""}

    def settings_data(self, cleaned: dict, previous: dict) -> dict:
        """The number typed (from 1) as the index the data keeps (from 0): 0 and numbers past
        the last request are left for the kind's check to refuse, in the box's numbering."""
        number = cleaned.get("ask_number")
        return {"ask_index": None if number is None else number - 1}  # None: the key dropped


class FlowFixEditor(NetworkEditor):
    value: str = "flow_fix"
    section_title = "Challenge"
    form_class = ChallengeForm
    box = "challenge"
    settings = ("reference",)
    extra_fields = {("challenge",): "challenge", ("reference",): "reference"}

    def initial_settings(self, data: dict) -> dict:
        reference = data.get("reference")
        return {"reference": reference if isinstance(reference, str) else ""}

    def settings_data(self, cleaned: dict, previous: dict) -> dict:
        # Stored as typed (learners' rules are text too); blank: no reference.
        return {"reference": cleaned["reference"] if cleaned["reference"].strip() else None}
