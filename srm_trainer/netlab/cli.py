"""`python -m srm_trainer.netlab eval FILE...`: one JSON line per case.

Flow cases print `{"name", "request", "reply", "hops"}`; WAF cases `{"name", "action", "rule"}`
(plus runs of equal decisions for a sequence). `--explain` prints sentences instead; `--check`
exits 1 when a case differs from its `expect` (listed on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .case import load_cases, run_case
from .errors import NetlabError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EPILOG = """\
exit status:
  0  every case was evaluated (and, with --check, matched its "expect")
  1  a case could not be evaluated, or --check found a mismatch (listed on stderr)
  2  usage error
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m srm_trainer.netlab",
        description="Trace network flows and evaluate AWS WAF web ACLs (srm_trainer/netlab/"
        "FORMAT.md).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser(
        "eval",
        help="evaluate case files: one JSON line per case",
        description="Evaluate every case in the files, in order. A file holds one case object "
        'or an array of them. Prints one JSON line per case: {"name", "request", "reply", '
        '"hops"} for a flow, {"name", "action", "rule", ...} for WAF requests, or {"name", '
        '"error": {"code", "message", "path"}} when the case cannot be evaluated (with '
        '"problems" and "total" when it has more than one); the other cases still run.',
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument("files", nargs="+", metavar="FILE", help="case files (- for standard input)")
    ev.add_argument("--explain", action="store_true", help="print readable explanations")
    ev.add_argument("--check", action="store_true",
                    help='exit 1 if a case differs from its "expect"')  # fmt: skip
    return parser


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read()


def explain(line: dict[str, Any], result: Any) -> str:
    """Sentences for one case's result."""
    name = line["name"]
    if "hops" in line:
        out = [f"{name}: request {line['request'].upper()}"
               + (f", reply {line['reply'].upper()}" if line["reply"] else "")]  # fmt: skip
        for hop in line["hops"]:
            mark = {"allow": "✔", "deny": "✘", "skip": "–"}[hop["verdict"]]
            out.append(f"  {mark} [{hop['leg']}] {hop['from']} → {hop['to']}: {hop['detail']}")
        return "\n".join(out) + "\n"
    if line.get("attachable") is False:
        return f"{name}: cannot attach: {line['reason']}\n"
    out = []
    for d in result.decisions[:50]:
        why = f"rule {d.rule}" if d.rule != "Default_Action" else "the default action"
        extra = "; ".join(f"{m.rule}: {m.action}" + (f" ({m.note})" if m.note else "")
                          for m in d.matches if not m.terminating)  # fmt: skip
        rate = ", ".join(f"{k}={v}" for k, v in d.rate_counts.items())
        out.append(f"  #{d.index} t={d.time:g}s {d.ip}: {d.action.upper()} by {why}"
                   + (f" — also matched {extra}" if extra else "")
                   + (f" — rate counts {rate}" if rate else ""))  # fmt: skip
    if len(result.decisions) > 50:
        out.append(f"  … {len(result.decisions) - 50} more; runs: {json.dumps(line['runs'])}")
    return f"{name}:\n" + "\n".join(out) + "\n"


def explain_refusal(name: str, exc: NetlabError) -> str:
    """Sentences for a case the engine refused: every problem it names, each at its field."""
    out = [f"{name}: cannot be evaluated: {exc.message}"]
    if exc.total > 1:
        out += [f"  - {p.message}" for p in exc.problems[1:]]
        if exc.more:
            out.append(f"  … and {exc.more} more")
    return "\n".join(out) + "\n"


def _refusal(out: TextIO, explained: bool, name: str, exc: NetlabError, path: bool = True) -> None:
    """The line for a file or case that cannot be evaluated: JSON, or sentences (--explain)."""
    if explained:
        out.write(explain_refusal(name, exc))
        return
    error = exc.to_dict()
    if not path:
        del error["path"]
    out.write(json.dumps({"name": name, "error": error}, ensure_ascii=False) + "\n")


def _eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    failed = False
    mismatches: list[str] = []
    for path in args.files:
        try:
            cases = load_cases(_read(path), path)
        except (OSError, UnicodeDecodeError) as exc:
            unreadable = NetlabError("unreadable_file", f"cannot read {path}: {exc}")
            _refusal(out, args.explain, path, unreadable, path=False)
            failed = True
            continue
        except NetlabError as exc:
            _refusal(out, args.explain, path, exc)
            failed = True
            continue
        for name, case in cases:
            try:
                line, problems, result = run_case(name, case)
            except NetlabError as exc:
                _refusal(out, args.explain, name, exc)
                expected = case.get("expect") if isinstance(case, dict) else None
                if isinstance(expected, dict) and expected.get("error") == exc.code:
                    continue  # a case about refusing bad input: refused as it says
                failed = True
                if args.check:
                    mismatches.append(f"{name}: cannot be evaluated: {exc}")
                continue
            if args.explain:
                out.write(explain(line, result))
            else:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            if args.check and problems:
                mismatches.append(f"{name}: " + "; ".join(problems))
    if args.check and mismatches:
        err.write(f"{len(mismatches)} case(s) differ from their expect:\n")
        for m in mismatches:
            err.write(f"  {m}\n")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        status = _eval(args, sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED
    return status
