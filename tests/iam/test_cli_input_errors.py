"""Bad input to the file-taking commands (lint, simulate, summary, diff): one line on stderr
naming the file and what is wrong (line:column for JSON), exit 1, never a traceback."""

from __future__ import annotations

import json

import pytest

from srm_trainer.iam.cli import EXIT_FAILED, main

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
BATCH = {
    "identity_policies": [POLICY],
    "request": {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "actions": ["s3:GetObject"],
        "resources": ["arn:aws:s3:::bucket/key"],
    },
}
# argv for each command given one file (diff: that file as NEW, a good one as OLD)
COMMANDS = {
    "lint": lambda good, bad: ["lint", bad],
    "simulate": lambda good, bad: ["simulate", bad],
    "summary": lambda good, bad: ["summary", bad],
    "diff": lambda good, bad: ["diff", good, bad],
}


def run(capsys, argv):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(POLICY), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_missing_file_is_named(tmp_path, capsys, good, command):
    missing = str(tmp_path / "nope.json")
    status, out, err = run(capsys, COMMANDS[command](good, missing))
    assert status == EXIT_FAILED and out == ""
    assert err == f"cannot read {missing}: No such file or directory\n"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_that_is_not_utf8_is_refused_with_the_byte(tmp_path, capsys, good, command):
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"Sid": "caf\xe9"}')
    status, out, err = run(capsys, COMMANDS[command](good, str(latin1)))
    assert status == EXIT_FAILED and out == ""
    assert err == f"cannot read {latin1}: byte 13 is not UTF-8 text\n"


@pytest.mark.parametrize("command", ["simulate", "summary", "diff"])
def test_broken_json_is_located_in_its_own_file(tmp_path, capsys, good, command):
    broken = tmp_path / "broken.json"
    # the "}" after "Effect": is column 16 of line 3
    broken.write_text('{\n  "Statement": [\n    {"Effect": }\n  ]\n}\n', encoding="utf-8")
    status, _, err = run(capsys, COMMANDS[command](good, str(broken)))
    assert status == EXIT_FAILED
    assert err.startswith(f"{broken}:3:16: invalid_json: ") and err.count("\n") == 1


def test_diff_names_the_old_file_when_that_is_the_broken_one(tmp_path, capsys, good):
    broken = tmp_path / "old.json"
    broken.write_text("[", encoding="utf-8")
    status, _, err = run(capsys, ["diff", str(broken), good])
    assert status == EXIT_FAILED and err.startswith(f"{broken}:1:2: invalid_json")


def test_a_refused_policy_names_the_element(tmp_path, capsys):
    typo = tmp_path / "typo.json"
    policy = {**POLICY, "Statement": [{**POLICY["Statement"][0], "Resourc": "*"}]}
    typo.write_text(json.dumps(policy), encoding="utf-8")
    status, _, err = run(capsys, ["summary", str(typo)])
    assert status == EXIT_FAILED
    assert err.startswith(f"{typo} (identity_policies[0].Statement[0].Resourc): unknown_element")


def test_a_batch_that_works_still_works(tmp_path, capsys):
    """The same path with good input: the answer on stdout, nothing on stderr."""
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps(BATCH), encoding="utf-8")
    status, out, err = run(capsys, ["simulate", str(batch)])
    assert status == 0 and out.startswith("Allow") and err == ""
