"""`{% static %}` keeps each file's URL (srm_trainer/kept_static.py) and still answers as
Django's tag: the same URL, `as` variables, escaping, a new URL after a settings change."""

from __future__ import annotations

from django.template import Context, Template
from django.templatetags.static import static
from django.test import override_settings

from srm_trainer import kept_static


def draw(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_tag_gives_what_django_gives_and_keeps_it():
    kept_static._kept.clear()
    assert draw("{% static 'css/site.css' %}") == static("css/site.css")
    assert kept_static._kept == {"css/site.css": static("css/site.css")}
    assert draw("{% static name %}", name="css/site.css") == static("css/site.css")


def test_as_variables_and_escaping_are_djangos():
    assert draw("{% static 'a&b.js' as where %}[{{ where }}]") == f"[{static('a&b.js')}]".replace(
        "&", "&amp;"
    )
    assert draw("{% static 'a&b.js' %}") == static("a&b.js").replace("&", "&amp;")


def test_a_template_that_loads_static_gets_djangos_tag():
    template = Template("{% load static %}{% static 'css/site.css' %}")
    assert type(template.nodelist[-1]).__name__ == "StaticNode"
    assert type(Template("{% static 'css/site.css' %}").nodelist[0]) is kept_static.KeptStaticNode


def test_a_new_static_url_is_not_answered_from_what_was_kept():
    first = draw("{% static 'css/site.css' %}")
    with override_settings(STATIC_URL="/assets/"):
        assert draw("{% static 'css/site.css' %}") == "/assets/css/site.css"
    assert draw("{% static 'css/site.css' %}") == first


def test_every_page_links_its_stylesheet_and_scripts_through_the_storage(client, settings):
    """The page frame's files, htmx's included (written out as `{% htmx_script %}` would), and
    django-htmx's debug helper only when DEBUG, as that tag adds it."""
    page = client.get("/security/").content.decode()
    for name in (
        "css/site.css",
        "js/theme.js",
        "js/timezone.js",
        "js/scroll-boxes.js",
        "js/live-updates.js",
        "js/nav-more.js",
        "img/favicon.svg",
    ):
        assert f'"{static(name)}"' in page
    assert f'<script src="{static("django_htmx/htmx-2.min.js")}" defer></script>' in page
    assert "django-htmx.js" not in page
    settings.DEBUG = True
    assert static("django_htmx/django-htmx.js") in client.get("/security/").content.decode()
