"""Every reason code the engine can give has words and a lesson in the sandbox."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils.safestring import mark_safe

import srm_trainer.iam as iam
from srm_trainer.iam.aws_rules import REASON_CODES as AWS_RULE_CODES
from srm_trainer.iam.words import REASONS
from srm_trainer.sandbox.explain import reason_html

ENGINE = Path(iam.__file__).parent


def engine_reason_codes() -> set[str]:
    codes: set[str] = set()
    for path in ENGINE.glob("*.py"):
        text = path.read_text()
        codes.update(re.findall(r'Reason\(\s*"([a-z_]+)"', text))
    codes.update(
        {
            "action_not_matched",
            "notaction_matched",
            "resource_not_matched",
            "notresource_matched",
            "principal_not_matched",
            "notprincipal_matched",
            "condition_key_missing",
            "condition_value_mismatch",
            "policy_variable_no_value",
        }
    )
    return codes | AWS_RULE_CODES


def test_every_engine_reason_code_has_words():
    missing = sorted(engine_reason_codes() - set(REASONS))
    assert missing == []


def test_words_escape_the_values_they_quote():
    html = reason_html("action_not_matched", {"action": "<script>", "patterns": ["s3:<b>"]})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;" in html


def test_an_unknown_code_is_shown_rather_than_dropped():
    assert "brand_new_code" in reason_html("brand_new_code", {"x": 1})


def test_values_are_quoted_as_code_one_by_one_and_safe_text_is_not_escaped_twice():
    from django.utils.safestring import mark_safe

    html = reason_html(
        "action_not_matched",
        {"action": mark_safe("<i>s3:Get</i>"), "patterns": ["a&b", 7, "'q'"]},
    )
    assert html == (
        "the action <code><i>s3:Get</i></code> is not in this statement's Action list "
        "(<code>a&amp;b</code>, <code>7</code>, <code>&#x27;q&#x27;</code>)"
    )
    assert "<em>nothing</em>" in reason_html("action_not_matched", {"action": "x", "patterns": []})


def test_a_topics_lesson_is_kept_per_script_prefix_and_is_the_address_reversed():
    from django.urls import get_script_prefix, set_script_prefix

    from lessons.engine_topics import lesson_url
    from srm_trainer.iam.reasons import Topic
    from srm_trainer.sandbox import explain

    explain._lesson.cache_clear()
    before = get_script_prefix()
    try:
        for prefix in ("/", "/trainer/"):
            set_script_prefix(prefix)
            for topic in [*Topic, None, "not-a-topic"]:
                for _ in range(2):
                    assert explain.topic_lesson(topic) == lesson_url(topic)
            assert explain.topic_lesson(Topic.MFA).startswith(prefix + "learn/")
    finally:
        set_script_prefix(before)
    info = explain._lesson.cache_info()
    assert info.currsize == 2 * (len(Topic) + 2) <= info.maxsize


def test_a_kept_sentence_is_the_one_its_own_values_give():
    # Sentences are kept by code and values (explain._worded): values that are equal in Python
    # but shown otherwise are worded apart, whichever came first.
    for first, second in (({"count": True}, {"count": 1}), ({"level": 1.0}, {"level": 1})):
        assert reason_html("made_up_code", first) != reason_html("made_up_code", second)
    assert reason_html("made_up_code", {"count": 1}) == "made_up_code (count=1)"
    assert reason_html("made_up_code", {"count": True}) == "made_up_code (count=True)"
    listed = reason_html("action_not_matched", {"action": "s3:GetObject", "patterns": ["s3:Put*"]})
    again = reason_html("action_not_matched", {"action": "s3:GetObject", "patterns": ["s3:Put*"]})
    assert again == listed and "<code>s3:Put*</code>" in again
    other = reason_html("action_not_matched", {"action": "s3:GetObject", "patterns": ["s3:<b>"]})
    assert "<code>s3:&lt;b&gt;</code>" in other
    marked = reason_html("action_not_matched", {"action": "s3:GetObject", "patterns": [SAFE]})
    assert "<code><b>safe</b></code>" in marked  # a value marked safe is not escaped
    plain = reason_html(
        "action_not_matched", {"action": "s3:GetObject", "patterns": ["<b>safe</b>"]}
    )
    assert "<code>&lt;b&gt;safe&lt;/b&gt;</code>" in plain  # the same text unmarked is


SAFE = mark_safe("<b>safe</b>")  # noqa: S308 - a value the caller marked safe itself


def test_a_negated_condition_reads_as_an_exclusion_on_the_page():
    """The sandbox's words for a StringNotEquals that failed: the Region is excluded, not
    "wanted" (it used to read "wants us-east-1 but the request has us-east-1")."""
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
    }
    decision = iam.evaluate(
        {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/q1.csv",
                "context": {"aws:RequestedRegion": "us-east-1"},
            },
            "identity_policies": [{"Version": "2012-10-17", "Statement": [statement]}],
        }
    )
    (reason,) = decision.explanations[0].statements[0].reasons
    html = reason_html(reason.code, reason.data)
    assert html == (
        "the condition <code>StringNotEquals</code> on <code>aws:RequestedRegion</code> "
        "excludes <code>us-east-1</code>, and the request has <code>us-east-1</code>"
    )
    assert "wants" not in html
