"""The sandbox's many-request tools: a batch of actions × resources, the effective-permissions
summary, and "Compare with…" (a policy diff). Thin views over the engine's `simulate`,
`summary` and `diff`; forms post (they carry policies), work without JavaScript, and htmx
swaps only the results partial.

Each tool reads a *policy set* with the one-request sandbox's own fields (`state.py`): several
identity policies, a permissions boundary, a session policy and SCP levels of several policies
each ("Add …" buttons post `op`, like the sandbox's). The compare page reads two sets, their
fields prefixed `old-` and `new-`. The first version of these pages took one policy per kind
(`identity`, `boundary`, `scp`; `old`, `new`): those fields are still read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import quote_plus, urlencode

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reselect, reswap, retarget

from srm_trainer.htmx import HtmxHttpRequest
from srm_trainer.iam import PolicyError, parse_case
from srm_trainer.iam import simulate as batch_engine
from srm_trainer.iam import words as engine_words
from srm_trainer.iam.decision import Decision, StatementRef
from srm_trainer.iam.diff import diff
from srm_trainer.iam.json_mistakes import located
from srm_trainer.iam.simulate import simulate
from srm_trainer.iam.summary import (
    ACCESS_LEVELS,
    Listing,
    Verdict,
    example_resource,
    not_granted_by_resource,
    summarize,
)
from srm_trainer.iam.words import Labeller
from srm_trainer.ratelimit import rate_limited
from srm_trainer.sandbox.explain import reason_html, reason_lesson
from srm_trainer.sandbox.panel import limits
from srm_trainer.sandbox.state import (
    MAX_BODY_BYTES,
    MAX_LINK_CHARS,
    MAX_PERMALINK_CHARS,
    OPEN_ROW,
    STARTER_POLICY,
    PolicyText,
    SandboxState,
    StateError,
    apply_op,
    encode_permalink,
    org_sections,
    row_value,
    state_from_form,
    state_to_case,
)
from srm_trainer.too_large import fewer, over_limit

TEMPLATE = "sandbox/analysis.html"
# The sandbox answers while the learner waits: a batch smaller than the API's. The summary and
# the diff are bounded by the engine's own work caps (summary.MAX_MATCHES, MAX_CHECKS).
MAX_BATCH_PAIRS = 400
# A page lists at most this many actions with their explanation (the tables count them all),
# and at most this many characters of their resources, conditions and statements: each row
# repeats its verdict's, and three policies (64 KB) whose Allow on `*` held ~1,000 condition
# values each made a 15.9 MB page of 400 rows (0.3 s of CPU, 0.5-0.6 s in all).
MAX_LISTED = 400
MAX_LISTED_CHARS = 500_000
# Beyond this many services, one overview table (a row per service) instead of a table each.
MAX_SERVICE_TABLES = 20
WORDS = {"full": "Fully", "partial": "Partly", "none": "Not at all"}
DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")
DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:role/Developer"
# Policy kinds each tool reads. The summary and the diff are about the principal's own
# policies: a resource-based policy belongs to one resource (see the page's note).
_TOO_BIG = f"That is more than the sandbox takes at once ({MAX_BODY_BYTES // 1024} KB)"
BATCH_KINDS = ("resource_policy", "boundary", "session_policy")
OWN_KINDS = ("boundary", "session_policy")


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    """Too many at once: in the results' place for htmx (a whole page swapped in there drew a
    second header, and a second status region, inside the first), else a page of its own.
    Whatever the request aimed at: an "Add" button swaps the form with the form it selects
    from the answer, so the refusal, which holds none, swapped the form away with all that
    was typed in it."""
    context = {"retry_after": retry_after}
    if request.htmx:
        response = render(request, f"{TEMPLATE}#slow_down", context, status=429)
        return reselect(reswap(retarget(response, "#results"), "outerHTML"), "#results")
    return render(request, "sandbox/slow_down.html", context, status=429)


def too_large(request: HtmxHttpRequest, exception: Exception) -> HttpResponse:
    """A body over Django's own limits (srm_trainer/too_large.py), its form unread: with htmx,
    in the results' place as `_too_many` (the form keeps what was typed), else a page saying
    so; swapped in although it is a 4xx (X-Page-Stale, static/js/stale-page.js)."""
    what, fix = _TOO_BIG, "shorten a policy"
    if not isinstance(exception, RequestDataTooBig):  # too many fields: a count, not a size
        what, fix = over_limit(exception, "the sandbox takes"), fewer(exception, "policies")
    context = {"message": f"{what}, so it was not evaluated: {fix} and try again."}
    if request.htmx:
        response = render(request, f"{TEMPLATE}#too_large", context, status=413)
        response["X-Page-Stale"] = "1"
        return reselect(reswap(retarget(response, "#results"), "outerHTML"), "#results")
    return render(request, "sandbox/refused.html", context, status=413)


# --- the policy set a tool reads -----------------------------------------------------------------


@dataclass
class Editor:
    """One textarea of a policy set: `field` is its name (and id) with the set's prefix."""

    field: str
    label: str
    text: str
    remove_op: str = ""


