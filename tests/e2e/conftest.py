"""Browser journeys: Debian's Chromium, driven by pytest-playwright, against `live_server`.

Every test here is marked `e2e` (see `pytestmark` in each module): `make test` skips them,
`make e2e` and `.ci/run` run them. Each test starts from an empty database with the shipped
curriculum loaded, and fails on any console error or uncaught script error in its pages.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from tests import dbsetup

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "build" / "e2e-screenshots"))

PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in the test's thread; Django's ORM refuses to
    run under a loop unless told it is safe (it is here: one test thread, the server in its
    own). Only for the browser tests: the rest of the suite keeps Django's check."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """A file database, not SQLite's shared in-memory one: a browser sends requests at once
    (autosave beside a click), and in memory one of them fails with "table is locked" where a
    file database waits its turn, as in production. Elsewhere each xdist worker's database
    gets its own name, as pytest-django's own fixture gives it (which this one replaces):
    without it two workers on PostgreSQL both created `test_postgres`."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("e2e") / "e2e.sqlite3")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, not Playwright's download (which cannot be fetched here)."""
    if not Path(CHROMIUM).exists():
        pytest.exit(
            f"No Chromium at {CHROMIUM}: install it with `apt-get install chromium` "
            "(or point E2E_CHROMIUM at one).",
            returncode=2,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture(scope="session")
def _loaded_course(django_db_setup, django_db_blocker):
    """The database with the shipped course loaded, copied into memory once per session, and
    the empty migrated database likewise: a test that needs the course starts from the first
    and every test that commits is put back to the second (tests/dbsetup.py), each a copy of
    ~5 MB in milliseconds. Loading the course for each test and flushing after it cost seconds
    a test (CI's journeys took ~18 min with it, 13.7 without). None on PostgreSQL: there each
    test loads the course and is flushed as before."""
    with django_db_blocker.unblock():
        migrated = dbsetup.snapshot()
        if migrated is None:
            yield None
            return
        call_command("load_curriculum", verbosity=0)
        course = dbsetup.snapshot()
        dbsetup.restore(migrated)
    dbsetup.keep_in_memory(migrated)
    yield course
    dbsetup.keep_in_memory(None)


@pytest.fixture
def curriculum(transactional_db, _loaded_course):
    """The shipped lessons, quizzes, scenarios and explorers, as `make run` loads them."""
    if _loaded_course is None:
        call_command("load_curriculum", verbosity=0)
    else:
        dbsetup.restore(_loaded_course)


class ConsoleErrors:
    """Console errors and uncaught exceptions seen by a page; a test may allow some by pattern
    (a refusal the test provokes logs its 4xx status, as browsers always do)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [m for m in self.seen if not any(p.search(m) for p in self.allowed)]


@pytest.fixture
def console(page) -> ConsoleErrors:
    return page._e2e_console


@pytest.fixture
def page(context, curriculum):
    """A page that records console errors; the test fails if any it did not allow appear."""
    page = context.new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    page._e2e_console = errors
    yield page
    assert errors.unexpected() == [], "console errors"


# When the page last saw typing (`input`, `keyup`, `change`), for `accessibility._at_rest`: an
# update typing starts goes only after its trigger's delay.
LAST_INPUT = (
    "for (const type of ['input', 'keyup', 'change'])"
    " addEventListener(type, () => { window.e2eLastInput = performance.now(); }, true);"
)


def watch(page, errors: ConsoleErrors) -> None:
    page.on("console", lambda m: errors.seen.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.seen.append(f"uncaught: {exc}"))
    page.add_init_script(LAST_INPUT)
    if SLOW:
        slow_down(page, *(int(n) for n in SLOW.split(",")))
    if CPU:
        slow_cpu(page, CPU)


# `E2E_SLOW=LATENCY,SETTLE` (milliseconds, e.g. `E2E_SLOW=150,200 make e2e`): every request
# answered that much later and htmx settling that much after a swap (20 ms otherwise), as on a
# loaded machine, where a journey that acts before a page's scripts are ready or before a swap
# has settled fails now and then. Such a step fails almost every time under it: on 5 December
# 2026 six journeys did (none under three busy loops), each since waiting for `settled` or, after
# a link, for the page's load (`page.wait_for_url`).
SLOW = os.environ.get("E2E_SLOW", "")

# `E2E_CPU=RATE` (e.g. `E2E_CPU=4 make e2e`): every page's scripts run on a CPU that many times
# slower (Chromium's CPU throttling), as on CI's busy machine, where the browser's own tasks
# (its `selectionchange`, a timer) come later against the keys Playwright sends. A step that
# races them fails often under it (the policy editor's CSP failure of 7 December 2026 failed
# 4 of 4 at 10).
CPU = float(os.environ.get("E2E_CPU") or 0)


def slow_cpu(page, rate: float) -> None:
    """The page's scripts run `rate` times slower from now on (Chromium's CPU throttling)."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def slow_down(page, latency: int, settle: int) -> None:
    """htmx's settle delay set as its script defines `htmx` (before it reads the page), and
    Chromium's network emulation for the page's every request (its scripts', htmx's too)."""
    page.add_init_script(
        "(() => { let kept; Object.defineProperty(window, 'htmx', {configurable: true,"
        " get() { return kept; },"
        f" set(value) {{ value.config.defaultSettleDelay = {settle}; kept = value; }}}}); }})();"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def watched_page(browser, **options):
    """A page in a browser context of its own (`options`: Playwright's `new_context`), watched
    for console errors: the test fails if any it did not allow appear."""
    context = browser.new_context(**options)
    page = context.new_page()
    errors = ConsoleErrors()
    watch(page, errors)
    page._e2e_console = errors
    yield page
    context.close()
    assert errors.unexpected() == [], "console errors"


def _phone_page(browser, base_url, viewport):
    """A watched page at phone size (touch)."""
    yield from watched_page(
        browser,
        base_url=base_url,
        viewport=viewport,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )


@pytest.fixture
def phone(browser, base_url, curriculum):
    """A second browser context at phone size (390 × 844, touch)."""
    yield from _phone_page(browser, base_url, PHONE)


@pytest.fixture
def narrow_phone(browser, base_url, curriculum):
    """As `phone`, at 360 × 780: many Android phones, where a header or a row of buttons that
    just fits at 390 px wraps again."""
    yield from _phone_page(browser, base_url, NARROW_PHONE)


@pytest.fixture
def staff_page(browser, base_url, transactional_db):
    """`staff_page(size)`: a page of its own at "desktop" or "phone" size, signed in with two-
    factor as the superuser "sam"; returns (page, sam). Its console errors fail the test."""
    from django.contrib.auth import get_user_model

    from tests.conftest import give_mfa
    from tests.e2e.journeys import PASSWORD, sign_in_with_code

    opened: list[tuple] = []

    def open_at(size: str):
        staff = get_user_model().objects.create_superuser("sam", "sam@example.org", PASSWORD)
        secret = give_mfa(staff)
        phone = size == "phone"
        context = browser.new_context(
            base_url=base_url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
        )
        page = context.new_page()
        errors = ConsoleErrors()
        watch(page, errors)
        opened.append((context, errors))
        page.goto("/")
        sign_in_with_code(page, "sam", secret)
        return page, staff

    yield open_at
    for context, errors in opened:
        context.close()
        assert errors.unexpected() == [], "console errors"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
