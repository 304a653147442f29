"""`python -m srm_trainer.netlab eval`: one JSON line per case, --explain, --check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from srm_trainer.netlab.cli import main

CASES = Path(__file__).resolve().parent / "cases"


def _case(tmp_path: Path, cases: list, name: str = "c.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(cases), encoding="utf-8")
    return str(path)


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _flow_case(**expect):
    load = json.loads((CASES / "stateless_replies.json").read_text())
    case = dict(load[0])  # the NACL that forgets ephemeral ports
    case["expect"] = expect
    return case


def test_a_flow_line_names_request_reply_and_hops(tmp_path, capsys):
    assert main(["eval", _case(tmp_path, [_flow_case()])]) == 0
    (line,) = _lines(capsys)
    assert line["request"] == "allowed" and line["reply"] == "blocked"
    denied = [h for h in line["hops"] if h["verdict"] == "deny"]
    assert denied == [next(h for h in line["hops"] if h["leg"] == "reply" and h["rule"] == "*")]
    assert {"leg", "layer", "resource", "direction", "verdict", "rule", "from", "to"} <= set(
        denied[0]
    )


def test_a_waf_line_names_action_and_rule(tmp_path, capsys):
    cases = json.loads((CASES / "waf_rules.json").read_text())[:1]
    assert main(["eval", _case(tmp_path, cases)]) == 0
    (line,) = _lines(capsys)
    assert (line["action"], line["rule"]) == ("Block", "block-admin")


def test_a_sequence_prints_runs_of_equal_decisions(tmp_path, capsys):
    cases = [
        c
        for c in json.loads((CASES / "waf_rate_based.json").read_text())
        if c["name"].startswith("3,000 requests")
    ]
    assert main(["eval", _case(tmp_path, cases)]) == 0
    (line,) = _lines(capsys)
    assert line["requests"] == 3000
    assert [(r["from"], r["to"], r["action"]) for r in line["runs"]] == [
        (0, 99, "Allow"),
        (100, 2999, "Block"),
    ]


def test_check_fails_on_a_mismatch_and_says_which(tmp_path, capsys):
    path = _case(tmp_path, [_flow_case(request="allowed", reply="allowed")])
    assert main(["eval", "--check", path]) == 1
    err = capsys.readouterr().err
    assert "reply: expected allowed, got blocked" in err


def test_check_reports_an_expect_of_the_wrong_shape_as_a_mismatch(tmp_path, capsys):
    waf = json.loads((CASES / "waf_rules.json").read_text())[0]
    cases = [_flow_case(blocked_at="edge"), {**waf, "expect": {"counts": 3, "labels": 5}}]
    assert main(["eval", "--check", _case(tmp_path, cases)]) == 1
    err = capsys.readouterr().err
    assert "blocked_at must be an object" in err
    assert "counts must be an object" in err


def test_check_passes_on_every_shipped_case(capsys):
    files = sorted(str(p) for p in CASES.glob("*.json"))
    assert main(["eval", "--check", *files]) == 0


def test_explain_prints_sentences_naming_the_rule(tmp_path, capsys):
    assert main(["eval", "--explain", _case(tmp_path, [_flow_case()])]) == 0
    out = capsys.readouterr().out
    assert "request ALLOWED, reply BLOCKED" in out
    assert "final * rule denies it" in out


def test_explain_says_why_a_case_is_refused_in_sentences_every_problem_named(tmp_path, capsys):
    """--explain is "readable explanations": a refused case is too (it printed the JSON line)."""
    case = _flow_case()
    rules = case["network"]["security_groups"][0]["inbound"]
    rules[:] = [{"protocol": "bogus", "source": "0.0.0.0/0"}, {"protocol": "tcp", "port": 1}]
    missing = str(tmp_path / "missing.json")
    assert main(["eval", "--explain", _case(tmp_path, [case]), missing]) == 1
    out = capsys.readouterr().out
    assert not any(line.startswith("{") for line in out.splitlines())
    first, *others = out.splitlines()
    assert first.startswith(f"{case['name']}: cannot be evaluated: ")
    assert "inbound[0].protocol" in first
    assert any("inbound[1].port is not a field here" in line for line in others)
    assert f"{missing}: cannot be evaluated: cannot read {missing}" in out


def test_eval_help_describes_its_output(capsys):
    assert main(["eval", "--help"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert 'one JSON line per case: {"name", "request", "reply", "hops"}' in said
    assert '"error": {"code", "message", "path"}' in said and "exit status" in said


def test_bad_input_is_a_line_with_the_path_not_a_traceback(tmp_path, capsys):
    case = _flow_case()
    case["network"]["subnets"][0]["cidr"] = "10.0.1.0/33"
    assert main(["eval", _case(tmp_path, [case])]) == 1
    (line,) = _lines(capsys)
    assert line["error"]["path"] == "network.subnets[0].cidr"
    assert "10.0.1.0/33" in line["error"]["message"]


def test_invalid_json_names_line_and_column(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('[{"name": "x",\n  "flow": }]', encoding="utf-8")
    assert main(["eval", str(path)]) == 1
    (line,) = _lines(capsys)
    assert "line 2, column 11" in line["error"]["message"]


def test_the_module_runs_as_a_program():
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "srm_trainer.netlab", "eval", str(CASES / "waf_attachment.json")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    nlb = next(x for x in lines if x["name"] == "a web ACL cannot protect a Network Load Balancer")
    assert nlb["attachable"] is False and "Network Load Balancer" in nlb["reason"]
