"""`python -m srm_trainer.iam`: the contract scripts and CI rely on (one JSON line per case, in
order; error lines instead of crashes; exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from srm_trainer.iam.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, explain, main, reason_text
from srm_trainer.iam.decision import Decision, Reason

CASES = Path(__file__).parent / "cases"
SAMPLES = CASES / "samples.json"

USER = "arn:aws:iam::111122223333:user/alice"


def case(name, action="s3:GetObject", expect=None, policies=None):
    out = {
        "name": name,
        "request": {
            "principal": USER,
            "action": action,
            "resource": "arn:aws:s3:::reports/q1.csv",
            "resource_account": "111122223333",
        },
        "identity_policies": policies
        if policies is not None
        else [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::reports/*",
                    }
                ],
            }
        ],
    }
    if expect:
        out["expect"] = expect
    return out


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run(capsys, *argv):
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def json_lines(text):
    return [json.loads(line) for line in text.splitlines()]


# --- eval ---------------------------------------------------------------------------------


def test_eval_prints_one_json_line_per_case_in_order(tmp_path, capsys):
    first = write(tmp_path, "one.json", case("single", expect="Allow"))
    second = write(
        tmp_path,
        "many.json",
        [case("a"), case("b", action="s3:PutObject"), case("c", action="s3:GetObject")],
    )
    status, out, _ = run(capsys, "eval", first, second)
    lines = json_lines(out)
    assert [line["name"] for line in lines] == ["single", "a", "b", "c"]
    assert [line["decision"] for line in lines] == ["Allow", "Allow", "ImplicitDeny", "Allow"]
    assert set(lines[0]) == {"name", "decision", "decisive"}
    assert lines[0]["decisive"][0]["policy_kind"] == "identity"
    assert lines[2]["decisive"] == []
    assert status == EXIT_OK


def test_eval_reports_bad_input_as_error_lines_and_goes_on(tmp_path, capsys):
    missing = str(tmp_path / "missing.json")
    broken = write(tmp_path, "broken.json", '{"name": "x",')
    mixed = write(
        tmp_path,
        "mixed.json",
        [
            case("fine"),
            {"name": "no request"},
            case("bad policy", policies=['{\n "Statement": [\n  {"Effect": "Alow"}]}']),
            42,
        ],
    )
    status, out, _ = run(capsys, "eval", missing, broken, mixed, str(SAMPLES))
    lines = json_lines(out)
    assert lines[0]["name"] == missing
    assert lines[0]["decision"] is None and lines[0]["error"]["code"] == "unreadable_file"
    assert lines[1]["name"] == broken and lines[1]["error"]["code"] == "invalid_json"
    assert lines[2] == {**lines[2], "name": "fine", "decision": "Allow"}
    assert lines[3]["name"] == "no request" and lines[3]["decision"] is None
    assert lines[3]["error"]["code"] and lines[3]["error"]["message"]
    bad = lines[4]["error"]
    assert bad["code"] == "invalid_effect"
    assert bad["path"] == "identity_policies[0].Statement[0].Effect"
    assert (bad["line"], bad["column"]) == (3, 14)  # inside the policy's own text
    assert lines[5]["name"] == f"{mixed}[3]" and lines[5]["error"]["code"] == "invalid_case"
    # the sample cases after the broken files still ran
    samples = json.loads(SAMPLES.read_text())
    assert [line["name"] for line in lines[6:]] == [c["name"] for c in samples]
    assert all(line["decision"] for line in lines[6:])
    assert status == EXIT_FAILED


def test_eval_check_passes_on_the_sample_cases(capsys):
    status, out, err = run(capsys, "eval", "--check", str(SAMPLES))
    assert status == EXIT_OK, err
    assert len(out.splitlines()) == len(json.loads(SAMPLES.read_text()))
    assert err == ""


def test_eval_check_fails_and_lists_the_cases_that_differ(tmp_path, capsys):
    path = write(
        tmp_path,
        "cases.json",
        [
            case("right", expect="Allow"),
            case("wrong", expect="ExplicitDeny"),
            case("no expectation"),
            {"name": "broken", "expect": "Allow"},
        ],
    )
    status, out, err = run(capsys, "eval", "--check", path)
    assert status == EXIT_FAILED
    assert len(out.splitlines()) == 4
    assert "wrong: expected ExplicitDeny, got Allow" in err
    assert "broken: expected Allow, got an error" in err
    assert "right" not in err and "no expectation" not in err


def test_eval_check_passes_on_every_shipped_case_file(capsys):
    """README's `eval --check tests/iam/cases/*.json`: the shipped cases pass, those that expect
    a refusal (`expect_error`, FORMAT.md: rcp_syntax.json) included. Until December 2026 they
    made it exit 1 with no mismatch listed."""
    files = sorted(str(p) for p in CASES.glob("*.json"))
    status, _, err = run(capsys, "eval", "--check", *files)
    assert status == EXIT_OK, err
    assert err == ""


def test_eval_check_holds_a_case_to_its_expect_error(tmp_path, capsys):
    rcp_allow = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    }
    where = "rcp_levels[0][0].Statement[0].Effect"
    refused = {**case("refused as expected"), "rcp_levels": [[rcp_allow]]}
    refused["expect_error"] = {"code": "rcp_allow_not_supported", "path": where}
    other_code = {**refused, "name": "refused otherwise"}
    other_code["expect_error"] = {"code": "missing_principal", "path": where}
    decided = {**case("decided"), "expect_error": {"code": "invalid_case", "path": ""}}
    path = write(tmp_path, "cases.json", [refused, other_code, decided])
    status, out, err = run(capsys, "eval", "--check", path)
    assert status == EXIT_FAILED
    assert len(out.splitlines()) == 3
    assert "refused as expected" not in err
    assert "refused otherwise: expected error missing_principal, got rcp_allow_not_supported" in err
    assert "decided: expected error invalid_case, got Allow" in err
    # the refusal it expects passes; without --check a case that cannot be evaluated still fails
    path = write(tmp_path, "one.json", [refused])
    assert run(capsys, "eval", "--check", path)[0] == EXIT_OK
    assert run(capsys, "eval", path)[0] == EXIT_FAILED


def test_eval_explain_is_for_people(capsys):
    status, out, _ = run(capsys, "eval", "--explain", str(SAMPLES))
    assert status == EXIT_OK
    assert "identity policy allows one bucket's objects: ALLOWED — as expected" in out
    # the same label the sandbox and quiz feedback use (words.policy_label)
    assert "decided by:" in out and "Identity-based policy 1: ReadReports, statement 1" in out
    # a statement that did not apply says why, in words
    assert "does not match this statement's Resource ([arn:aws:s3:::reports/*])" in out
    assert (
        "the condition Bool on aws:MultiFactorAuthPresent wants [true] but the request has [false]"
        in out
    )
    assert "{" not in out  # no raw JSON


def test_reason_text_never_breaks_on_new_codes_or_missing_data():
    assert reason_text(Reason("brand_new_code", {"x": 1})) == "brand_new_code (x=1)"
    assert reason_text(Reason("condition_value_mismatch", {})) == "a condition is not met"
    assert "[s3:Get*]" in reason_text(
        Reason("action_not_matched", {"action": "s3:PutObject", "patterns": ["s3:Get*"]})
    )
    text = explain("x", Decision("Allow", (), ()))
    assert text.startswith("x: ALLOWED")


def test_eval_reads_standard_input(monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(case("piped"))))
    status, out, _ = run(capsys, "eval", "-")
    assert json_lines(out)[0]["name"] == "piped"
    assert status == EXIT_OK


# --- lint ---------------------------------------------------------------------------------

POLICY_WITH_PROBLEMS = """{
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetObjekt"],
     "Resource": "*"}
  ]
}
"""


def test_lint_prints_line_col_severity_code_message(tmp_path, capsys):
    path = write(tmp_path, "policy.json", POLICY_WITH_PROBLEMS)
    status, out, _ = run(capsys, "lint", path)
    lines = out.splitlines()
    assert "1:1 warning missing_version: " in lines[0]
    assert any(line.startswith("4:17 error unknown_action: ") for line in lines)
    assert "s3:GetObject" in out  # the suggestion
    assert status == EXIT_FAILED  # an error finding


def test_lint_json_output_and_clean_exit(tmp_path, capsys):
    clean = write(
        tmp_path,
        "clean.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
            ],
        },
    )
    status, out, _ = run(capsys, "lint", "--json", clean)
    assert json.loads(out) == []
    assert status == EXIT_OK
    path = write(tmp_path, "policy.json", POLICY_WITH_PROBLEMS)
    status, out, _ = run(capsys, "lint", "--json", path)
    found = json.loads(out)
    assert {f["code"] for f in found} == {"missing_version", "unknown_action"}
    assert all({"line", "column", "path", "topic", "data"} <= set(f) for f in found)


def test_lint_kind_changes_the_rules(tmp_path, capsys):
    bucket = write(
        tmp_path,
        "bucket.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::site/*",
                }
            ],
        },
    )
    status, out, _ = run(capsys, "lint", "--kind", "resource", bucket)
    assert "warning public_access" in out
    assert status == EXIT_OK  # warnings only
    status, out, _ = run(capsys, "lint", bucket)  # as an identity policy, Principal is an error
    assert "error principal_not_allowed" in out
    assert status == EXIT_FAILED


def test_lint_limit_override(tmp_path, capsys):
    statements = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b-{i:03d}/*"}
        for i in range(40)
    ]
    path = write(tmp_path, "p.json", {"Version": "2012-10-17", "Statement": statements})
    assert run(capsys, "lint", path)[0] == EXIT_OK
    status, out, _ = run(capsys, "lint", "--limit", "2048", path)
    assert "error policy_too_large" in out and status == EXIT_FAILED


def test_lint_a_case_file_lints_every_policy(capsys):
    status, out, _ = run(capsys, "lint", str(SAMPLES))
    # the samples are valid; the SCP allow-alls are guardrails, not findings
    assert "error" not in out
    assert status == EXIT_OK


def test_lint_unreadable_file(tmp_path, capsys):
    status, _, err = run(capsys, "lint", str(tmp_path / "nope.json"))
    assert status == EXIT_FAILED and "cannot read" in err


# --- expand and usage ---------------------------------------------------------------------


def test_expand_lists_actions_one_per_line(capsys):
    status, out, _ = run(capsys, "expand", "s3:GetObject*")
    lines = out.splitlines()
    assert "s3:GetObject" in lines and "s3:GetObjectAcl" in lines
    assert all(line.startswith("s3:GetObject") for line in lines)
    assert lines == sorted(lines)
    assert status == EXIT_OK


def test_expand_unknown_pattern_fails_with_a_hint(capsys):
    status, out, err = run(capsys, "expand", "s3:GetObjekt")
    assert out == "" and status == EXIT_FAILED
    assert "did you mean s3:GetObject" in err


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["eval"], ["lint", "x", "--kind", "bogus"]])
def test_usage_errors_exit_2(capsys, argv):
    assert main(argv) == EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_help_documents_exit_codes(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit status" in out and "--check" in out
    # every command's own exit status is there, as README and docs/sandbox.md give it
    for said in ("lint:", "expand:", "diff: the new policy allows", "simulate, summary, diff"):
        assert said in " ".join(out.split()), said


def test_module_entry_point_runs_in_a_subprocess():
    proc = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "srm_trainer.iam", "eval", "--check", str(SAMPLES)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == len(json.loads(SAMPLES.read_text()))


def test_an_engine_crash_on_one_case_does_not_stop_the_others(tmp_path, capsys, monkeypatch):
    engine = sys.modules["srm_trainer.iam.evaluate"]
    real = engine.evaluate

    def flaky(c):
        if c.get("name") == "boom":
            raise RuntimeError("unexpected")
        return real(c)

    monkeypatch.setattr(engine, "evaluate", flaky)
    path = write(tmp_path, "cases.json", [case("before"), case("boom"), case("after")])
    status, out, _ = run(capsys, "eval", path)
    lines = json_lines(out)
    assert [line["name"] for line in lines] == ["before", "boom", "after"]
    assert lines[1]["error"] == {"code": "internal_error", "message": "RuntimeError: unexpected"}
    assert lines[2]["decision"] == "Allow"
    assert status == EXIT_FAILED


def test_eval_takes_federated_by_and_explains_the_grant_to_the_user_who_federated(tmp_path, capsys):
    broker = "arn:aws:iam::111122223333:user/broker"
    federated = case("broker's session", policies=[])
    federated["request"].update(
        principal="arn:aws:sts::111122223333:federated-user/Carol", federated_by=broker
    )
    federated["resource_policy"] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": broker},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    }
    federated["session_policy"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    misplaced = case("a user has no creator")
    misplaced["request"]["federated_by"] = broker
    path = write(tmp_path, "federated.json", [federated, misplaced])
    status, out, _ = run(capsys, "eval", path)
    allowed, refused = json_lines(out)
    assert allowed["decision"] == "Allow"
    assert refused["decision"] is None and refused["error"]["path"] == "request.federated_by"
    assert status == EXIT_FAILED
    status, out, _ = run(capsys, "eval", "--explain", write(tmp_path, "one.json", federated))
    assert status == EXIT_OK
    assert f"names {broker}, the IAM user who created this federated user session" in out
