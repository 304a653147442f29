"""What the network kinds share: running the netlab engine on question data, and turning its
errors and traces into problems and feedback words.

The engine (`srm_trainer.netlab`) is plain Python with its own caps on input size, so grading a
question costs bounded time; anything it refuses is a `NetlabError`, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from quizzes.kinds.base import Problem
from srm_trainer.iam.json_mistakes import located, syntax_words
from srm_trainer.netlab import (
    NetlabError,
    Trace,
    WafResult,
    expected,
    parse_flow,
    parse_network,
    trace,
)
from srm_trainer.netlab.case import Mismatch
from srm_trainer.netlab.expected import LAYER_WORDS, rule_words
from srm_trainer.netlab.fields import steps
from srm_trainer.netlab.spoken import said

MAX_JSON_CHARS = 20_000  # a learner's edited rules; far above any question's network

VERDICTS = [
    ("allowed", "It works: the request arrives and the reply gets back"),
    ("request_blocked", "The request is blocked on its way in"),
    ("reply_blocked", "The request arrives, but the reply is blocked"),
]
VERDICT_WORDS = dict(VERDICTS)
NOTHING = "nothing"  # the hop answer when nothing blocks the flow


def plain(value: Any) -> Any:
    """YAML's line-carrying mappings and lists as plain JSON-ready values."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def error_path(prefix: tuple, path: str) -> tuple:
    """`network.subnets[1].cidr` as a data path `(*prefix, "network", "subnets", 1, "cidr")`,
    so the loader can name the line of the field the engine refused."""
    return (*prefix, *steps(path))


def engine_problems(
    exc: NetlabError, prefix: tuple, what: str, case: Mapping[str, Any]
) -> list[Problem]:
    """Every problem the engine named (`exc.problems`, in order), each at the field it is about
    and its path said in words (`said`: "case: Network ACL edge, inbound rule 100, action: ...",
    the names read from `case`, what the engine read), then how many more it found, if any, at
    `prefix`. `Problem.path` keeps the place for the line an editor or an import gives it."""
    found = [Problem(f"{what}: {said(p.path, p.code, p.message, case)}",
                     error_path(prefix, p.path)) for p in exc.problems]  # fmt: skip
    if exc.more:
        found.append(Problem(f"{what}: {more_words(exc.more)}", prefix))
    return found


def lacking(value: object, needed: tuple[str, ...]) -> str:
    """The case object's missing parts, said after the kind's shape ("; it has no flow"): the
    shape alone did not say which part an author left out or misspelt."""
    if not isinstance(value, dict):
        return ""
    missing = [name for name in needed if name not in value]
    return f"; it has no {' and no '.join(missing)}" if missing else ""


def more_words(more: int) -> str:
    """The line after a capped list of problems."""
    return f"and {more} more problem{'s' if more != 1 else ''}, listed once these are fixed"


def engine_messages(exc: NetlabError, case: Mapping[str, Any]) -> list[str]:
    """What a learner is told about rules the engine refused: each problem's message, its path
    said in words (`said`, the names read from `case`), in order, then how many more there
    are, if any."""
    words = [said(p.path, p.code, p.message, case) for p in exc.problems]
    return words + ([more_words(exc.more)] if exc.more else [])


def expect_problems(
    mismatches: list[Mismatch],
    prefix: tuple,
    case: Mapping[str, Any],
    result: Trace | WafResult,
) -> list[Problem]:
    """The first way the engine's `result` differs from the case's `expect`, placed at the key
    under `expect` it is about (the `expect` itself when the check names no key) and said in
    words (`srm_trainer.netlab.expected.said`: what the expected answer says, what the engine
    decided, where), the same in the editors, an import, the admin and the content loader;
    the engine's keyed words ("blocked_at.resource: expected ...") stay the CLI's."""
    if not mismatches:
        return []
    first = mismatches[0]
    words = expected.said(first, case, result)
    return [
        Problem(
            f"case: {words}. Correct the expected answer (“expect”) or take it out: it is "
            "optional, and the engine works out the answer without it",
            (*prefix, "expect", *first.at),
        )
    ]


def verdict(result: Trace) -> str:
    if result.request == "blocked":
        return "request_blocked"
    return "allowed" if result.reply == "allowed" else "reply_blocked"


def hop_key(layer: str, resource: str) -> str:
    if layer in ("security_group", "network_acl"):
        return f"{layer}:{resource}"
    return layer


def hop_label(key: str) -> str:
    if key == NOTHING:
        return "Nothing blocks it"
    layer, _, resource = key.partition(":")
    words = LAYER_WORDS.get(layer, layer)
    if layer == "security_group" and ", " in resource:  # an interface's groups, together
        words = f"{words}s"
    return f"The {words} {resource}" if resource else f"The {words}"


def trace_words(result: Trace) -> list[dict]:
    """Each hop of the trace as a JSON-ready line for the feedback partial."""
    return [
        {
            "leg": h.leg,
            "verdict": h.verdict,
            "where": hop_label(hop_key(h.layer, h.resource))
            + (f" ({h.direction})" if h.direction else ""),
            "rule": h.rule,
            "rule_words": rule_words(h.layer, h.rule),
            "detail": h.detail,
        }
        for h in result.hops
    ]


def flow_label(raw: Any) -> str:
    if not isinstance(raw, dict):
        return str(raw)
    port = f" port {raw['port']}" if raw.get("port") is not None else ""
    return f"{str(raw.get('protocol', '')).upper()}{port} from {raw.get('source')} to {raw.get('destination')}"


def run_flow(network: Any, flow: Any) -> Trace:
    """Trace one flow; NetlabError for anything the engine refuses."""
    return trace(parse_network(network, "network"), parse_flow(flow))


class JsonTextError(ValueError):
    """A learner's or author's JSON that does not read, said as every JSON box says it
    ("Line 3, column 9: ..."); `reworded` puts a name before the place ("reference solution,
    line 3, column 9: ...")."""

    def __init__(self, exc: json.JSONDecodeError) -> None:
        self.words, self.line, self.column = syntax_words(exc), exc.lineno, exc.colno
        super().__init__(located(self.words, self.line, self.column))

    def reworded(self, where: str) -> str:
        return located(self.words, self.line, self.column, where)


def said_at(exc: ValueError, where: str) -> str:
    """`exc` after `where`, the place of a JSON mistake after it as `located` says it."""
    return exc.reworded(where) if isinstance(exc, JsonTextError) else f"{where}: {exc}"


def load_json(text: str, what: str) -> Any:
    """Parse a learner's JSON; ValueError with the line and column where it breaks."""
    if len(text) > MAX_JSON_CHARS:
        raise ValueError(f"{what}: {len(text):,} characters; at most {MAX_JSON_CHARS:,}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonTextError(exc) from None
    except (RecursionError, ValueError):
        # `what` may be plural ("Your rules"): the message's verbs are the JSON's.
        raise ValueError(
            f"{what}: the JSON nests too deeply or holds a number too long to read"
        ) from None
