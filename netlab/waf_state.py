"""The WAF lab's state: a WAF case (`srm_trainer/netlab/FORMAT.md`) in and out of the form.

The web ACL and IP sets are edited as AWS WAF's own JSON (what the console's JSON editor shows);
the requests are form rows. Texts are kept as typed, so a JSON mistake is shown with its line
and column and nothing is lost."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import Any

from netlab.state import MAX_JSON_CHARS, MAX_PERMALINK_CHARS, StateError, filled_rows
from srm_trainer.iam.json_mistakes import said

MAX_ROWS = 20
ROW_FIELDS = ("ip", "country", "method", "uri", "query", "user_agent", "body", "captcha_token",
              "challenge_token", "time", "repeat", "every")  # fmt: skip
NUMBERS = ("time", "every")
INTEGERS = ("repeat",)


def texts_of(case: dict) -> dict[str, Any]:
    """What the form shows (and the result evaluates) for a case: its first `MAX_ROWS` requests,
    the rows the form reads back (`form_texts`), `more` counting the rest. It drew every request
    a link held: 2,000 empty ones, a 106-character link, made a 4.4 MB page."""
    rows = []
    given = case.get("requests") if "requests" in case else [case.get("request")]
    requests = [req for req in given if isinstance(req, dict)] if isinstance(given, list) else []
    for req in requests[:MAX_ROWS]:
        headers = req.get("headers")
        if not isinstance(headers, dict):
            headers = {}
        agent = next((v for k, v in headers.items() if str(k).lower() == "user-agent"), "")
        row = {f: "" if req.get(f) is None else str(req.get(f)) for f in ROW_FIELDS}
        row["user_agent"] = str(agent)
        rows.append(row)
    if len(rows) < MAX_ROWS:
        rows.append(dict.fromkeys(ROW_FIELDS, ""))
    return {
        "resource": str(case.get("resource", "ALB")),
        "web_acl": _typed(case, "web_acl")
        or json.dumps(case.get("web_acl", {}), indent=2, ensure_ascii=False),
        "ip_sets": _typed(case, "ip_sets")
        or (json.dumps(case["ip_sets"], indent=2) if case.get("ip_sets") else ""),
        "delay": str(case.get("rate_detection_delay_sec", "") or ""),
        "rows": rows,
        "more": max(0, len(requests) - MAX_ROWS),
    }


def _typed(case: dict, field: str) -> str:
    """A JSON text a link kept as typed because it did not parse (`case_of(keep_mistakes)`)."""
    text = case.get(f"{field}_text")
    return text if isinstance(text, str) else ""


def _is(what: str) -> str:
    """The verb for "the web ACL" and for "the IP sets"."""
    return "are" if what.endswith("sets") else "is"


def _json(text: str, what: str, field: str) -> Any:
    if len(text) > MAX_JSON_CHARS:
        raise StateError(
            f"The {what} {_is(what)} longer than the lab takes ({MAX_JSON_CHARS:,} characters).",
            field,
        )
    if not text.strip():  # Python's decoder says "Expecting value at line 1, column 1"
        raise StateError(
            f"The {what} {_is(what)} empty: write it in AWS WAF's JSON, or start from a preset.",
            field,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # "Web ACL, line 3, column 9: ...", the box as the page labels it.
        raise StateError(said(exc, f"{what[:1].upper()}{what[1:]}"), field) from None
    except (RecursionError, ValueError):
        raise StateError(
            f"The {what} {'nest' if _is(what) == 'are' else 'nests'} too deeply or "
            f"{'hold' if _is(what) == 'are' else 'holds'} a number too long.",
            field,
        ) from None


CASE_KEYS = ("resource", "web_acl", "ip_sets", "rate_detection_delay_sec", "request", "requests")


def case_from_json(text: str) -> dict:
    """A whole WAF case pasted (what "Download case" saves, or a case of the format): its web
    ACL, IP sets, resource, detection delay and requests; other fields (`expect`...) dropped."""
    if not text.strip():
        raise StateError("The case is empty: paste one saved with “Download case”.", "case_json")
    data = _json(text, "case", "case_json")  # "Case, line 3, column 9: ..." beside its box
    if not isinstance(data, dict) or not isinstance(data.get("web_acl"), dict):
        raise StateError(
            'A WAF case is a JSON object with "web_acl" and "requests" (see the format).',
            "case_json",
        )
    return {key: data[key] for key in CASE_KEYS if key in data}


def _value(name: str, text: str) -> Any:
    """A field's text as the case holds it: a whole number typed without a point stays an int
    (in a number field too), so a link and the form it reopens show `12`, not `12.0`."""
    if name in (*INTEGERS, *NUMBERS) and text.isascii() and text.isdigit() and len(text) < 9:
        return int(text)
    if name in NUMBERS:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def form_texts(post: Mapping[str, str]) -> dict[str, Any]:
    """The form as submitted, as texts (shown back whatever happens next)."""
    rows = [
        {f: post.get(f"req-{j}-{f}", "").strip() for f in ROW_FIELDS}
        for j in filled_rows(post, "req", "ip", MAX_ROWS)
    ]
    if len(rows) < MAX_ROWS:
        rows.append(dict.fromkeys(ROW_FIELDS, ""))
    return {
        "resource": post.get("resource", "ALB"),
        "web_acl": post.get("web_acl", ""),
        "ip_sets": post.get("ip_sets", ""),
        "delay": post.get("delay", "").strip(),
        "rows": rows,
    }


def sent_row(post: Mapping[str, str], table: str, index: int) -> int | None:
    """The form row that held the `index`-th request in the form as sent (a row whose IP is
    empty is no request: `form_texts`). None past the requests sent."""
    filled = filled_rows(post, "req", "ip", MAX_ROWS) if table == "req" else []
    return filled[index] if 0 <= index < len(filled) else None


def case_of(texts: dict[str, Any], *, keep_mistakes: bool = False) -> dict:
    """The case the form's texts describe. A JSON text that does not parse raises StateError;
    with `keep_mistakes` it is kept as typed (as `web_acl_text`, `ip_sets_text`) instead: what a
    link holds, so that it opens the same mistake with the same message, as the sandbox's and
    the network lab's links do."""
    case: dict[str, Any] = {"resource": texts["resource"]}
    for field, what in (("web_acl", "web ACL"), ("ip_sets", "IP sets")):
        if field == "ip_sets" and not texts[field].strip():
            continue
        try:
            case[field] = _json(texts[field], what, field)
        except StateError:
            if not keep_mistakes:
                raise
            case[f"{field}_text"] = texts[field]
    if texts["delay"]:
        case["rate_detection_delay_sec"] = _value("time", texts["delay"])
    requests = []
    for row in texts["rows"]:
        if not row["ip"]:
            continue
        req: dict[str, Any] = {}
        for name in ROW_FIELDS:
            if row[name] and name != "user_agent":
                req[name] = _value(name, row[name])
        if row["user_agent"]:
            req["headers"] = {"User-Agent": row["user_agent"]}
        requests.append(req)
    case["requests"] = requests
    return case


