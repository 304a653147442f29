"""`python -m srm_trainer.iam`: evaluate cases, lint policies, expand action wildcards,
simulate a batch, summarise a policy set and diff two.

The engine speaks in stable reason codes; the words people read live here (and in the site's
templates), so `--explain` maps codes to sentences and falls back to the code itself.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from . import catalog, words
from .decision import Decision, Reason, StatementRef
from .errors import PolicyError
from .wildcard import has_wildcard

if TYPE_CHECKING:
    from .summary import ActionAccess, Verdict

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

_EPILOG = """\
exit status:
  0  success: every case was evaluated (and, with --check, decided as its "expect" says,
     or refused as its "expect_error" says); lint found no error; expand matched at least
     one action; simulate and summary answered; diff found no new access
  1  eval: a case could not be evaluated, or --check found a case whose decision differs
     from its "expect" or "expect_error" (listed on stderr); lint: some finding has
     severity "error"; expand: a pattern matches no known action; diff: the new policy
     allows something the old did not; simulate, summary, diff (and lint): a file that
     cannot be read or used, one line on stderr
  2  usage error (unknown command or option, missing argument)
"""

KINDS = ("identity", "resource", "boundary", "session", "scp", "rcp")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 already; keep it explicit
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m srm_trainer.iam",
        description="Evaluate IAM cases, lint IAM policies, expand action wildcards, decide "
        "actions × resources at once, and summarise or compare what policies allow.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ev = sub.add_parser(
        "eval",
        help="evaluate cases (iam-cases format): one JSON line per case on stdout",
        description=(
            "Evaluate every case in the files, in order. A file holds one case object or an "
            'array of them. Prints one JSON line per case: {"name", "decision", "decisive"}, '
            'or {"name", "decision": null, "error": {"code", "message"}} when the case cannot '
            "be evaluated; the other cases still run. Use - to read standard input."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ev.add_argument("files", nargs="+", metavar="FILE")
    ev.add_argument(
        "--explain", action="store_true", help="print a readable explanation instead of JSON"
    )
    ev.add_argument(
        "--check",
        action="store_true",
        help='exit 1 if any case\'s decision differs from its "expect" (listed on stderr)',
    )

    li = sub.add_parser(
        "lint",
        help="validate a policy (or every policy of a case file)",
        description=(
            "Print findings, one per line: LINE:COL severity code: message. A file holding a "
            "case (or an array of cases) lints every policy in it with its own kind; each line "
            "then starts with the policy's path (identity_policies[0].Statement[1] 3:5 ...)."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    li.add_argument("file", metavar="FILE")
    li.add_argument(
        "--kind", choices=KINDS, default="identity", help="the policy's kind (default: identity)"
    )
    li.add_argument(
        "--limit",
        type=int,
        metavar="CHARS",
        help="size limit to check instead of the kind's default (e.g. 10240 for a role's "
        "inline policy)",
    )
    li.add_argument("--json", action="store_true", help="print the findings as a JSON array")

    ex = sub.add_parser(
        "expand",
        help="list the actions an Action pattern covers (s3:Get*)",
        description="Print every known action each pattern covers, one per line, sorted.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("patterns", nargs="+", metavar="PATTERN")

    si = sub.add_parser(
        "simulate",
        help="decide many actions × resources at once (request.actions, request.resources)",
        description=(
            "Read one case whose request has an actions list (wildcards expanded with the "
            "catalogue) and a resources list instead of action and resource, and print one "
            "line per pair: decision, action, resource and the deciding statements."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    si.add_argument("file", metavar="FILE")
    si.add_argument(
        "--decision",
        choices=("Allow", "ExplicitDeny", "ImplicitDeny"),
        help="print only the pairs with this decision",
    )
    si.add_argument("--json", action="store_true", help='print {"results": [...]} as JSON')

    su = sub.add_parser(
        "summary",
        help="what a policy set allows per service and access level (full, partial, none)",
        description=(
            "Read one policy or a set (identity_policies, permissions_boundary, scp_levels, "
            "session_policy) and print, for each service the policies name, the access levels "
            "allowed fully, partly (with which resources or conditions) or not at all."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    su.add_argument("file", metavar="FILE")
    su.add_argument("--service", action="append", help="summarise this service (repeatable)")
    su.add_argument("--json", action="store_true", help="print the summary as JSON")

    di = sub.add_parser(
        "diff",
        help="the actions a new policy (set) allows that the old one did not, and the reverse",
        description=(
            "Compare two policies or sets: print the actions the new one allows that the old "
            "did not (+) and those it no longer allows (-). Exit status 1 when there is new "
            "access, like a 'check no new access' gate."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    di.add_argument("old", metavar="OLD")
    di.add_argument("new", metavar="NEW")
    di.add_argument("--service", action="append", help="compare this service (repeatable)")
    di.add_argument("--json", action="store_true", help="print the diff as JSON")
    return parser


# --- reading input ------------------------------------------------------------------------


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, "rb") as fh:  # decoded whole, so a decoding error's offset is the file's
        return fh.read().decode("utf-8-sig")


def _read_json(path: str) -> Any:
    from .errors import CaseError
    from .jsontext import load_json

    return load_json(_read(path), error=CaseError, what=path)


class _Refused(Exception):
    """Input a command cannot use, already explained on stderr: `main` exits 1."""


@contextmanager
def _input_from(label: str, err: TextIO) -> Iterator[None]:
    """Around reading `label` and asking the engine about it: a file that cannot be read or is
    not UTF-8 text, or what the engine refused (code and message, with line:column and the path
    inside the document when known), becomes one line on stderr naming `label`, then exit 1.
    Every command that takes files answers bad input the same way through this."""
    try:
        yield
    except OSError as exc:
        err.write(f"cannot read {exc.filename or label}: {exc.strerror or exc}\n")
        raise _Refused from None
    except UnicodeDecodeError as exc:
        err.write(f"cannot read {label}: byte {exc.start + 1} is not UTF-8 text\n")
        raise _Refused from None
    except PolicyError as exc:
        at = f":{exc.line}:{exc.column}" if exc.line is not None else ""
        where = f" ({exc.path})" if exc.path else ""
        err.write(f"{label}{at}{where}: {exc.code}: {exc.message}\n")
        raise _Refused from None


def _error_line(
    name: str,
    code: str,
    message: str,
    path: str = "",
    line: int | None = None,
    column: int | None = None,
) -> dict[str, Any]:
    """The JSON line for a case that cannot be evaluated (path/line/column when known)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if path:
        error["path"] = path
    if line is not None:
        error["line"] = line
        error["column"] = column
    return {"name": name, "decision": None, "error": error}


