"""The detection quiz's event-pattern questions are marked by the findings lab's engine.

Each question's pattern is read from its prompt (the ```json block, or the inline pattern),
each choice is tied here to the lab's sample finding it describes, and the choices marked
correct must be exactly the ones the engine says the pattern matches (for `det-or-either-
service`, exactly the one it does not). A question whose key disagrees with EventBridge's
rules as the engine applies them fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from srm_trainer.detection import Outcome, match, parse_pattern, samples

QUIZ = Path(__file__).resolve().parents[2] / "lessons" / "content" / "quizzes" / "detection.yaml"

# choice text (its start) → sample slug, per question
CHOICES = {
    "det-route-compute-findings": {
        "`CryptoCurrency:EC2/BitcoinTool.B!DNS`": "ec2-bitcoin-dns",
        "`CryptoCurrency:Lambda/BitcoinTool.B`": "lambda-bitcoin",
        "`Recon:EC2/PortProbeUnprotectedPort`": "ec2-port-probe",
        "`UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS`": "iam-credential-exfiltration",
    },
    "det-anything-but-and-range": {
        "`CredentialAccess:IAMUser/AnomalousBehavior`": "iam-anomalous-discovery",
        "`CryptoCurrency:EC2/BitcoinTool.B!DNS`": "ec2-bitcoin-dns",
        "`Recon:EC2/PortProbeUnprotectedPort`": "ec2-port-probe",
        "`AttackSequence:IAM/CompromisedCredentials`": "attack-sequence-credentials",
        "`Policy:S3/BucketBlockPublicAccessDisabled`": "s3-block-public-access-off",
    },
    "det-or-either-service": {
        "GuardDuty `CryptoCurrency:Lambda/BitcoinTool.B`": "lambda-bitcoin",
        "GuardDuty `Recon:EC2/PortProbeUnprotectedPort`": "ec2-port-probe",
        "An Inspector package vulnerability": "ec2-critical-cve",
        "GuardDuty `CryptoCurrency:EC2/BitcoinTool.B!DNS`": "ec2-bitcoin-dns",
    },
}
NOT_MATCHED = {"det-or-either-service"}  # the key marks the finding the rule does not match


def _questions() -> dict[str, dict]:
    return {q["slug"]: q for q in yaml.safe_load(QUIZ.read_text(encoding="utf-8"))["questions"]}


def _pattern(prompt: str) -> str:
    block = re.search(r"```json\n(.*?)```", prompt, re.S)
    if block:
        return block.group(1)
    return re.search(r"`(\{.*\})`", prompt, re.S).group(1)


def _sample(slug: str):
    return next(s for s in samples() if s.slug == slug)


@pytest.mark.parametrize("slug", sorted(CHOICES))
def test_the_marked_choices_are_exactly_what_the_engine_matches(slug):
    question = _questions()[slug]
    pattern = parse_pattern(_pattern(question["prompt"]))
    by_start = CHOICES[slug]
    assert len(by_start) == len(question["choices"])
    for choice in question["choices"]:
        start = next(k for k in by_start if choice["text"].startswith(k))
        result = match(pattern, _sample(by_start[start]).event)
        assert result.outcome is not Outcome.UNDECIDED, choice["text"]
        expected = not result.matched if slug in NOT_MATCHED else result.matched
        assert choice["correct"] is expected, choice["text"]


def test_the_exact_number_question_is_what_the_engine_says():
    question = _questions()["det-exact-number-in-pattern"]
    pattern = parse_pattern(_pattern(question["prompt"]))
    written_8_0 = _sample("iam-credential-exfiltration").event
    assert written_8_0["detail"]["severity"].text == "8.0"
    assert not match(pattern, written_8_0).matched
    assert match(pattern, _sample("ec2-bitcoin-dns").event).matched  # written 8
    (key,) = [c["text"] for c in question["choices"] if c["correct"]]
    assert key.startswith("It does not match")
