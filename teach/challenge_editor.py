"""The least-privilege challenge editor: the task's requests as rows, policies as JSON text, and
a reference solution the engine checks live (it must pass every request and over-grant
nothing, or the question is not saved).

The rows (must-allow and must-deny requests) are plain forms moved, added and removed with
buttons, as the choice editors' rows are. The check is the kind's own
(`LeastPrivilege.challenge_problems`, `check_policy`, `result_problems`), so the editor, the
admin and the loader refuse the same challenges; grading's work budget bounds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.forms import BaseFormSet, formset_factory

from quizzes.kinds import Problem
from quizzes.kinds.base import as_sentence
from quizzes.kinds.least_privilege import (
    KIND,
    MAX_POLICY_CHARS,
    result_problems,
)
from quizzes.least_privilege import check_policy
from quizzes.models import Question
from srm_trainer.iam import PolicyError, parse_policy
from srm_trainer.iam.case import MAX_CASE_NESTING
from srm_trainer.iam.errors import CaseError
from srm_trainer.iam.json_mistakes import located, named_by
from srm_trainer.iam.jsontext import load_json
from srm_trainer.iam.principals import parse_caller
from srm_trainer.typed_text import Textarea
from teach.editors import (
    NAMES_ITSELF,
    Editor,
    Parts,
    RowFocus,
    RowForm,
    RowFormSet,
    RowList,
    _Form,
    apply_row_action,
    counted,
    focus_after,
    focus_row,
    linked_to,
    named_error,
    placed_on,
    posted_values,
    readable_row,
)
from teach.rendering import RENDERER
from teach.widgets import FittedTextarea, named

MAX_REQUESTS = 20  # per list: each is one evaluation when the reference is checked
LISTS = ("allow", "deny")
ROW_FIELDS = ("action", "resource", "context")
# The policy fields get the policy editor (CodeMirror) where JavaScript runs.
POLICY_ATTRS = {"rows": 8, "spellcheck": "false", "class": "code", "data-policy-editor": True}


# What each list's rows are called, in their labels and buttons.
WORDS = {"allow": "Must-allow request", "deny": "Must-deny request"}


class RequestRow(RowForm):
    action = forms.CharField(required=False, max_length=256, label="Action")
    resource = forms.CharField(required=False, max_length=2048, label="Resource ARN")
    context = forms.CharField(
        required=False,
        max_length=4000,
        label="Request context (optional JSON object of condition keys)",
        widget=FittedTextarea(attrs={"spellcheck": "false", "class": "code"}, most=8),
    )

    def name_fields(self, row: str) -> None:
        # "Request 1: action" in view (the list's heading says which list), all of it read.
        self.fields["action"].label = named(f"Request {self.number}: action", f"{row}: action")
        self.fields["resource"].label = named("Resource ARN", f"Resource ARN ({row.lower()})")
        context = "Request context (optional JSON object of condition keys)"
        self.fields["context"].label = named(context, f"{context} ({row.lower()})")

    def clean_context(self) -> dict | None:
        text = self.cleaned_data.get("context", "").strip()
        if not text:
            return None
        try:
            value = load_json(text, what="context", max_depth=MAX_CASE_NESTING)
        except PolicyError as exc:
            raise forms.ValidationError(located(exc.message, exc.line, exc.column)) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(
                'The context is a JSON object, such as {"aws:MultiFactorAuthPresent": "true"}.'
            )
        return value


class ChallengeForm(_Form):
    principal = forms.CharField(
        label="Principal (who makes every request)",
        max_length=2048,
        error_messages={"required": "Name the principal who makes the requests (an ARN)."},
        widget=forms.TextInput(
            attrs={"class": "code", "placeholder": "arn:aws:iam::111122223333:user/alice"}
        ),
    )
    resource_account = forms.CharField(
        label="Resource account (optional; needed for S3, whose ARNs carry no account)",
        max_length=64,
        required=False,
    )
    scope = forms.CharField(
        label="Resources to probe for over-grants, one ARN per line",
        required=False,
        max_length=4000,
        widget=Textarea(attrs={"rows": 2, "spellcheck": "false", "class": "code"}),
        help_text="Every action the policy allows on these, and the task does not need, "
        "is an over-grant. Left empty, the resources of the requests above are probed.",
    )
    start_policy = forms.CharField(
        label="Starting policy learners repair (JSON; optional)",
        required=False,
        strip=False,
        max_length=MAX_POLICY_CHARS,
        widget=Textarea(attrs=POLICY_ATTRS),
    )
    reference = forms.CharField(
        label="Reference solution (JSON; never shown to learners)",
        strip=False,
        max_length=MAX_POLICY_CHARS,
        error_messages={
            "required": "Write a reference solution: the engine checks it before the question "
            "is saved."
        },
        widget=Textarea(attrs=POLICY_ATTRS),
    )

    def clean_principal(self) -> str:
        """Said beside the field: the engine's own refusal ("request.principal: 'alice' is not
        an ARN…") named no field, and a service or anonymous caller has no identity policy to
        grade, so every must-allow request would be refused."""
        text = self.cleaned_data["principal"].strip()
        try:
            identity = parse_caller(text).subject_to_identity_policies
        except CaseError:
            identity = False
        if not identity:
            raise forms.ValidationError(
                f"{text!r} is not an IAM identity's ARN: name the user, role or session that "
                "makes the requests, such as arn:aws:iam::111122223333:user/alice or "
                "arn:aws:iam::111122223333:role/Deployer (an assumed-role session, a federated "
                "user or an account's root ARN is accepted too)."
            )
        return text

    def clean_reference(self) -> str:
        """JSON that does not parse is said with the other fields' and rows' refusals: it was
        said only by the engine's check, which runs once every other field passes, so a bad
        request context hid it until a save later. The same words as that check's."""
        text = self.cleaned_data["reference"]
        try:
            parse_policy(text, kind="identity")
        except PolicyError as exc:
            said = as_sentence(located(exc.message, exc.line, exc.column, "reference solution"))
            raise forms.ValidationError(said, code=NAMES_ITSELF) from None
        return text

    def clean_scope(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["scope"].splitlines() if line.strip()]


