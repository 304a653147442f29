"""Shared people and builders for the Django tests: a learner, another learner, staff."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import inspect
import logging
import os
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import set_script_prefix

from lessons.models import Layer, Lesson, Module, Responsibility, Scenario, Service
from tests.dbsetup import reset_from_template, setup_test_databases

# The garbage collector (see docs/testing.md, "The test loop"): a test process holds a large, long-lived
# heap (Django, every test module, thousands of collected items) that the default thresholds
# made the collector walk again and again. Fewer young collections, and that heap frozen out of
# them once collection is done. Only when the collector runs changes, not what it frees.
if os.environ.get("TEST_GC", "tuned") == "tuned":
    gc.set_threshold(50_000, 50, 100)


def _takes_nothing(function) -> bool:
    """A plain function with no parameter at all, and no `__wrapped__` or `__signature__` that
    could give it others: pytest's `getfuncargnames` can only find none in it."""
    code = getattr(function, "__code__", None)
    return (
        type(function) is types.FunctionType
        and code is not None
        and code.co_argcount == 0
        and code.co_kwonlyargcount == 0
        and not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
        and "__wrapped__" not in function.__dict__
        and "__signature__" not in function.__dict__
    )


def _argnames_without_inspecting_bare_functions() -> bool:
    """pytest resolves the `request` fixture by building a FixtureDef around `lambda: request`
    each time a fixture that takes `request` is executed, for each test, even a session-scoped
    one already set up (pytest-django's `django_db_setup` and its kin: ~9 a test), and each
    build reads that lambda's arguments with `inspect.signature` (~8-16 µs): ~1% of the suite's
    CPU. A function that takes nothing now gives () without it, the answer `getfuncargnames`
    gives (tests/test_argnames.py compares them); every other function goes through pytest's.
    pytest names it in a private module: if it is not found there, nothing changes, and
    tests/test_argnames.py fails to say so. `TEST_ARGNAMES=inspect` leaves pytest's own."""
    from _pytest import fixtures

    original = getattr(fixtures, "getfuncargnames", None)
    if os.environ.get("TEST_ARGNAMES") == "inspect" or original is None:
        return False

    def getfuncargnames(function, *, name="", cls=None):
        if _takes_nothing(function):
            return ()
        return original(function, name=name, cls=cls)

    getfuncargnames.original = original  # type: ignore[attr-defined]
    fixtures.getfuncargnames = getfuncargnames
    return True


ARGNAMES_SHORTCUT = _argnames_without_inspecting_bare_functions()


def pytest_ignore_collect(collection_path, config):
    """tests/e2e is not even imported when the run leaves out `e2e` tests (as `make test`
    does): importing Playwright cost each test process ~0.3 s, only to deselect its tests."""
    if collection_path.name != "e2e" or collection_path.parent != Path(__file__).parent:
        return None
    from _pytest.mark.expression import Expression

    markexpr = config.option.markexpr
    if markexpr and not Expression.compile(markexpr).evaluate(lambda name, **kw: name == "e2e"):
        return True
    return None


def _idle_django_fixtures(item, idle_everywhere: frozenset[str]) -> set[str]:
    """pytest-django's per-test autouse fixtures that do nothing for this test: each acts only
    on its marker, its option, or a fixture the test does not use (pytest_django/plugin.py,
    fixtures.py, 4.14). Set up and torn down for every test anyway, they were ~0.2 ms of
    pytest's machinery each time (~1 s of a run). `_dj_autoclear_mailbox` stays on every test,
    the unittest support on Django's TestCase classes."""
    from pytest_django.django_compat import is_django_unittest

    idle = set(idle_everywhere)
    if not item.get_closest_marker("django_db"):
        idle.add("_django_db_marker")  # `db` and its kin, asked for directly, still work
    if not item.get_closest_marker("urls"):
        idle.add("_django_set_urlconf")
    if not item.get_closest_marker("django_isolate_apps"):
        idle.add("_django_isolate_apps")
    if not is_django_unittest(item):
        idle.add("_django_setup_unittest")  # only patches a Django TestCase class's run
    if "live_server" not in item.fixturenames:
        idle.add("_live_server_helper")
    return idle


