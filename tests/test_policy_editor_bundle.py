"""The committed policy-editor bundle is built from the committed sources (make editor-bundle)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "frontend" / "policy-editor"
BUNDLE = ROOT / "static" / "js" / "policy-editor.bundle.js"


def sources_hash() -> str:
    """The hash build.mjs writes into the bundle's first line (same files, same framing)."""
    files = ["build.mjs", "package.json", "package-lock.json"]
    files += [f"src/{p.name}" for p in (SOURCES / "src").iterdir()]
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + (SOURCES / name).read_bytes() + b"\0")
    return digest.hexdigest()


def test_the_bundle_was_rebuilt_after_its_sources_last_changed():
    first_line = BUNDLE.read_text(encoding="utf-8").split("\n", 1)[0]
    recorded = re.search(r"sources sha256: ([0-9a-f]{64})", first_line)
    assert recorded, "the bundle's first line should record its sources' hash"
    assert recorded[1] == sources_hash(), "run `make editor-bundle` and commit the new bundle"


def test_every_bundled_package_is_pinned_and_its_licence_shipped():
    package = (SOURCES / "package.json").read_text(encoding="utf-8")
    assert not re.search(r'"[~^><*]', package), "package.json pins exact versions"
    licences = BUNDLE.with_name("policy-editor.bundle.LICENSES.txt").read_text(encoding="utf-8")
    named = re.search(r"from: ([^.]+)\.", BUNDLE.read_text(encoding="utf-8").split("\n")[1])[1]
    for name in named.split(", "):
        assert f"\n{name} " in licences, f"{name}'s licence is missing"