RequestRows = formset_factory(  # type: ignore[call-arg]  # `renderer` (Django 4.0) unstubbed
    RequestRow,
    formset=RowFormSet,
    extra=0,
    max_num=MAX_REQUESTS,
    absolute_max=MAX_REQUESTS,
    renderer=RENDERER,
)


def request_rows(which: str, post=None, initial: list[dict] | None = None):
    """The `which` list's rows (bound to a post, or with `initial`), named for their list."""
    return RequestRows(post, prefix=which, initial=initial, form_kwargs={"word": WORDS[which]})


@dataclass(kw_only=True)
class ChallengeParts(Parts):
    extra: ChallengeForm
    allow: BaseFormSet
    deny: BaseFormSet
    check: dict | None = None  # the live check's outcome
    # The check of what was posted, worked out when a whole page is drawn for it (a refused
    # save): the panel said "Fill in the requests and the reference solution" above fields
    # that held them, its table of requests gone until the author typed again.
    work_out: Callable[[dict | None], dict] | None = None
    filled: dict | None = None  # the data a save put on the question (before its refusal)

    def is_valid(self) -> bool:
        return all(p.is_valid() for p in (self.extra, self.allow, self.deny))

    def readable(self) -> bool:
        """The challenge's own fields valid and both lists of requests counted: a request
        refused on its own is read as far as it can be (`readable_row`)."""
        lists = (self.allow, self.deny)
        return self.extra.is_valid() and all(not f.is_bound or counted(f) for f in lists)

    def context(self, request) -> dict:
        if self.check is None and self.extra.is_bound:
            # A save's refusal marks its fields with the kind's problems: checked as filled.
            if self.work_out is not None and self.filled is not None:
                check = self.work_out(self.filled)
            elif self.work_out is not None and self.is_valid():
                check = self.work_out(None)
            else:
                check = {"problems": [], "result": None, "ok": False}
            if not check["ok"]:
                # Said in the summary and beside each field already: not a third time here.
                check.update(problems=[], said_above=True)
            self.check = check
        return {"check": self.check, "max_requests": MAX_REQUESTS}

    def summary(self) -> list[str]:
        return _form_errors(self) if self.extra.is_bound else []


def _context_text(context) -> str:
    return json.dumps(context, ensure_ascii=False) if isinstance(context, dict) and context else ""


def _rows_of(entries) -> list[dict]:
    rows = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            rows.append(
                {
                    "action": str(entry.get("action") or ""),
                    "resource": str(entry.get("resource") or ""),
                    "context": _context_text(entry.get("context")),
                }
            )
    return rows


def _requests(formset) -> list[dict]:
    """Non-blank rows as challenge requests (after `is_valid()`)."""
    return [request for _index, request in _kept_requests(formset)]


