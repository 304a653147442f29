"""Accounts are allauth's pages under /accounts/ (sign-in, sign-up, password reset, 2fa).

Sign-in, its two-factor step and "Confirm it's you" (password or code) are allauth's views with
a 429 status while locked out, "Confirm it's you" with a key allauth's staying on its page when
refused, sign-up allauth's view behind
our rate limit, the e-mail page allauth's saying when it sent no new link, and the security keys'
list drawing at most the keys the ceremonies ask for, the authenticator app's set-up page sent
`no-store` (all listed first, so they win).
The older URL names `login`, `logout` and `signup` stay as aliases at the same paths, so
`{% url 'login' %}` keeps working; new code uses `account_login` and friends.
"""

from allauth.account import views as account_views
from allauth.mfa.totp import views as totp_views
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.cache import never_cache

from srm_trainer.accounts import passkeys, views

urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("signup/", views.signup, name="account_signup"),
    path("2fa/authenticate/", views.mfa_authenticate, name="mfa_authenticate"),
    path("reauthenticate/", views.reauthenticate, name="account_reauthenticate"),
    path("2fa/reauthenticate/", views.mfa_reauthenticate, name="mfa_reauthenticate"),
    path(
        "2fa/webauthn/reauthenticate/",
        views.confirm_with_key,
        name="mfa_reauthenticate_webauthn",
    ),
    # The authenticator app's set-up page shows its secret, the second factor once turned on:
    # kept by no cache, as allauth keeps its recovery codes (Back after signing out on a shared
    # computer showed it).
    path("2fa/totp/activate/", never_cache(totp_views.activate_totp), name="mfa_activate_totp"),
    path("2fa/recovery-codes/", views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path("2fa/", passkeys.two_factor, name="mfa_index"),
    path("2fa/webauthn/", passkeys.key_list, name="mfa_list_webauthn"),
    path("email/", views.email, name="account_email"),
    path("name/", views.shown_name, name="account_shown_name"),
    path("data/", views.your_data, name="account_data"),
    path("data/download/", views.data_download, name="account_data_download"),
    path("delete/", views.delete_account, name="account_delete"),
    path("", include("allauth.urls")),
    path("login/", views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("signup/", views.signup, name="signup"),
]


def _kept_by_no_cache(patterns: list) -> list:
    """`patterns` with every view sent `no-store` (`never_cache`), allauth's included ones too:
    each page here is someone's account (their addresses, their two-factor keys, a form
    holding their password), and allauth sent only the recovery codes so, so a shared
    computer's Back after signing out showed the e-mail and two-factor pages to the next
    person."""
    kept: list = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            kept.append(
                URLResolver(
                    entry.pattern,
                    _kept_by_no_cache(list(entry.url_patterns)),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
        else:
            assert isinstance(entry, URLPattern)
            kept.append(
                URLPattern(
                    entry.pattern, never_cache(entry.callback), entry.default_args, entry.name
                )  # fmt: skip
            )
    return kept


urlpatterns = _kept_by_no_cache(urlpatterns)