def _idle_in_this_run() -> frozenset[str]:
    """The idle fixtures that depend on the run's options and settings, not on the test."""
    from django.conf import settings
    from pytest_django.plugin import INVALID_TEMPLATE_VARS_ENV

    idle = set()
    if os.environ.get(INVALID_TEMPLATE_VARS_ENV, "false") != "true":
        idle.add("_template_string_if_invalid_marker")  # and the monkeypatch it asks for
        idle.add("_fail_for_invalid_template_variable")
    if "django.contrib.sites" not in settings.INSTALLED_APPS:
        idle.add("_django_clear_site_cache")
    return frozenset(idle)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Each test's fixtures without pytest-django's idle ones (above), once every other plugin
    has marked the tests. The parametrized cases of a test share its fixture information, so
    each pruned version is worked out once and shared too (its own list of names: a case marked
    `django_db` among unmarked ones keeps its fixture). `TEST_FIXTURES=all` keeps them all."""
    if os.environ.get("TEST_FIXTURES") == "all":
        return
    idle_everywhere = _idle_in_this_run()
    pruned = {}
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        idle = _idle_django_fixtures(item, idle_everywhere).intersection(info.initialnames)
        if not idle:
            continue
        key = (id(info), frozenset(idle))
        if key not in pruned:
            initial = tuple(name for name in info.initialnames if name not in idle)
            closure = list(info.names_closure)
            pruned[key] = dataclasses.replace(info, initialnames=initial, names_closure=closure)
            pruned[key].prune_dependency_tree()
        item._fixtureinfo = pruned[key]
        item.fixturenames = pruned[key].names_closure


def pytest_collection_finish(session):
    """The heap that collection built is frozen without a full collection first: that walk of
    every object took ~0.18 s of each process's CPU before its first test, to free ~650
    objects (~50 KB) that collection left in cycles; they stay, frozen with the rest."""
    if os.environ.get("TEST_GC", "tuned") == "tuned":
        gc.freeze()


def _in_roomy_frame(call, *args, **kwargs):
    return call(*args, **kwargs)


# Python 3.11 keeps its call frames in 16 KB chunks that it maps from the kernel (mmap) when the
# call stack grows past one and unmaps as soon as it shrinks back (CPython issue gh-142183, fixed
# in 3.13). Django's deep stacks (middleware, template nodes) cross those edges again and again:
# ~650 mmap/munmap pairs and ~800 page faults per test, ~12% of the suite's CPU in the kernel.
# Each test now runs under one frame that reserves a large stack (co_stacksize is only space,
# left untouched), so Python maps one 512 KB chunk per test and every deeper frame fits in it.
# Only where frames live changes, nothing they do. `TEST_FRAMES=default` turns it off, to compare.
if os.environ.get("TEST_FRAMES", "roomy") == "roomy":
    _in_roomy_frame.__code__ = _in_roomy_frame.__code__.replace(co_stacksize=40_000)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """pytest's own (`_pytest.runner.pytest_runtest_protocol`), run in the roomy frame above."""
    from _pytest.runner import runtestprotocol

    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    _in_roomy_frame(runtestprotocol, item, nextitem=nextitem)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Fixtures build their scenery without django-auditlog's record of each save (users made
    instructors, quizzes, questions: ~5% of the suite's CPU went to writing those entries), as
    the shipped course is loaded (tests/shipped.py). Only set-up: what a test's own body
    changes, through a view or the ORM, is recorded as in production, and the security events
    (sign-ins, authenticators) are written directly, not by auditlog's receivers. The audit
    itself is tested in tests/accounts/test_audit.py. `TEST_AUDIT=everywhere` records set-up too."""
    if os.environ.get("TEST_AUDIT") == "everywhere":
        return (yield)
    from auditlog.context import auditlog_disabled

    token = auditlog_disabled.set(True)
    try:
        return (yield)
    finally:
        auditlog_disabled.reset(token)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's, except that SQLite's test database is migrated once and then copied
    (tests/dbsetup.py): the same database, without ~3.5 s of migrations per test process."""
    from django.test.utils import teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    keep = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = setup_test_databases(
            verbosity=verbosity,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keep,
            copy=django_db_use_migrations and not keep,
        )
    yield
    if not keep:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)


