"""allauth's sign-in view answering 429 while locked out (and saying why the visitor was sent
to it), and allauth's other 429 page; the "Your data" pages (download everything, close the
account: logic in export.py, closing.py)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.decorators import reauthentication_required
from allauth.account.models import EmailAddress
from allauth.account.views import EmailView, LoginView, ReauthenticateView, SignupView
from allauth.mfa.base.views import AuthenticateView
from allauth.mfa.base.views import ReauthenticateView as MfaReauthenticateView
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.views import ViewRecoveryCodesView
from allauth.mfa.webauthn.views import ReauthenticateWebAuthnView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic.edit import FormView

from lessons import shown_names
from lessons.models import Profile
from srm_trainer.accounts import closing, export
from srm_trainer.accounts.adapter import WHEN
from srm_trainer.accounts.forms import CloseAccountForm, ShownNameForm
from srm_trainer.accounts.middleware import continue_to
from srm_trainer.accounts.sign_in_reasons import sign_in_reason, sign_up_reason
from srm_trainer.ratelimit import rate_limited

LOCKED_OUT_RETRY_AFTER = 300  # the longest `login_failed` window, in seconds


class ThrottledLoginView(LoginView):
    """allauth refuses sign-in after too many failures with a form error and status 200; the
    same page with 429 and Retry-After lets scripts, proxies and monitoring see the lockout."""

    def form_invalid(self, form) -> HttpResponse:
        return _as_lockout(form, super().form_invalid(form))

    def get_context_data(self, **kwargs) -> dict:
        """With why the visitor was sent here, from `next` (`sign_in_reasons`)."""
        return {
            **super().get_context_data(**kwargs),
            "sign_in_reason": sign_in_reason(self.request),
        }


login = ThrottledLoginView.as_view()


class ThrottledMfaAuthenticateView(AuthenticateView):
    """The second step (the authenticator code) counts wrong codes in the same `login_failed`
    limit, and said so with a 200 too: the same 429 as the first step."""

    def form_invalid(self, form) -> HttpResponse:
        return _as_lockout(form, super().form_invalid(form))

    def get_context_data(self, **kwargs) -> dict:
        """allauth's page offers "Use a security key" whenever keys are a supported type; to
        someone with none the browser then asks for a key the account never registered. The
        page keeps its code form and its Cancel button either way."""
        context = super().get_context_data(**kwargs)
        has_key = Authenticator.objects.filter(
            user=self.stage.login.user, type=Authenticator.Type.WEBAUTHN
        ).exists()
        if not has_key:
            context["MFA_SUPPORTED_TYPES"] = [
                kind for kind in context["MFA_SUPPORTED_TYPES"] if kind != "webauthn"
            ]
        return context


mfa_authenticate = ThrottledMfaAuthenticateView.as_view()


class ThrottledReauthenticateView(ReauthenticateView):
    """ "Confirm it's you" with the password: its wrong passwords count in the account's sign-in
    lock (`AccountAdapter._get_login_attempts_cache_key`), and once it is reached the page said
    so with a 200: the same 429 and Retry-After as sign-in."""

    def form_invalid(self, form) -> HttpResponse:
        return _as_lockout(form, super().form_invalid(form))


reauthenticate = ThrottledReauthenticateView.as_view()


class ThrottledMfaReauthenticateView(MfaReauthenticateView):
    """ "Confirm it's you" with an authenticator code, counted as the two-factor step counts
    wrong codes: locked, the same 429 as that step."""

    def form_invalid(self, form) -> HttpResponse:
        return _as_lockout(form, super().form_invalid(form))


mfa_reauthenticate = ThrottledMfaReauthenticateView.as_view()


class ConfirmWithKeyView(ReauthenticateWebAuthnView):
    """Confirm it's you with a security key. allauth answers a refused key by sending the
    person to the sign-in page, which a signed-in person is sent on from to the home page, with
    the refusal flashed there: the action they were confirming, and its `next`, were lost. The
    page is shown again instead, its form saying why (`forms.CONFIRMING`)."""

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form))


confirm_with_key = ConfirmWithKeyView.as_view()


class RecoveryCodesView(ViewRecoveryCodesView):
    """allauth's recovery codes page, where its two-factor set-up ends whatever `next` said:
    for someone the admin or a teaching page sent to set it up, with the way back there
    (`middleware.continue_to`)."""

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "continue_to": continue_to(self.request)}


view_recovery_codes = RecoveryCodesView.as_view()


def _as_lockout(form, response: HttpResponse) -> HttpResponse:
    """`response` with status 429 and Retry-After when `form` was refused for the lockout."""
    codes = {error.code for errors in form.errors.as_data().values() for error in errors}
    if "too_many_login_attempts" in codes:
        response.status_code = 429
        response["Retry-After"] = str(LOCKED_OUT_RETRY_AFTER)
    return response


class EmailPageView(EmailView):
    """allauth's e-mail page. It sends one verification link per address every few minutes
    (its `confirm_email` limit); "Send the verification link again" pressed sooner reloaded
    the page saying nothing, as if a link had gone (or the button were broken). Its buttons
    act on the address chosen, which is the primary one when the page opens: pressed for an
    address that is verified, or primary, already, they say so and do nothing else."""

    def _shown(self) -> tuple[list[EmailAddress], int]:
        """The addresses the page draws, at most the ceiling (`ACCOUNT_MAX_EMAIL_ADDRESSES`):
        the primary one and the latest added, in allauth's order (by address); and how many
        the account has. An account may hold more from before the ceiling, and allauth drew
        every one (5,000: 1.6 s of CPU and 3 MB)."""
        held = EmailAddress.objects.filter(user=self.request.user)
        shown = sorted(
            held.order_by("-primary", "-pk")[: settings.ACCOUNT_MAX_EMAIL_ADDRESSES],
            key=lambda address: address.email,
        )
        total = len(shown)
        if total == settings.ACCOUNT_MAX_EMAIL_ADDRESSES:
            total = held.count()
        return shown, total

    def get_context_data(self, **kwargs):
        """allauth's, over the addresses shown (`_shown`): the ceiling, for the sentence that
        says why "Add" is gone at it, and how many are not shown, for the one that says so."""
        context = FormView.get_context_data(self, **kwargs)  # not allauth's: it reads every row
        shown, total = self._shown()
        most = settings.ACCOUNT_MAX_EMAIL_ADDRESSES
        context.update(
            {
                "emailaddresses": shown,
                "emailaddress_radios": [
                    {
                        "id": f"email_radio_{i}",
                        "checked": address.primary or len(shown) == 1,
                        "emailaddress": address,
                    }
                    for i, address in enumerate(shown)
                ],
                "add_email_form": context.get("form"),
                "can_add_email": total < most,
                "max_email_addresses": most,
                "email_count": total,
                "emails_not_shown": total - len(shown),
            }
        )
        return context

    def get_ajax_data(self) -> list[dict]:
        """allauth's answer to a script's request, over the addresses the page shows."""
        return [
            {"id": a.pk, "email": a.email, "verified": a.verified, "primary": a.primary}
            for a in sorted(self._shown()[0], key=lambda address: address.pk)
        ]

    def _action_send(self, request: HttpRequest, *args, **kwargs):
        address = self._get_email_address(request)
        if address is not None and address.verified:
            # allauth mailed a verified address a link to verify it again, and said nothing.
            self._did_send_verification_email = False
            messages.info(request, f"{address.email} is verified already: no link is needed.")
            return None
        response = super()._action_send(request, *args, **kwargs)
        if address is not None and not address.verified and not self._did_send_verification_email:
            messages.info(
                request,
                f"No new link was sent: one went to {address.email} a few minutes ago. Look "
                "for it (in the spam folder too), or ask again in a few minutes.",
            )
        return response

    def _action_primary(self, request: HttpRequest, *args, **kwargs):
        """allauth "changed" the primary address to itself: "Primary e-mail address changed.",
        and the owner was mailed "changed from ada@example.com to ada@example.com"."""
        address = self._get_email_address(request)
        if address is not None and address.primary:
            messages.info(request, f"{address.email} is your primary address already.")
            return None
        return super()._action_primary(request, *args, **kwargs)

    def _action_remove(self, request: HttpRequest, *args, **kwargs):
        """Remove asks first, on a page of its own with a second submit: allauth's only
        question was a script's window.confirm(), which a browser may suppress and a browser
        without JavaScript never shows, so one press took the address away. An address
        allauth refuses to remove (the primary one while there are others) is not asked
        about: the refusal comes at once, as before."""
        address = self._get_email_address(request)
        if (
            address is None
            or not get_account_adapter(request).can_delete_email(address)
            or request.POST.get("confirmed") == "1"
        ):
            return super()._action_remove(request, *args, **kwargs)
        return render(request, "account/email_remove_confirm.html", {"address": address})


email = EmailPageView.as_view()


def _too_many_sign_ups(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(request, "429.html", {"retry_after": retry_after, "what": "sign-ups"})


class ReasonedSignupView(SignupView):
    """allauth's sign-up page, saying why the visitor was sent here for a page a new account
    can use (`sign_in_reasons.SIGN_UP_BY_NAME`)."""

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "sign_in_reason": sign_up_reason(self.request),
        }


# allauth's sign-up, counted like every other form that costs the server work (in one place:
# srm_trainer.ratelimit), on top of allauth's own per-address limit.
signup = rate_limited("signup", _too_many_sign_ups, methods=("POST",))(ReasonedSignupView.as_view())


# What the refused page was asking for, by its URL name: "a lot of requests" did not say which.
LIMITED = {
    "account_reset_password": "requests for a reset link",
    "account_email": "changes to your e-mail addresses",
    "account_login": "sign-ins",
}


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's answer when a rate limit other than a lockout is hit (it looks up `handler429`
    in the root URLconf): our page, saying what was refused, and when to come back."""
    page = getattr(request.resolver_match, "url_name", None)
    response = render(request, "429.html", {"what": LIMITED.get(page or "")}, status=429)
    response["Retry-After"] = "60"  # allauth's per-address limits count per minute
    return response


