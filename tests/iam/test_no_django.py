"""The evaluation core stays plain Python: the CLI, quizzes and the sandbox share it, and it must
run (and be fast) without Django configured."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import srm_trainer

IAM_DIR = Path(srm_trainer.__file__).resolve().parent / "iam"


def _modules() -> list[str]:
    return sorted(
        "srm_trainer.iam." + info.name
        for info in pkgutil.iter_modules([str(IAM_DIR)])
        if info.name != "__main__"
    )


def test_no_module_imports_django_in_its_source():
    offenders = []
    files = sorted(IAM_DIR.rglob("*.py"))
    assert files, "srm_trainer/iam has no modules?"
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute | ast.Name)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                names = [node.args[0].value]
            for name in names:
                if name == "django" or name.startswith("django.") or name.startswith("django_"):
                    offenders.append(f"{path.relative_to(IAM_DIR.parent.parent)}:{node.lineno}")
    assert offenders == []


def test_importing_every_module_leaves_django_unloaded():
    modules = ["srm_trainer.iam", *_modules()]
    checkout = str(IAM_DIR.parent.parent)
    code = (
        "import importlib, json, sys\n"
        # this checkout's modules, not the installed (editable) package's: in a git worktree
        # that is the main checkout, which lacks a module new on the branch
        f"sys.path.insert(0, {checkout!r})\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        # nor the project's other modules: the core is its own package, whole (the CLI, the
        # labs and the app reach into it; it reaches into nothing of theirs)
        "loaded += [m for m in sys.modules if m.startswith('srm_trainer.')\n"
        "           and not m.startswith('srm_trainer.iam')]\n"
        "print(json.dumps(sorted(loaded)))\n"
    )
    # -I: a clean interpreter (no user site, no PYTHON* environment such as a settings module)
    out = subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-I", "-c", code],
        capture_output=True,
        text=True,
        cwd=checkout,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    assert "srm_trainer.iam.catalog" in modules
