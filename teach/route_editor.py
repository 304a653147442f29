"""The route-the-findings editor: the sample findings as checkboxes (shown to learners, and must
reach the target), the model pattern as JSON, and the model's routing of every sample with the
question as learners see it, checked as the author types.

The checks are the kind's (`RouteFindings.problems`, what `Question.clean()` runs), so the
editor, the loader, the admin and an import refuse the same questions in the same words; each is
shown beside the checkboxes or the box it is about. A finding ticked as one that must reach the
target is a sample too (learners could not be graded on a finding they never see).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django import forms

from quizzes.forms import AnswerForm
from quizzes.kinds.route_findings import KIND, MAX_PATTERN_CHARS, describe, route, sample_slugs
from quizzes.models import Question
from srm_trainer.detection import PatternError
from srm_trainer.typed_text import Textarea
from teach.editors import Editor, Parts, _Form
from teach.network_editor import JsonBox

# A new question opens on a worked example: every sample, the rule that pages the on-call
# engineer for High and Critical GuardDuty findings (the findings lab's first preset).
STARTER_MODEL = """\
{
  "source": ["aws.guardduty"],
  "detail": {
    "severity": [{"numeric": [">=", 7]}]
  }
}
"""
STARTER_WANT = [
    "ec2-bitcoin-dns",
    "iam-credential-exfiltration",
    "lambda-bitcoin",
    "attack-sequence-credentials",
]


def _choices() -> list[tuple[str, str]]:
    return [(slug, describe(slug)["title"]) for slug in sample_slugs()]


class RouteForm(_Form):
    samples = forms.MultipleChoiceField(
        label="Shown to learners",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The findings learners try their pattern on (at least 3).",
    )
    want = forms.MultipleChoiceField(
        label="Must reach the target",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Say which in the prompt, in words: learners do not see these ticks.",
    )
    model = JsonBox(
        label="Model pattern (JSON; shown to learners after they answer)",
        required=False,
        strip=False,
        limit=MAX_PATTERN_CHARS,
        widget=Textarea(
            attrs={"rows": 10, "spellcheck": "false", "class": "code", "autocapitalize": "off"}
        ),
        help_text="Your own pattern that sends exactly the ticked findings. The engine checks it "
        "before the question is saved.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["samples"].choices = _choices()
        self.fields["want"].choices = _choices()

    def rows(self) -> list[dict[str, Any]]:
        """Each sample finding with its two boxes' state, for the template's list."""
        shown = set(self._value("samples"))
        wanted = set(self._value("want"))
        out = []
        for n, slug in enumerate(sample_slugs()):
            row = describe(slug)
            del row["text"]
            out.append(row | {"n": n, "shown": slug in shown or slug in wanted,
                              "wanted": slug in wanted})  # fmt: skip
        return out

    def _value(self, name: str) -> list[str]:
        value = self[name].value()
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass(kw_only=True)
class RouteParts(Parts):
    extra: RouteForm
    check: dict | None = None  # the live check's outcome (`model_check`)
    filled: dict | None = None  # the data a save put on the question

    def summary(self) -> list[str]:
        return self.extra_refusals()

    def context(self, request) -> dict:
        """After a refused save the panel says the same problems, or, when only the shared
        fields were refused, shows the question as learners see it."""
        if self.check is None and self.extra.is_bound:
            if self.filled is not None:  # the kind's problems, not the form's copies of them
                self.check = model_check(self.filled, request.POST.get("prompt", ""))
            elif not self.extra.is_valid():
                self.check = {"ok": False, "problems": self.summary()}
        return {"route": self.check, "route_form": self.extra}


def model_check(data: dict, prompt: str = "", link=None) -> dict:
    """What the engine says of the question: its problems (the editor's words; `link`: the
    editor's `linked`, each tied to its box), the model pattern's routing of every sample,
    and, when it can be used, the learner's form."""
    question = Question(type=KIND.value, data=data, prompt=prompt)
    found = KIND.problems(question)
    problems = link(found) if link is not None else [p.in_words() for p in found]
    out: dict[str, Any] = {"ok": not problems, "problems": problems, "rows": None}
    known = set(sample_slugs())
    samples = [s for s in _list(data.get("samples")) if s in known]
    want = [s for s in _list(data.get("want")) if s in known]
    model = data.get("model")
    if isinstance(model, str) and model.strip() and samples:
        with suppress(PatternError):  # the problem says where
            out["rows"] = route(samples, want, model)["rows"]
    if not problems:
        out["question"] = question
        out["form"] = AnswerForm(question, [])
    return out


def _list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class RouteFindingsEditor(Editor[RouteParts]):
    value: str = "route_findings"
    section_title = "Findings and model pattern"
    live_template = "teach/editors.html#route_check_live"
    extra_fields = {("samples",): "samples", ("want",): "want", ("model",): "model"}

    def parts(self, question, post=None, rows=None, *, user=None) -> RouteParts:
        if post is not None:
            return RouteParts(extra=RouteForm(post, prefix="k"))
        data = question.data if isinstance(question.data, dict) else {}
        if question.pk is None and data.get("model") is None:
            data = {"samples": sample_slugs(), "want": STARTER_WANT, "model": STARTER_MODEL}
        initial = {
            "samples": [s for s in data.get("samples") or [] if isinstance(s, str)],
            "want": [s for s in data.get("want") or [] if isinstance(s, str)],
            "model": data.get("model") if isinstance(data.get("model"), str) else "",
        }
        parts = RouteParts(extra=RouteForm(prefix="k", initial=initial))
        if data.get("model") is not None:
            parts.check = model_check(data, question.prompt)
        return parts

    def redraw(self, question, post, *, user=None) -> RouteParts:
        """The editor as typed, without errors (after the Markdown preview)."""
        initial = {
            "samples": post.getlist("k-samples"),
            "want": post.getlist("k-want"),
            "model": post.get("k-model", ""),
        }
        return RouteParts(extra=RouteForm(prefix="k", initial=initial))

    def runs_engine(self, post, action: str) -> bool:
        return action == "check"

    def live(self, question, post, action: str, *, user=None) -> RouteParts | None:
        """ "check": the model's routing and the question as learners see it, or why not."""
        if action != "check":
            return None
        parts = self.parts(question, post)
        if parts.is_valid():
            previous = question.data if isinstance(question.data, dict) else {}
            data, prompt = self.data(parts, previous), post.get("prompt", "")
            parts.check = model_check(data, prompt, lambda found: self.linked(parts, found))
        else:
            parts.check = {"ok": False, "problems": parts.summary()}
        return parts

    def fill(self, question, parts: RouteParts, *, previous: dict, user) -> list:
        parts.filled = question.data = self.data(parts, previous)
        return []

    def data(self, parts: RouteParts, previous: dict) -> dict:
        """Samples in the question's stored order, then new ones in the lab's; a finding that
        must reach the target is a sample too."""
        k = parts.extra.cleaned_data
        ticked = set(k["samples"]) | set(k["want"])
        before = [s for s in previous.get("samples") or [] if s in ticked]
        samples = before + [s for s in sample_slugs() if s in ticked and s not in before]
        want = [s for s in samples if s in set(k["want"])]
        return {"samples": samples, "want": want, "model": k["model"]}
