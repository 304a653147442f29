"""Join codes: short, typed by people, read aloud in a classroom.

The alphabet leaves out characters that look or sound alike (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V),
so what a learner types from a projector is what was shown. Eight characters of 23 give about
7.8e10 codes; with the `join` rate limit a guesser gets a few dozen tries an hour.
"""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTWXY34679"  # no look-alikes: see the module docstring
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed, as a stored code: case, spaces and dashes do not matter.
    Returns "" for anything that cannot be a code (so it never reaches a query)."""
    cleaned = "".join(ch for ch in (text or "")[:64].upper() if ch not in " -\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


def display(code: str) -> str:
    """`ACDE-FGHJ`: two halves are easier to read out and copy."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