@dataclass
class PolicyForm:
    """The policies one tool reads (`state`, a sandbox state whose request is unused) and what
    is wrong with them (`error`, naming the field)."""

    state: SandboxState
    prefix: str = ""
    kinds: tuple[str, ...] = OWN_KINDS
    error: str = ""

    @classmethod
    def read(
        cls,
        data: Any,
        *,
        prefix: str = "",
        kinds: tuple[str, ...] = OWN_KINDS,
        legacy: str = "identity",
        default: str = STARTER_POLICY,
    ) -> PolicyForm:
        fields = {key[len(prefix) :]: data.get(key) for key in data if key.startswith(prefix)}
        if not any(key.startswith(("identity-", "scp-")) for key in fields):
            fields.update(_legacy_fields(data, legacy, prefix, default))
        fields["principal"] = data.get("principal") or DEFAULT_PRINCIPAL
        fields["federated_by"] = data.get("federated_by") or ""
        form = cls(SandboxState(), prefix, kinds)
        try:
            form.state = state_from_form(fields)
        except StateError as exc:
            form.state = state_from_form(fields, strict=False)  # keep what was typed
            form.error = exc.message
        if not form.state.identity:
            form.state = replace(form.state, identity=(PolicyText(),))
        op = data.get("op", "")
        if op.startswith(prefix) and op[len(prefix) :]:
            form.state = apply_op(form.state, op[len(prefix) :])
        return form

    @property
    def principal(self) -> str:
        return self.state.principal

    def case(self) -> dict[str, Any]:
        """The policies as the engine's case fields (no request), of the kinds this tool reads."""
        case = state_to_case(self.state)
        case.pop("request", None)
        case.pop("name", None)
        case.pop("rcp_levels", None)
        if "resource_policy" not in self.kinds:
            case.pop("resource_policy", None)
        return case

    def statement_label(self, ref: StatementRef) -> str:
        """A statement's name with its policy numbered as the page's editors are: the case leaves
        empty editors out, and the engine counts the policies after one a number lower."""
        if ref.policy_kind == "identity":
            kept = [i for i, p in enumerate(self.state.identity) if p.text.strip()]
        elif ref.policy_kind == "scp" and ref.level is not None:
            level = (
                self.state.scp_levels[ref.level] if ref.level < len(self.state.scp_levels) else ()
            )
            kept = [j for j, t in enumerate(level) if t.strip()]
        else:
            kept = []
        if ref.policy_index < len(kept):
            ref = replace(ref, policy_index=kept[ref.policy_index])
        return engine_words.statement_label(ref)

    @property
    def empty(self) -> bool:
        return not any(p.text.strip() for p in self.state.identity)

    # What the template draws.
    @property
    def identity(self) -> list[Editor]:
        many = len(self.state.identity) > 1
        return [
            Editor(
                f"{self.prefix}identity-{i}-text",
                f"Identity policy {i + 1}",
                p.text,
                f"{self.prefix}remove-identity:{i}" if many else "",
            )
            for i, p in enumerate(self.state.identity)
        ]

    @property
    def names(self) -> list[tuple[str, str]]:
        """Each identity policy's name field (hidden inputs: the names travel with the texts)."""
        return [
            (f"{self.prefix}identity-{i}-name", p.name) for i, p in enumerate(self.state.identity)
        ]

    @property
    def others(self) -> list[Editor]:
        labels = {
            "resource_policy": "Resource-based policy (taken as attached to every resource listed)",
            "boundary": "Permissions boundary",
            "session_policy": "Session policy",
        }
        return [
            Editor(f"{self.prefix}{kind}", labels[kind], getattr(self.state, kind))
            for kind in self.kinds
        ]

    @property
    def scp_levels(self) -> list[tuple[int, list[Editor]]]:
        section = org_sections(self.state)[0]
        return [
            (
                level.index,
                [
                    Editor(
                        f"{self.prefix}{ed.field}",
                        f"SCP {j + 1} at level {level.index + 1}",
                        ed.text,
                    )
                    for j, ed in enumerate(level.editors)
                ],
            )
            for level in section.levels
        ]

    @property
    def limits(self) -> dict[str, Any]:
        return limits(self.state)

    @property
    def open_others(self) -> bool:
        return any(getattr(self.state, kind).strip() for kind in self.kinds)

    def token(self) -> str:
        """The one-request sandbox's permalink token for these policies (each row adds its own
        action and resource to the link: one encoding per page, not one per row)."""
        state = self.state
        if "resource_policy" not in self.kinds:
            state = replace(state, resource_policy="")
        token = encode_permalink(replace(state, context=(), resource_account=""))
        # Longer than a server takes in one request line: the rows are not links then.
        return token if len(token) <= MAX_PERMALINK_CHARS else ""


