"""Values plausible in shape but wrong, and the requests that carry them to a crawled page.

tests/fuzz/test_fuzz_forms.py sends noise (bytes that are not UTF-8, 100,000 characters);
the values here look like what a field holds and are wrong in the one way its reader may not
expect: a hidden stamp in a year no time holds in UTC, a signed token with its signature
changed, a `next` that `urlparse` cannot split, a date past 9999, an integer past 64 bits, a
Markdown block nested past the JSON decoder's recursion, NUL. Each of those was a 500 once
(docs/testing.md, "Fuzzing"). `probes` turns one crawled page into its requests:

- each query field of its address and of its links back to itself (filters, sort orders,
  pages), and `next`, `page` and `q` on every page (views read them without a link saying
  so), replaced by each value in turn;
- the page asked for again with each set of htmx and Referer headers;
- each form that posts, with one field at a time (hidden ones, its button's value) replaced
  by each value; each file input sent each crafted upload; the form sent as it stands with
  each set of headers, and over the size limit with a target that is no id.

A page only a POST shows (an import's preview, a removal's "are you sure?", an admin action's
confirmation) is reached by sending each form once validly (`valid_steps`: its fields as they
stand, a select's first real option, an admin list's first row, and RECIPES for the few forms
whose valid values the page does not hold); its forms' probes carry those steps in `before`.

A probe's `describe` says enough to send it again by hand: the role's page, the field, the
value (as Python writes it), the headers and the steps sent before it; the other fields are
the page's own."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.crawler import Form, PageParser, route_of, same_site
from tests.test_site_crawl import PASSWORD

FORM = "application/x-www-form-urlencoded"

# (label, value): the label names the value in a failure (some are unprintable or long).
VALUES: tuple[tuple[str, str], ...] = (
    ("empty", ""),
    ("word", "abc"),
    ("minus one", "-1"),
    ("2**64", "18446744073709551616"),
    ("1e400", "1e400"),
    ("NUL", "a\x00b"),
    ("JSON of another shape", '{"id": "abc"}'),
    ("nested JSON", "[1,[2]]"),
    ("year 9999", "9999"),  # a year drilled down to: its period ends in the year 10000
    ("year 10000", "10000-01-01"),
    ("stamp east of year 1", "0001-01-01T00:00:00+14:00"),
    ("stamp west of year 9999", "9999-12-31T23:59:59-14:00"),
    ("offset +23:59", "2026-01-01T00:00:00+23:59"),
    ("time in a DST gap", "2026-03-29T02:30"),
    ("URL urlparse refuses", "http://[::1/x"),
    ("another site", "//evil.example/"),
    ("backslash path", "/\\evil.example"),
    ("token-shaped", "abc:def:ghi"),
    ("deep Markdown json", "```json\n" + "[" * 1200 + "\n```\n"),
)
# The admin's pages are Django's, alike for every model: fewer values there (the sweep of
# every value over one page of each admin kind was ~18,000 requests).
ADMIN_VALUES = (
    "word",
    "2**64",
    "NUL",
    "JSON of another shape",
    "stamp east of year 1",
    "minus one",
    "year 9999",
)
# Read by views on pages that do not link with them.
EVERY_PAGE_QUERY = ("next", "page", "q")
# A token as django.core.signing writes it: payload (compressed: a leading "."), then a
# timestamp and a signature, or a signature alone.
SIGNED = re.compile(r"\.?[\w-]{2,}(:[\w-]{4,}){1,2}")

# Headers as the test client takes them (WSGI names).
HEADER_SETS: tuple[dict[str, str], ...] = (
    {"HTTP_HX_REQUEST": "true"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "nope"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main-content", "HTTP_HX_TRIGGER": "x"},
    {"HTTP_HX_REQUEST": "1", "HTTP_HX_CURRENT_URL": "http://evil.example/%ff?x=1"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "not a url \x7f", "HTTP_HX_TRIGGER_NAME": "a"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/?page=99999999999999999999"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "x%0Ay", "HTTP_HX_TARGET_URI_AUTOENCODED": "true"},
    {"HTTP_HX_BOOSTED": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    {"HTTP_REFERER": "http://[::1"},
    {"HTTP_REFERER": "http://testserver/%ff/\x00"},
)  # fmt: skip
# A form over the size limit, asked for by htmx with a target that is no id: the refusal
# names its place in a header (HX-Retarget), which may hold no line break.
TOO_LARGE_TARGET = {
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_TARGET": "check-q%0Aroot",
    "HTTP_HX_TARGET_URI_AUTOENCODED": "true",
}
# (label, file name, content type, bytes)
UPLOADS: tuple[tuple[str, str, str, bytes], ...] = (
    ("empty file", "case.json", "application/json", b""),
    ("NUL bytes", "case.json", "application/json", b"\x00" * 64),
    ("UTF-16 JSON", "case.json", "application/json", "\ufeff{}".encode("utf-16")),
    ("a zip", "case.json", "application/zip", b"PK\x03\x04" + b"\x00" * 60),
    ("JSON nested 5,000 deep", "case.json", "application/json", b"[" * 5000),
    ("JSON of another shape", "case.json", "application/json", b'{"id": "abc", "n": 1e400}'),
    ("GIFT with NUL", "bank.gift", "text/plain", b"::q\x00:: What? {=a ~b}\n"),
    ("a name that climbs", "../../settings.py", "text/x-python", b"{}"),
)


@dataclass(frozen=True)
class Probe:
    """One request: `what` names the field and value (or the headers) it changes."""

    method: str
    url: str
    what: str
    page: str
    data: tuple[tuple[str, str], ...] = ()
    upload: tuple[str, str, str, str, bytes] | None = None  # (field, label, name, type, bytes)
    headers: dict[str, str] = field(default_factory=dict, hash=False)
    # A page only a POST shows (a preview, a confirmation): the requests that lead to it,
    # sent first in the same savepoint (`valid_steps`), untimed.
    before: tuple[Probe, ...] = ()

    def send(self, client: Client):
        if self.method == "get":
            return client.get(self.url, **self.headers)
        if self.upload is None:
            return client.post(self.url, urlencode(self.data), content_type=FORM, **self.headers)
        name, _, filename, content_type, content = self.upload
        fields: dict[str, list] = {}
        for key, value in self.data:
            fields.setdefault(key, []).append(value)
        fields[name] = [SimpleUploadedFile(filename, content, content_type=content_type)]
        return client.post(self.url, fields, **self.headers)

    def describe(self) -> str:
        where = (
            f" (the form on {self.page})" if self.method == "post" and self.page != self.url else ""
        )
        url = self.url if len(self.url) <= 160 else self.url[:150] + "…"  # `what` has the value
        headers = ""
        if self.headers:
            said = {
                k.removeprefix("HTTP_").replace("_", "-").title(): v
                for k, v in self.headers.items()
            }
            headers = f" with headers {said}"
        after = ""
        if self.before:
            after = " [after " + "; then ".join(b.describe() for b in self.before) + "]"
        return f"{self.method.upper()} {url}{where}: {self.what}{headers}{after}"


def values_for(current: str, *, admin: bool = False) -> list[tuple[str, str]]:
    """The values sent to a field that holds `current`: the list (the admin's shorter), and
    for a signed token that token with its signature changed, cut off, or on another payload."""
    chosen = [(label, value) for label, value in VALUES if not admin or label in ADMIN_VALUES]
    if SIGNED.fullmatch(current):
        payload, _, rest = current.partition(":")
        flipped = rest[:-1] + ("A" if rest[-1] != "A" else "B")
        chosen += [
            ("token, signature changed", f"{payload}:{flipped}"),
            ("token, signature cut off", payload),
            ("token, another payload", f"e30:{rest}"),  # e30 is base64 for {}
        ]
    elif current.isdigit():
        chosen.append(("the next id", str(int(current) + 1)))
    return chosen


def _said(label: str, value: str) -> str:
    return (
        repr(value) if len(value) <= 40 else f"{value[:30]!r}… ({label}, {len(value)} characters)"
    )


def form_kind(action: str, form: Form) -> tuple:
    """What makes two forms the same for the fuzzer: their action's route (not its ids), their
    field names with the rows' numbers taken out (an editor with one more choice row), their
    buttons' names and their file inputs."""
    names = [n for n, _ in form.fields] + [n for n, _, _ in form.buttons if n]
    return (
        route_of(action.partition("?")[0]),
        frozenset(re.sub(r"\d+", "N", n) for n in names),
        tuple(form.files),
    )


def probes(
    url: str,
    page: PageParser,
    forms_seen: set,
    before: tuple[Probe, ...] = (),
    *,
    gets: bool = True,
) -> Iterator[Probe]:
    """Every request for one crawled page. A form of a kind already sent from another page
    (`form_kind`: a site-wide search, a sign-out button, a row's "move up" on each row) is in
    `forms_seen` and not sent again. A page a POST showed (`before`, the requests that lead
    to it) gets its forms' requests only (`gets` False): asked for again with a GET, it is
    another page."""
    if gets:
        yield from _query_probes(url, page, before)
    for form in page.forms:
        if form.method != "post" or (action := same_site(url, form.action or url)) is None:
            continue
        base = list(form.fields)
        if form.submitter and form.submitter[0]:
            base.append(form.submitter)
        key = form_kind(action, form)
        if key in forms_seen:
            continue
        forms_seen.add(key)
        admin = action.startswith("/admin/")
        yield from _form_probes(url, action, base, form, admin=admin, before=before)


def _query_probes(url: str, page: PageParser, before: tuple[Probe, ...]) -> Iterator[Probe]:
    path, _, query = url.partition("?")
    admin = path.startswith("/admin/")
    fields = parse_qsl(query, keep_blank_values=True)
    # Its own query's fields, those its links back to itself use (a list's filters, sort
    # order, date drill-down and pages: the crawl opens one address of each kind), and
    # EVERY_PAGE_QUERY; each with a value it was given, to derive the crafted ones from.
    names = {k: v for k, v in fields}
    for href in (*page.links, *page.fragments):
        link = same_site(url, href)
        if link and link.partition("?")[0] == path:
            for k, v in parse_qsl(link.partition("?")[2], keep_blank_values=True):
                names.setdefault(k, v)
    for name in EVERY_PAGE_QUERY:
        names.setdefault(name, "")
    for name, current in names.items():
        for label, value in values_for(current, admin=admin):
            kept = [(k, v) for k, v in fields if k != name] + [(name, value)]
            said = f"{name}={_said(label, value)}"
            yield Probe("get", f"{path}?{urlencode(kept)}", said, url, before=before)
    for headers in HEADER_SETS:
        yield Probe("get", url, "the page", url, headers=headers, before=before)


def _form_probes(
    url: str, action: str, base: list, form: Form, *, admin: bool, before: tuple = ()
) -> Iterator[Probe]:
    for i, (name, current) in enumerate(base):
        if name == "csrfmiddlewaretoken" or (admin and "-" in name):
            continue  # an admin inline row's field: Django's formsets, many of them
        for label, value in values_for(current, admin=admin):
            data = (*base[:i], (name, value), *base[i + 1 :])
            said = f"{name}={_said(label, value)}"
            yield Probe("post", action, said, url, data=data, before=before)
    for headers in HEADER_SETS:
        yield Probe(
            "post",
            action,
            "the form as it stands",
            url,
            data=tuple(base),
            headers=headers,
            before=before,
        )
    too_large = (*base, ("filler", "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    yield Probe(
        "post",
        action,
        "the form over the size limit",
        url,
        data=too_large,
        headers=TOO_LARGE_TARGET,
        before=before,
    )
    if form.files:
        upload_submitter = form.upload_submitter
        sent = [(n, v) for n, v in base if n != (upload_submitter or ("",))[0]]
        if upload_submitter and upload_submitter[0]:
            sent.append(upload_submitter)
        for name in form.files:
            for label, filename, content_type, content in UPLOADS:
                yield Probe(
                    "post",
                    action,
                    f"{name}=a file {filename!r} ({label})",
                    url,
                    data=tuple(sent),
                    upload=(name, label, filename, content_type, content),
                    before=before,
                )


# --- pages only a POST shows ----------------------------------------------------------------
# A preview, a confirmation, a form's next step: drawn in answer to a POST (or at the address
# a POST sends the browser to), so no crawl reaches them. `valid_steps` sends each form once
# as a person would, and tests/fuzz/test_crafted_pages.py fuzzes the new forms its answer
# shows. Valid values come from the page (its fields as they stand, a select's first real
# option, an admin list's first row) and, for the few forms whose valid values are data the
# page does not show, from RECIPES: the action's route, then the fields to send.
GIFT_QUESTION = (
    "::Fuzz question:: Which statement of a policy wins? {=An explicit deny ~An allow"
    "####An explicit deny wins over every allow.}"
)
RECIPES: dict[str, dict[str, str]] = {
    # The sign-in of an account with an authenticator app (the world's instructor): its
    # second step asks for a code.
    "account_login": {"login": "turing", "password": PASSWORD},
    # The import's preview (its signed token, the text and format it carries) and confirm.
    "teach:import": {"text": GIFT_QUESTION, "format": "gift"},
}
MOST_STEPS = 6  # a form's buttons (and an admin list's actions) sent at most this many ways
ACTION_ROWS = "_selected_action"  # an admin list's row checkboxes (django.contrib.admin)


def valid_steps(
    url: str, page: PageParser, before: tuple[Probe, ...] = ()
) -> Iterator[tuple[tuple, Probe]]:
    """Each form that posts on `page`, filled in validly, once for each way to send it (each
    of its buttons: "Preview" and "Save"; each action an admin list offers), with a key that
    is the same for the same form and button on another page."""
    for form in page.forms:
        if form.method != "post" or (action := same_site(url, form.action or url)) is None:
            continue
        route = route_of(action.partition("?")[0])
        fields = _valid_fields(form, RECIPES.get(route, {}))
        ways: list[tuple[str, list[tuple[str, str]]]] = []  # (target, fields sent)
        pressed = form.buttons or [("", "", "")]
        for name, value, formaction in pressed:
            target = (same_site(url, formaction) if formaction else None) or action
            sent = [*fields, (name, value)] if name else list(fields)
            ways.append((target, sent))
        if form.choices.get("action") and ACTION_ROWS in form.choices:
            # An admin list: each action with its first row chosen, pressed with its button.
            rows = [(ACTION_ROWS, form.choices[ACTION_ROWS][0])]
            ways = [
                (target, [*(f for f in sent if f[0] != "action"), ("action", choice), *rows])
                for choice in form.choices["action"]
                if choice
                for target, sent in ways[:1]
            ]
        seen: set = set()
        for target, sent in ways:
            button = next((f"{n}={v!r}" for n, v, _ in pressed if (n, v) in sent and n), "")
            chosen = dict(sent).get("action", "") if ACTION_ROWS in dict(sent) else ""
            key = (
                form_kind(action, form),
                route_of(target.partition("?")[0]),
                re.sub(r"\d+", "N", button),
                chosen,
            )
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MOST_STEPS:
                break
            how = f"pressing {button}" if button else "as it stands"
            if chosen:
                how = f"action {chosen!r} on its first row"
            what = f"the form sent validly, {how}"
            yield key, Probe("post", target, what, url, data=tuple(sent), before=before)


def _valid_fields(form: Form, recipe: dict[str, str]) -> list[tuple[str, str]]:
    """The form's fields as it stands, a select left at its empty choice given its first real
    one, and the recipe's values over them."""
    fields = []
    for name, value in form.fields:
        if name in recipe:
            continue
        if not value and (offered := [c for c in form.choices.get(name, ()) if c]):
            value = offered[0]
        fields.append((name, value))
    return [*fields, *recipe.items()]


def sample(every: list[Probe], limit: int | None, seed: int) -> list[Probe]:
    """At most `limit` of `every`, the same ones for the same seed, kept in crawl order."""
    if limit is None or limit >= len(every):
        return every
    chosen = set(random.Random(seed).sample(range(len(every)), limit))
    return [probe for i, probe in enumerate(every) if i in chosen]