def _kept_requests(formset) -> list[tuple[int, dict]]:
    """(index of the row's form, request) for each row `_requests` keeps."""
    out = []
    for index, form in enumerate(formset.forms):
        # Unbound: the page as drawn for a stored question, its rows its entries in order.
        data = readable_row(form)  # a refused row as far as it can be read, for the check
        action = str(data.get("action") or "").strip()
        resource = str(data.get("resource") or "").strip()
        if not (action or resource or data.get("context")):
            continue
        request = {"action": action, "resource": resource}
        if data.get("context"):
            request["context"] = data["context"]
        out.append((index, request))
    return out


# Beside the reference field of a question saved without one. The editor asks for one
# (`ChallengeForm`), and an instructor's copy of a course question made before the course's
# questions had one opened with the field empty and was refused at save, with no word of why
# it was missing. No copy records what it was copied from, so none is filled in for them.
NO_REFERENCE_YET = (
    "This question was saved without a reference solution (a copy of a course question made "
    "before those had one, or an imported question): write your own policy that solves the "
    "challenge. The engine checks it passes every request and over-grants nothing, so a "
    "challenge learners cannot solve is caught before they meet it; the question is saved "
    "once it does."
)


def _explain_missing_reference(parts: ChallengeParts, question) -> ChallengeParts:
    """Say beside the reference field why one is asked for, when the stored question has
    none (its help text: the field's description for a screen reader too)."""
    data = question.data if isinstance(question.data, dict) else {}
    if question.pk and not data.get("reference"):
        parts.extra.fields["reference"].help_text = NO_REFERENCE_YET
    return parts


def reference_check(data: dict, link=None) -> dict:
    """What the engine says of a challenge and its reference solution: the kind's problems
    (`link`: the editor's `linked`, each tied to its field), and the reference's result
    request by request (the grader's own check, budgeted)."""
    question = Question(type=KIND.value, data=data)
    found = KIND.challenge_problems(question)
    result = None
    if not found:
        try:
            graded = check_policy(data["challenge"], data["reference"])
        except PolicyError as exc:
            said = located(exc.message, exc.line, exc.column, "reference solution")
            # Begun with a capital, as the save's refusal (the kind's own check) says it.
            found = [Problem(said, ("reference",), plain=as_sentence(said))]
        else:
            result = graded.to_dict()
            found = result_problems(graded)
    problems = link(found) if link is not None else [p.in_words() for p in found]
    return {"problems": problems, "result": result, "ok": not problems}


