"""allauth's sign-in view, answering 429 while the person is locked out."""

from __future__ import annotations

from allauth.account.views import LoginView
from django.http import HttpResponse

LOCKED_OUT_RETRY_AFTER = 300  # the longest `login_failed` window, in seconds


class ThrottledLoginView(LoginView):
    """allauth refuses sign-in after too many failures with a form error and status 200; the
    same page with 429 and Retry-After lets scripts, proxies and monitoring see the lockout."""

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        codes = {error.code for error in form.non_field_errors().as_data()}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
            response["Retry-After"] = str(LOCKED_OUT_RETRY_AFTER)
        return response


login = ThrottledLoginView.as_view()
