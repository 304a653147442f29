"""Every link a page offers fits in the request line gunicorn accepts: a sandbox permalink
(up to 8,000 characters), a lab's, and an analysis row's: its link, or its button's GET (the
page's token and the row's action and resource, as a browser quotes them) and the permalink
the sandbox sends it on to. A row whose request would be longer opens nothing: gunicorn
answered one with its own bare "URI Too Long" page."""

from __future__ import annotations

import runpy
from pathlib import Path
from urllib.parse import quote_plus

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


def _row_requests(action: str, resource: str, *, links: bool) -> tuple[str, ...]:
    """A row's link; or its button's GET, quoted as a browser quotes a form (`~` as %7E, `*`
    kept, the line break as CRLF), and the permalink the sandbox sends it on to."""
    opens = analysis._opener(TOKEN, links=links)(action, resource)
    assert opens, "the row opens nothing"
    if links:
        return (opens.href,)
    value = opens.value
    sent = quote_plus(value.replace("\n", "\r\n"), safe="*").replace("~", "%7E")
    pressed = f"/sandbox/?case={TOKEN}&open={sent}"
    from django.test import Client

    response = Client().get("/sandbox/", {"case": TOKEN, "open": value.replace("\n", "\r\n")})
    assert response.status_code == 302
    return pressed, response["Location"]


def _longest(resource: str, *, links: bool) -> str:
    """`resource` grown until one more character would make its row open nothing."""
    opened = analysis._opener(TOKEN, links=links)
    while opened("s3:GetObject", resource + resource[-1]):
        resource += resource[-1]
    return resource


@pytest.mark.django_db
@pytest.mark.parametrize("links", [True, False], ids=["link", "button"])
@pytest.mark.parametrize("fill", ["k", "~", "*", "/"])
def test_the_longest_links_a_page_offers_are_read_by_gunicorn(fill, links):
    resource = _longest("arn:aws:s3:::" + fill, links=links)
    rows = _row_requests("s3:GetObject", resource, links=links)
    assert MAX_LINK_CHARS - 3 <= max(len(path) for path in rows) <= MAX_LINK_CHARS
    for path in (
        f"/sandbox/?case={TOKEN}",
        f"/lab/network/?case={TOKEN}",
        f"/lab/waf/?case={TOKEN}",
        *rows,
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
    for links in (True, False):
        opened = analysis._opener(TOKEN, links=links)
        assert opened("s3:GetObject", "*") in (
            analysis.Opens(href=f"/sandbox/?case={TOKEN}&action=s3%3AGetObject&resource=%2A"),
            analysis.Opens(value="s3:GetObject\n*"),
        )
        assert not opened("s3:GetObject", resource)
