"""What the WAF lab shows for a case, kept for the cases seen lately.

Evaluating the starter case (a flood of 3,000 requests) costs ~17 ms of CPU, several times what
drawing the page costs, and every landing on the lab, every preset and every link opened again
would pay it. An outcome depends on the case's content alone, so each process keeps the recent
ones, keyed by a digest of the case's JSON (`waf_state.canonical`): a case seen again is drawn
from the memo, a changed one is evaluated. Cases are chosen by visitors, so the memo is bounded:
at most `KEPT` cases, fewer when large (every `DECISIONS_PER_CASE` decisions count as one more
case; the evaluation budget already bounds one case at `MAX_REQUESTS`), the least recently used
going first. Mistakes in the texts (invalid JSON) are found again each time: that costs only
the parse the key needs anyway, and the link that keeps them as typed.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from netlab import waf_chart, waf_state
from netlab.state import StateError
from srm_trainer.iam.memo import Memo
from srm_trainer.netlab import NetlabError, WafResult
from srm_trainer.netlab.case import waf_line
from srm_trainer.netlab.fields import steps
from srm_trainer.netlab.waf import evaluate_read_case, read_waf_case

__all__ = ["DECISIONS_PER_CASE", "KEPT", "WafOutcome", "clear", "outcome", "tally"]

KEPT = 64
DECISIONS_PER_CASE = 200  # ~110 KB of decisions: the memo holds at most ~13,000 (~7 MB)


@dataclass(frozen=True, slots=True)
class WafOutcome:
    """The page's answer for one case; the request-dependent parts (the texts as typed, the
    absolute permalink) are the view's."""

    result: WafResult | None
    error: str
    line: dict[str, Any] | None
    counts: list[tuple[tuple[str, str], int]]
    charts: list[waf_chart.Chart]
    token: str | None  # the link's ?case= value (an erroneous case's too); None when too long
    # Every problem found, (path, code, message) each, in order: `error` is the first's
    # message; the path is the engine's, or the form's JSON text's name. `more`: the rest.
    problems: tuple[tuple[str, str, str], ...] = ()
    more: int = 0


def _weight(found: WafOutcome) -> int:
    return 1 + (len(found.result.decisions) if found.result else 0) // DECISIONS_PER_CASE


_memo: Memo[WafOutcome] = Memo(KEPT, weigh=_weight)


def clear() -> None:
    _memo.clear()


def outcome(texts: dict[str, Any]) -> WafOutcome:
    """The outcome for the form's texts: from the memo when the same case was seen lately."""
    try:
        case = waf_state.case_of(texts)
    except StateError as exc:
        # Linked as typed, so the link opens the same mistake (`case_of(keep_mistakes)`).
        token = waf_state.encode(waf_state.case_of(texts, keep_mistakes=True))
        problem = ((exc.field, "invalid_text", exc.message),)
        return WafOutcome(None, exc.message, None, [], [], token, problem)
    try:
        text = waf_state.canonical(case)
    except (RecursionError, ValueError):  # not expected once parsed; then evaluate, keep none
        return _evaluate(case, None)
    key = hashlib.blake2b(text.encode(), digest_size=32, usedforsecurity=False).digest()
    found = _memo.get(key)
    if found is None:
        found = _evaluate(case, text)
        _memo.put(key, found)
    return found


# Where each part of a case is on the form, top to bottom: its problems are listed in this
# order (the engine reads the IP sets before the web ACL whose rules name them).
FORM_ORDER = ("resource", "web_acl", "ip_sets", "rate_detection_delay_sec", "requests")


def _place(path: str) -> int:
    return next((n for n, top in enumerate(FORM_ORDER) if steps(path)[:1] == (top,)),
                len(FORM_ORDER))  # fmt: skip


def _evaluate(case: dict[str, Any], text: str | None) -> WafOutcome:
    try:
        # Read whole (every problem of the web ACL, its IP sets and the requests at once) and
        # evaluated; the page draws its charts from the web ACL read.
        read = read_waf_case(case)
        acl = read.acl
        result = evaluate_read_case(read)
    except NetlabError as exc:  # linked all the same: the link opens the same error
        token = waf_state.token_of(text) if text is not None else None
        # In the order of the form, and in the order found within each of its parts.
        found = tuple(sorted(((p.path, p.code, p.message) for p in exc.problems),
                             key=lambda p: _place(p[0])))  # fmt: skip
        return WafOutcome(None, found[0][2], None, [], [], token, found, exc.more)
    counts = Counter((d.action, d.rule) for d in result.decisions)
    return WafOutcome(
        result=result,
        error="",
        line=waf_line("", result) if result.attachable else None,
        counts=sorted(counts.items(), key=lambda kv: -kv[1]),
        charts=waf_chart.charts(acl, result, read.delay) if result.attachable else [],
        token=waf_state.token_of(text) if text is not None else None,
    )


# A request's final action in a word or two, in the order the phone's bar names them.
ACTION_WORDS = {"Allow": "allowed", "Block": "blocked", "Challenge": "challenged",
                "CAPTCHA": "shown a CAPTCHA"}  # fmt: skip


def tally(counts: list[tuple[tuple[str, str], int]]) -> tuple[str, str]:
    """The requests counted by their final action, in a few words, and the bar's tone: on a
    phone the result is ~2,300 px below the fields, and a bar at the viewport's foot says it
    ("3000 requests: 120 allowed, 2880 blocked"). Tone: allow, blocked, or mixed."""
    by_action: Counter[str] = Counter()
    for (action, _rule), n in counts:
        by_action[action] += n
    total = sum(by_action.values())
    if not total:
        return "No requests sent", "mixed"
    noun = f"request{'' if total == 1 else 's'}"
    words = [word for action, word in ACTION_WORDS.items() if by_action[action]]
    if len(words) == 1:  # "All 3000 requests blocked", "1 request allowed"
        said = f"{'All ' if total > 1 else ''}{total} {noun} {words[0]}"
    else:
        said = f"{total} {noun}: " + ", ".join(
            f"{by_action[action]} {word}"
            for action, word in ACTION_WORDS.items()
            if by_action[action]
        )
    tone = "allow" if words == ["allowed"] else "mixed" if by_action["Allow"] else "blocked"
    return said, tone
