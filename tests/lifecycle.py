"""How each pytest process of the suite starts, talks to the others and ends. A plugin loaded before any conftest
(`-p tests.lifecycle` in pyproject's addopts), so that it serves the xdist controller too,
which loads no conftest (see docs/testing.md, "The test loop").

The controller of `pytest -n N` runs no tests: its workers collect and run them and send it
their reports. So it sets up neither Django nor the conftests, which import the models: ~0.6 s
of CPU before it could even start its workers, the same again in each worker. Every other
process (each worker, a run in one process, `--collect-only`) finds the settings in
`DJANGO_SETTINGS_MODULE`, as `manage.py` does, and pytest-django sets Django up as usual.
A worker sends its controller only the reports that tell something (`_send_telling_reports`),
and a result that every worker would otherwise work out again is worked out once (`once_per_run`).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import sys
from collections.abc import Callable

import pytest

SETTINGS = "srm_trainer.settings"
QUICK = os.environ.get("TEST_EXIT", "quick") == "quick"  # workers and controller leave at once
QUICK_EXIT = QUICK and bool(os.environ.get("PYTEST_XDIST_WORKER"))  # this process is a worker
_controller_key = pytest.StashKey[bool]()


def _will_distribute(early_config) -> bool:
    """Whether xdist will make this process a controller, from the options as parsed so far
    (xdist decides in its `pytest_cmdline_main` and `pytest_configure`, later, by the same
    rules; `pytest_sessionstart` below checks that both agree)."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not early_config.pluginmanager.hasplugin("xdist"):
        return False
    options = early_config.known_args_namespace
    if options.collectonly or options.help or options.showfixtures:
        return False  # collected here (or nothing run), as xdist does
    workers = options.numprocesses
    if workers in ("auto", "logical"):
        if options.usepdb:
            return False
        workers = early_config.hook.pytest_xdist_auto_num_workers(config=early_config)
    if workers:
        return True
    return options.dist != "no" and bool(options.tx)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Before pytest-django sets Django up and pytest imports the conftests."""
    if _will_distribute(early_config):
        early_config.stash[_controller_key] = True
        early_config.known_args_namespace.noconftest = True
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)


def is_controller(config) -> bool:
    return config.stash.get(_controller_key, False)


def pytest_report_header(config):
    """The line pytest-django prints where it sets Django up (the package alone is cheap)."""
    if is_controller(config):
        import django

        return f"django: version: {django.get_version()}, settings: {SETTINGS} (in each worker)"
    return None


def _leave_at_once(code: int = 0) -> None:
    """An xdist worker's last step: every result is reported and the session torn down, and the
    atexit handlers registered after this one have run (logging's, registered before, is run
    here). It leaves without Python's finalization, which freed the worker's whole heap object by
    object while `make test` waited for it (~1 s at the end of every run). The controller ends
    the same way (`pytest_cmdline_main` below). `TEST_EXIT=default` keeps the finalization, to
    compare."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if QUICK_EXIT:
    atexit.register(_leave_at_once)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """xdist agrees: this process hands the tests to workers (its DSession is registered)."""
    if is_controller(session.config) and not session.config.pluginmanager.hasplugin("dsession"):
        raise pytest.UsageError(
            "tests/lifecycle.py took this process for an xdist controller, but xdist runs the "
            "tests here: did its rules change? (-n 0 runs them in one process)"
        )


@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config):
    """The xdist controller leaves at once too, once its whole session is over (results
    printed, unconfigured): Python's finalization of its heap took ~0.5 s at the end of every
    `make test`. It leaves with the code pytest would exit with. A run in one process, a worker
    (above), or `TEST_EXIT=default` ends as usual."""
    code = yield
    if is_controller(config) and QUICK:
        _leave_at_once(int(code))
    return code


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """A worker or controller that leaves at once also skips pytest's two full garbage
    collections at the end of its session (~0.35 s of CPU per worker, and ~0.3 s in the
    controller after the last result: the very end of every `make test`). They exist to report
    an exception raised in a finalizer of an object that only dies then; a process that leaves
    without finalization runs none of those finalizers anyway, and the controller runs no
    tests. Each test's unraisable exceptions are still checked as it runs."""
    if QUICK_EXIT or (QUICK and is_controller(config)):
        from _pytest.unraisableexception import gc_collect_iterations_key

        config.stash[gc_collect_iterations_key] = 0
    if is_controller(config):
        _summary_without_importing_hypothesis(config)
    if os.environ.get("PYTEST_XDIST_WORKER") and not _sends_every_report(config):
        _send_telling_reports(config)


