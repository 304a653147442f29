"""A quiz's results version: what is kept of a quiz's results (the statistics page's figures,
`teach.statistics.kept_statistics`) is kept for it, and every write that can change them calls
`results_changed` for the quiz (at the commit, inside a transaction).

The writes, and who calls:
- an attempt submitted or closed when its time ran out (`quizzes.attempts.attempt_submit`,
  which `attempt_expire` uses too), its answers graded there;
- an attempt deleted with signals (the admin's delete, an account's cascade), or saved with
  signals submitted, or reopened: `teach.signals`; an account closed (`accounts.closing`, raw
  DELETE): it calls. An attempt started, or saved while it stays open (and was open), tells
  nothing: the figures count submitted attempts only, so a class taking the quiz leaves them
  kept until each hands in;
- anonymous attempts carried to an account (`session_carry`, an UPDATE): it calls;
- the quiz saved, its entries added, moved or removed (signals; `bulk_create`/`bulk_update`
  callers call);
- a cohort's learners, assignments or archiving (the cohort's page counts what its gradebook
  counts): cohorts' signals call for each quiz the cohort has assigned (not for its other
  saves: a new name, owner or code changes nothing counted).

What the figures show of the questions themselves (wording, choices, the engine's key, their
misconception tags, lessons, scenarios) is versioned once for every quiz, `CONTENT`: those rows
are few and edited by authors, and a question is held by every quiz that drew it.

Answers are written only before their attempt is submitted (saved, checked) or by the submit
itself; the admin shows them read-only; an attempt's delete takes its answers with it.
"""

from __future__ import annotations

from typing import Any

from srm_trainer.versioned_cache import VersionedCache, VersionedPerKey

# Per quiz: what reports have kept for its current results version, by the report's key.
RESULTS: VersionedPerKey[dict[Any, Any]] = VersionedPerKey(
    "quizzes:results", lambda quiz_id: {}, size=256
)
# Every quiz's questions as the figures show them: any question, lesson, module or scenario
# written, or the curriculum loaded.
CONTENT: VersionedCache[object] = VersionedCache("quizzes:results-content", object, register=False)


def results_changed(*quiz_ids: int | None) -> None:
    """Forget what is kept of these quizzes' results (at the commit, inside a transaction)."""
    for quiz_id in dict.fromkeys(quiz_ids):
        if quiz_id is not None:
            RESULTS.changed(quiz_id)


def content_changed(**kwargs) -> None:
    """Forget every quiz's kept results: what they show of a question may have changed."""
    CONTENT.changed()