def _legacy_fields(data: Any, legacy: str, prefix: str, default: str) -> dict[str, str]:
    """The first version's single fields, as the sandbox's indexed ones."""
    if not data:  # a fresh page: the starter policy
        return {"identity-0-text": default}
    out = {"identity-0-text": data.get(legacy, default)}
    for old, new in (("boundary", "boundary"), ("session_policy", "session_policy")):
        if not prefix and data.get(old):
            out[new] = data[old]
    if not prefix and data.get("scp", "").strip():
        out["scp-0-0"] = data["scp"]
    return out


# The most a page's rows may spend repeating their policies in links: each row's link starts
# with the whole permalink token (`_link_start`), so a page of links is its rows times that.
# The shipped presets' starts are 348-772 characters: the default batch (62 rows) takes at most
# 48 KB, an S3 summary's 168 rows 130 KB, and 35 of the 39 presets fit all 400 rows. 400 rows of
# an 8,000-character token took 3.2 MB (a 3.4 MB page): past the budget, buttons (0.30 MB).
MAX_ROW_LINKS_CHARS = 256 * 1024


def rows_as_links(*tables: tuple[str, int]) -> bool:
    """Whether a page's rows open their requests with links rather than buttons of one GET form
    that carries the policies once (`_opener`), given each of its tables' (token, rows). A link
    is what a learner expects (middle-click, "Open in new tab", copy the address) but repeats
    the token in every row: links while that repetition stays within MAX_ROW_LINKS_CHARS, which
    keeps a page of links under twice the size of the largest page of buttons."""
    return sum(len(_link_start(token)) * rows for token, rows in tables) <= MAX_ROW_LINKS_CHARS


def _link_start(token: str) -> str:
    """What every row's link to the one-request sandbox starts with ("" for no token)."""
    return f"{reverse('sandbox')}?{urlencode({'case': token})}&" if token else ""


@dataclass(frozen=True)
class Opens:
    """How a row opens its request in the one-request sandbox: `href`, its link (the
    permalink), or `value`, its button's `open` (`state.row_value`; the page's one form carries
    the token, and the sandbox sends the pair on to the same permalink). Neither: the row opens
    nothing (`_opener`)."""

    href: str = ""
    value: str = ""

    def __bool__(self) -> bool:
        return bool(self.href or self.value)


NOTHING = Opens()