class LeastPrivilegeEditor(Editor[ChallengeParts]):
    uses_policy_editor = True
    value: str = "least_privilege"
    section_title = "Challenge"
    live_template = "teach/editors.html#lp_check_live"
    # The challenge's fields outside the rows, and the reference solution (`ChallengeForm`).
    extra_fields = {
        ("challenge", "principal"): "principal",
        ("challenge", "resource_account"): "resource_account",
        ("challenge", "scope"): "scope",
        ("challenge", "start_policy"): "start_policy",
        ("reference",): "reference",
    }

    def _posted(self, post, which: str) -> list[dict]:
        formset = request_rows(which, post)
        if not formset.management_form.is_valid():
            return []
        return [
            {name: value or "" for name, value in row.items()}
            for row in posted_values(formset, ROW_FIELDS)
        ]

    def _unbound(self, rows: dict[str, list[dict]], initial: dict) -> ChallengeParts:
        return ChallengeParts(
            extra=ChallengeForm(prefix="k", initial=initial),
            allow=request_rows("allow", initial=rows["allow"]),
            deny=request_rows("deny", initial=rows["deny"]),
        )

    def parts(self, question, post=None, rows=None, *, user=None) -> ChallengeParts:
        if post is not None:
            posted = ChallengeParts(
                extra=ChallengeForm(post, prefix="k"),
                allow=request_rows("allow", post),
                deny=request_rows("deny", post),
            )
            posted.work_out = lambda data: reference_check(
                self.data(posted, {}) if data is None else data,
                lambda found: self.linked(posted, found),
            )
            return _explain_missing_reference(posted, question)
        data = question.data if isinstance(question.data, dict) else {}
        ch = data.get("challenge")
        if not isinstance(ch, dict):
            ch = {}
        scope = ch.get("scope")
        if not isinstance(scope, list):
            scope = []
        initial = {
            "principal": ch.get("principal") or "",
            "resource_account": ch.get("resource_account") or "",
            "scope": "\n".join(s for s in scope if isinstance(s, str)),
            "start_policy": ch.get("start_policy") or "",
            "reference": data.get("reference") or "",
        }
        blank = {f: "" for f in ROW_FIELDS}
        lists = {
            "allow": _rows_of(ch.get("must_allow")) or [dict(blank)],
            "deny": _rows_of(ch.get("must_deny")) or [dict(blank)],
        }
        parts = _explain_missing_reference(self._unbound(lists, initial), question)
        if question.pk and initial["reference"]:
            # A saved question's editor opens on the engine's check of it, as the network and
            # routing editors do: it said "Fill in the requests and the reference solution".
            parts.check = reference_check(data, lambda found: self.linked(parts, found))
        return parts

    def _posted_initial(self, post) -> dict:
        return {name: post.get(f"k-{name}", "") for name in ChallengeForm.base_fields}

    def redraw(self, question, post, *, user=None) -> ChallengeParts:
        lists = {which: self._posted(post, which) for which in LISTS}
        return _explain_missing_reference(
            self._unbound(lists, self._posted_initial(post)), question
        )

    def act(self, question, post, action: str, *, user=None) -> ChallengeParts | None:
        """ "allow-add", "deny-up-2", "allow-remove-0", …: one list's row buttons."""
        which, _, verb = action.partition("-")
        if which not in LISTS:
            return None
        lists = {w: self._posted(post, w) for w in LISTS}
        rows = apply_row_action(lists[which], verb, {f: "" for f in ROW_FIELDS})
        if rows is None:
            return None
        lists[which] = rows[:MAX_REQUESTS]
        parts = self._unbound(lists, self._posted_initial(post))
        return _explain_missing_reference(parts, question)

    def row_focus(self, parts: ChallengeParts, action: str) -> tuple[str, RowFocus] | None:
        """As the rows' (`Editor.row_focus`), in the list the button belongs to."""
        which, _, verb = action.partition("-")
        if which not in LISTS:
            return None
        formset = getattr(parts, which)
        focus = focus_after(verb, len(formset.forms))
        focus_row(formset, focus, "action")
        return (which, focus) if focus is not None else None

    def runs_engine(self, post, action: str) -> bool:
        return action == "check"

    def live(self, question, post, action: str, *, user=None) -> ChallengeParts | None:
        if action != "check":
            return None
        parts = self.parts(question, post)
        if parts.is_valid():
            link = lambda found: self.linked(parts, found)  # noqa: E731
            parts.check = reference_check(self.data(parts, {}), link)
        else:
            parts.check = {"problems": _form_errors(parts), "result": None, "ok": False}
        return parts

    def row_lists(self, parts: ChallengeParts) -> dict[tuple, RowList]:
        lists = {}
        for key, formset in (("must_allow", parts.allow), ("must_deny", parts.deny)):
            kept = _kept_requests(formset)
            assert formset.prefix is not None  # a formset always has one ("allow", "deny")
            lists[("challenge", key)] = RowList(
                formset.prefix, tuple(index for index, _request in kept), ROW_FIELDS
            )
        return lists

    def fill(self, question, parts: ChallengeParts, *, previous: dict, user) -> list:
        parts.filled = question.data = self.data(parts, previous)
        return []

    def formsets(self, parts: ChallengeParts) -> list:
        return [parts.allow, parts.deny]

    def data(self, parts: ChallengeParts, previous: dict) -> dict:
        k = parts.extra.cleaned_data
        challenge = {
            "principal": k["principal"].strip(),
            "start_policy": k["start_policy"],
            "must_allow": _requests(parts.allow),
            "must_deny": _requests(parts.deny),
            "scope": k["scope"],
        }
        if k["resource_account"].strip():
            challenge["resource_account"] = k["resource_account"].strip()
        return {"challenge": challenge, "reference": k["reference"]}


def _form_errors(parts: ChallengeParts) -> list[str]:
    """The forms' errors as sentences naming the field (for the live check), each linked to
    its field, in the page's order: the principal and account, the requests, then the probed
    resources, the starting policy and the reference."""
    out: list[str] = []
    extra = parts.extra
    said = [(name, e) for name, errors in extra.errors.items() for e in errors]
    after = ("scope", "start_policy", "reference")
    out += [linked_to(extra, n, named_error(extra, n, e)) for n, e in said if n not in after]
    for formset, title in (
        (parts.allow, "Must-allow request"),
        (parts.deny, "Must-deny request"),
    ):
        out += [str(e) for e in formset.non_form_errors()]
        # Each row's errors (what formset.errors lists: these rows have no delete box).
        for n, form in enumerate(formset.forms if formset.is_bound else [], start=1):
            for name, messages in form.errors.items():
                placed = placed_on(form, name)  # the kind's problems name their row themselves
                out += [
                    linked_to(form, name, m if m in placed else named_by(f"{title} {n}, {name}", m))
                    for m in messages
                ]
    return out + [linked_to(extra, n, named_error(extra, n, e)) for n, e in said if n in after]
