"""The sandbox's many-request tools: a batch of actions × resources, the effective-permissions
summary, and "Compare with…" (a policy diff). Thin views over the engine's `simulate`,
`summary` and `diff`; forms post (they carry policies), work without JavaScript, and htmx
swaps only the results partial."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from srm_trainer.iam import PolicyError
from srm_trainer.iam.diff import diff
from srm_trainer.iam.jsontext import load_json
from srm_trainer.iam.simulate import simulate
from srm_trainer.iam.summary import example_resource, summarize
from srm_trainer.ratelimit import rate_limited
from srm_trainer.sandbox.state import (
    MAX_BODY_BYTES,
    MAX_POLICY_CHARS,
    STARTER_POLICY,
    PolicyText,
    SandboxState,
    encode_permalink,
)

TEMPLATE = "sandbox/analysis.html"
# The sandbox answers while the learner waits: smaller caps than the API's.
MAX_BATCH_PAIRS = 400
MAX_SUMMARY_ACTIONS = 800
DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(request, "sandbox/slow_down.html", {"retry_after": retry_after}, status=429)


@dataclass
class PolicyForm:
    """The policy fields the tools share; `error` says which field is wrong and how."""

    principal: str = "arn:aws:iam::111122223333:role/Developer"
    identity: str = STARTER_POLICY
    boundary: str = ""
    scp: str = ""
    error: str = ""

    @classmethod
    def read(cls, data: Any) -> PolicyForm:
        form = cls(
            principal=(data.get("principal") or cls.principal).strip(),
            identity=data.get("identity", cls.identity),
            boundary=data.get("boundary", ""),
            scp=data.get("scp", ""),
        )
        for label, text in (
            ("identity policy", form.identity),
            ("boundary", form.boundary),
            ("SCP", form.scp),
        ):
            if len(text) > MAX_POLICY_CHARS:
                form.error = f"The {label} is longer than {MAX_POLICY_CHARS:,} characters."
        return form

    def case(self) -> dict[str, Any]:
        case: dict[str, Any] = {
            "identity_policies": [self.identity] if self.identity.strip() else []
        }
        if self.boundary.strip():
            case["permissions_boundary"] = self.boundary
        if self.scp.strip():
            case["scp_levels"] = [[self.scp]]
        return case

    def permalink(self, action: str, resource: str) -> str:
        """The single-request sandbox, opened on this pair with these policies."""
        state = SandboxState(
            principal=self.principal,
            action=action,
            resource=resource,
            resource_account="",
            identity=(PolicyText(self.identity),),
            boundary=self.boundary,
            scp_levels=((self.scp,),) if self.scp.strip() else (),
        )
        return f"{reverse('sandbox')}?case={encode_permalink(state)}"


def _where(exc: PolicyError) -> str:
    """The error as a learner reads it: which field, and the line and column when known."""
    place = (exc.path or "").replace("identity_policies[0]", "identity policy")
    place = place.replace("permissions_boundary", "boundary").replace("scp_levels[0][0]", "SCP")
    at = f" (line {exc.line}, column {exc.column})" if exc.line else ""
    return f"{place + ': ' if place else ''}{exc.message}{at}"


def _example_resource(resources: tuple[str, ...]) -> str:
    """A resource to open a partial action on: an example of its first pattern, else `*`."""
    plain = [r for r in resources if r.startswith("arn:")]
    return example_resource(plain[0]) if plain else "*"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _respond(request: HttpRequest, context: dict[str, Any], partial: str) -> HttpResponse:
    if request.htmx and request.method == "POST":
        return render(request, f"{TEMPLATE}#{partial}", context)
    return render(request, TEMPLATE, context)


def _too_big(request: HttpRequest) -> bool:
    return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def batch(request: HttpRequest) -> HttpResponse:
    """Many actions × resources: a table of decisions, filterable, each row a permalink."""
    data = request.POST if request.method == "POST" else request.GET
    form = PolicyForm.read(data)
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
    }
    if request.method == "POST" and not form.error and not _too_big(request):
        case = form.case()
        case["request"] = {
            "principal": form.principal,
            "actions": _lines(actions),
            "resources": _lines(resources) or ["*"],
        }
        try:
            results = simulate(case, max_pairs=MAX_BATCH_PAIRS)
        except PolicyError as exc:
            form.error = _where(exc)
        else:
            counts = {d: sum(1 for r in results if r.decision.decision == d) for d in DECISIONS}
            rows = [r for r in results if not context["decision"] or r.decision.decision == shown]
            context.update(
                counts=counts,
                total=len(results),
                rows=[(r, form.permalink(r.action, r.resource)) for r in rows],
            )
    elif _too_big(request):
        form.error = f"That is more than the sandbox takes at once ({MAX_BODY_BYTES // 1024} KB)."
    return _respond(request, context, "batch_results")


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def summary(request: HttpRequest) -> HttpResponse:
    """What can this principal do? Per service and access level, decided by the engine."""
    data = request.POST if request.method == "POST" else request.GET
    form = PolicyForm.read(data)
    services = data.get("services", "")
    context: dict[str, Any] = {"tool": "summary", "form": form, "services": services}
    if request.method == "POST" and not form.error and not _too_big(request):
        case = form.case()
        case["request"] = {"principal": form.principal}
        try:
            result = summarize(
                case,
                services=[s.lower() for s in _lines(services)] or None,
                max_actions=MAX_SUMMARY_ACTIONS,
            )
            context["summary"] = result
            # Each allowed action opens the one-request sandbox, explained step by step.
            context["links"] = {
                a.action: form.permalink(a.action, _example_resource(a.resources))
                for svc in result.services
                for a in svc.allowed
            }
        except PolicyError as exc:
            form.error = _where(exc)
    elif _too_big(request):
        form.error = f"That is more than the sandbox takes at once ({MAX_BODY_BYTES // 1024} KB)."
    return _respond(request, context, "summary_results")


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@rate_limited("sandbox", _too_many)
def compare(request: HttpRequest) -> HttpResponse:
    """Compare with…: what a new policy allows that the old one did not, and the reverse."""
    data = request.POST if request.method == "POST" else request.GET
    old = data.get("old", STARTER_POLICY)
    new = data.get("new", "")
    services = data.get("services", "")
    context: dict[str, Any] = {
        "tool": "compare",
        "old": old,
        "new": new,
        "services": services,
        "error": "",
    }
    if request.method == "POST":
        if _too_big(request) or max(len(old), len(new)) > MAX_POLICY_CHARS:
            context["error"] = f"A policy is longer than {MAX_POLICY_CHARS:,} characters."
        else:
            try:
                sides = []
                for side, text in (("old", old), ("new", new)):
                    if not text.strip():
                        raise PolicyError("missing_field", f"Paste the {side} policy.", path=side)
                    sides.append(load_json(text, what=f"the {side} policy"))
                context["diff"] = diff(
                    sides[0],
                    sides[1],
                    services=[s.lower() for s in _lines(services)] or None,
                    max_actions=MAX_SUMMARY_ACTIONS,
                )
            except PolicyError as exc:
                context["error"] = _where(exc)
    return _respond(request, context, "compare_results")
