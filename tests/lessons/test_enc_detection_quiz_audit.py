"""What the encryption-and-KMS and detection quizzes say agrees with the AWS documentation on the
points a question-by-question review found wrong, incomplete or open to a second answer (every
prompt, choice, feedback and key of both quizzes, 2026-12-06)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}
QUIZZES = Path(__file__).resolve().parents[2] / "lessons" / "content" / "quizzes"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _choices(slug: str) -> dict[str, dict]:
    return {c["text"]: c for c in QUESTIONS[slug].data["choices"]}


def _description(name: str) -> str:
    return yaml.safe_load((QUIZZES / f"{name}.yaml").read_text())["quiz"]["description"]


def test_the_mrk_reason_question_has_no_distractor_that_replicas_partly_satisfy():
    """AWS KMS Developer Guide, "Create multi-Region replica keys" (a replica deleted by mistake
    can be created again from its primary) and "Delete multi-Region keys" (a primary is not
    deleted while replicas remain). The distractor "a backup of the key in case someone ...
    deletes it" was therefore partly true, so an expert could defend it. The distractor is now
    the spare-key-for-a-bad-policy idea, which "Security considerations for multi-Region keys"
    rules out: related keys share key material, so one decrypts what the others encrypt."""
    asked = _choices("enc-mrk-when-to-use")
    assert not any("deletes it" in text for text in asked)
    spare = asked[
        "As a spare key to switch to if the primary's key policy turns out to let the wrong people in"
    ]
    assert spare["correct"] is False
    assert "not an independent key" in spare["feedback"]
    assert "same key ID and key material" in spare["feedback"]
    right = [text for text, c in asked.items() if c["correct"]]
    assert right == [
        "Items encrypted client-side in a DynamoDB global table must be decrypted in each "
        "Region without calling KMS in another Region"
    ]


def test_the_key_material_explanation_names_imported_material_as_the_way_to_keep_a_copy():
    """AWS KMS Developer Guide, "Importing key material for AWS KMS keys": with imported key
    material you generate the material and stay responsible for it (you keep the copy), and KMS
    does not support decrypting its ciphertext outside KMS even then. The explanation said only
    that nobody can export the material, leaving a learner who has met BYOK without the answer
    to "how do I keep a copy outside AWS, then?"."""
    question = QUESTIONS["enc-kms-key-material"]
    assert question.data["answer"] is False
    explanation = _flat(question.explanation)
    assert "imported key material" in explanation
    assert "keep the original" in explanation
    assert "ciphertext that KMS made can be decrypted only by KMS" in explanation
    assert explanation.startswith("Ordinary KMS keys")


def test_the_anything_but_explanation_does_not_claim_every_medium_finding_is_above_4():
    """Amazon GuardDuty User Guide, "Severity levels of GuardDuty findings": Medium is 4.0 to
    6.9 and High 7.0 to 8.9. The explanation said `> 4, < 9` keeps "Medium and High", but a
    Medium finding rated exactly 4.0 fails `> 4`."""
    question = QUESTIONS["det-anything-but-and-range"]
    explanation = _flat(question.explanation)
    assert "Medium and High, but not Low or Critical" not in explanation
    assert "except a Medium of exactly 4.0" in explanation
    assert '`">=", 4`' in explanation
    # the pattern the question shows is still the one the explanation reads
    assert '"severity": [{"numeric": [">", 4, "<", 9]}]' in question.prompt


def test_cis_checks_are_reported_as_passed_failed_or_skipped():
    """Amazon Inspector API Reference, "CisResultStatusFilter" and "StatusCounts": a CIS check
    result is PASSED, FAILED or SKIPPED. The question's explanation (and the Inspector lesson)
    said each check is reported as passed or failed."""
    explanation = _flat(QUESTIONS["det-cis-scan-schedule"].explanation)
    assert "passed, failed or skipped" in explanation
    lesson = next(
        le
        for le in shipped_curriculum().lessons
        if f"{le.module}/{le.slug}" == "detection/amazon-inspector"
    )
    body = _flat(lesson.body)
    assert "passed, failed or skipped" in body
    assert "as passed or failed" not in body


def test_each_quiz_description_names_every_lesson_its_questions_cover():
    """The detection quiz's description ("... and how both compare with AWS WAF") left out the
    backups and incident-response lessons, which five of its questions ask about, and the
    encryption quiz's left out keys across Regions and accounts (four questions)."""
    detection = _description("detection")
    assert "copies an attacker cannot destroy" in detection
    assert "abuse notice" in detection
    assert "compare with AWS WAF" not in detection
    lessons = {q.lesson for q in QUESTIONS.values() if q.slug.startswith("det-")}
    assert {"detection/recoverable-copies", "detection/responding-and-recovering"} <= lessons
    assert "across Regions and accounts" in _description("encryption-and-kms")


def test_the_rotation_key_is_no_longer_much_the_longest_choice():
    """Item-writing rule (docs/item-review-2026-12.md): the key should not stand out by length.
    The key was 1.28 times the longest distractor; a small edit (the same choice, so saved
    answers stay selected) brings it under 1.2. The fact it states is the KMS Developer
    Guide's "Rotate AWS KMS keys": automatic rotation of a customer managed key is off by
    default."""
    asked = _choices("enc-rotation-off-by-default")
    key = next(text for text, c in asked.items() if c["correct"])
    assert key.endswith("is off until turned on")
    longest = max(len(text) for text, c in asked.items() if not c["correct"])
    assert len(key) / longest < 1.2
