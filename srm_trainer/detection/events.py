"""Events for the lab: reading one from JSON text, and the sample findings the page shows.

The samples (`sample_events.json` beside this file) are ours, written in the shape EventBridge
delivers GuardDuty findings (`source` "aws.guardduty", `detail-type` "GuardDuty Finding", the
finding in `detail`) and Amazon Inspector findings (`source` "aws.inspector2", `detail-type`
"Inspector2 Finding"); account IDs, ARNs and addresses are documentation values
(111122223333, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), not real ones.

Limits: an event of at most 32,768 characters, nested at most 32 levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import PatternError
from .jsontext import read_json

EVENT_LIMITS = {"event_chars": 32_768, "depth": 32}
SAMPLES_FILE = Path(__file__).resolve().parent / "sample_events.json"


def read_event(text: str) -> dict[str, Any]:
    """The event `text` holds (numbers as written), or a `PatternError` saying where it is wrong."""
    value = read_json(text, what="the event", max_chars=EVENT_LIMITS["event_chars"],
                      max_depth=EVENT_LIMITS["depth"])  # fmt: skip
    if not isinstance(value, dict):
        raise PatternError("not_an_object", "an event is a JSON object")
    return value


@dataclass(frozen=True)
class Sample:
    slug: str
    title: str  # what happened, in a few words
    event: dict[str, Any]
    text: str  # the event as JSON text, laid out for the page

    @property
    def service(self) -> str:
        return "GuardDuty" if self.event.get("source") == "aws.guardduty" else "Inspector"


@lru_cache(maxsize=1)
def samples() -> tuple[Sample, ...]:
    """The sample findings, in the order the page lists them (read once per process)."""
    import json

    raw = json.loads(SAMPLES_FILE.read_text(encoding="utf-8"))
    out = []
    for item in raw:
        text = json.dumps(item["event"], indent=2, ensure_ascii=False)
        out.append(Sample(item["slug"], item["title"], read_event(text), text))
    return tuple(out)