def _load_cases(path: str) -> Iterator[tuple[str, Any, dict[str, Any] | None]]:
    """(label, case, error line) for each case of a file, in order."""
    try:
        text = _read(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield path, None, _error_line(path, "unreadable_file", f"Cannot read {path}: {reason}.")
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield (
            path,
            None,
            _error_line(
                path,
                "invalid_json",
                f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            ),
        )
        return
    except RecursionError:
        yield path, None, _error_line(path, "invalid_json", f"{path} is nested too deeply.")
        return
    if isinstance(data, list):
        for index, case in enumerate(data):
            yield _label(case, f"{path}[{index}]"), case, None
    else:
        yield _label(data, path), data, None


def _label(case: Any, fallback: str) -> str:
    name = case.get("name") if isinstance(case, dict) else None
    if isinstance(name, str) and name:
        return name
    return fallback


# --- eval -----------------------------------------------------------------------------------


def _cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .evaluate import evaluate

    failed = False
    mismatches: list[str] = []
    for path in args.files:
        for label, case, error in _load_cases(path):
            expect = case.get("expect") if isinstance(case, dict) else None
            decision = None
            if error is None:
                if not isinstance(case, dict):
                    error = _error_line(
                        label, "invalid_case", "A case must be a JSON object.", path=""
                    )
                else:
                    try:
                        decision = evaluate(case)
                    except PolicyError as exc:
                        error = _error_line(
                            label, exc.code, exc.message, exc.path, exc.line, exc.column
                        )
                    except Exception as exc:  # an engine bug must not stop the other cases
                        error = _error_line(label, "internal_error", f"{type(exc).__name__}: {exc}")
            expect_error = case.get("expect_error") if isinstance(case, dict) else None
            if error is not None:
                # with --check, a case refused as its `expect_error` says (FORMAT.md) passes
                failed = failed or not (args.check and _refused_as_expected(error, expect_error))
                if args.explain:
                    out.write(f"{label}: cannot be evaluated: {error['error']['message']}\n\n")
                else:
                    out.write(json.dumps(error, ensure_ascii=False) + "\n")
                got = None
            else:
                assert decision is not None
                got = decision.decision
                if args.explain:
                    out.write(explain(label, decision, expect=expect) + "\n")
                else:
                    line = {
                        "name": label,
                        "decision": got,
                        "decisive": [ref.to_dict() for ref in decision.decisive],
                    }
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
            if args.check and expect is not None and got != expect:
                mismatches.append(f"{label}: expected {expect}, got {got or 'an error'}")
            if args.check and isinstance(expect_error, dict):
                if error is None:
                    mismatches.append(
                        f"{label}: expected error {expect_error.get('code')}, got {got}"
                    )
                elif not _refused_as_expected(error, expect_error):
                    mismatches.append(
                        f"{label}: expected error {expect_error.get('code')}, "
                        f"got {error['error']['code']} at {error['error'].get('path')!r}"
                    )
    if args.check and mismatches:
        err.write(f"{len(mismatches)} case(s) differ from their expect:\n")
        for mismatch in mismatches:
            err.write(f"  {mismatch}\n")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def _refused_as_expected(error: dict[str, Any], expect_error: object) -> bool:
    """Whether an error line is the refusal a case's `expect_error` names (its code, and its
    path when the expectation gives one)."""
    if not isinstance(expect_error, dict):
        return False
    got = error["error"]
    if got.get("code") != expect_error.get("code"):
        return False
    return "path" not in expect_error or got.get("path", "") == expect_error["path"]


# --- lint -----------------------------------------------------------------------------------


def _is_case(data: Any) -> bool:
    return isinstance(data, dict) and "request" in data


def _cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .findings import lint, lint_case

    with _input_from(args.file, err):
        text = _read(args.file)
    findings = []
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        data = None
    is_cases = _is_case(data) or (
        isinstance(data, list) and bool(data) and all(_is_case(c) for c in data)
    )
    if is_cases:
        cases = data if isinstance(data, list) else [data]
        for index, case in enumerate(cases):
            prefix = f"[{index}]." if isinstance(data, list) else ""
            for f in lint_case(case):
                findings.append(f if not prefix else _prefixed(f, prefix))
    else:
        findings = lint(text, kind=args.kind, limit=args.limit)
    if args.json:
        out.write(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n")
    else:
        for f in findings:
            # in a case file, positions are inside each policy: name the policy first
            where = f"{f.line}:{f.column}" if f.line is not None else ""
            if is_cases or not where:
                where = f"{f.path or '-'} {where}".rstrip()
            out.write(f"{where} {f.severity} {f.code}: {f.message}\n")
    return EXIT_FAILED if any(f.severity == "error" for f in findings) else EXIT_OK


def _prefixed(finding: Any, prefix: str) -> Any:
    return dataclasses.replace(finding, path=prefix + finding.path)


# --- expand ---------------------------------------------------------------------------------


def _cmd_expand(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    status = EXIT_OK
    for pattern in args.patterns:
        found = catalog.expand(pattern)
        if not found:
            hint = [] if has_wildcard(pattern) else catalog.suggest(pattern)
            extra = f" (did you mean {', '.join(hint)}?)" if hint else ""
            err.write(f"{pattern}: matches no known action{extra}\n")
            status = EXIT_FAILED
        for action in found:
            out.write(action + "\n")
    return status


def _cmd_simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .simulate import simulate

    with _input_from(args.file, err):
        results = simulate(_read(args.file))
    if args.decision:
        results = [r for r in results if r.decision.decision == args.decision]
    if args.json:
        out.write(json.dumps({"results": [r.to_dict() for r in results]}) + "\n")
        return EXIT_OK
    for r in results:
        out.write(
            f"{r.decision.decision:<12}  {r.action}  {r.resource}  — {decision_why(r.decision)}\n"
        )
    return EXIT_OK


def _limits_text(resources: Sequence[str], conditions: Sequence[str]) -> str:
    parts = [", ".join(resources)] if resources else []
    if conditions:
        parts.append("when " + "; ".join(conditions))
    return f" ({' '.join(parts)})" if parts else ""


def _cmd_summary(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .summary import summarize

    with _input_from(args.file, err):
        summary = summarize(_read(args.file), services=args.service)
    if args.json:
        out.write(json.dumps(summary.to_dict()) + "\n")
        return EXIT_OK
    for svc in summary.services:
        out.write(f"{svc.name} ({svc.prefix})\n")
        for lv in svc.levels:
            out.write(
                f"  {lv.level:<24} {lv.access:<8} "
                f"{lv.full} full, {lv.partial} partial, {lv.none} none of {lv.total}\n"
            )
        # Actions that share a verdict share its reasons: one heading per reason, as the
        # summary page groups them, then each allowed action on a line of its own.
        # Keyed by the words: verdicts evaluated apart often read the same (the actions the
        # engine's built-in rules name), and a heading says it once.
        allowed: dict[str, list[ActionAccess]] = {}
        denied: dict[str, list[ActionAccess]] = {}
        words_of: dict[int, str] = {}
        for a in svc.actions:
            why = words_of.get(id(a.verdict))
            if why is None:
                why = words_of[id(a.verdict)] = verdict_why(a.verdict)
            (denied if a.access == "none" else allowed).setdefault(why, []).append(a)
        for why, actions in allowed.items():
            out.write(f"  {why}:\n")
            for a in actions:
                out.write(
                    f"    {a.access:<8} {a.action}{_limits_text(a.resources, a.conditions)}\n"
                )
        for why, actions in denied.items():
            count = f"{len(actions)} action{'s' if len(actions) != 1 else ''}"
            out.write(f"  not allowed ({count}): {why}\n")
    if summary.skipped:
        err.write(f"not summarised (over the cap of actions): {', '.join(summary.skipped)}\n")
    if summary.unknown:
        err.write(f"unknown services: {', '.join(summary.unknown)}\n")
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .diff import diff

    # Each file's JSON is read on its own, so a mistake names its file, line and column.
    with _input_from(args.old, err):
        old = _read_json(args.old)
    with _input_from(args.new, err):
        new = _read_json(args.new)
    with _input_from(f"{args.old} / {args.new}", err):
        result = diff(old, new, services=args.service)
    if args.json:
        out.write(json.dumps(result.to_dict()) + "\n")
    else:
        for sign, changes in (("+", result.gained), ("-", result.lost)):
            for c in changes:
                shown = c.new if sign == "+" else c.old
                # What grants the wider side: the new policies for a gain, the old for a loss
                # (the compare page shows the same).
                out.write(
                    f"{sign} {c.action}  [{c.level}]  {c.old.access} → {c.new.access}"
                    f"{_limits_text(shown.resources, shown.conditions)}"
                    f"  — {'new' if sign == '+' else 'old'}: {verdict_why(shown.verdict)}\n"
                )
        if result.no_new_access:
            out.write("no new access\n")
    return EXIT_OK if result.no_new_access else EXIT_FAILED


# --- explanations ---------------------------------------------------------------------------

# The web pages' names (words.py), the name in capitals to stand out in a terminal:
# "IMPLICIT DENY (no Deny matches, but an Allow it needs is missing)".
_DECISIONS = {
    code: name.upper()
    + (f" ({words.DECISION_GLOSSES[code]})" if code in words.DECISION_GLOSSES else "")
    for code, name in words.DECISION_NAMES.items()
}

# Step, reason and policy words come from one table shared with the web pages (words.py).
_STEP_TITLES = words.STEP_TITLES
_OUTCOMES = words.OUTCOMES


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def reason_text(reason: Reason) -> str:
    """A sentence for one reason (the code itself when it has no words)."""
    sentence: str = words.reason_words(
        reason.code, reason.data or {}, value=_fmt
    )  # the default render formats plain text
    return sentence


def _step_text(why: words.Why) -> str:
    """The deciding box of the flowchart and its reasons: "decided at the Permissions boundary
    step: ..."."""
    title = f"decided at the {why.step} step"
    said = "; ".join(reason_text(r) for r in why.reasons)
    return f"{title}: {said}" if said else title


def decision_why(decision: Decision) -> str:
    """Why one request was decided so, in the batch page's words (`words.decision_why`): the
    deciding statements (or that none allows it) and the step that decided, with its reasons."""
    why = words.decision_why(decision)
    step = _step_text(why) if why.step else ""
    if why.statements:
        verb = "allowed by" if decision.decision == "Allow" else "denied by"
        return f"{verb} {'; '.join(why.statements)}" + (f"; {step}" if step else "")
    lead = "no statement allows it" if decision.decision == "ImplicitDeny" else "denied"
    return f"{lead}; {step}" if step else lead


def verdict_why(verdict: Verdict) -> str:
    """Why an action of a summary or diff is allowed or not, in the summary page's words
    (`words.verdict_why`): the Allow statements that grant it (and the Deny statements that
    limit it), or the Deny statements or the step that refuse it."""
    why = words.verdict_why(verdict)
    if verdict.access != "none":
        text = f"allowed by {'; '.join(why.statements)}" if why.statements else "allowed"
        return text + (f"; limited by {'; '.join(why.limited_by)}" if why.limited_by else "")
    if why.statements:
        return f"denied by {'; '.join(why.statements)}"
    return _step_text(why) if why.step else "not allowed"


def _ref(ref: StatementRef) -> str:
    line = f", line {ref.line}" if ref.line else ""
    return words.statement_label(ref) + line


def explain(name: str, decision: Decision, *, expect: str | None = None) -> str:
    """A readable account of a decision: the verdict, the steps, every statement."""
    lines = [f"{name}: {_DECISIONS.get(decision.decision, decision.decision)}"]
    if expect is not None:
        verdict = "as expected" if expect == decision.decision else f"EXPECTED {expect}"
        lines[0] += f" — {verdict}"
    if decision.decisive:
        lines.append("  decided by:")
        lines.extend(f"    {_ref(ref)}" for ref in decision.decisive)
    if decision.steps:
        lines.append("  evaluation steps:")
        for step in decision.steps:
            title = _STEP_TITLES.get(step.name, step.name)
            outcome = _OUTCOMES.get(step.outcome, step.outcome)
            mark = "" if step.reached else " (not reached)"
            why = "; ".join(reason_text(r) for r in step.reasons)
            lines.append(f"    {title}: {outcome}{mark}" + (f" — {why}" if why else ""))
    for policy in decision.explanations:
        label = words.policy_label(policy.kind, policy.index, policy.level, policy.name)
        head = f"  {label}: {policy.result.replace('_', ' ')}"
        if policy.reason is not None:
            head += f" — {reason_text(policy.reason)}"
        lines.append(head)
        for st in policy.statements:
            ref = st.ref
            sid = f" (Sid {ref.sid})" if ref.sid else ""
            where = f"statement {ref.statement_index + 1}{sid}, {ref.effect}"
            if st.applies:
                lines.append(f"    {where}: applies")
            else:
                why = "; ".join(reason_text(r) for r in st.reasons) or "does not apply"
                lines.append(f"    {where}: does not apply — {why}")
    return "\n".join(lines) + "\n"


# --- entry point ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see `--help`)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return int(exc.code or 0)
    out, err = sys.stdout, sys.stderr
    commands = {
        "eval": _cmd_eval,
        "lint": _cmd_lint,
        "expand": _cmd_expand,
        "simulate": _cmd_simulate,
        "summary": _cmd_summary,
        "diff": _cmd_diff,
    }
    try:
        status = commands[args.command](args, out, err)
        out.flush()
    except _Refused:
        return EXIT_FAILED
    except BrokenPipeError:  # `... | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        return EXIT_FAILED
    return status