def _opener(token: str, *, links: bool) -> Callable[[str, str], Opens]:
    """What opens a pair (action, resource) with the page's policies: a link or a button as
    `rows_as_links` decided for the whole page, or nothing when the request (the link, or the
    button's GET and the permalink it is sent on to) would pass what a server takes in one
    request line (gunicorn refused it with its own "URI Too Long"), or `token` is "" (too large
    for a link). The link's start is built once per page, not for each of up to 400 rows."""
    if not token:
        return lambda action, resource: NOTHING
    start = _link_start(token)

    def opens(action: str, resource: str) -> Opens:
        pair = urlencode({"action": action, "resource": resource})
        if links:
            link = start + pair
            return Opens(href=link) if len(link) <= MAX_LINK_CHARS else NOTHING
        value = row_value(action, resource)
        longest = len(start) + max(len(pair), _form_chars(OPEN_ROW, value))
        return Opens(value=value) if longest <= MAX_LINK_CHARS else NOTHING

    return opens


def _form_chars(name: str, value: str) -> int:
    """The length of `name=value` as a browser sends a GET form's field: it quotes `~` and
    sends a line break as CRLF, where `urlencode` leaves `~` and sends LF; it leaves `*`."""
    value = value.replace("\r\n", "\n").replace("\n", "\r\n")
    return len(name) + 1 + len(quote_plus(value, safe="*")) + 2 * value.count("~")


# --- explanations, the way the one-request sandbox words them ------------------------------------


@dataclass(frozen=True)
class Why:
    """Why one answer came out as it did: the deciding box of the flowchart and its reasons, and
    the statements that decided (or limit) it."""

    step: str
    reasons: tuple[tuple[SafeString, str], ...]  # (sentence, lesson link)
    statements: tuple[str, ...]
    limited_by: tuple[str, ...] = ()
    # An implicit deny's nearest Allow: one that matched the action and missed only on its
    # resource or a condition, and why (`_nearest_allow`).
    near: str = ""
    near_text: SafeString = SafeString("")

    @property
    def text(self) -> SafeString:
        return format_html_join("; ", "{}", ((html,) for html, _ in self.reasons))


def _worded(why: engine_words.Why) -> Why:
    reasons = tuple((reason_html(r.code, r.data), reason_lesson(r.code)) for r in why.reasons)
    return Why(why.step, reasons, why.statements, why.limited_by)


def decision_why(decision: Decision, label: Labeller = engine_words.statement_label) -> Why:
    why = _worded(engine_words.decision_why(decision, label))
    near = _nearest_allow(decision, label)
    return replace(why, near=near[0], near_text=near[1]) if near else why


# The policies of each box of the flowchart, and why an Allow "nearly" applied: it matched the
# action and missed only on its resource or a condition (summary.py counts such an action partial).
_BOX_POLICIES = {
    "identity": "identity",
    "boundary": "boundary",
    "session_policy": "session",
    "scp": "scp",
    "rcp": "rcp",
    "resource_policy": "resource",
}
_NEAR_CODES = frozenset(
    {
        "resource_not_matched",
        "notresource_matched",
        "policy_variable_no_value",
        "condition_key_missing",
        "condition_value_mismatch",
    }
)


def _nearest_allow(decision: Decision, label: Labeller) -> tuple[str, SafeString] | None:
    """An implicit deny's first Allow, in the policies of the box that decided it, that missed
    only on its resource or a condition: its label and why ("the request has no
    aws:MultiFactorAuthPresent"), which the box's own words ("no policy allows it") leave out."""
    if decision.decision != "ImplicitDeny":
        return None
    step = decision.deciding_step()
    kind = _BOX_POLICIES.get(step.name) if step is not None else None
    if kind is None:
        return None
    for policy in decision.explanations:
        if policy.kind != kind:
            continue
        for st in policy.statements:
            codes = {r.code for r in st.reasons}
            if st.ref.effect == "Allow" and not st.applies and codes and codes <= _NEAR_CODES:
                text = format_html_join(
                    "; ", "{}", ((reason_html(r.code, r.data),) for r in st.reasons[:3])
                )
                return label(st.ref), text
    return None


