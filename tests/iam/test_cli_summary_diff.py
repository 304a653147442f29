"""`python -m srm_trainer.iam summary` and `diff`: the lines and exit codes scripts rely on."""

from __future__ import annotations

import json

from srm_trainer.iam.cli import EXIT_FAILED, EXIT_OK, main


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


READ = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
READ_PUT = policy(
    {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"},
)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_summary_prints_levels(tmp_path, capsys):
    status, out, _ = run(capsys, "summary", write(tmp_path, "p.json", READ_PUT))
    assert status == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Amazon S3 (s3)"
    assert any(line.split()[:2] == ["List", "full"] for line in lines)
    assert any(line.split()[:2] == ["Write", "partial"] for line in lines)
    assert "    partial  s3:PutObject (arn:aws:s3:::up/*)" in lines


def test_summary_json_and_services(tmp_path, capsys):
    star = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    path = write(tmp_path, "star.json", star)
    status, _, err = run(capsys, "summary", path)
    assert status == EXIT_FAILED and "services" in err
    status, out, _ = run(capsys, "summary", path, "--service", "sqs", "--json")
    assert status == EXIT_OK
    assert [s["service"] for s in json.loads(out)["services"]] == ["sqs"]


def test_diff_gates_new_access(tmp_path, capsys):
    old, new = write(tmp_path, "old.json", READ), write(tmp_path, "new.json", READ_PUT)
    status, out, _ = run(capsys, "diff", old, new)
    assert status == EXIT_FAILED
    assert out.splitlines() == ["+ s3:PutObject  [Write]  none → partial (arn:aws:s3:::up/*)"]
    status, out, _ = run(capsys, "diff", new, old)
    assert status == EXIT_OK
    assert out.splitlines()[0].startswith("- s3:PutObject")
    assert out.splitlines()[-1] == "no new access"


def test_diff_bad_json_names_the_file(tmp_path, capsys):
    good, bad = write(tmp_path, "old.json", READ), write(tmp_path, "new.json", '{"Statement": [')
    status, _, err = run(capsys, "diff", good, bad)
    assert status == EXIT_FAILED and "new.json" in err
