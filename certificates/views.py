"""Thin views: "My progress", the learner's certificate (issue, print, PDF) and the public
verification page. The rules are in progress.py and issuing.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from certificates import issuing
from certificates.forms import NameForm
from certificates.models import COURSE_SLUG, Certificate
from certificates.pdf import CannotDraw, certificate_pdf, missing_letters
from certificates.progress import course_progress
from quizzes.session_carry import LEARNER_KEY


@require_safe
@never_cache  # progress changes it in place: Back must not show a kept copy
def my_progress(request: HttpRequest) -> HttpResponse:
    """Anyone: an anonymous learner's progress comes from their session."""
    course = course_progress(
        request.user, request.session, learner_key=request.session.get(LEARNER_KEY, "")
    )
    return render(
        request,
        "certificates/progress.html",
        {"course": course, "remaining": issuing.remaining(course)},
    )


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    return request.build_absolute_uri(certificate.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # the learner's name and progress, before issue too: as My progress
@login_required
def my_certificate(request: HttpRequest) -> HttpResponse:
    """The learner's certificate, printable; before it is issued, the name form (when the
    course is complete) or what is left to do. The name form's post issues nothing: it shows
    the name as it will be printed, to check (a typo would be public for good), and only that
    page's "Issue my certificate" (`step=issue`) issues; "Change the name" (`step=change`)
    goes back to the form with the name in it. One address, so one door and one matrix row."""
    certificate = Certificate.objects.filter(user=request.user, course=COURSE_SLUG).first()
    if certificate is not None:
        if request.method == "POST":  # issued already (a double click, another tab)
            if request.POST.get("step") == "issue" and request.POST.get("name") != certificate.name:
                messages.info(
                    request,
                    "Your certificate had already been issued, with the name below; "
                    "a certificate's name cannot change.",
                )
            return redirect("certificates:mine")
        return _mine(request, certificate)
    course = course_progress(request.user)
    if not course.ready:
        return render(
            request,
            "certificates/not_ready.html",
            {"course": course, "remaining": issuing.remaining(course)},
            status=403 if request.method == "POST" else 200,
        )
    if request.method != "POST":
        form = NameForm(initial={"name": request.user.get_full_name()})  # a username is no name
        return _name_page(request, form, course)
    step = request.POST.get("step", "")
    if step == "change":  # back from the check, the name as it was shown
        form = NameForm(initial={"name": request.POST.get("name", "")})
        return _name_page(request, form, course, changing=True)
    if step == "issue":
        return _issue_checked(request, course)
    form = NameForm(request.POST)  # the name form sent: its name shown to check, nothing issued
    if not form.is_valid():
        return _name_page(request, form, course)
    return _check_page(request, form.cleaned_data["name"], course)


def _check_page(request: HttpRequest, name: str, course) -> HttpResponse:
    """The name form's page in its check state: `name` drawn on the certificate as it will be
    issued, the letters a PDF could not draw said before, not after, and the confirm form."""
    check = {
        "name": name,
        "token": issuing.checked_token(request.user, name),
        "preview": issuing.preview(name),
        "pdf_missing": missing_letters(name),
    }
    return render(request, "certificates/issue.html", {"check": check, "course": course})


def _issue_checked(request: HttpRequest, course) -> HttpResponse:
    """The check step's "Issue my certificate": the name that step showed, and only it
    (`issuing.checked_name`); a name changed on the way is refused, nothing issued."""
    shown = request.POST.get("name", "")
    try:
        name = issuing.checked_name(request.user, request.POST.get("checked", ""), shown)
    except issuing.NotConfirmed as exc:
        form = NameForm(initial={"name": shown})  # to check again: nothing is issued unseen
        return _name_page(request, form, course, refused=str(exc), status=400)
    form = NameForm({"name": name})  # the rules again: they hold at issue, not only at check
    if form.is_valid():
        try:
            issuing.issue(user=request.user, name=form.cleaned_data["name"])
        except issuing.NotReady as exc:  # changed between the check and now
            form.add_error(None, str(exc))
        else:
            return redirect("certificates:mine")
    return _name_page(request, form, course)


def _name_page(
    request: HttpRequest,
    form: NameForm,
    course,
    *,
    changing: bool = False,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """The name form; `changing`: back from the check, the focus in the name's box;
    `refused`: a confirm refused, said where the page opens."""
    return render(
        request,
        "certificates/issue.html",
        {"form": form, "course": course, "changing": changing, "refused": refused},
        status=status,
    )


def _mine(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    """The issued certificate's page; for a name the PDF's fonts cannot draw, the letters
    they lack and the advice to print the page instead, in place of the PDF link."""
    return render(
        request,
        "certificates/mine.html",
        {
            "certificate": certificate,
            "verify_url": _verify_url(request, certificate),
            "pdf_missing": missing_letters(certificate.name),
        },
    )


@require_safe
@login_required
def my_certificate_pdf(request: HttpRequest) -> HttpResponse:
    """The issued certificate as a PDF. Before one is issued, the certificate page (what is
    left to do, or the name form) with the reason said there: a 404 page left a learner who
    followed an old link or a bookmark with no way on."""
    certificate = Certificate.objects.filter(user=request.user, course=COURSE_SLUG).first()
    if certificate is None:
        messages.info(request, "No certificate has been issued to you yet.")
        return redirect("certificates:mine")
    try:
        body = certificate_pdf(certificate, verify_url=_verify_url(request, certificate))
    except CannotDraw:  # the link is not offered then; a typed URL gets the page that says why
        return _mine(request, certificate)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="srm-trainer-certificate.pdf"'
    return response


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the name, the course and the date, nothing else; kept out of search engines.
    A code no certificate has is a 404 that says so to whoever is checking (an employer, say):
    the site's 404 spoke of a mistyped lesson."""
    certificate = (
        Certificate.objects.filter(code=code).only("name", "course_title", "issued_at").first()
    )
    status = 200 if certificate is not None else 404
    response = render(
        request, "certificates/verify.html", {"certificate": certificate}, status=status
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
