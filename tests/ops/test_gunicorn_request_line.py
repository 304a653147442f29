"""Every link a page offers fits in the request line gunicorn accepts: a sandbox permalink
(up to 8,000 characters), a lab's, and an analysis row's link, which adds its action and
resource to the permalink. A row whose link would be longer is not a link: gunicorn answered
one with its own bare "URI Too Long" page."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.http.errors import LimitRequestLine
from gunicorn.http.message import Request
from gunicorn.http.unreader import IterUnreader

from srm_trainer.sandbox import analysis
from srm_trainer.sandbox.state import MAX_LINK_CHARS, MAX_PERMALINK_CHARS

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "A" * MAX_PERMALINK_CHARS  # the longest permalink token a page offers


def _parsed(path: str) -> str:
    """The path gunicorn, under the shipped gunicorn.conf.py, reads from a GET of `path`."""
    shipped = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name, value in shipped.items():
        if name in cfg.settings:
            cfg.set(name, value)
    raw = f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()
    return Request(cfg, IterUnreader([raw]), ("127.0.0.1", 50000), 1).uri


def test_the_longest_links_a_page_offers_are_read_by_gunicorn():
    row = analysis._opener(TOKEN)("s3:GetObject", "arn:aws:s3:::" + "k" * 90)
    longest_row = analysis._opener(TOKEN)(
        "s3:GetObject", "arn:aws:s3:::" + "k" * (MAX_LINK_CHARS - len(row) + 90)
    )
    assert len(longest_row) == MAX_LINK_CHARS
    for path in (
        f"/sandbox/?case={TOKEN}",
        f"/lab/network/?case={TOKEN}",
        f"/lab/waf/?case={TOKEN}",
        longest_row,
    ):
        assert len(path) <= MAX_LINK_CHARS
        assert _parsed(path) == path


def test_gunicorn_still_refuses_a_longer_line():
    with pytest.raises(LimitRequestLine):
        _parsed("/sandbox/?case=" + "A" * 8_200)


@pytest.mark.parametrize("resource", ["arn:aws:s3:::" + "reports/2026/" * 10, "k" * 2_048])
def test_a_row_whose_link_would_be_too_long_is_not_a_link(resource):
    """On the longest permalink, a row's own action and resource can take it over: the batch
    simulation takes resources of up to 2,048 characters, each '/' and ':' quoted as three."""
    opened = analysis._opener(TOKEN)
    assert opened("s3:GetObject", "*").startswith("/sandbox/?case=")
    assert opened("s3:GetObject", resource) == ""