def verdict_why(verdict: Verdict, label: Labeller = engine_words.statement_label) -> Why:
    return _worded(engine_words.verdict_why(verdict, label))


def _worded_once(word: Callable[[Any], Why], key: Callable[[Any], object]) -> Callable[[Any], Why]:
    """`word` for one page's rows, worded once per `key`: rows that share an answer share its
    words. The rows hold their answers for the page's time, so ids of their parts are theirs
    meanwhile."""
    seen: dict[object, Why] = {}

    def why(answer: Any) -> Why:
        k = key(answer)
        found = seen.get(k)
        if found is None:
            found = seen[k] = word(answer)
        return found

    return why


def _decision_whys(form: PolicyForm) -> Callable[[Decision], Why]:
    """`decision_why`, once per answer: the actions of a batch the engine cannot tell apart
    share one evaluation's steps and deciding statements (simulate's `_alike`), all that the
    words are made of. Statements are named as `form`'s editors are."""
    word = partial(decision_why, label=form.statement_label)
    return _worded_once(word, lambda d: (id(d.steps), id(d.decisive)))


def _verdict_whys(form: PolicyForm) -> Callable[[Verdict], Why]:
    """`verdict_why`, once per verdict: a summary's (and so a diff's) actions that come out
    alike share one verdict. Statements are named as `form`'s editors are."""
    return _worded_once(partial(verdict_why, label=form.statement_label), id)


# --- the views ------------------------------------------------------------------------------------


