"""The teachers' page on import file formats (/teach/import/help/).

Its words are `teach/help/import-formats.md`, rendered as lessons are; the table of question
kinds on it is read from the code (`quizzes.kinds`, GIFT's kinds), so a new kind shows there at
once. Every example on the page is imported by a test (`tests/teach/test_import_help.py`). The
developers' reference for the same formats is docs/question-format.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lessons.markdown import render_markdown
from quizzes import kinds
from teach.transfer.gift import GIFT_KINDS

HELP_FILE = Path(__file__).resolve().parent / "help" / "import-formats.md"
KINDS_MARK = "<!-- kinds table -->"  # where the table of kinds goes, on a line of its own


@dataclass(frozen=True)
class HelpPage:
    intro: str  # sanitized HTML before the table of kinds
    body: str  # and after it
    headings: tuple[tuple[str, str], ...]  # (anchor, text) of the body's sections


def help_text() -> str:
    return HELP_FILE.read_text("utf-8")


def help_page() -> HelpPage:
    """The page's HTML (rendering is cached by content, so this costs a file read)."""
    intro, _, body = help_text().partition(KINDS_MARK)
    rendered = render_markdown(body)
    return HelpPage(render_markdown(intro).html, rendered.html, rendered.headings)


def kind_rows() -> list[dict]:
    """Each kind of question: its name, its `type` in a JSON file, and whether GIFT holds it."""
    return [
        {"label": kind.label, "value": kind.value, "gift": kind.value in GIFT_KINDS}
        for kind in kinds.KINDS.values()
    ]