@contextlib.contextmanager
def _reset_by_copy():
    """After a test that commits, the database is put back from the migrated copy instead of
    flushed (tests/dbsetup.py, `reset_from_template`); the flush still runs where there is no
    copy (PostgreSQL, --reuse-db). `flush` itself keeps its own test
    (tests/accounts/test_role_groups_after_flush.py)."""
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        if (
            self.available_apps is None
            and not self.serialized_rollback
            and reset_from_template(self._databases_names(include_mirrors=False))
        ):
            return
        flush(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = flush


# The loggers of each request's own line: django-structlog's, and Django's for 4xx/5xx answers.
REQUEST_LOGGERS = ("django_structlog", "django.request")


@contextlib.contextmanager
def _quiet_request_log():
    """Warnings and errors only: every request's INFO line (django-structlog), formatted and
    then thrown away by pytest's capture, cost 10-20% of a simple page's time in the tests.
    The request loggers say only errors: the suite asks for thousands of 403s and 404s on
    purpose, and their two warning lines each (~1.4% of the suite's CPU) said what the test
    asserts. Tests of the log itself turn their logger back on (tests/ops/test_request_log.py);
    other warnings and errors are still logged, and caplog.at_level still sets any level."""
    loggers = [logging.getLogger(), *map(logging.getLogger, REQUEST_LOGGERS)]
    levels = [logger.level for logger in loggers]
    for logger, quiet in zip(loggers, (logging.WARNING, logging.ERROR, logging.ERROR), strict=True):
        logger.setLevel(quiet)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture(scope="module")
def shipped_course(django_db_setup, django_db_blocker):
    """The shipped course (tests/shipped.py), loaded once for a whole test module (~0.5 s a
    load) in a transaction rolled back when the module ends. Each test runs in a savepoint
    inside it (pytest-django's `db`), so what one test changes (a responsibility's owner) the
    next never sees. For modules whose tests read the course or change it only inside a test."""
    from tests.shipped import load_shipped

    with django_db_blocker.unblock(), transaction.atomic():
        load_shipped()
        yield
        transaction.set_rollback(True)


@contextlib.contextmanager
def _uninstrumented_templates():
    """Templates render as in production. Django's test set-up makes every render (each
    include too) send a signal that the test client answers by copying the whole context, only
    so that `response.context` and `response.templates` can be read: ~10% of a page's time,
    on ~6,000 requests. A test that reads them asks for `template_context`."""
    from django.template import Template
    from django.test.utils import _TestState

    if os.environ.get("TEST_TEMPLATES") == "instrumented":
        yield
        return
    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    yield
    Template._render = instrumented


@contextlib.contextmanager
def _middleware_built_once():
    """Each test client built the whole middleware chain again on its first request (~0.2 ms,
    ~4,500 clients a run); a server builds it once per process. Now the clients share the first
    one's chain, built again after any settings change (override_settings, `settings`)."""
    from django.core.signals import setting_changed
    from django.test.client import ClientHandler

    load = ClientHandler.load_middleware
    built: dict[bool, tuple] = {}
    parts = ("_view_middleware", "_template_response_middleware", "_exception_middleware")

    def load_middleware(self, is_async=False):
        if is_async not in built:
            load(self, is_async)
            chain = self._middleware_chain
            built[is_async] = (*(getattr(self, part) for part in parts), chain)
        *lists, self._middleware_chain = built[is_async]
        for part, value in zip(parts, lists, strict=True):
            setattr(self, part, value)

    def forget(**kwargs):
        built.clear()

    setting_changed.connect(forget, dispatch_uid="tests-middleware-built-once")
    ClientHandler.load_middleware = load_middleware
    yield
    ClientHandler.load_middleware = load
    setting_changed.disconnect(dispatch_uid="tests-middleware-built-once")


FORM_CONTENT = "application/x-www-form-urlencoded"


def _is_form(data) -> bool:
    """Fields a browser would send urlencoded: a mapping with no file and no None (which
    Django's multipart encoder refuses, so that mistake still fails loudly)."""
    if not isinstance(data, dict):
        return False
    values = [
        v
        for value in data.values()
        for v in (value if isinstance(value, list | tuple) else [value])
    ]
    return not any(v is None or callable(getattr(v, "read", None)) for v in values)


@contextlib.contextmanager
def _forms_posted_as_browsers_post_them():
    """The test client posts a dict of fields urlencoded, as a browser (and htmx) sends a form
    without a file input, not as multipart: parsing multipart was ~10% of a test's sandbox
    update and ~6% of a question save, a cost the site never pays for those forms. A post
    with a file, an explicit `content_type` (multipart included) or other data is sent as
    given. `TEST_POSTS=multipart` brings Django's default back, to compare."""
    from urllib.parse import urlencode

    from django.test.client import MULTIPART_CONTENT, Client, RequestFactory

    if os.environ.get("TEST_POSTS") == "multipart":
        yield
        return
    unset = object()

    def as_a_browser(post):
        def post_as_a_browser(self, path, data=None, content_type=unset, *args, **kwargs):
            if content_type is unset:
                content_type = MULTIPART_CONTENT
                if _is_form(data):
                    data, content_type = urlencode(data, doseq=True), FORM_CONTENT
            return post(self, path, data, content_type, *args, **kwargs)

        return post_as_a_browser

    posts = {cls: cls.post for cls in (RequestFactory, Client)}
    for cls, post in posts.items():
        cls.post = as_a_browser(post)
    yield
    for cls, post in posts.items():
        cls.post = post


@pytest.fixture
def template_context(_session_environment):
    """`response.context` and `response.templates` filled in, as Django's test runner does."""
    from django.template import Template
    from django.test.utils import instrumented_test_render

    plain = Template._render
    Template._render = instrumented_test_render
    yield
    Template._render = plain


@contextlib.contextmanager
def _rate_limit_windows_stand_still():
    """Rate limits count in fixed windows of the clock (srm_trainer/ratelimit/counters.py): a
    test that crossed a window's end between its requests saw its count start again and no 429
    (one in 60 runs of a one-second test, more under load). In tests the windows' clock is a
    moment early in a window; `count(now=...)` still takes any time, and the counters' own
    tests pass one. The counters' housekeeping, a DELETE on about one counted request in 200
    chosen at random, is off too: a page-cost test counting a rate-limited page's queries saw
    one more now and then (tests/ops/test_housekeeping.py turns it on)."""
    from unittest import mock

    from srm_trainer.ratelimit import counters

    moment = 1_799_971_200.0  # the start of a day: of every window (60, 600, 3600 s...) too
    with (
        mock.patch.object(counters, "time", mock.Mock(time=lambda: moment)),
        mock.patch.object(counters, "PURGE_CHANCE", 0),
    ):
        yield


@contextlib.contextmanager
def _fast_password_hasher():
    """For speed: the production hasher costs ~0.4 s per password; tests only need a hash.
    Once for the session (per test, the settings change and its signal cost ~0.5 ms each)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# Each autouse fixture is looked up again for every test, even a session-scoped one already set
# up (~15 µs each in pytest's fixture machinery): the seven above, as fixtures of their own, were
# ~0.1 ms of every test's set-up. They are one fixture, entered in this order and left in reverse.
SESSION_PARTS = (
    _reset_by_copy,
    _quiet_request_log,
    _uninstrumented_templates,
    _middleware_built_once,
    _forms_posted_as_browsers_post_them,
    _rate_limit_windows_stand_still,
    _fast_password_hasher,
)


@pytest.fixture(scope="session", autouse=True)
def _session_environment(django_test_environment):
    """The test session's environment: each part of SESSION_PARTS, for every test."""
    with contextlib.ExitStack() as stack:
        for part in SESSION_PARTS:
            stack.enter_context(part())
        yield


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user("ada", password="a-long-passphrase-1")


@pytest.fixture
def other_learner(db):
    return get_user_model().objects.create_user("grace", password="a-long-passphrase-2")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "admin", password="a-long-passphrase-3", is_staff=True
    )


