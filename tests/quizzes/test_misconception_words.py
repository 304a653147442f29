"""Misconception tags as learners read them after a wrong answer ("Watch out for: …") and as
teachers read them in the statistics: words, with AWS's names spelt as AWS spells them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from quizzes.misconception_words import NAMES, words

CONTENT = Path(__file__).resolve().parents[2] / "lessons" / "content"


@pytest.mark.parametrize(
    ("tag", "read"),
    [
        ("thinks-deny-always-wins-in-nacls", "thinking deny always wins in NACLs"),
        ("thinks-sg-reference-means-subnet", "thinking a security group reference means a subnet"),
        ("uses-root-for-daily-work", "using root for daily work"),
        ("confuses-scps-and-rcps", "confusing SCPs and RCPs"),
        ("a_new_tag", "a new tag"),
    ],
)
def test_a_tag_reads_as_words(tag, read):
    assert words(tag) == read
    drawn = Template("{% load quizzes_extras %}{{ tag|tag_words }}").render(Context({"tag": tag}))
    assert drawn == read


def _curriculum_tags() -> set[str]:
    text = "\n".join(p.read_text() for p in CONTENT.rglob("*.yaml"))
    lists = re.findall(r"misconceptions:\s*\[([^\]]*)\]", text)
    lists += re.findall(r"misconceptions:\s*\n((?:\s+-\s+\S+\n)+)", text)
    return {t for chunk in lists for t in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", chunk)}


def test_no_curriculum_tag_reads_with_a_name_in_lower_case():
    """Each of the curriculum's ~100 tags: no "nacls", "sg" or "iam" left as typed in the slug."""
    tags = _curriculum_tags()
    assert len(tags) > 50
    lower = {tag: words(tag) for tag in tags if set(words(tag).split()) & set(NAMES)}
    assert lower == {}