def _sends_every_report(config) -> bool:
    """Whether the controller needs each test's passed set-up and teardown reports: for
    durations, a JUnit XML file, or a plugin that reads them (`TEST_REPORTS=all`)."""
    return bool(
        os.environ.get("TEST_REPORTS") == "all"
        or config.option.durations
        or getattr(config.option, "xmlpath", None)
        or getattr(config.option, "reportlog", None)
    )


def _send_telling_reports(config) -> None:
    """A worker sends its controller what a report tells: a failure, a skip, a test's outcome,
    captured output. A passed set-up or teardown with nothing captured (two of every three
    reports) only made the controller, which shares the two cores with the workers, unpack it
    and print nothing (xdist already keeps passed collection reports back in the same way).
    Nor does it announce each test's start and finish when the controller has no use for
    them (`_controller_follows_each_test`): two of the four messages a test cost, each a
    write to the pipe and a wake-up of the controller. xdist's sender is registered before any
    plugin is configured (from a copy of xdist/remote.py that execnet runs, so known by its class's
    name), so its hooks are wrapped in place."""
    announce = _controller_follows_each_test(config)
    for hook in config.hook.pytest_runtest_logreport.get_hookimpls():
        if type(hook.plugin).__name__ == "WorkerInteractor":
            send = hook.function

            def send_telling(report, send=send):
                if report.when == "call" or not report.passed or report.sections:
                    send(report)

            hook.function = send_telling
    for caller in (config.hook.pytest_runtest_logstart, config.hook.pytest_runtest_logfinish):
        for hook in caller.get_hookimpls():
            if type(hook.plugin).__name__ == "WorkerInteractor" and not announce:
                hook.function = _unannounced


def _unannounced(nodeid, location) -> None:
    """A test's start or finish, not sent (`_send_telling_reports`)."""


def _controller_follows_each_test(config) -> bool:
    """Whether the controller does anything with a test's start and finish: in pytest 9 only
    the verbose terminal (a test's name as it starts) and live logging (`log_cli`) do."""
    from _pytest.config import Config

    return bool(
        config.get_verbosity(Config.VERBOSITY_TEST_CASES) > 0
        or config.getoption("log_cli_level", None) is not None
        or config.getini("log_cli")
        or os.environ.get("TEST_REPORTS") == "all"
        or getattr(config.option, "reportlog", None)
    )


def _summary_without_importing_hypothesis(config) -> None:
    """Hypothesis's end-of-run summary imports Hypothesis (~0.3 s of CPU after the last
    result) to look for observations this process wrote; the controller never imported it, so
    wrote none. It still runs whenever a report carries Hypothesis's statistics or a failing
    example."""
    if not config.pluginmanager.hasplugin("hypothesispytest"):
        return
    from _hypothesis_pytestplugin import FAILING_EXAMPLES_KEY, STATS_KEY

    for hook in config.hook.pytest_terminal_summary.get_hookimpls():
        if hook.plugin_name != "hypothesispytest":
            continue
        summary = hook.function

        def summary_if_needed(terminalreporter, summary=summary):
            reports = (r for rs in terminalreporter.stats.values() for r in rs)
            if "hypothesis" in sys.modules or any(
                STATS_KEY in vars(r) or FAILING_EXAMPLES_KEY in vars(r)
                for r in reports
                if hasattr(r, "__dict__")
            ):
                summary(terminalreporter)

        hook.function = summary_if_needed


def once_per_run(tmp_path_factory, name: str, produce: Callable[[], object]):
    """`produce()`'s result (JSON data), worked out once for the whole run. xdist hands a
    module's tests out in chunks (of two tests each near the end of a run), so a module whose
    tests a chunk boundary splits ran its module-scoped fixtures in both workers: the settings
    tests' interpreter (tests/test_settings.py, ~0.6 s of CPU) ran twice in nearly every
    `make test`. Under xdist the first worker to need it works it out and leaves it in the
    run's temporary folder (shared by the run's workers, new for each run), and the other reads
    it there; a worker that comes while it is being worked out waits for it. If `produce`
    fails, nothing is left and the next worker tries again. Without xdist it is just called."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return json.loads(json.dumps(produce()))
    folder = tmp_path_factory.getbasetemp().parent  # the run's; each worker's is inside it
    kept = folder / f"once-{name}.json"
    with open(folder / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not kept.exists():
            partial = kept.with_suffix(f".{os.getpid()}.partial")
            partial.write_text(json.dumps(produce()))
            partial.replace(kept)
        return json.loads(kept.read_text())