def page_queries(client, url: str, warm: bool = False) -> tuple[int, str]:
    """The number of queries a page runs and its HTML; `warm`: after a first look (which also
    reads what the process keeps afterwards, such as content types)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def count_calls(monkeypatch, owner, name: str) -> list:
    """Replace `owner.name` (for the test, with `monkeypatch`) by a function that records the
    first argument of each call and calls the original; returns the record."""
    calls = []
    original = getattr(owner, name)

    def counting(first, *args, **kwargs):
        calls.append(first)
        return original(first, *args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def give_mfa(user):
    """An authenticator app for `user`, as if they had scanned the QR code: staff and instructors
    need one before /admin/ and /teach/ open. Returns the TOTP secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_secret_on(page: str) -> str:
    """The secret the authenticator app's set-up page shows (read-only text beside the QR code),
    to answer with a code as the app would."""
    import re

    return re.search(r'<textarea id="authenticator_secret"[^>]*>([A-Z2-7]+)</textarea>', page)[1]


def give_passkey(user, name: str):
    """A security key for `user`, registered as a browser registers one (attestation "none",
    a fresh key pair): enough for allauth to list, edit and offer it. Returns the
    Authenticator."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": passkey_registration(user, name)},
    )


def passkey_registration(user, name: str, challenge: bytes = b"0" * 16) -> dict:
    """What a browser posts when it registers a new key for `user` on http://testserver
    (attestation "none", a fresh key pair), answering `challenge`: the one the add page's
    `creation_options` hold, to add it through the page."""
    import hashlib
    import json

    from cryptography.hazmat.primitives.asymmetric import ec
    from fido2 import cbor
    from fido2.cose import ES256
    from fido2.utils import websafe_encode
    from fido2.webauthn import Aaguid, AttestedCredentialData, AuthenticatorData

    public_key = ES256.from_cryptography_key(ec.generate_private_key(ec.SECP256R1()).public_key())
    credential_id = f"passkey-{user.pk}-{name}".encode()
    auth_data = AuthenticatorData.create(
        hashlib.sha256(b"testserver").digest(),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        AttestedCredentialData.create(Aaguid(bytes(16)), credential_id, public_key),
    )
    client_data = {
        "type": "webauthn.create",
        "challenge": websafe_encode(challenge),
        "origin": "http://testserver",
    }
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(json.dumps(client_data).encode()),
            "attestationObject": websafe_encode(
                cbor.encode({"fmt": "none", "attStmt": {}, "authData": bytes(auth_data)})
            ),
        },
        "clientExtensionResults": {},
    }


def confirmed_session(user) -> str:
    """A session signed in whose owner has just confirmed their password (and passed the second
    factor when they have one), as allauth records it: pages that ask to confirm the password
    first (two-factor settings) then open. Returns the session key for a client's cookie."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    records = [
        {"method": "password", "at": now, "username": user.get_username(), "reauthenticated": True}
    ]
    for key in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        records.append({"method": "mfa", "at": now, "id": key.pk, "type": key.type})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return session.session_key