def canonical(case: dict) -> str:
    """The case as compact JSON in its own key order: what a link holds, and what the lab's
    memo of outcomes is keyed by (two cases with the same text are evaluated alike)."""
    return json.dumps(case, separators=(",", ":"), ensure_ascii=False)


def encode(case: dict) -> str | None:
    return token_of(canonical(case))


def token_of(text: str) -> str | None:
    """The link token for a case's `canonical` text, or None when it would be too long (or
    hold more than `decode` takes back)."""
    if len(text) > MAX_JSON_CHARS:
        return None
    token = base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode().rstrip("=")
    return token if len(token) <= MAX_PERMALINK_CHARS else None


def decode(token: str) -> dict:
    if len(token) > MAX_PERMALINK_CHARS:
        raise StateError("That link is longer than the lab's links can be.")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_JSON_CHARS + 1)
        if len(raw) > MAX_JSON_CHARS or inflate.unconsumed_tail:
            raise StateError("That link holds more than the lab takes.")
        data = json.loads(raw.decode("utf-8"))
    except StateError:
        raise
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError, RecursionError):
        raise StateError("That link is damaged (it may have been cut short), so the lab opened "
                         "with its example.") from None  # fmt: skip
    if not isinstance(data, dict):
        raise StateError("That link does not hold a WAF case.")
    return data
