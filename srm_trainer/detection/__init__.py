"""The findings-routing lab's engine: Amazon EventBridge event patterns, in plain Python.

- `parse_pattern(text)` → `Pattern`, or a `PatternError` with the line and column (text that
  is not JSON) or the path (JSON that is not a pattern) of the problem.
- `match(pattern, event)` → `Result`: match, no match or undecided, with a `Step` per field.
- `samples()`: the sample GuardDuty and Inspector finding events the page shows.
- `decode_type`, `severity_band`: a GuardDuty finding type and severity in words.
Rules and limits: FORMAT.md beside this file. No Django here: the page, the quiz tests and any
command line share it.
"""

from .errors import PatternError
from .events import Sample, read_event, samples
from .guardduty import BANDS, FindingType, decode_type, severity_band
from .match import Outcome, Result, Step, match, wildcard_match
from .pattern import LIMITS, Pattern, parse_pattern

__all__ = [
    "BANDS",
    "LIMITS",
    "FindingType",
    "Outcome",
    "Pattern",
    "PatternError",
    "Result",
    "Sample",
    "Step",
    "decode_type",
    "match",
    "parse_pattern",
    "read_event",
    "samples",
    "severity_band",
    "wildcard_match",
]
