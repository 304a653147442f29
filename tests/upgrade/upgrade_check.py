"""Upgrade an old release's database with today's code, as a deployment does, and read it back.

    DATABASE_URL=sqlite:///COPY python -m tests.upgrade.upgrade_check OUT.json

runs `migrate` and `load_curriculum` (as `make release` does), then, as the site's users:
opens a page with each session signed in before the upgrade, signs in (a learner with a password; the instructor with a password and her authenticator
code), opens each of their attempts (the result page of a submitted one, the take page of an
unfinished one), verifies each certificate and downloads it, and crawls what a learner and the
instructor reach (tests/crawler.py). Everything seen is written to OUT.json for
test_upgrade_from_release.py to judge. A process of its own: its database is not the test's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import json
import re
import struct
import sys
import time
import traceback

import django

PASSWORD = "correct-horse-42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str, at: float) -> str:
    """RFC 6238's code for `secret` at `at` (what the instructor's app shows)."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = digest[-1] & 15
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**6:06d}"


def words(content: bytes) -> str:
    """A page's text as a reader reads it: tags dropped, entities read, spaces folded."""
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", content.decode(), flags=re.S)
    return " ".join(html.unescape(text).split())


def main(out: str) -> None:
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    found: dict = {"problems": []}
    problems = found["problems"]
    migrated, loaded = io.StringIO(), io.StringIO()
    call_command("migrate", interactive=False, stdout=migrated)
    call_command("load_curriculum", stdout=loaded)
    found["migrate"] = migrated.getvalue().splitlines()
    found["load"] = loaded.getvalue().splitlines()

    from certificates.models import Certificate
    from quizzes.models import Attempt
    from srm_trainer.accounts.models import Session
    from tests.crawler import Budget, crawl

    no_throttling = {
        "RATE_LIMITS": dict.fromkeys(settings.RATE_LIMITS, "1000000/60"),
        "RATE_LIMITS_PER_ADDRESS": dict.fromkeys(settings.RATE_LIMITS_PER_ADDRESS, "1000000/60"),
        "ACCOUNT_RATE_LIMITS": False,
    }
    with override_settings(**no_throttling):
        # Whoever was signed in before the upgrade still is: each session the migrations
        # carried over opens a page as its account.
        carried = found["sessions"] = {}
        for key, account in Session.objects.values_list("session_key", "account_id"):
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            answer = client.get(reverse("certificates:progress"))
            carried[key] = [account, answer.status_code, answer.wsgi_request.user.pk]
        clients = {}
        for name in ("ada", "bob", "ines"):
            client = Client()
            answer = client.post(reverse("account_login"), {"login": name, "password": PASSWORD})
            if answer.status_code == 302 and "/2fa/" in answer["Location"]:
                found[f"{name} was asked for a code"] = True
                answer = client.post(answer["Location"], {"code": totp(SECRET, time.time())})
            found[f"{name} signed in"] = "_auth_user_id" in client.session
            clients[name] = client

        pages = found["attempt pages"] = []
        for attempt in Attempt.objects.filter(user__username__in=clients).select_related("user"):
            client = clients[attempt.user.username]
            done = attempt.submitted_at is not None
            url = reverse("quizzes:result" if done else "quizzes:take", args=[attempt.pk])
            answer = client.get(url)
            text = words(answer.content) if answer.status_code == 200 else ""
            pages.append({"attempt": attempt.pk, "url": url, "status": answer.status_code})
            pages[-1]["text"] = text

        certificates = found["certificates"] = []
        for certificate in Certificate.objects.all():
            answer = Client().get(reverse("certificates:verify", args=[certificate.code]))
            certificates.append(
                {
                    "code": certificate.code,
                    "status": answer.status_code,
                    "text": words(answer.content),
                }
            )
            if certificate.user.username in clients:
                pdf = clients[certificate.user.username].get(reverse("certificates:pdf"))
                certificates[-1]["pdf"] = pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"

        found["crawled"] = {}
        for name in ("bob", "ines"):
            budget = Budget(per_kind=1, per_admin_kind=0, per_variant=1, total=400)
            try:
                seen = crawl(clients[name], name, ("/", "/teach/", "/progress/"), budget)
            except Exception:  # the crawl itself broke: say where, for the test to show
                problems.append(f"{name}'s crawl: {traceback.format_exc()}")
                continue
            found["crawled"][name] = len(seen.opened)
            problems.extend(seen.problems)
    with open(out, "w", encoding="utf-8") as file:
        json.dump(found, file)


if __name__ == "__main__":
    main(sys.argv[1])
