"""The learners' words rewritten to the course's (search/synonyms.py): each rewrite loses
nothing (the course never writes what was typed) and finds something (it writes what it is
rewritten to), on the shipped course."""

from __future__ import annotations

import re

import pytest

from search.models import Document
from search.query import search, terms
from search.synonyms import CONNECTIVE_PHRASES, CONNECTIVES, REWRITES, compares


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("2FA", ("mfa",)),
        ("2fa root", ("mfa", "root")),
        ("guard duty", ("guardduty",)),
        ("Guard-Duty findings", ("guardduty", "findings")),
        ("SOC2 report", ("soc", "2", "report")),
        ("SCP vs IAM policy", ("scp", "iam", "policy")),
        ("inspector versus guardduty", ("inspector", "guardduty")),
        ("difference between stateful and stateless", ("stateful", "and", "stateless")),
        ("SCP compared with IAM", ("scp", "iam")),
        ("stateful compared to stateless", ("stateful", "stateless")),
        ("compared", ("compared",)),  # half a connective phrase is a word
        ("difference", ("difference",)),
        ("root account", ("root", "user")),  # AWS's "AWS account root user"
        ("secure the root account", ("secure", "the", "root", "user")),
        ("SCPs", ("scp",)),
        ("CMKs and HSMs", ("cmk", "and", "hsm")),
        ("keys", ("keys",)),  # a vowel: both stemmers agree
        ("ss", ("ss",)),
        ("SGs", ("sg",)),
        ("vs", ("vs",)),  # nothing else typed: looked for as it is
        ("guard", ("guard",)),  # half a rewrite is no rewrite
        ("duty guard", ("duty", "guard")),
    ],
)
def test_a_learners_words_are_searched_as_the_courses(typed, searched):
    assert terms(typed) == searched


def test_a_rewrite_keeps_the_words_bounded():
    assert len(terms("2fa " * 20 + "soc2 soc3 soc1 a b c d e f")) <= 8


def _written(words: tuple[str, ...], texts: list[str]) -> bool:
    pattern = re.compile(r"\b" + r"[\W_]+".join(map(re.escape, words)) + r"\b")
    return any(pattern.search(text) for text in texts)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "course"), REWRITES.items(), ids=" ".join)
def test_a_rewrite_is_of_words_the_course_never_writes_to_words_it_does(
    shipped_index, typed, course
):
    texts = [f"{t} {b}".lower() for t, b in Document.objects.values_list("title", "body")]
    assert not _written(typed, texts)
    assert search(" ".join(course)).total > 0


def test_connectives_are_not_rewritten():
    assert not any(set(typed) & CONNECTIVES for typed in REWRITES)
    assert not any(typed[:2] in CONNECTIVE_PHRASES for typed in REWRITES)


@pytest.mark.parametrize(
    ("typed", "comparing"),
    [
        ("key policy vs iam policy", True),
        ("stateful versus stateless", True),
        ("difference between stateful and stateless", True),
        ("scp compared with iam policy", True),
        ("vs", False),  # nothing compared: the word is searched for
        ("root account mfa", False),
        ("stateful or stateless", False),
    ],
)
def test_a_search_comparing_two_things_is_told_by_its_connective(typed, comparing):
    """What `search.query.reranked` is told, so a section naming both things comes first."""
    assert compares(typed.split()) is comparing