def sign_in(client, user) -> None:
    """Sign `user` in on the test `client` by writing the session that Django's `login` leaves
    (who, through which backend, the password's hash), as `force_login` would, but without the
    sign-in's side effects (last_login, the audit's sign-in entry, carrying anonymous work
    over): for tests about what a signed-in person may do, not about signing in (that is
    tested in tests/accounts). ~2.4 ms of CPU less a client: one session written, not four."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.utils.crypto import get_random_string

    backend = client._get_backend()
    user.backend = backend
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    # The row `session.save()` writes, in one INSERT: without its look-up of the new key first
    # and the savepoint around the insert (a 32-character random key; a clash would raise).
    session._session_key = get_random_string(32, VALID_KEY_CHARS)
    session._session_cache = data = {  # as `save` holds it: nothing to load for this new key
        SESSION_KEY: user._meta.pk.value_to_string(user),
        BACKEND_SESSION_KEY: backend,
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    session.create_model_instance(data).save(force_insert=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


@pytest.fixture
def mfa_staff(staff):
    give_mfa(staff)
    return staff


@pytest.fixture
def admin_client(client, db):
    """A superuser with two-factor sign-in set up (the admin opens only then), signed in.
    Replaces pytest-django's fixture of the same name."""
    user = get_user_model().objects.create_superuser("root-admin", password="a-long-pass-9")
    give_mfa(user)
    sign_in(client, user)
    return client


