"""The lock files pin what pyproject.toml asks for, so a fresh clone installs what CI tested.

A dependency added or re-ranged in pyproject.toml without `make lock` fails here, before CI
installs something nobody ran.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)")


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            match = PIN.match(line)
            assert match, f"{name}: not an exact pin: {line!r}"
            found[canonicalize_name(match[1].split("[")[0])] = match[2]
    return found


def wanted(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = [*project["dependencies"]]
    for extra in extras:
        texts += project["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("requirements.lock", ()), ("requirements-test.lock", ("test", "postgres", "redis"))],
)
def test_every_dependency_is_pinned_within_its_range(lock, extras):
    pinned = pins(lock)
    for requirement in wanted(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {name}=={pinned[name]}, outside {requirement}: run `make lock`"
        )


def test_the_app_and_the_tests_run_the_same_versions():
    app, test = pins("requirements.lock"), pins("requirements-test.lock")
    assert {name: test.get(name) for name in app} == app


@pytest.mark.parametrize("extra", ["postgres", "redis"])
def test_the_drivers_are_installed_at_the_versions_ci_tested(extra):
    """A server on PostgreSQL or Redis installs its driver with the command start-up names when
    it is missing (and README's Deploying gives): it must take the lock's versions, as `make`
    does for the rest. Without `-c` pip took the newest its range allowed (redis 8.2.0 on a
    fresh clone where CI had tested 8.1.0)."""
    from srm_trainer.env import install_command

    words = shlex.split(install_command(extra))
    assert words[words.index("-e") + 1] == f".[{extra}]"
    constraints = pins(words[words.index("-c") + 1])
    for requirement in wanted(extra):
        name = canonicalize_name(requirement.name)
        assert name in constraints, f"{name} ({extra}) is not pinned by {words}"
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"`{install_command('postgres,redis')}`" in readme
