"""`{% url %}` keeps what it reversed (srm_trainer/kept_urls.py) and still answers exactly as
Django's tag: the same URL, the same errors, `as` variables, escaping."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from srm_trainer import kept_urls


def draw(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_tag_gives_what_reverse_gives_and_keeps_it():
    kept_urls._reverse.cache_clear()
    assert draw("{% url 'home' %}") == reverse("home")
    assert draw("{% url 'lesson' m l %}", m="iam", l="root-user") == reverse(
        "lesson", args=["iam", "root-user"]
    )
    assert draw("{% url 'home' %}") == reverse("home")
    assert kept_urls._reverse.cache_info().hits == 1


def test_the_script_prefix_is_part_of_what_is_kept():
    first = draw("{% url 'home' %}")
    try:
        set_script_prefix("/trainer/")
        assert draw("{% url 'home' %}") == "/trainer/"
    finally:
        set_script_prefix("/")
    assert draw("{% url 'home' %}") == first


def test_unknown_names_still_fail_and_as_variables_still_stay_empty():
    with pytest.raises(NoReverseMatch):
        draw("{% url 'no-such-page' %}")
    assert draw("{% url 'no-such-page' as where %}[{{ where }}]") == "[]"


def test_arguments_that_are_not_plain_values_are_reversed_as_before():
    class Slug:
        def __str__(self) -> str:
            return "iam"

    assert draw("{% url 'module' m %}", m=Slug()) == reverse("module", args=["iam"])


def test_a_bool_and_a_number_are_not_taken_for_each_other():
    kept_urls._reverse.cache_clear()
    assert draw("{% url 'lesson' m 1 %}", m="iam") == reverse("lesson", args=["iam", "1"])
    assert draw("{% url 'lesson' m b %}", m="iam", b=True) == reverse(
        "lesson", args=["iam", "True"]
    )


def test_the_production_storage_keeps_urls_and_still_refuses_unknown_files(tmp_path):
    from srm_trainer.storage import KeptURLsStorage

    storage = KeptURLsStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"css/site.css": "css/site.0123abcd.css"}
    storage.manifest_strict = True
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    storage.hashed_files = {}  # a kept answer is not asked for again
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    with pytest.raises(ValueError):
        storage.url("css/missing.css")
    assert ("css/missing.css", False) not in storage._kept_urls


def test_kept_reverse_answers_as_reverse_does():
    cases = [
        ("home", None, None, None),
        ("lesson", ["iam", "root-user"], None, None),
        ("lesson", None, {"module_slug": "iam", "lesson_slug": "root-user"}, None),
        ("admin:lessons_lesson_changelist", None, None, "admin"),
        ("admin:app_list", None, {"app_label": "lessons"}, "admin"),
        ("admin:lessons_lesson_change", [7], None, "admin"),
    ]
    for name, args, kwargs, app in cases:
        expected = reverse(name, args=args, kwargs=kwargs, current_app=app)
        for _ in range(2):  # reversed, then kept
            assert kept_urls.kept_reverse(name, args=args, kwargs=kwargs, current_app=app) == (
                expected
            )
    assert kept_urls.kept_reverse("home", query={"q": "x"}) == "/?q=x"  # not kept, still works
    with pytest.raises(NoReverseMatch):
        kept_urls.kept_reverse("no-such-page")
    try:
        set_script_prefix("/trainer/")
        assert kept_urls.kept_reverse("admin:index", current_app="admin") == "/trainer/admin/"
    finally:
        set_script_prefix("/")
    assert kept_urls.kept_reverse("admin:index", current_app="admin") == "/admin/"


@pytest.mark.django_db
def test_the_admins_app_list_keeps_its_urls_and_they_are_djangos(rf, django_user_model):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", password="x")
    kept_urls._reverse.cache_clear()
    first = admin.site.get_app_list(request)
    models = [model for app in first for model in app["models"]]
    assert models, "the admin lists no model"
    for model in models:
        meta = model["model"]._meta
        changelist = f"admin:{meta.app_label}_{meta.model_name}_changelist"
        assert model["admin_url"] == reverse(changelist, current_app="admin")
    hits = kept_urls._reverse.cache_info().hits
    assert admin.site.get_app_list(request) == first
    assert kept_urls._reverse.cache_info().hits >= hits + 2 * len(models)
