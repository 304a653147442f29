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

A probe's `describe` says enough to send it again by hand: the role's page, the field, the
value (as Python writes it) and the headers; the other fields are the page's own."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.crawler import PageParser, same_site

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
        return f"{self.method.upper()} {url}{where}: {self.what}{headers}"


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


def probes(url: str, page: PageParser, forms_seen: set) -> Iterator[Probe]:
    """Every request for one crawled page. A form already sent from another page (the same
    action and field names: a site-wide search, a sign-out button) is in `forms_seen` and
    not sent again."""
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
            yield Probe("get", f"{path}?{urlencode(kept)}", f"{name}={_said(label, value)}", url)
    for headers in HEADER_SETS:
        yield Probe("get", url, "the page", url, headers=headers)
    for form in page.forms:
        if form.method != "post" or (action := same_site(url, form.action or url)) is None:
            continue
        base = list(form.fields)
        if form.submitter and form.submitter[0]:
            base.append(form.submitter)
        key = (action.split("?")[0], frozenset(n for n, _ in base), tuple(form.files))
        if key in forms_seen:
            continue
        forms_seen.add(key)
        yield from _form_probes(url, action, base, form.files, form.upload_submitter, admin)


def _form_probes(url, action, base, files, upload_submitter, admin) -> Iterator[Probe]:
    for i, (name, current) in enumerate(base):
        if name == "csrfmiddlewaretoken" or (admin and "-" in name):
            continue  # an admin inline row's field: Django's formsets, many of them
        for label, value in values_for(current, admin=admin):
            data = (*base[:i], (name, value), *base[i + 1 :])
            yield Probe("post", action, f"{name}={_said(label, value)}", url, data=data)
    for headers in HEADER_SETS:
        yield Probe("post", action, "the form as it stands", url, data=tuple(base), headers=headers)
    too_large = (*base, ("filler", "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    yield Probe(
        "post",
        action,
        "the form over the size limit",
        url,
        data=too_large,
        headers=TOO_LARGE_TARGET,
    )
    if files:
        sent = [(n, v) for n, v in base if n != (upload_submitter or ("",))[0]]
        if upload_submitter and upload_submitter[0]:
            sent.append(upload_submitter)
        for name in files:
            for label, filename, content_type, content in UPLOADS:
                yield Probe(
                    "post",
                    action,
                    f"{name}=a file {filename!r} ({label})",
                    url,
                    data=tuple(sent),
                    upload=(name, label, filename, content_type, content),
                )


def sample(every: list[Probe], limit: int | None, seed: int) -> list[Probe]:
    """At most `limit` of `every`, the same ones for the same seed, kept in crawl order."""
    if limit is None or limit >= len(every):
        return every
    chosen = set(random.Random(seed).sample(range(len(every)), limit))
    return [probe for i, probe in enumerate(every) if i in chosen]
