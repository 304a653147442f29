"""Every form a role reaches, each of its fields sent hostile: no 500 (`make fuzz` only).

The other fuzz tests know each entry point's fields; this one knows none. It crawls the site as
each role (tests/crawler.py, over the world of tests/test_site_crawl.py), keeps one form that
posts of each page kind and field set, and sends it again with one field replaced at a time: a
NUL, spaces, a 400-digit number, right-to-left marks with combining accents, deep or wide JSON,
bytes that are not UTF-8, the field left out or given 500 times. Any exception a view raises
(the test client raises it) fails, listed with the form, field and value (what it found:
docs/testing.md). It is slow (minutes: several thousand requests), so `make test` skips it;
`make fuzz` runs it.
Times go to the fuzz summary (`timed`) without a budget: an instructor's editor legitimately
costs more than the learner's budget."""

from __future__ import annotations

import traceback
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.crawler import Budget, pages_reached, same_site
from tests.fuzz.conftest import FUZZ, timed
from tests.test_site_crawl import STARTS, world  # noqa: F401 - the fixture, shared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FUZZ, reason="minutes of requests: make fuzz runs it"),
]

VALUES = {
    "nul": "a\x00b",
    "spaces": "   ",
    "digits": "9" * 400,
    "minus": "-1",
    "rtl": "\u202e\u0301\u200f" * 500,
    "deep": "[" * 5000,
    "wide": "{" + ",".join(f'"k{i}":1' for i in range(5000)) + "}",
    "long": "A" * 100_000,
}
ADMIN_VALUES = ("nul", "digits", "spaces")
# Bytes that are not UTF-8 (a lone surrogate's, an overlong slash), as a browser never sends.
NOT_UTF8 = "%ED%A0%80%FF%C0%AF"
FORM = "application/x-www-form-urlencoded"
# Forms whose post ends the role's session or account: sent once they would end the crawl.
LEAVES = ("/accounts/logout/", "/accounts/delete/")


def _forms(client, role: str, world) -> list[tuple[str, list[tuple[str, str]]]]:  # noqa: F811
    """One form that posts per page kind and set of field names, as the role finds it."""
    budget = Budget(per_kind=1, per_admin_kind=1, per_variant=1, total=600)
    pages = pages_reached(client, role, (*STARTS[role], *world.starts.get(role, ())), budget)
    found: dict[tuple, tuple[str, list[tuple[str, str]]]] = {}
    for url, page in pages:
        for form in page.forms:
            action = same_site(url, form.action or url)
            if form.method != "post" or action is None or action.startswith(LEAVES):
                continue
            fields = list(form.fields)
            if form.submitter and form.submitter[0]:
                fields.append(form.submitter)
            found.setdefault(
                (action.split("?")[0], frozenset(n for n, _ in fields)), (action, fields)
            )
    return list(found.values())


def _cases(action: str, fields: list[tuple[str, str]]):
    admin = action.startswith("/admin/")
    for name in sorted({n for n, _ in fields} - {"csrfmiddlewaretoken"}):
        if admin and "-" in name:  # an inline row's field: Django's own formsets, many of them
            continue
        others = [(n, v) for n, v in fields if n != name]
        for label in ADMIN_VALUES if admin else VALUES:
            yield f"{name}={label}", urlencode([*others, (name, VALUES[label])])
        yield f"{name}=not-utf-8", urlencode(others) + f"&{quote(name)}={NOT_UTF8}"
        if not admin:
            yield f"{name} left out", urlencode(others)
            yield f"{name} x500", urlencode([*others, *[(name, "1")] * 500])


@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor", "superuser"])
def test_every_form_takes_any_field(role, world):  # noqa: F811
    client = Client(raise_request_exception=True)
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    forms = _forms(client, role, world)
    assert forms, f"{role} reached no form that posts"
    failures = []
    for action, fields in forms:
        for label, body in _cases(action, fields):
            try:
                with transaction.atomic():
                    response = timed(
                        f"form {role}",
                        lambda a=action, b=body: client.post(a, b, content_type=FORM),
                        lambda a=action, label=label: f"{a} {label}",
                    )
                    transaction.set_rollback(True)
            except Exception:
                last = traceback.format_exc().strip().splitlines()[-1]
                failures.append(f"POST {action} [{label}]: {last[:300]}")
                continue
            if response.status_code >= 500:
                failures.append(f"POST {action} [{label}]: {response.status_code}")
    assert not failures, f"{len(failures)} of {role}'s posts failed:\n" + "\n".join(failures)
