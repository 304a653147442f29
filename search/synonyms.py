"""What learners type that the course words otherwise: kept as data, applied to the words typed
before either database sees them (`search.query.terms`), so SQLite and PostgreSQL search for
the same words.

Only what the glossary cannot say. A glossary term's other names (its `aliases`: "SCP", "NACL",
"CMK", "DDoS") are in its indexed title already, so an abbreviation the course uses finds its
term and the lessons that use it; they are not repeated here. These are the names learners use
that the course never writes, each rewritten to the course's own word: the typed words match
no document (tests/search/test_synonyms.py checks that on the shipped course, and that the
course's words do), so rewriting loses nothing. A rewrite replaces words, never adds an OR:
the search stays one AND of at most `MAX_TERMS` words, as bounded as before.
"""

from __future__ import annotations

import re

# Typed words (in lower case, as `terms` cuts them) -> the course's words for the same thing.
REWRITES: dict[tuple[str, ...], tuple[str, ...]] = {
    # "Two-factor authentication" is the everyday name; the course (and AWS) says MFA.
    ("2fa",): ("mfa",),
    ("two", "fa"): ("mfa",),
    # The service is one word, GuardDuty; learners split it.
    ("guard", "duty"): ("guardduty",),
    # "SOC 2" is two words in the course (glossary "SOC report": SOC 1, SOC 2, SOC 3).
    ("soc1",): ("soc", "1"),
    ("soc2",): ("soc", "2"),
    ("soc3",): ("soc", "3"),
    # CloudTrail, CloudFront and CloudHSM are one word in the course.
    ("cloud", "trail"): ("cloudtrail",),
    ("cloud", "front"): ("cloudfront",),
    ("cloud", "hsm"): ("cloudhsm",),
    # AWS names it the "AWS account root user" (IAM User Guide, "AWS account root user"); the
    # everyday "root account" is how the course's root user lesson and term are looked for, and
    # the organization's root (a container) has no account of its own to be confused with.
    ("root", "account"): ("root", "user"),
}

# Words that say how two things are compared, not what is searched for: "SCP vs IAM policy"
# looks for the SCP and the IAM policy, "difference between stateful and stateless" for the
# two (the lesson comparing them never says "difference"). Dropped unless they are all that
# was typed.
CONNECTIVES = frozenset(["vs", "versus"])
CONNECTIVE_PHRASES = frozenset(
    [
        ("difference", "between"),
        ("differences", "between"),
        ("compared", "to"),
        ("compared", "with"),
    ]
)

LONGEST = max(len(typed) for typed in REWRITES)

# An abbreviation's plural, as the course writes it ("SCPs", "CMKs", "OUs"): capitals and a small
# s. SQLite's Porter stemmer drops that s and PostgreSQL's Snowball keeps it after a consonant,
# so "SCPs" found the SCP lessons and term on SQLite and only the few texts that write "SCPs" on
# PostgreSQL. Looked for as the abbreviation, it finds both on both. Only so written: in small
# letters it cannot be told from an abbreviation ending in s ("kms", "sts", "dns").
ABBREVIATION_PLURAL = re.compile(r"[A-Z]{2,}s")


def rewrite(words: list[str]) -> list[str]:
    """The words with each typed name the course does not use replaced by the course's, the
    longest match first, and the connectives left out (unless nothing else was typed). The
    words are in lower case: `singular` reads them as typed, first."""
    kept = _without_connectives(words) or words
    out: list[str] = []
    at = 0
    while at < len(kept):
        for size in range(min(LONGEST, len(kept) - at), 0, -1):
            course = REWRITES.get(tuple(kept[at : at + size]))
            if course is not None:
                out.extend(course)
                at += size
                break
        else:
            out.append(kept[at])
            at += 1
    return out


def compares(words: list[str]) -> bool:
    """Whether the words (in lower case, as typed) compare two things: a connective ("vs",
    "difference between") and something besides it ("key policy vs iam policy")."""
    kept = _without_connectives(words)
    return bool(kept) and len(kept) < len(words)


def _without_connectives(words: list[str]) -> list[str]:
    kept: list[str] = []
    at = 0
    while at < len(words):
        if tuple(words[at : at + 2]) in CONNECTIVE_PHRASES:
            at += 2
        else:
            if words[at] not in CONNECTIVES:
                kept.append(words[at])
            at += 1
    return kept


def singular(word: str) -> str:
    """The abbreviation of an abbreviation's plural as the course writes it ("SCPs": "SCP")."""
    return word[:-1] if ABBREVIATION_PLURAL.fullmatch(word) else word
