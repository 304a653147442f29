"""A site that installed an earlier release, with its users' work, upgrades to today's code
with nothing lost.

The database is release-2026-12-01.sqlite3.xz: main as of 2026-12-01 with its course loaded
and work made through that release's own code (make_fixture.py says how; seed_old_release.py
says whose): accounts with TOTP and recovery codes, progress, lesson checks, attempts with
answers of all ten question kinds (submitted, unfinished, anonymous), review cards, a
certificate, a cohort with an assignment and an extension, and an instructor's own quiz.

A copy is upgraded as `make release` does (`migrate`, `load_curriculum`) by today's code in a
process of its own (upgrade_check.py), then read back: every row of learners' and
instructors' work is as it was, column by column; the loader keeps no file change back and
retires only what the files dropped; the learner and the instructor sign in (her with her
authenticator code); every attempt's page opens with its stored score and the answers as
given; the certificate verifies; and what a learner and the instructor reach by following
links answers without a server error. ~15 s of CPU, so CI's deep run only (`make test-deep`).
"""

from __future__ import annotations

import json
import lzma
import math
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.depth import DEEP
from tests.lifecycle import once_per_run
from tests.upgrade import FIXTURE

HERE = Path(__file__).resolve().parent

if not DEEP or os.environ.get("DATABASE_URL", "").startswith("postgres"):
    # One line in `make test`'s summary, not one a test.
    pytest.skip(
        "about 15 s: CI's deep run (TEST_DEPTH=deep), once (its database is SQLite)",
        allow_module_level=True,
    )

# Tables holding what people did, compared row by row, column by column; columns a sign-in
# itself writes are left out.
WORK = (
    "auth_user",
    "auth_user_groups",
    "account_emailaddress",
    "mfa_authenticator",
    "lessons_lessonprogress",
    "lessons_knowledgecheck",
    "lessons_profile",
    "quizzes_attempt",
    "quizzes_answer",
    "quizzes_reviewcard",
    "certificates_certificate",
    "cohorts_cohort",
    "cohorts_membership",
    "cohorts_assignment",
    "cohorts_extension",
)
SIGN_IN_WRITES = {"last_login", "last_used_at"}
SIGNED_IN = ("ada", "bob", "ines")  # whose attempts upgrade_check.py opens
# What the fixture's sessions were signed with (make_fixture.py): its dev default.
SECRET_KEY = "dev-only-insecure-key-not-for-production"
# The instructor's own rows, which a load must never change.
AUTHORED = {
    "quizzes_quiz": "source = 'authored'",
    "quizzes_question": "source = 'authored'",
    "quizzes_quizquestion": "quiz_id IN (SELECT id FROM quizzes_quiz WHERE source = 'authored')",
}


def rows(db: sqlite3.Connection, table: str, where: str = "1") -> dict:
    cursor = db.execute(f'SELECT * FROM "{table}" WHERE {where} ORDER BY 1')  # noqa: S608
    names = [d[0] for d in cursor.description]
    return {str(row[0]): dict(zip(names, row, strict=True)) for row in cursor}  # JSON keys


