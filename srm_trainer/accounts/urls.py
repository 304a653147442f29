"""Accounts are allauth's pages under /accounts/ (sign-in, sign-up, password reset, 2fa).

Sign-in is allauth's view with a 429 status while locked out (listed first, so it wins).
The older URL names `login`, `logout` and `signup` stay as aliases at the same paths, so
`{% url 'login' %}` keeps working; new code uses `account_login` and friends.
"""

from allauth.account import views as account_views
from django.urls import include, path

from srm_trainer.accounts import views

urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("", include("allauth.urls")),
    path("login/", views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("signup/", account_views.signup, name="signup"),
]
