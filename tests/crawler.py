"""A server-side crawler: from a few start pages, every same-site link and GET form a role
sees, followed breadth-first through the Django test client (no browser), each answer
checked. A page that is a server error, raises, is linked but missing (404) or cannot be
opened with a GET (405), or is a whole HTML page without exactly one <h1> or without a
<title>, is a problem; so is a link that looks destructive (sign out, delete, remove...) and
changes something when merely opened. tests/test_crawl.py runs it for every role over a
realistic world; docs/testing.md, "The server-side crawl", says what it covers and what not.

Each request runs in a savepoint rolled back after it, so nothing one page does (an attempt
expired, a session written) is seen by the next, and the crawl is the same every time."""

from __future__ import annotations

import re
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

# Addresses never requested: files the web server serves. The crawl never posts, and each GET
# is rolled back, so nothing it opens is ever signed out or deleted.
NOT_PAGES = ("/static/", "/media/")
# A path with one of these words is opened in a savepoint that watches its SQL: a GET there
# must change nothing (a confirmation page, or 405).
DESTRUCTIVE = re.compile(
    r"/(logout|delete|remove|archive|leave|revoke|deactivate|rotate|close|reset|"
    r"publish|restore|regenerate|clear)[/-]?",
)
# Writes a GET may make: its session (never deleted: that is a sign-out), the database cache
# and the rate limits' counters.
HARMLESS_WRITES = re.compile(
    r'^((INSERT INTO|UPDATE) "?django_session'
    r'|(INSERT INTO|UPDATE|DELETE FROM) "?(srm_trainer_cache|ratelimit_counter))',
    re.IGNORECASE,
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submitter: tuple[str, str] | None = None
    # File inputs' names, and the button that sends them (a form of enctype multipart: its
    # default button; else the one whose formenctype says multipart): the crawl never sends
    # files, tests/fuzz/crafted_inputs.py does.
    files: list[str] = field(default_factory=list)
    upload_submitter: tuple[str, str] | None = None
    # Every submit button (name, value, formaction or ""), and every value each select,
    # radio group or checkbox offers, chosen or not: what the page itself says a field may
    # hold (tests/fuzz/crafted_inputs.py sends forms validly from them, to reach what a POST
    # shows next).
    buttons: list[tuple[str, str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)


class PageParser(HTMLParser):
    """The links, GET forms, <h1>s and <title> of one HTML answer. Forms are read as a
    browser submits them untouched: checked boxes, each select's selected (or first) option,
    text as given, disabled fields left out, the first named submit button as the one pressed
    (Enter in a field presses it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.fragments: list[str] = []  # hx-get: a part of a page, asked for by htmx
        self.forms: list[Form] = []
        self.ids: set[str] = set()
        self.anchors: list[str] = []  # href="#x": a place on this page
        self.h1 = 0
        self.title = ""
        self.whole_page = False
        self._in_title = False
        self._form: Form | None = None
        self._multipart = False
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._select_multiple = False
        self._option: list[str] | None = None
        self._option_attrs: dict[str, str | None] = {}
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = dict(attrs_list)
        if attrs.get("id"):
            self.ids.add(attrs["id"] or "")
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.anchors.append((attrs["href"] or "")[1:])
        if tag == "html":
            self.whole_page = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "title":
            self._in_title = True
        if tag in ("a", "area") and attrs.get("href"):
            self.links.append(attrs["href"] or "")
        if attrs.get("hx-get"):
            self.fragments.append(attrs["hx-get"] or "")
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = Form(action=attrs.get("action") or "", method=method)
            self._multipart = (attrs.get("enctype") or "").lower() == "multipart/form-data"
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in attrs or attrs.get("form"):
            return
        name = attrs.get("name") or ""
        default_kind = "submit" if tag == "button" else "text"
        if tag in ("input", "button") and (attrs.get("type") or default_kind).lower() == "submit":
            form.buttons.append((name, attrs.get("value") or "", attrs.get("formaction") or ""))
            sends_files = (attrs.get("formenctype") or "").lower() == "multipart/form-data"
            if form.upload_submitter is None and (sends_files or self._multipart):
                form.upload_submitter = (name, attrs.get("value") or "")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "image"):
                if name and form.submitter is None:
                    form.submitter = (name, attrs.get("value") or "")
            elif kind == "file" and name:
                form.files.append(name)
            elif kind in ("button", "reset", "file") or not name:
                pass
            elif kind in ("checkbox", "radio"):
                form.choices.setdefault(name, []).append(attrs.get("value") or "on")
                if "checked" in attrs:
                    form.fields.append((name, attrs.get("value") or "on"))
            else:
                form.fields.append((name, attrs.get("value") or ""))
        elif tag == "button":
            if (attrs.get("type") or "submit").lower() == "submit" and form.submitter is None:
                form.submitter = (name, attrs.get("value") or "") if name else ("", "")
        elif tag == "select" and name:
            self._select = (name, [])
            self._select_multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._option = []
            self._option_attrs = attrs
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "form":
            self._form = None
        elif tag in ("option", "select") and self._option is not None and self._select:
            value = self._option_attrs.get("value")
            text = " ".join("".join(self._option).split())
            chosen = "selected" in self._option_attrs
            self._select[1].append((text if value is None else value, chosen))
            if self._form is not None:
                self._form.choices.setdefault(self._select[0], []).append(
                    text if value is None else value
                )
            self._option = None
        if tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select_multiple:
                chosen = [options[0][0]]
            if self._form is not None:
                self._form.fields += [(name, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if self._form is not None:
                self._form.fields.append((name, "".join(text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def same_site(base: str, href: str) -> str | None:
    """`href` read on page `base` as a path with its query (no fragment), or None when it
    leaves the site or is not a page (mailto:, javascript:, a static file)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path.startswith(NOT_PAGES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def form_url(base: str, form: Form) -> str | None:
    """Where a GET form goes when submitted as it stands."""
    action = same_site(base, form.action or base)
    if action is None:
        return None
    fields = list(form.fields)
    if form.submitter and form.submitter[0]:
        fields.append(form.submitter)
    path = action.split("?", 1)[0]  # a GET form's fields replace the action's query
    return f"{path}?{urlencode(fields)}" if fields else path


def route_of(path: str) -> str:
    """The URL pattern's name with its namespace ("teach:quiz"), or its route: the page kind."""
    try:
        match = resolve(path)
    except Resolver404:
        return "(no route)"
    return match.view_name if match.url_name else match.route


@dataclass
class Budget:
    """How many addresses of one page kind (a route) are opened. `per_kind`: at most this many
    of each of our routes (None: every distinct address); `per_admin_kind`: of each of the
    admin's (its pages are Django's, drawn alike for every row: 600 glossary terms need not
    all be opened); `per_variant`: at most this many addresses of one route that carry the
    same query fields with other values (sort orders, filters, an admin page's kept filters,
    the one-time token of a new-question page), which would otherwise never end; `total`: a
    cap that, reached, is itself reported."""

    per_kind: int | None
    per_admin_kind: int
    per_variant: int
    total: int

    def __post_init__(self) -> None:
        self._kinds: dict[str, int] = {}
        self._variants: dict[tuple, int] = {}

    def admit(self, url: str, *, forced: bool = False) -> bool:
        """Whether to open `url`. A start, and where a redirect leads, is `forced`: opened
        whatever its kind's count (a list that sends itself to its own address with a token,
        `/teach/cohorts/` to `/teach/cohorts/?once=...`, would otherwise end the sample)."""
        path, _, query = url.partition("?")
        kind = route_of(path)
        most = self.per_admin_kind if kind.startswith("admin:") else self.per_kind
        if most is not None and self._kinds.get(kind, 0) >= most and not forced:
            return False
        variant = (kind, tuple(sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)})))
        if query and self._variants.get(variant, 0) >= self.per_variant:
            return False
        self._kinds[kind] = self._kinds.get(kind, 0) + 1
        if query:
            self._variants[variant] = self._variants.get(variant, 0) + 1
        return True


