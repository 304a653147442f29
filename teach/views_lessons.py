"""The finders behind the forms that choose lessons (`lessons.finder`) and a policy question's
scenario (`teach.policy_editor.find_scenarios`): as an author types, at most 30 come back as a
fragment of their form, rate-limited as searches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from lessons import finder
from srm_trainer.finder import too_many_said
from srm_trainer.ratelimit import rate_limited
from teach.access import teacher_required

MATCHES_TEMPLATE = "cohorts/_lesson_matches.html"
OPTIONS_TEMPLATE = "teach/question_form.html#lesson-options"
SCENARIO_TEMPLATE = "teach/editors.html#scenario-options"


def _too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """Over the search limit: the status line says when to try again; what is ticked stays."""
    said = too_many_said(retry_after)
    if request.resolver_match and request.resolver_match.url_name == "scenario-find":
        template = SCENARIO_TEMPLATE
    elif request.GET.get("for") == "question":
        template = OPTIONS_TEMPLATE
    else:
        template = MATCHES_TEMPLATE
    return render(request, template, {"found": None, "said": said})


@require_safe
@teacher_required
@rate_limited("search", _too_many)
def lesson_find(request: HttpRequest) -> HttpResponse:
    """`?lesson_q=words&lessons=<id>…`: the lessons matching the words, leaving out those
    already ticked (`lessons`), as checkboxes of the assignment form. `?for=question&lesson=
    words`: as the options of the question editor's <datalist> of lessons."""
    if request.GET.get("for") == "question":
        found = finder.find(request.GET.get("lesson", ""))
        return render(request, OPTIONS_TEMPLATE, {"found": found, "said": found.said})
    found = finder.find(
        request.GET.get("lesson_q", ""), leave_out=request.GET.getlist("lessons")[:200]
    )
    return render(request, MATCHES_TEMPLATE, {"found": found, "said": found.said})


@require_safe
@teacher_required
@rate_limited("search", _too_many)
def scenario_find(request: HttpRequest) -> HttpResponse:
    """`?k-scenario=words`: the scenarios the teacher may use (`scenarios_for`) matching the
    words, at most `SCENARIO_MATCHES`, as the options of the policy question editor's
    <datalist> (the field sends itself as the author types)."""
    from teach.policy_editor import find_scenarios  # via teach.editors, which registers it

    found = find_scenarios(request.user, request.GET.get("k-scenario", ""))
    return render(request, SCENARIO_TEMPLATE, {"found": found, "said": found.said})
