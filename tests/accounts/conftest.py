import pytest
from django.core.cache import cache

# allauth's limits made small, each window as shipped, so a behaviour test reaches a limit in
# a few requests: allauth reads ACCOUNT_RATE_LIMITS on every request, so the tests still show
# that the configured numbers are the ones enforced. That the shipped numbers are the ones the
# docs/accounts.md promises is test_lockout.py's `test_the_shipped_limits_are_the_promised_ones`.
SMALL_LIMITS = {
    "login_failed": "3/m/ip,2/5m/key",  # shipped: 10/m/ip,5/5m/key
    "signup_username_taken": "2/10m/ip",  # shipped: 10/10m/ip
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-in failures in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def small_limits(settings):
    """allauth's rate limits with `SMALL_LIMITS` in place of the shipped ones."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **SMALL_LIMITS}
    return SMALL_LIMITS


@pytest.fixture
def signed_in(client, learner):
    """`learner` signed in (`sign_in`) with the password just confirmed, as the sign-in form
    and the reauthentication form leave the session (allauth's record of it), so the pages
    behind a recent sign-in open: without posting both forms (~10 ms) for each page. The forms
    themselves are tested in test_views_auth.py and test_mfa.py."""
    from allauth.account.internal.flows.login import record_authentication
    from django.test import RequestFactory

    from tests.conftest import sign_in

    sign_in(client, learner)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, learner, method="password", username=learner.username)
    record_authentication(request, learner, method="password", reauthenticated=True)
    request.session.save()
    return client
