"""Dependencies point one way: quizzes → lessons → curriculum.validation → the engine.

The curriculum's readers and loader sit on top (they fill both apps); nothing below may
import them, or anything above itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# app → the first-party packages it must never import
FORBIDDEN = {
    "lessons": ("quizzes", "curriculum.readers", "curriculum.loader", "curriculum.quiz", "teach"),
    "quizzes": ("curriculum.readers", "curriculum.loader", "curriculum.quiz", "teach"),
}
# cohorts is built on both (it plugs into quizzes through quizzes.hooks instead).
for _app in ("lessons", "quizzes"):
    FORBIDDEN[_app] += ("cohorts",)
# The network lab's pages (`netlab`) sit on top too: question kinds use the plain engine
# (`srm_trainer.netlab`) instead, as they use `srm_trainer.iam`.
FORBIDDEN["quizzes"] += ("netlab",)
# The glossary is built on lessons (a term names the lesson that teaches it; lesson pages link
# terms through lessons.hooks), so lessons and quizzes never import it, and it never imports
# the curriculum's loader or anything above lessons.
for _app in ("lessons", "quizzes"):
    FORBIDDEN[_app] += ("glossary",)
FORBIDDEN["glossary"] = (
    "quizzes",
    "curriculum.readers",
    "curriculum.loader",
    "curriculum.quiz",
    "curriculum.glossary_reader",
    "teach",
    "cohorts",
    "search",
)
# certificates (course progress, the certificate) sits on both; the home page reaches it
# through a context processor.
for _app in ("lessons", "quizzes"):
    FORBIDDEN[_app] += ("certificates",)
# search sits on top of the content and follows it through signals: nothing imports it.
for _app in ("lessons", "quizzes"):
    FORBIDDEN[_app] += ("search",)
FORBIDDEN["curriculum"] = ("search",)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_a_lower_app_never_imports_a_higher_one(app):
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN[app])
    ]
    assert found == []


def test_curriculum_validation_imports_only_the_engine():
    path = ROOT / "curriculum" / "validation.py"
    local = {n for n in _imports(path) if n.split(".")[0] in {"lessons", "quizzes", "curriculum"}}
    assert local == set()


# The engines stay plain Python: the CLI, quizzes and pages share them without Django set up.
ENGINES = ("srm_trainer/iam", "srm_trainer/netlab")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_engine_never_imports_django(engine):
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / engine).rglob("*.py"))
        for name in _imports(path)
        if name == "django" or name.startswith(("django.", "django_"))
    ]
    assert found == []


def test_importing_the_network_lab_leaves_django_unloaded():
    import subprocess
    import sys

    code = (
        "import json, sys, pkgutil, importlib, srm_trainer.netlab as n\n"
        "for m in pkgutil.iter_modules(n.__path__):\n"
        "    if m.name != '__main__': importlib.import_module('srm_trainer.netlab.' + m.name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'django')))\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