def snapshot(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        found = {table: rows(db, table) for table in WORK}
        found |= {table: rows(db, table, where) for table, where in AUTHORED.items()}
        return found
    finally:
        db.close()


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """(work before, work after, what upgrade_check.py saw), once a run: xdist may split this
    module between its workers (`once_per_run`, tests/lifecycle.py)."""
    return once_per_run(
        tmp_path_factory, "upgrade-from-release", lambda: _upgrade(tmp_path_factory)
    )


def _upgrade(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("upgrade")
    database, out = folder / "site.sqlite3", folder / "seen.json"
    database.write_bytes(lzma.decompress(FIXTURE.read_bytes()))
    before = snapshot(database)
    db = sqlite3.connect(database)
    before["django_session"] = [
        key for (key,) in db.execute("SELECT session_key FROM django_session")
    ]
    db.close()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_SECRET_KEY": SECRET_KEY,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.upgrade.upgrade_check", str(out)],
        cwd=HERE.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    return before, snapshot(database), json.loads(out.read_text(encoding="utf-8"))


def test_the_fixture_holds_work_of_every_kind(upgraded):
    """The test proves something only while the old database has the work it claims."""
    before, _, _ = upgraded
    answers = before["quizzes_answer"].values()
    kinds = {q["type"] for q in before["quizzes_question"].values()}
    assert len(kinds) == 10, kinds
    assert {a["question_id"] for a in answers} >= {
        q["id"] for q in before["quizzes_question"].values()
    }
    assert any(a["submitted_at"] is None for a in before["quizzes_attempt"].values())
    assert any(a["user_id"] is None for a in before["quizzes_attempt"].values())
    for table in ("lessons_knowledgecheck", "quizzes_reviewcard", "certificates_certificate"):
        assert before[table], table
    assert before["cohorts_extension"] and before["mfa_authenticator"]


def test_migrations_apply_and_every_row_of_work_reads_as_before(upgraded):
    before, after, seen = upgraded
    assert any(re.match(r"\s+Applying \w+\.\d{4}_\w+\.\.\. OK", line) for line in seen["migrate"])
    for table in (*WORK, *AUTHORED):
        old, new = before[table], after[table]
        assert new.keys() >= old.keys(), f"{table}: rows gone {sorted(old.keys() - new.keys())}"
        for pk, row in old.items():
            kept = {k: v for k, v in row.items() if k not in SIGN_IN_WRITES}
            same = {k: new[pk][k] for k in kept if k in new[pk]}
            assert same == kept, f"{table} row {pk} changed"


def test_the_course_update_keeps_nothing_back_and_retires_only_what_the_files_dropped(upgraded):
    _, _, seen = upgraded
    load = seen["load"]
    assert re.fullmatch(r"Curriculum loaded: \d+ created, \d+ updated, \d+ unchanged\.", load[-1])
    assert not [line for line in load if "kept" in line.split(":")[0]], load
    retired = [line for line in load if line.strip().startswith("retired:")]
    assert retired and all("is no longer in the files" in line for line in retired)
    assert not [line for line in retired if "'ines-" in line]  # her own questions stay in use


def test_whoever_was_signed_in_before_the_upgrade_still_is(upgraded):
    before, _, seen = upgraded
    assert len(before["django_session"]) == 2  # ada's and bob's
    for key in before["django_session"]:
        assert key in seen["sessions"], f"session {key} was not carried over"
        account, status, user = seen["sessions"][key]
        assert status == 200 and user == account is not None, key


def test_the_learner_and_the_instructor_sign_in_she_with_her_authenticator_code(upgraded):
    _, _, seen = upgraded
    assert seen["ada signed in"] and seen["bob signed in"]
    assert seen["ines was asked for a code"] and seen["ines signed in"]


def test_every_attempt_opens_with_its_stored_score_and_answers(upgraded):
    before, _, seen = upgraded
    attempts, answers = before["quizzes_attempt"], before["quizzes_answer"].values()
    pages = seen["attempt pages"]
    users = {u["id"] for u in before["auth_user"].values() if u["username"] in SIGNED_IN}
    assert len(pages) == sum(a["user_id"] in users for a in attempts.values())
    for page in pages:
        assert page["status"] == 200, page["url"]
        attempt = attempts[str(page["attempt"])]
        if attempt["submitted_at"] is None:
            continue
        # Shown rounded down since 2026-12-06 (`quizzes.models.whole_percent`): 93.75% is 93%.
        shown = math.floor(attempt["score"] * 100 + 1e-9)
        assert f"{shown}%" in page["text"], page["url"]
        shown = "".join(page["text"].split())  # spaces aside: a <code> part is its own word
        for answer in (a for a in answers if a["attempt_id"] == page["attempt"]):
            for text in _chosen_texts(json.loads(answer["response"])):
                assert "".join(text.split()) in shown, f"{page['url']}: {text!r} not shown"


def _chosen_texts(response: dict) -> list[str]:
    """The words a choice answer was saved with (what the result page shows as given)."""
    texts = response.get("texts")
    if isinstance(texts, list):
        return [t.replace("`", "") for t in texts]
    text = response.get("text")
    return [text.replace("`", "")] if isinstance(text, str) else []


def test_the_certificate_still_verifies(upgraded):
    before, _, seen = upgraded
    (certificate,) = before["certificates_certificate"].values()
    (checked,) = seen["certificates"]
    assert checked["status"] == 200 and certificate["name"] in checked["text"]
    assert checked["pdf"]


def test_what_the_learner_and_the_instructor_reach_answers(upgraded):
    _, _, seen = upgraded
    assert seen["crawled"]["bob"] > 20 and seen["crawled"]["ines"] > 40, seen["crawled"]
    assert not seen["problems"], "\n".join(seen["problems"])
