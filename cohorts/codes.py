"""Join codes: short, typed by people, read aloud in a classroom.

The alphabet leaves out characters that look or sound alike (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V),
so what a learner types from a projector is what was shown. Eight characters of 23 give about
7.8e10 codes; with the `join` rate limit a guesser gets a few dozen tries an hour.
"""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"  # no look-alikes: see the module docstring
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _cleaned(text: str) -> str:
    """What a person typed, upper case, without spaces and dashes of any kind: a code pasted
    from a chat or a document may carry an en dash (–) or a no-break space, and one typed on a
    phone or with a Japanese keyboard full-width letters (Ｘ７): NFKC folds those to A-Z and
    0-9; every Unicode space and dash (`Zs`, `Pd`) goes, as the ASCII ones always did. A
    code holds no colon, so what comes before the last one is a label copied with it ("Join
    code: ACDE-FGHJ" from the instructor's page or an email)."""
    folded = unicodedata.normalize("NFKC", (text or "")[:64]).upper().rsplit(":", 1)[-1]
    return "".join(
        ch
        for ch in folded
        if not ch.isspace() and unicodedata.category(ch) not in ("Pd", "Cf") and ch != "\u2212"
    )


def normalise(text: str) -> str:
    """What a person typed, as a stored code: case, spaces and dashes do not matter.
    Returns "" for anything that cannot be a code (so it never reaches a query)."""
    cleaned = _cleaned(text)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def _named(characters: list[str]) -> str:
    """Characters a learner typed, each in quotes ("“<” and “>”); one that does not show (a
    control character) by its code point, and past five, "and others"."""
    shown = [f"“{ch}”" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in characters[:5]]
    if len(characters) > 5:
        return ", ".join(shown) + " and others"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def problem(text: str) -> str:
    """Why `text` cannot be a join code, in a learner's words ("" when it could be one): a
    code one character short, or with a 0 misread from a projector, was "No cohort has this
    code", which sent the learner to their instructor for a typo. The count is of letters and
    digits, as it says: "ZZZZ-1234 <b>" was told "that has 11", its < and > counted; those
    are named as what no code has."""
    cleaned = _cleaned(text)
    count = sum(ch.isalnum() for ch in cleaned)
    others = sorted({ch for ch in cleaned if not ch.isalnum()})
    if others:
        neither = (
            "which is neither a letter nor a digit"
            if len(others) == 1
            else "which are neither letters nor digits"
        )
        has = (
            f"that has {count} letters and digits, and also" if count != LENGTH else "that also has"
        )
        return (
            f"A join code has {LENGTH} letters and digits (such as ACDE-FGHJ) and nothing else; "
            f"{has} {_named(others)}, {neither}. Check it with your instructor's."
        )
    if count != LENGTH:
        return (
            f"A join code has {LENGTH} letters and digits (such as ACDE-FGHJ); that has "
            f"{count}. Check it with your instructor's."
        )
    wrong = sorted({ch for ch in cleaned if ch not in ALPHABET})
    if wrong:
        named = ", ".join(wrong)
        return (
            f"A join code never has {named}: codes leave out characters that look alike "
            "(0 and O, 1 and I, 5 and S, 2 and Z, 8 and B, U and V). Check it with your "
            "instructor's."
        )
    return ""


def display(code: str) -> str:
    """`ACDE-FGHJ`: two halves are easier to read out and copy."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
