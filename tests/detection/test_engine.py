"""The findings-routing engine against the rules of the Amazon EventBridge User Guide.

`cases/matching.json`: a pattern, an event and the outcome the cited page leads to (written
from the page, not from the engine's output). `cases/refusals.json`: patterns EventBridge
would not accept, or the lab leaves out ("by": "lab"), each with the error code and the place
it names.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import srm_trainer
from srm_trainer.detection import (
    LIMITS,
    Outcome,
    PatternError,
    decode_type,
    match,
    parse_pattern,
    read_event,
    samples,
    severity_band,
    wildcard_match,
)

CASES = Path(__file__).resolve().parent / "cases"
ENGINE = Path(srm_trainer.__file__).resolve().parent / "detection"


def _load(name: str) -> list[dict]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _load("matching.json"), ids=lambda c: c["name"])
def test_matching(case):
    # pattern_text: what a JSON file cannot hold as a value (a key written twice).
    pattern = parse_pattern(case.get("pattern_text") or json.dumps(case["pattern"]))
    result = match(pattern, read_event(json.dumps(case["event"])))
    assert result.outcome.value == case["expect"], [s.text for s in result.steps]
    assert result.steps, "every outcome is explained"


def test_numbers_keep_their_text_through_the_json_files():
    # json.dumps of the cases writes 300.0 back as 300.0: the "as written" cases test that.
    pattern = parse_pattern('{"n": [300]}')
    assert not match(pattern, read_event('{"n": 300.0}')).matched
    assert match(pattern, read_event('{"n": 300}')).matched


@pytest.mark.parametrize("case", _load("refusals.json"), ids=lambda c: c["name"])
def test_refusals(case):
    with pytest.raises(PatternError) as caught:
        parse_pattern(case["pattern_text"])
    err, expect = caught.value, case["expect"]
    assert err.code == expect["error"], str(err)
    for key in ("path", "line", "column"):
        if key in expect:
            assert getattr(err, key) == expect[key], str(err)
    # "by": "lab" where the refusal is the lab's own (the guide leaves the form open and AWS's
    # Event Ruler takes it, or a lab limit): the page must not say EventBridge would refuse it.
    assert err.lab_only is (expect.get("by") == "lab"), str(err)
    assert str(err).startswith(err.where) and err.message
    # "says": words the refusal must hold (the fix it offers, with what was typed).
    assert expect.get("says", "") in str(err), str(err)


def test_limits_are_checked_before_any_work():
    with pytest.raises(PatternError) as caught:
        parse_pattern('{"a": ["' + "x" * LIMITS["pattern_chars"] + '"]}')
    assert caught.value.code == "too_large"
    with pytest.raises(PatternError) as caught:
        parse_pattern("[" * 4_000)
    assert caught.value.code == "too_deep" and caught.value.line == 1
    many = json.dumps({f"f{i}": list(range(100)) for i in range(4)})
    with pytest.raises(PatternError) as caught:
        parse_pattern(many)
    assert caught.value.code in ("too_many_values", "too_large")
    with pytest.raises(PatternError) as caught:
        parse_pattern(json.dumps({"a": list(range(101))}))
    assert caught.value.code == "too_many_values" and caught.value.path == "a"


def test_a_hostile_wildcard_is_matched_in_linear_time():
    star = "*a" * 60 + "*b"
    started = time.perf_counter()
    assert not wildcard_match(star, "a" * 20_000)
    assert time.perf_counter() - started < 0.5
    assert wildcard_match("a*b*c", "axxbyyc") and not wildcard_match("a*b*c", "axxcyyb")
    assert wildcard_match("*", "") and wildcard_match("a*", "a") and not wildcard_match("a*a", "a")


def test_the_samples_are_shaped_like_the_events_eventbridge_delivers():
    found = samples()
    assert 8 <= len(found) <= 12
    for s in found:
        e = s.event
        assert set(e) >= {"version", "id", "detail-type", "source", "account", "time", "region",
                          "resources", "detail"}  # fmt: skip
        if e["source"] == "aws.guardduty":
            assert e["detail-type"] == "GuardDuty Finding"
            assert decode_type(e["detail"]["type"]) is not None, e["detail"]["type"]
            assert severity_band(e["detail"]["severity"].value) is not None
            assert e["detail"]["resource"]["resourceType"]
        else:
            assert (e["source"], e["detail-type"]) == ("aws.inspector2", "Inspector2 Finding")
            assert e["detail"]["severity"] in ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL")
            assert e["detail"]["status"] in ("ACTIVE", "SUPPRESSED", "CLOSED")
            assert e["detail"]["resources"][0]["type"].startswith("AWS_")
    kinds = {s.event["detail"].get("resource", {}).get("resourceType") for s in found}
    assert {"Instance", "AccessKey", "S3Bucket", "Lambda"} <= kinds
    bands = {severity_band(s.event["detail"]["severity"].value).name for s in found
             if s.event["source"] == "aws.guardduty"}  # fmt: skip
    assert bands == {"Low", "Medium", "High", "Critical"}


# The default severity each sample's finding type has in the GuardDuty User Guide's finding-type
# pages (EC2, IAM, S3 Protection, Lambda Protection and attack sequence finding types).
DEFAULT_BANDS = {
    "CryptoCurrency:EC2/BitcoinTool.B!DNS": "High",
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": "High",
    "CredentialAccess:IAMUser/AnomalousBehavior": "Medium",
    "Policy:S3/BucketBlockPublicAccessDisabled": "Low",
    "Recon:EC2/PortProbeUnprotectedPort": "Low",
    "CryptoCurrency:Lambda/BitcoinTool.B": "High",
    "AttackSequence:IAM/CompromisedCredentials": "Critical",
}


def test_each_guardduty_sample_has_the_severity_aws_gives_its_finding_type():
    """A sample is a lesson in what GuardDuty reports: its severity must fall in the band of its
    type's documented default. The Medium sample was `Discovery:IAMUser/AnomalousBehavior` at 5,
    a type GuardDuty rates Low; it is now `CredentialAccess:IAMUser/AnomalousBehavior`, whose
    default is Medium (GuardDuty User Guide, "GuardDuty IAM finding types")."""
    for s in samples():
        detail = s.event["detail"]
        if s.event["source"] != "aws.guardduty":
            continue
        assert detail["type"] in DEFAULT_BANDS, detail["type"]
        assert severity_band(detail["severity"].value).name == DEFAULT_BANDS[detail["type"]]


# The NVD CVSS v3.1 base score of each CVE an Inspector sample names (or once named).
NVD_BASE_SCORES = {
    "CVE-2021-44228": 10.0,  # Log4Shell
    "CVE-2023-44487": 7.5,  # HTTP/2 rapid reset
    "CVE-2022-22965": 9.8,  # Spring4Shell
    "CVE-2024-6387": 8.1,  # regreSSHion: High, so no "critical CVE" sample may name it
}


def _cvss_band(score: float) -> str:
    """CVSS v3 qualitative rating (Critical 9.0-10.0, High 7.0-8.9, ...), the label Inspector
    shows for a finding rated from NVD ("Severity levels for Amazon Inspector findings")."""
    return next(name for low, name in ((9.0, "CRITICAL"), (7.0, "HIGH"), (4.0, "MEDIUM"),
                                       (0.1, "LOW")) if score >= low)  # fmt: skip


def test_each_inspector_sample_has_the_severity_nvd_gives_its_cve():
    """The EC2 sample said CVE-2024-6387 (regreSSHion) was CRITICAL with a score of 9.1; NVD
    rates it 8.1, High. A sample is read as a fact about the CVE it names."""
    for s in samples():
        detail = s.event["detail"]
        if s.event["source"] != "aws.inspector2":
            continue
        cve = detail["packageVulnerabilityDetails"]["vulnerabilityId"]
        assert detail["title"].startswith(cve + " - ")
        assert detail["severity"] == _cvss_band(NVD_BASE_SCORES[cve]), cve


def test_every_sample_guardduty_finding_says_what_its_threat_purpose_means():
    """The lab explains each part of a finding type; the attack-sequence sample (GuardDuty
    Extended Threat Detection) showed its purpose with no words."""
    for s in samples():
        if s.event["source"] == "aws.guardduty":
            t = decode_type(s.event["detail"]["type"])
            assert t is not None and t.purpose_words, s.event["detail"]["type"]


def test_finding_types_decode_into_the_documented_parts():
    t = decode_type("CryptoCurrency:EC2/BitcoinTool.B!DNS")
    assert (t.purpose, t.resource, t.family, t.mechanism, t.artifact) == (
        "CryptoCurrency", "EC2", "BitcoinTool", "B", "DNS")  # fmt: skip
    t = decode_type("Recon:EC2/PortProbeUnprotectedPort")
    assert (t.family, t.mechanism, t.artifact) == ("PortProbeUnprotectedPort", "", "")
    t = decode_type("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS")
    assert (t.resource, t.mechanism) == ("IAMUser", "OutsideAWS") and t.purpose_words
    assert decode_type("PACKAGE_VULNERABILITY") is None
    assert decode_type("Recon:EC2") is None


@pytest.mark.parametrize(
    ("value", "band"),
    [(10, "Critical"), (9.0, "Critical"), (8.9, "High"), (7, "High"), (6.9, "Medium"),
     (4, "Medium"), (3.9, "Low"), (1, "Low"), (0.5, None), (10.5, None), ("x", None)],
)  # fmt: skip
def test_severity_bands_are_the_documented_four(value, band):
    found = severity_band(value)
    assert (found.name if found else None) == band


def test_an_undecided_part_only_matters_where_it_could_change_the_result():
    pattern = parse_pattern('{"a": ["x"], "r": [{"exists": true}]}')
    assert match(pattern, read_event('{"a": "y", "r": []}')).outcome is Outcome.NO_MATCH
    assert match(pattern, read_event('{"a": "x", "r": []}')).outcome is Outcome.UNDECIDED
    either = parse_pattern('{"$or": [{"a": ["x"]}, {"r": [{"exists": true}]}]}')
    assert match(either, read_event('{"a": "x", "r": []}')).outcome is Outcome.MATCH


def test_no_module_imports_django():
    for path in sorted(ENGINE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
            )
            assert not [n for n in names if n.split(".")[0] == "django"], path.name
    checkout = str(ENGINE.parent.parent)
    code = (f"import sys; sys.path.insert(0, {checkout!r}); import srm_trainer.detection as d; d.samples(); "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))")  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_numbers_with_extreme_exponents_are_refused_or_undecided_never_an_error():
    # The decimal context rounds 1e-999999999 to 0 and overflows on 1e9999999: a bound read
    # through it passed as zero, and each explanation printed it as a billion digits.
    zero = parse_pattern('{"n": [{"numeric": [">=", 0e-999999999]}]}')
    result = match(zero, read_event('{"n": 0}'))
    assert result.matched and max(len(s.text) for s in result.steps) < 200
    above = parse_pattern('{"n": [{"numeric": [">", 0]}]}')
    for far in ("1e9999999", "-1e999999999", "1e-999999999"):
        result = match(above, read_event(f'{{"n": {far}}}'))
        assert result.outcome is Outcome.UNDECIDED, far


def test_a_pattern_says_how_eventbridge_reads_a_repeated_field_or_a_dotted_name():
    twice = parse_pattern('{"a": ["x"], "a": ["y"]}')
    assert twice.notes == (
        "a is given more than once: EventBridge uses the last one, and so does the lab",
    )
    assert not match(twice, read_event('{"a": "x"}')).matched
    dotted = parse_pattern('{"detail.severity": [{"numeric": [">=", 7]}]}')
    assert [s.path for s in match(dotted, samples()[0].event).steps] == ["detail.severity"]
    assert "EventBridge joins field names with dots" in dotted.notes[0]
    assert parse_pattern('{"a": {"b": ["x"]}}').notes == ()
    with pytest.raises(PatternError) as caught:
        read_event('{"a": 1, "a": 2}')  # an event keeps refusing a repeated key
    assert caught.value.code == "duplicate_key"


def test_an_event_name_with_dots_is_read_as_nested_fields_within_the_depth_limit():
    event = read_event('{"a.b": 1, "a": {"b": 2, "c": 3}}')
    assert {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in event["a"].items()} == {
        "b": ["1", "2"], "c": "3"}  # fmt: skip
    assert match(parse_pattern('{"a": {"b": [2]}}'), event).matched
    with pytest.raises(PatternError) as caught:
        read_event(json.dumps({".".join(["x"] * 40): 1}))
    assert caught.value.code == "too_deep"


def test_invisible_characters_are_shown_escaped_in_paths_and_reasons():
    # A zero-width space in a field name is why it does not match; a direction override
    # (U+202E) drew the path backwards ('["["liated') and could turn a reason around.
    result = match(
        parse_pattern('{"\\u202edetail": ["\\u200bx"]}'), read_event('{"\\u202edetail": "x"}')
    )
    step = result.steps[0]
    assert step.path == '["\\u202edetail"]'
    assert '"\\u200bx"' in step.text and "\u200b" not in step.text and "\u202e" not in step.path
    assert (
        match(parse_pattern('{"a": ["é🙂"]}'), read_event('{"a": "é🙂"}')).steps[0].text
        == 'equals "é🙂"'
    )