@dataclass
class Crawl:
    """What one role's crawl opened and found."""

    role: str
    opened: dict[str, int] = field(default_factory=dict)  # address -> status
    took: dict[str, float] = field(default_factory=dict)  # address -> seconds
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    capped: bool = False

    def summary(self) -> str:
        slowest = sorted(self.took, key=self.took.__getitem__)[-3:][::-1]
        return f"{self.role}: {len(self.opened)} addresses in {self.seconds:.1f} s; slowest: " + (
            ", ".join(f"{url} {self.took[url]:.2f} s" for url in slowest)
        )


def _writes(queries: Iterable[dict]) -> list[str]:
    return [
        q["sql"][:120]
        for q in queries
        if WRITE.match(q["sql"]) and not HARMLESS_WRITES.match(q["sql"].lstrip())
    ]


def crawl(
    client: Client,
    role: str,
    starts: Iterable[str],
    budget: Budget,
    *,
    extra_checks: Callable[[str, PageParser], list[str]] | None = None,
    skip: re.Pattern[str] | None = None,
) -> Crawl:
    """Breadth-first from `starts`, GET only, as `client` (signed in as `role`, or not).
    Paths matching `skip` are never opened: a crawl about one concern leaves out the pages
    that cannot show it (a course update's, the account pages)."""
    found = Crawl(role)
    began = time.perf_counter()
    queue: deque[tuple[str, str, bool]] = deque()  # (address, where it was found, fragment?)
    seen: set[tuple[str, bool]] = set()

    def offer(url: str | None, referrer: str, fragment: bool = False, forced=False) -> None:
        if url is None or (url, fragment) in seen:
            return
        seen.add((url, fragment))
        if skip is not None and skip.search(url.split("?", 1)[0]):
            return
        if not budget.admit(url, forced=forced):
            return
        if len(found.opened) + len(queue) >= budget.total:
            found.capped = True
            return
        queue.append((url, referrer, fragment))

    for start in starts:
        offer(start, "(start)", forced=True)
    while queue:
        url, referrer, fragment = queue.popleft()
        where = f"{role}: GET {url} (linked from {referrer})"
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        watched = bool(DESTRUCTIVE.search(url.split("?", 1)[0]))
        asked = time.perf_counter()
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                if not watched:
                    connection.force_debug_cursor = False  # only watched pages keep their SQL
                response = client.get(url, **headers)
                transaction.set_rollback(True)
        except Exception:  # the test client raises the view's exception: a 500 for a user
            found.opened[url] = 500
            tb = traceback.format_exc().strip().splitlines()
            found.problems.append(f"{where}: raised {tb[-1]}\n    " + "\n    ".join(tb[-8:-1]))
            continue
        status = response.status_code
        found.opened[url] = status
        found.took[url] = time.perf_counter() - asked
        if status >= 500:
            found.problems.append(f"{where}: {status}")
        elif status == 404:
            found.problems.append(f"{where}: 404, a dead link")
        elif status == 405:
            found.problems.append(f"{where}: 405, a link to a page that takes no GET")
        if watched and (writes := _writes(queries.captured_queries)):
            found.problems.append(f"{where}: a GET changed something: {writes}")
        if status in (301, 302, 303, 307, 308):
            offer(same_site(url, response["Location"]), url, forced=True)
            continue
        if status != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = parse(response.content.decode(response.charset or "utf-8", "replace"))
        if page.whole_page:
            if page.h1 != 1:
                found.problems.append(f"{where}: {page.h1} <h1> elements, not one")
            if not page.title.strip():
                found.problems.append(f"{where}: no <title>")
            if missing := sorted({a for a in page.anchors if a and a not in page.ids}):
                found.problems.append(f"{where}: links to #{', #'.join(missing)}, not on the page")
        if extra_checks:
            found.problems += [f"{where}: {p}" for p in extra_checks(url, page)]
        for href in page.links:
            offer(same_site(url, href), url)
        for href in page.fragments:
            offer(same_site(url, href), url, fragment=True)
        for form in page.forms:
            if form.method == "get":
                offer(form_url(url, form), url)
    found.seconds = time.perf_counter() - began
    return found


def pages_reached(
    client: Client, role: str, starts: Iterable[str], budget: Budget
) -> list[tuple[str, PageParser]]:
    """Every HTML answer a crawl parsed, with its address: the pages the fuzzers
    (tests/fuzz/) send their inputs to. The crawl's own problems are the crawl tests'."""
    found: list[tuple[str, PageParser]] = []

    def keep(url: str, page: PageParser) -> list[str]:
        found.append((url, page))
        return []

    crawl(client, role, starts, budget, extra_checks=keep)
    return found