def _respond(request: HtmxHttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The page; for htmx, the tool's results and their words for the status region."""
    if request.htmx and request.method == "POST" and not context.get("reshaped"):
        return render(request, f"{TEMPLATE}#live_results", context)
    return render(request, TEMPLATE, context)


def _too_big(request: HttpRequest) -> str:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return f"{_TOO_BIG}."
    return ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _line_words(path: str, label: str, text: str) -> dict[str, str]:
    """`request.actions[3]` → "Actions, line 5": the engine counts the entries `_lines` kept,
    the learner the lines of the box (blank ones too)."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for _ in (piece for piece in line.split(",") if piece.strip()):
            out[f"{path}[{len(out)}]"] = f"{label}, line {number}"
    return out


def _where(
    exc: PolicyError,
    form: PolicyForm | None = None,
    side: str = "",
    extra: dict[str, str] | None = None,
) -> str:
    """The error as a learner reads it: which policy, and the line and column when known.
    `extra`: more case paths and their words (the many-request tool's boxes)."""
    place, message = exc.path or "", exc.message
    names = {**_field_words(form, side), **(extra or {})}
    for field, words in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if place == field or place.startswith((field + ".", field + "[")):
            # The label starts the message: capitalised, as the one-request sandbox writes it.
            place = words[:1].upper() + words[1:] + place[len(field) :]
            break
    if exc.path and message.startswith(exc.path):  # it names its place itself: said once
        place, message = "", place + message[len(exc.path) :]
    if exc.line:  # "Identity policy 2, line 3, column 9: ...", as every JSON box says it
        return located(message, exc.line, exc.column, place)
    return f"{place + ': ' if place else ''}{message}"


def _field_words(form: PolicyForm | None, side: str) -> dict[str, str]:
    """Case paths (`identity_policies[1]`, `scp_levels[0][1]`) → the labels on the page."""
    if form is None:
        return {}
    lead = f"{side} side, " if side else ""
    out: dict[str, str] = {}
    # state_to_case drops empty editors: number the paths as the engine saw them.
    kept = [i for i, p in enumerate(form.state.identity) if p.text.strip()]
    for n, i in enumerate(kept):
        out[f"identity_policies[{n}]"] = f"{lead}identity policy {i + 1}"
    for lvl, level in enumerate(form.state.scp_levels):
        kept = [j for j, t in enumerate(level) if t.strip()]
        for n, j in enumerate(kept):
            out[f"scp_levels[{lvl}][{n}]"] = f"{lead}SCP {j + 1} at level {lvl + 1}"
    out["permissions_boundary"] = f"{lead}permissions boundary"
    out["session_policy"] = f"{lead}session policy"
    out["resource_policy"] = f"{lead}resource-based policy"
    out["request.principal"] = "Principal"  # the batch's and the summary's own field
    out["request.federated_by"] = "Created by (IAM user)"  # the batch's
    # Longest first, so identity_policies[10] is not read as identity_policies[1].
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def batch(request: HtmxHttpRequest) -> HttpResponse:
    """Many actions × resources: a table of decisions, filterable, each row opening the
    one-request sandbox on its pair (`_opener`)."""
    data = request.POST if request.method == "POST" else request.GET
    form = PolicyForm.read(data, kinds=BATCH_KINDS)
    actions = data.get("actions", "s3:Get*\ns3:PutObject\ns3:DeleteObject")
    resources = data.get("resources", "arn:aws:s3:::reports/2026/q1.csv")
    shown = data.get("decision", "")
    context: dict[str, Any] = {
        "tool": "batch",
        "form": form,
        "actions": actions,
        "resources": resources,
        "decision": shown if shown in DECISIONS else "",
        "decisions": DECISIONS,
        "rows": None,
        "reshaped": bool(data.get("op")),
    }
    form.error = form.error or _too_big(request)
    if request.method == "POST" and not form.error and not context["reshaped"]:
        case = form.case()
        case["request"] = {
            "principal": form.principal,
            "actions": _lines(actions),
            "resources": _lines(resources) or ["*"],
        }
        if form.state.federated_by:
            case["request"]["federated_by"] = form.state.federated_by
        try:
            results = simulate(case, max_pairs=MAX_BATCH_PAIRS)
        except PolicyError as exc:
            boxes = {
                **_line_words("request.actions", "Actions", actions),
                **_line_words("request.resources", "Resources", resources),
            }
            # The whole batch too big: the engine's place, "request", is no box on the page.
            form.error = _box_refused(exc, case["request"]) or (
                exc.message if exc.path == "request" else _where(exc, form, extra=boxes)
            )
        else:
            counts = {d: sum(1 for r in results if r.decision.decision == d) for d in DECISIONS}
            rows = [r for r in results if not context["decision"] or r.decision.decision == shown]
            token = form.token()
            links = rows_as_links((token, len(rows)))
            opened, why = _opener(token, links=links), _decision_whys(form)
            context.update(
                token="" if links else token,  # the buttons' form's
                counts=counts,
                total=len(results),
                rows=[(r, why(r.decision), opened(r.action, r.resource)) for r in rows],
            )
    return _respond(request, context)


# The batch boxes as the engine names them (`request.actions`) and as the page labels them.
_BOXES = {"request.actions": "Actions", "request.resources": "Resources"}


def _box_refused(exc: PolicyError, request: dict[str, Any]) -> str:
    """The engine's refusal of a whole box, an empty or too long one, in the page's words: its
    own were "request.actions must be a non-empty list" and "request.actions lists 501
    entries". Told apart by its place and code; the limit is the engine's (`MAX_LIST`), not
    checked here again. "" for any other refusal."""
    label = _BOXES.get(exc.path)
    if label is None:
        return ""
    if exc.code == "too_many_pairs":
        listed = len(request[exc.path.removeprefix("request.")])
        return f"{label}: {listed:,} listed; the most is {batch_engine.MAX_LIST:,}."
    if exc.code == "invalid_case" and label == "Actions":
        return "Actions: give at least one action, one a line, such as s3:GetObject."
    return ""


@dataclass(frozen=True)
class Listed:
    """One action of a summary as the page lists it."""

    action: str
    level: str
    verdict: Verdict
    why: Why
    resource: str  # the resource it opens on
    link: Opens = NOTHING  # how it opens (`_opener`)


def _listed(
    summary: Any, form: PolicyForm, token: str, *, allowed: bool
) -> tuple[dict[str, list[Listed]], bool]:
    """Per service, the allowed (or not allowed) actions with their explanation, at most
    MAX_LISTED in all, each opening its request; and whether they open it with links
    (`rows_as_links`, on all of them). Actions sharing a verdict share its explanation (worded
    once)."""
    why = _verdict_whys(form)
    out: dict[str, list[Listed]] = {}
    listing = Listing(MAX_LISTED, MAX_LISTED_CHARS)
    for svc in summary.services:
        rows = out[svc.prefix] = []
        for a in svc.actions:
            if (a.verdict.access != "none") != allowed:
                continue
            v = a.verdict
            if not listing.take((id(v),), partial(_row_words, v, why(v)), a.action):
                break
            resource = _example_resource(a.verdict.resources)
            rows.append(Listed(a.action, a.level, a.verdict, why(a.verdict), resource))
    links = rows_as_links((token, sum(len(rows) for rows in out.values())))
    opened = _opener(token, links=links)
    for rows in out.values():
        rows[:] = [replace(r, link=opened(r.action, r.resource)) for r in rows]
    return out, links


def _example_resource(resources: tuple[str, ...]) -> str:
    """A resource to open a partial action on: an example of its first pattern, else `*`."""
    plain = [r for r in resources if r.startswith("arn:")]
    return example_resource(plain[0]) if plain else "*"


def _overview(summary: Any) -> SafeString:
    """The rows of one table, a row per service and a cell per access level ("—" where the
    service has no action at that level); built here, escaped, in one pass: a summary of every
    service has 445 rows, too many for the template language's loops within the budget."""
    rows = []
    for svc in summary.services:
        at = {lv.level: lv.access for lv in svc.levels}
        cells = format_html_join(
            "",
            '<td class="access-{}">{}</td>',
            ((at.get(level, "na"), WORDS.get(at.get(level, ""), "—")) for level in ACCESS_LEVELS),
        )
        rows.append((svc.name, svc.prefix, cells))
    return format_html_join("", '<tr><th scope="row">{} ({})</th>{}</tr>', rows)


def _denied_groups(summary: Any, form: PolicyForm) -> dict[str, list[tuple[Why, list[str]]]]:
    """Per service, the actions allowed nowhere, grouped by why (usually a handful of
    reasons for hundreds of actions)."""
    out: dict[str, list[tuple[Why, list[str]]]] = {}
    why = _verdict_whys(form)
    for svc in summary.services:
        # Keyed by the words, not the verdict: verdicts evaluated apart (actions the engine's
        # built-in rules name) often read the same, and one line says it once.
        groups: dict[Why, list[str]] = {}
        for a in svc.actions:
            if a.verdict.access != "none":
                continue
            groups.setdefault(why(a.verdict), []).append(a.action)
        out[svc.prefix] = list(groups.items())
    return out


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def summary(request: HtmxHttpRequest) -> HttpResponse:
    """What can this principal do? Per service and access level, decided by the engine."""
    data = request.POST if request.method == "POST" else request.GET
    form = PolicyForm.read(data)
    services = data.get("services", "")
    context: dict[str, Any] = {
        "tool": "summary",
        "form": form,
        "services": services,
        "levels": ACCESS_LEVELS,
        "max_tables": MAX_SERVICE_TABLES,
        "reshaped": bool(data.get("op")),
    }
    form.error = form.error or _too_big(request)
    if request.method == "POST" and not form.error and not context["reshaped"]:
        case = form.case()
        case["request"] = {"principal": form.principal}
        try:
            result = summarize(case, services=[s.lower() for s in _lines(services)] or None)
        except PolicyError as exc:
            form.error = _where(exc, form)
        else:
            context["summary"] = result
            context["unfit"] = not_granted_by_resource(result)
            if len(result.services) > MAX_SERVICE_TABLES:
                context["overview"] = True
                context["overview_rows"] = _overview(result)
            else:
                token = form.token()
                context["allowed"], links = _listed(result, form, token, allowed=True)
                context["token"] = "" if links else token  # the buttons' form's
                context["denied"] = _denied_groups(result, form)
    return _respond(request, context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def compare(request: HtmxHttpRequest) -> HttpResponse:
    """Compare with…: what a new policy set allows that the old one did not, and the reverse."""
    data = request.POST if request.method == "POST" else request.GET
    old = PolicyForm.read(data, prefix="old-", legacy="old")
    new = PolicyForm.read(data, prefix="new-", legacy="new", default="")
    services = data.get("services", "")
    context: dict[str, Any] = {
        "tool": "compare",
        "old": old,
        "new": new,
        "sides": (("old", "Old policies (in force today)", old), ("new", "New policies", new)),
        "services": services,
        "error": old.error or new.error or _too_big(request),
        "reshaped": bool(data.get("op")),
    }
    if request.method == "POST" and not context["error"] and not context["reshaped"]:
        if old.empty or new.empty:
            side = "old" if old.empty else "new"
            context["error"] = f"Paste the {side} policy (at least one identity policy)."
        else:
            try:
                for side, form in (("old", old), ("new", new)):
                    _check(form, side)
                result = diff(
                    {**old.case(), "request": {"principal": old.principal}},
                    {**new.case(), "request": {"principal": new.principal}},
                    services=[s.lower() for s in _lines(services)] or None,
                )
            except PolicyError as exc:
                context["error"] = _where(exc)
            else:
                # Each side's link start once (the lost rows encoded the old side's policies
                # again for each row), and each verdict worded once.
                why_new, why_old = _verdict_whys(new), _verdict_whys(old)
                listing = Listing(None, MAX_LISTED_CHARS)
                gained = _fitting(result.gained[:MAX_LISTED], "new", why_new, listing)
                lost = _fitting(result.lost[:MAX_LISTED], "old", why_old, listing)
                new_token = new.token() if gained else ""
                old_token = old.token() if lost else ""
                links = rows_as_links((new_token, len(gained)), (old_token, len(lost)))
                to_new = _opener(new_token, links=links)
                to_old = _opener(old_token, links=links)
                if not links:  # each side's buttons' form's
                    context.update(new_token=new_token, old_token=old_token)
                context["diff"] = result
                context["unfit"] = not_granted_by_resource(result.new)
                context["gained"] = _compared(gained, "new", why_new, to_new)
                context["lost"] = _compared(lost, "old", why_old, to_old)
    return _respond(request, context)


def _compared(
    changes: list, side: str, why: Callable[[Verdict], Why], opener: Callable[[str, str], Opens]
) -> list:
    """A compare table's rows: each change with the side's verdict worded, the row's opener,
    what it shows, and its example resource (worked out once, for the opener and the row)."""
    rows = []
    for change in changes:
        resource = _res(change)
        verdict = getattr(change, side).verdict
        rows.append(
            (change, why(verdict), opener(change.action, resource), *_shown(change), resource)
        )
    return rows


def _check(form: PolicyForm, side: str) -> None:
    """Parse one side alone (the engine caches the parse for the diff), so an error says which
    side and which policy it is in."""
    try:
        parse_case(
            {
                **form.case(),
                "request": {
                    "principal": form.principal,
                    "action": "s3:ListBucket",
                    "resource": "*",
                },
            }
        )
    except PolicyError as exc:
        raise PolicyError(exc.code, _where(exc, form, side), path="") from None


def _row_words(verdict: Verdict, why: Why, shown: Any = None) -> tuple:
    """What a row repeats of its verdict (measured for `Listing`)."""
    resources, conditions = shown or (verdict.resources, verdict.conditions)
    return resources, conditions, why.statements, why.limited_by


def _fitting(changes: Any, grants: str, why: Callable[[Verdict], Why], listing: Listing) -> list:
    """The first changes whose rows fit in what `listing` has left (the table counts the rest)."""
    out = []
    for c in changes:
        v = (c.new if grants == "new" else c.old).verdict
        key = (id(c.old.verdict), id(c.new.verdict))
        if not listing.take(key, partial(_row_words, v, why(v), _shown(c)), c.action):
            break
        out.append(c)
    return out


def _res(change: Any) -> str:
    return _example_resource(_shown(change)[0])


def _shown(change: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A change's example resources and conditions (the wider side's, as its `to_dict` says),
    without the rest of `to_dict`, which the page's table drew for each row and threw away."""
    return (
        change.new.resources or change.old.resources,
        change.new.conditions or change.old.conditions,
    )
