"""The crawler itself (tests/crawler.py) on a small site of its own: it finds what it is there
to find (a page that raises, a dead link, a link to a POST-only address, a page without one
<h1> or a <title>, a link to a place not on its page, a GET that deletes), submits GET forms as they stand, and keeps to its
budget. Without these, a crawl that silently stopped following links would pass forever."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.views.decorators.http import require_POST

from lessons.models import Module
from tests.conftest import make_module
from tests.crawler import Budget, crawl, form_url, parse, same_site


def page(body: str, title: str = "A page") -> HttpResponse:
    return HttpResponse(f"<!doctype html><html><head><title>{title}</title></head>{body}</html>")


def home(request):
    return page(
        '<h1 id="top">Home</h1> <a href="#nowhere">a place not on the page</a>'
        '<a href="/fine/">fine</a> <a href="/missing/">missing</a> <a href="/boom/">boom</a>'
        ' <a href="/post-only/">post</a> <a href="/untitled/">untitled</a>'
        ' <a href="/things/1/delete/">delete</a> <a href="https://example.com/">away</a>'
        ' <a href="mailto:a@example.com">mail</a> <a href="#top">top</a>'
        ' <a href="/static/app.css">css</a> <a href="/to-missing/">moved</a>'
        ' <div hx-get="/part/">part</div>'
        '<form action="/search/"><input name="q" value="iam"><input type="checkbox" name="x">'
        '<select name="kind"><option value="">any</option><option value="s">s</option></select>'
        '<button name="go" value="1">Search</button></form>'
        '<form method="post" action="/post-only/"><button>Send</button></form>'
    )


def fine(request, n=0):
    return page("<h1>Fine</h1>" + "".join(f'<a href="/many/{n}/">{n}</a>' for n in range(5)))


def boom(request):
    raise RuntimeError("a template looked up a missing key")


@require_POST
def post_only(request):
    return HttpResponse("done")


def untitled(request):
    return HttpResponse("<html><head></head><h1>One</h1><h1>Two</h1></html>")


def delete(request, pk):
    Module.objects.all().delete()  # a GET that destroys
    return page("<h1>Deleted</h1>")


def search(request):
    request.session["searched"] = request.GET.urlencode()
    return page(f"<h1>Results for {request.GET.get('q')}</h1>")


def part(request):
    assert request.headers["HX-Request"] == "true"
    return HttpResponse("<p>a fragment, no h1 needed</p>")


urlpatterns = [
    path("", home),
    path("fine/", fine),
    path("many/<int:n>/", fine, name="many"),
    path("boom/", boom),
    path("post-only/", post_only),
    path("untitled/", untitled),
    path("things/<int:pk>/delete/", delete),
    path("search/", search),
    path("part/", part),
    path("to-missing/", lambda request: HttpResponse(status=302, headers={"Location": "/gone/"})),
    path("site/", include("srm_trainer.urls")),  # for the names the 404 page's template reverses
]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]
EVERYTHING = Budget(per_kind=None, per_admin_kind=1, per_variant=3, total=100)


def test_the_crawl_finds_each_kind_of_problem():
    make_module()
    found = crawl(Client(), "anonymous", ["/"], EVERYTHING)
    problems = "\n".join(found.problems)
    assert "GET /boom/ (linked from /): raised RuntimeError: a template looked up" in problems
    assert "GET /missing/ (linked from /): 404, a dead link" in problems
    assert "GET /gone/ (linked from /to-missing/): 404, a dead link" in problems
    assert "GET /post-only/ (linked from /): 405" in problems
    assert "GET /untitled/ (linked from /): 2 <h1> elements, not one" in problems
    assert "GET /untitled/ (linked from /): no <title>" in problems
    assert "GET /things/1/delete/ (linked from /): a GET changed something" in problems
    assert "GET / (linked from (start)): links to #nowhere, not on the page" in problems
    assert len(found.problems) == 8, problems
    assert Module.objects.exists(), "each request is rolled back, the deleting GET's too"


def test_links_off_the_site_and_files_are_left_alone_and_get_forms_are_sent_as_they_stand():
    found = crawl(Client(), "anonymous", ["/"], EVERYTHING)
    assert "/search/?q=iam&kind=&go=1" in found.opened
    assert "/part/" in found.opened  # asked for as htmx asks
    assert not any("example.com" in url or "static" in url for url in found.opened)
    assert {f"/many/{n}/" for n in range(5)} <= set(found.opened)


def test_a_budget_opens_the_first_of_each_kind_and_says_when_its_cap_is_reached():
    sample = crawl(Client(), "anonymous", ["/"], Budget(1, 1, 1, 100))
    assert [url for url in sample.opened if url.startswith("/many/")] == ["/many/0/"]
    capped = crawl(Client(), "anonymous", ["/"], Budget(None, 1, 1, 5))
    assert capped.capped and len(capped.opened) == 5


def test_forms_are_read_as_a_browser_submits_them():
    (form,) = parse(
        '<form action="?page=2#x"><input name="q" value="a b"><input name="off" disabled>'
        '<input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>'
        '<select name="m" multiple><option>one</option></select>'
        '<select name="s"><option>first</option><option selected value="2">two</option></select>'
        "<textarea name=t>\nhello</textarea><input type=submit name=go value=Go></form>"
    ).forms
    assert form_url("/list/", form) == "/list/?q=a+b&r=2&s=2&t=hello&go=Go"
    assert same_site("/a/b/", "../c/?x=1#top") == "/a/c/?x=1"
    assert same_site("/", "//example.com/") is None


def test_a_forms_file_inputs_and_the_button_that_sends_them_are_read():
    """The fuzzer (tests/fuzz/crafted_inputs.py) sends files through these: a form that sends
    its file with one button of several (formenctype), and one of enctype multipart."""
    one, other = parse(
        "<form method=post><input name=op type=hidden value=x><input type=file name=case_file>"
        "<button name=op value=evaluate>Evaluate</button>"
        "<button name=op value=open formenctype=multipart/form-data>Open</button></form>"
        '<form method=post enctype="multipart/form-data"><input type=file name=file>'
        "<input name=title><button name=action value=preview>Preview</button></form>"
    ).forms
    assert (one.files, one.submitter, one.upload_submitter) == (
        ["case_file"],
        ("op", "evaluate"),
        ("op", "open"),
    )
    assert (other.files, other.upload_submitter) == (["file"], ("action", "preview"))
    assert ("case_file", "") not in one.fields and [n for n, _ in other.fields] == ["title"]


def test_every_button_and_every_offered_value_are_read():
    """The fuzzer sends a form validly from these (tests/fuzz/crafted_inputs.py,
    `valid_steps`): each button it has, and the values its select, radios and checkboxes
    offer, chosen or not; a disabled button is not one to press."""
    (form,) = parse(
        "<form method=post><select name=to><option value=''>Choose</option>"
        "<option value=4>otto</option></select>"
        "<input type=checkbox name=row value=7><input type=checkbox name=row value=8 checked>"
        "<button name=action value=preview formaction=/p/>Preview</button>"
        "<button name=action value=up disabled>Up</button><input type=submit value=Save></form>"
    ).forms
    assert form.buttons == [("action", "preview", "/p/"), ("", "Save", "")]
    assert form.choices == {"to": ["", "4"], "row": ["7", "8"]}
    assert form.fields == [("to", ""), ("row", "8")]
