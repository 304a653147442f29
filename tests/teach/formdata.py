"""Read a rendered form back into the data a browser would post, so tests can submit exactly
what the page offers (the management form, hidden ids, ticked boxes) without a browser."""

from __future__ import annotations

import html
from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self, form_id_attr: str) -> None:
        super().__init__()
        self.wanted = form_id_attr
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.wanted in (a.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.data.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # Django writes a newline after <textarea>, which browsers drop.
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_class: str = "question-editor") -> dict[str, str | list[str]]:
    parser = _Form(form_class)
    parser.feed(html)
    out: dict[str, str | list[str]] = {}
    for name, value in parser.data:
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out


def page_data(client, url: str) -> dict:
    """What the editor's form posts as it is first drawn."""
    response = client.get(url, follow=True)  # to the address with its token (srm_trainer/once.py)
    assert response.status_code == 200
    return form_fields(response.content.decode())


def text(response) -> str:
    """A response's page with its entities read (`&#x27;` as `'`), to look for words in."""
    return html.unescape(response.content.decode())