@require_safe
@never_cache  # what the site keeps about the learner: no copy in a shared computer's browser
@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    return render(request, "account/data.html")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # as "Your data": the learner's name
@login_required
def shown_name(request: HttpRequest) -> HttpResponse:
    """The name shown to the learner's instructors (`lessons.shown_names`): set, changed or
    cleared here; a refused one comes back as typed, with what is wrong, and the kept one
    stays."""
    kept = shown_names.of(request.user)
    if request.method != "POST":
        form = ShownNameForm(initial={"shown_name": kept})
        return render(request, "account/shown_name.html", {"form": form, "kept": kept})
    form = ShownNameForm(request.POST)
    if not form.is_valid():
        return render(request, "account/shown_name.html", {"form": form, "kept": kept}, status=400)
    name = form.cleaned_data["shown_name"]
    Profile.objects.update_or_create(user=request.user, defaults={"shown_name": name})
    if name:
        messages.success(request, f"Your instructors now see your name as “{name}”.")
    else:
        messages.success(request, "Your instructors now see your username only.")
    return redirect("account_shown_name")


def _too_many_downloads(request: HttpRequest, retry_after: int) -> HttpResponse:
    return render(
        request,
        "429.html",
        {"retry_after": retry_after, "what": "downloads of your data", "download": True},
    )


