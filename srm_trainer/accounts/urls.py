"""Accounts are allauth's pages under /accounts/ (sign-in, sign-up, password reset, 2fa).

The older URL names `login`, `logout` and `signup` stay as aliases of allauth's views at the
same paths, so `{% url 'login' %}` keeps working; new code uses `account_login` and friends.
"""

from allauth.account import views as account_views
from django.urls import include, path

urlpatterns = [
    path("", include("allauth.urls")),
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("signup/", account_views.signup, name="signup"),
]
