"""The developer examples in README and docs/ run as written: each `python -m srm_trainer.iam`
and `python -m srm_trainer.netlab` line of their `sh` blocks in a subprocess on the shipped case
files, and docs/sandbox.md's `curl` through the test client, its answer holding the fields the
page lists. An example whose command, file or answer changes fails here, not for a reader."""

from __future__ import annotations

import glob
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parents[1]
CLI_DOCS = ("README.md", "docs/network-lab.md")

# README's lint and simulate lines name a file of the reader's own; these stand in for them.
READERS_FILES = {
    "policy.json": {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
        ],
    },
    "batch.json": {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "actions": ["s3:Get*", "s3:DeleteObject"],
            "resources": ["arn:aws:s3:::reports/q1.csv"],
            "resource_account": "111122223333",
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
                ],
            }
        ],
    },
}


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def cli_examples() -> list[tuple[str, str]]:
    found = []
    for name in CLI_DOCS:
        for block in fenced((ROOT / name).read_text(encoding="utf-8"), "sh"):
            for line in block.splitlines():
                if re.match(r"\.venv/bin/python -m srm_trainer\.(iam|netlab) ", line):
                    found.append((name, line))
    return found


EXAMPLES = cli_examples()


def test_the_docs_still_hold_their_cli_examples():
    commands = {" ".join(shlex.split(line, comments=True)[2:4]) for _, line in EXAMPLES}
    assert {"srm_trainer.iam eval", "srm_trainer.netlab eval"} <= commands


@pytest.mark.parametrize(("doc", "line"), EXAMPLES, ids=[line for _, line in EXAMPLES])
def test_a_cli_example_runs_as_written(doc, line, tmp_path):
    words = shlex.split(line, comments=True)
    comment = line.partition("#")[2].strip()
    argv = [sys.executable]
    for word in words[1:]:
        if word in READERS_FILES:
            own = tmp_path / word
            own.write_text(json.dumps(READERS_FILES[word]), encoding="utf-8")
            argv.append(str(own))
        elif "*" in word and word.endswith(".json"):  # the shell's glob, on the shipped files
            matched = sorted(glob.glob(word, root_dir=ROOT))
            assert matched, f"{doc}: {word} matches no file"
            argv += matched
        else:
            assert not word.endswith(".json") or (ROOT / word).is_file(), f"{doc}: no {word}"
            argv.append(word)
    proc = subprocess.run(  # noqa: S603 - our own interpreter and modules
        argv, capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    # The shipped cases pass: "exit 1 on a mismatch" must not be what a reader sees.
    assert proc.returncode == 0, f"{doc}: {line}\n{proc.stderr[-2000:]}"
    if words[3] != "lint":  # lint prints its findings only, none for a clean policy
        assert proc.stdout.strip(), f"{doc}: {line} printed nothing"
    if "one JSON line per case" in comment:
        assert all(json.loads(out)["name"] for out in proc.stdout.splitlines())


def test_the_netlab_format_examples_pass_their_own_expect():
    """srm_trainer/netlab/FORMAT.md's flow and WAF cases, fed to `eval --check -` as written."""
    blocks = fenced((ROOT / "srm_trainer/netlab/FORMAT.md").read_text(encoding="utf-8"), "json")
    assert len(blocks) >= 2
    for block in blocks:
        proc = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "srm_trainer.netlab", "eval", "--check", "-"],
            input=block,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
        assert proc.returncode == 0, f"{block[:80]}\n{proc.stdout}{proc.stderr}"


def test_the_python_examples_run_on_a_shipped_case():
    """The library examples of docs/evaluation-core.md and docs/network-lab.md, with their
    `case` (and `batch`) a shipped case of each engine."""
    iam_case = json.loads((ROOT / "tests/iam/cases/samples.json").read_text())[0]
    flow_case = json.loads((ROOT / "tests/netlab/cases/stateless_replies.json").read_text())[0]
    for doc, names in (
        ("docs/evaluation-core.md", {"case": iam_case, "batch": READERS_FILES["batch.json"]}),
        ("docs/network-lab.md", {"case": flow_case}),
    ):
        blocks = fenced((ROOT / doc).read_text(encoding="utf-8"), "python")
        assert blocks, doc
        for block in blocks:
            exec(compile(block, doc, "exec"), dict(names))  # noqa: S102 - our own docs


# --- the API's example ---------------------------------------------------------------------

SANDBOX_DOC = (ROOT / "docs" / "sandbox.md").read_text(encoding="utf-8")


def documented_fields(endpoint: str) -> set[str]:
    """The top-level fields docs/sandbox.md says an endpoint answers: its first "returns `{...}`"
    or "answers `{...}`" after the endpoint's name, nested lists left out."""
    at = SANDBOX_DOC.index(f"`POST /api/iam/{endpoint}`")
    listed = re.search(r"(?:returns|answers) `\{(.*?)\}`", SANDBOX_DOC[at:], flags=re.S)
    assert listed, endpoint
    return set(re.findall(r"\"(\w+)\"", re.sub(r"\[.*\]", "", listed.group(1), flags=re.S)))


@pytest.mark.django_db
def test_the_curl_example_answers_the_documented_fields(client):
    cache.clear()
    curls = [b for b in fenced(SANDBOX_DOC, "sh") if b.startswith("curl ")]
    assert curls, "docs/sandbox.md has no curl example"
    for block in curls:
        words = shlex.split(block)
        url = next(w for w in words if w.startswith("http://"))
        headers = words[words.index("-H") + 1]
        body = words[words.index("-d") + 1]
        path = "/" + url.split("/", 3)[3]
        assert headers == "Content-Type: application/json"
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == documented_fields(path.rsplit("/", 1)[1])
        assert response.json()["decision"] == "Allow"  # the policy allows reports/*


@pytest.mark.django_db
def test_the_other_endpoints_answer_the_documented_fields(client):
    cache.clear()
    policy = READERS_FILES["policy.json"]
    simulate = client.post(
        "/api/iam/simulate", READERS_FILES["batch.json"], content_type="application/json"
    )
    assert simulate.status_code == 200, simulate.content
    assert set(simulate.json()) == documented_fields("simulate")
    first = simulate.json()["results"][0]
    assert set(first) == {"action", "resource", "decision", "decisive"}
    diff = client.post(
        "/api/iam/diff", {"old": policy, "new": policy}, content_type="application/json"
    )
    assert diff.status_code == 200, diff.content
    assert set(diff.json()) >= documented_fields("diff")
    assert diff.json()["no_new_access"] is True


def test_every_error_code_the_api_docs_name_is_one_the_code_gives():
    """The codes of docs/sandbox.md's "Every error is JSON" paragraph are string literals of
    the app (a code renamed in one and not the other fails here)."""
    start = SANDBOX_DOC.index("Every error is JSON")
    paragraph = SANDBOX_DOC[start : SANDBOX_DOC.index("\n\n", start)]
    codes = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", paragraph))
    assert {"invalid_json", "duplicate_key", "body_too_large", "rate_limited"} <= codes
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "srm_trainer").rglob("*.py"))
    missing = {code for code in codes if f'"{code}"' not in source}
    assert not missing, f"docs/sandbox.md names codes the app never gives: {sorted(missing)}"
