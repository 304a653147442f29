"""Events for the lab: reading one from JSON text, and the sample findings the page shows.

The samples (`sample_events.json` beside this file) are ours, written in the shape EventBridge
delivers GuardDuty findings (`source` "aws.guardduty", `detail-type` "GuardDuty Finding", the
finding in `detail`) and Amazon Inspector findings (`source` "aws.inspector2", `detail-type`
"Inspector2 Finding"); account IDs, ARNs and addresses are documentation values
(111122223333, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), not real ones.

Limits: an event of at most 32,768 characters, nested at most 32 levels (a name with dots
counting each part: it is read as the nested fields it names).
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
    nested: dict[str, Any] = _nested(value, 1)
    return nested


def _nested(value: Any, level: int) -> Any:
    """`value` with each field name holding dots read as the nested fields it names: EventBridge
    joins names with dots, so a pattern's `detail.state` is found in {"detail.state": ...} as in
    {"detail": {"state": ...}} ("Event pattern syntax", considerations). Two values landing at
    one place are both there, as a list is."""
    if isinstance(value, list):
        return [_nested(v, level) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, inner in value.items():
        steps = key.split(".")
        if level + len(steps) - 1 > EVENT_LIMITS["depth"]:
            raise PatternError("too_deep", f"the event nests objects more than {EVENT_LIMITS['depth']} "
                               "deep (a name with dots counts each part)")  # fmt: skip
        inner = _nested(inner, level + len(steps))
        for name in reversed(steps[1:]):
            inner = {name: inner}
        _put(out, steps[0], inner)
    return out


def _put(out: dict[str, Any], key: str, inner: Any) -> None:
    if key not in out:
        out[key] = inner
    elif isinstance(out[key], dict) and isinstance(inner, dict):
        merged = dict(out[key])
        for k, v in inner.items():
            _put(merged, k, v)
        out[key] = merged
    else:
        old = out[key]
        out[key] = (old if isinstance(old, list) else [old]) + (
            inner if isinstance(inner, list) else [inner]
        )


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