@require_safe
@login_required
@rate_limited("export", _too_many_downloads)
def data_download(request: HttpRequest) -> StreamingHttpResponse:
    """Streamed as it is read (export.py says what bounds its cost)."""
    response = StreamingHttpResponse(
        export.export_chunks(request.user, absolute_url=request.build_absolute_uri),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{export.filename(request.user)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Refused accounts are told why before being asked for their password: confirming it
    would change nothing."""
    reason = closing.refusal(request.user)
    if reason:
        status = 403 if request.method == "POST" else 200
        return render(request, "account/delete.html", {"refusal": reason}, status=status)
    return _delete_account_confirmed(request)


@reauthentication_required
def _delete_account_confirmed(request: HttpRequest) -> HttpResponse:
    """allauth's reauthentication: without a password (or second factor) confirmed in the last
    few minutes, allauth asks for it first, then comes back here (a POST is replayed)."""
    if request.method != "POST":
        form = CloseAccountForm(user=request.user)
        return render(request, "account/delete.html", {"form": form})
    form = CloseAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "account/delete.html", {"form": form}, status=400)
    username = request.user.get_username()
    told = _closing_told_at(request.user)
    try:
        closing.close_account(request.user)
    except closing.Refused as refused:
        return render(request, "account/delete.html", {"refusal": str(refused)}, status=403)
    if told:
        _tell_closed(request, told, username)
    logout(request)
    messages.success(
        request,
        f"The account {username} is closed and everything kept about it is deleted. "
        "Thank you for learning with us.",
    )
    return redirect("home")


def _closing_told_at(user) -> str | None:
    """The address told that the account was closed: its primary one if verified, else another
    verified one; none when no address was ever shown to be the owner's."""
    verified = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary", "pk")
    return verified.values_list("email", flat=True).first()


def _tell_closed(request: HttpRequest, address: str, username: str) -> None:
    """Closing was the one change to an account nobody was told of: the owner of a password
    someone else had learned found out only at their next sign-in."""
    adapter = get_account_adapter(request)
    adapter.send_mail(
        "account/email/account_closed",
        address,
        {
            "username": username,
            "timestamp": date_format(timezone.localtime(), WHEN),
            "ip": adapter.get_client_ip(request),
            "signup_url": request.build_absolute_uri(reverse("account_signup")),
        },
    )