@pytest.fixture
def everyday_admin(client, django_user_model):
    """A staff member of the "Administrators" role (not a superuser), signed in on `client`."""
    user = django_user_model.objects.create_user("ops", password="a-long-passphrase-6")
    call_command("make_admin", "ops")
    give_mfa(user)
    client.force_login(user)
    return user


@pytest.fixture
def content_editor(client, django_user_model):
    """A staff member of the "Content editors" role, with two-factor set up, signed in on
    `client`."""
    user = django_user_model.objects.create_user("kim", password="a-long-passphrase-7")
    call_command("make_content_editor", "kim")
    give_mfa(user)
    sign_in(client, user)
    return user


@pytest.fixture
def learner_client(client, learner):
    """The `client` signed in as `learner` (`sign_in`: the session written directly)."""
    sign_in(client, learner)
    return client


_counter = iter(range(1, 10_000))


def scenery(build):
    """A builder whose rows get no django-auditlog entry, even when a test's body calls it (set-up
    is already unaudited, `pytest_runtest_setup`): the rows are the scene, not the change under
    test, and their entries were ~2% of the suite's CPU. No test reads an entry of a built row;
    the audit is tested in tests/accounts/test_audit.py through the paths that write it (the
    admin, the commands, `give_mfa`, left audited). `TEST_AUDIT=everywhere` records them too."""
    from auditlog.context import disable_auditlog

    return build if os.environ.get("TEST_AUDIT") == "everywhere" else disable_auditlog()(build)


@scenery
def make_module(**fields) -> Module:
    n = next(_counter)
    fields.setdefault("slug", f"module-{n}")
    fields.setdefault("title", f"Module {n}")
    fields.setdefault("order", n)
    return Module.objects.create(**fields)


@scenery
def make_lesson(module: Module | None = None, **fields) -> Lesson:
    n = next(_counter)
    fields.setdefault("slug", f"lesson-{n}")
    fields.setdefault("title", f"Lesson {n}")
    fields.setdefault("order", n)
    fields.setdefault("body", f"## Section {n}\n\nSome words about topic {n}.\n")
    return Lesson.objects.create(module=module or make_module(), **fields)


@scenery
def make_srm(services=("ec2", "rds"), layers=("data", "guest-os")) -> dict[str, Service]:
    layer_rows = [
        Layer.objects.create(slug=s, name=s.replace("-", " ").title(), order=i)
        for i, s in enumerate(layers)
    ]
    out = {}
    for i, slug in enumerate(services):
        service = Service.objects.create(
            slug=slug, name=f"Amazon {slug.upper()}", model="Model", order=i
        )
        for layer in layer_rows:
            owner = "customer" if layer.slug == "data" or slug == "ec2" else "aws"
            Responsibility.objects.create(
                service=service, layer=layer, owner=owner, reason=f"{slug} {layer.slug} reason"
            )
        out[slug] = service
    return out


@scenery
def make_scenario(*lessons: Lesson, **fields) -> Scenario:
    n = next(_counter)
    fields.setdefault("slug", f"scenario-{n}")
    fields.setdefault("title", f"Scenario {n}")
    fields.setdefault("situation", "Alice wants to read a report.")
    fields.setdefault(
        "case",
        {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/q1.csv",
            },
            "identity_policies": [
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
                }
            ],
            "expect": "Allow",
        },
    )
    scenario = Scenario.objects.create(**fields)
    scenario.lessons.set(lessons)
    return scenario


@pytest.fixture
def midday():
    """Run at noon UTC today, with the clock ticking. Tests of "later today" need room left in
    the day: a 10-minute learning step taken at 23:55 comes back tomorrow, so without this they
    fail for a few minutes each night. (Today's date, so cookies' expiry stays real for a
    browser.)"""
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=True):
        yield noon


@pytest.fixture
def script_prefix():
    """A site served under a script prefix (`/srm/`): its links and `next` parameters carry it,
    as the WSGI handler sets it from SCRIPT_NAME (the test client does not). Send each request
    with `SCRIPT_NAME=script_prefix`, the path inside the site as its address."""
    set_script_prefix("/srm/")
    try:
        yield "/srm"
    finally:
        set_script_prefix("/")
