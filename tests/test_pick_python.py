"""`.ci/pick-python`, the interpreter `make` builds .venv with: the system's build of the same
Python only when PATH's `python3` was compiled without PGO, else PATH's. Each case runs the
script with stand-in interpreters (small shell scripts that answer its two questions: which
version and how configured, and whether it can make a venv)."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "pick-python"


def _interpreter(path: Path, version: str, configured: str, *, makes_venvs: bool = True) -> Path:
    """A stand-in python3: `describe` in the script prints "VERSION optimized|plain", `usable`
    exits 0 when it can make a venv (the script's code names ensurepip there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        f'case "$2" in *ensurepip*) exit {0 if makes_venvs else 1};; '
        f'*) echo "{version} {configured}";; esac\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _env(tmp_path: Path, on_path: Path, system: Path) -> dict[str, str]:
    # /usr/bin stays on PATH for sh's tools (readlink, cut); the stand-in's directory comes
    # first, so a real python3 there does not shadow it.
    return {"PATH": f"{on_path.parent}:/usr/bin:/bin", "SYSTEM_PYTHON": str(system)}


def _pick(tmp_path: Path, on_path: Path, system: Path) -> str:
    out = subprocess.run(
        [str(SCRIPT)], env=_env(tmp_path, on_path, system), capture_output=True, text=True,
        check=True, timeout=30,
    )  # fmt: skip
    return out.stdout.strip()


@pytest.mark.parametrize(
    ("path_python", "system_python", "expected"),
    [
        # pyenv's default build, and the system has the same version built for speed: the system's
        (("3.11", "plain", True), ("3.11", "plain", True), "system"),
        # PATH's was configured with --enable-optimizations: the developer's is kept
        (("3.11", "optimized", True), ("3.11", "plain", True), "path"),
        # another version on PATH: the version the developer chose wins
        (("3.12", "plain", True), ("3.11", "plain", True), "path"),
        # the system's cannot make a venv (Debian without python3-venv): PATH's
        (("3.11", "plain", True), ("3.11", "plain", False), "path"),
    ],
    ids=["plain-same-version", "optimized-on-path", "other-version", "system-without-venv"],
)
def test_the_system_python_is_taken_only_for_a_plain_build_of_the_same_version(
    tmp_path, path_python, system_python, expected
):
    version, configured, venvs = path_python
    on_path = _interpreter(tmp_path / "path" / "python3", version, configured, makes_venvs=venvs)
    version, configured, venvs = system_python
    system = _interpreter(tmp_path / "system" / "python3", version, configured, makes_venvs=venvs)
    assert _pick(tmp_path, on_path, system) == str(on_path if expected == "path" else system)


def test_no_system_python_keeps_paths(tmp_path):
    on_path = _interpreter(tmp_path / "path" / "python3", "3.11", "plain")
    assert _pick(tmp_path, on_path, tmp_path / "missing" / "python3") == str(on_path)


def test_paths_python_being_the_system_one_is_kept_as_named(tmp_path):
    system = _interpreter(tmp_path / "system" / "python3", "3.11", "plain")
    link = tmp_path / "path" / "python3"
    link.parent.mkdir()
    os.symlink(system, link)
    assert _pick(tmp_path, link, system) == str(link)


def test_make_builds_the_venv_with_the_interpreter_it_picks(tmp_path):
    on_path = _interpreter(tmp_path / "path" / "python3", "3.11", "plain")
    system = _interpreter(tmp_path / "system" / "python3", "3.11", "plain")
    env = {**_env(tmp_path, on_path, system), "MAKEFLAGS": ""}
    out = subprocess.run(
        [shutil.which("make") or "/usr/bin/make", "-n", "-B", ".venv/bin/python"], cwd=SCRIPT.parent.parent, env=env,
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    assert f"{system} -m venv .venv" in out.stdout
