"""Every form of the site's pages leaves its length limits to the server
(`srm_trainer.typed_text.LimitsOnServer`): a `maxlength` made the browser cut a longer paste
at the limit without a word. The pages' own tests check a drawn input and a refusal per kind
of form (tests/teach/test_long_paste.py, tests/cohorts/test_long_paste_cohorts.py,
tests/accounts/test_long_paste_accounts.py, the certificate's and the WAF lab's); this one
finds a form class that would draw one, wherever it is written."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

from srm_trainer.typed_text import TOO_LONG, LimitsOnServer

# The site's packages; the admin's modules and forms keep the admin's own widgets.
PACKAGES = (
    "certificates",
    "cohorts",
    "curriculum",
    "glossary",
    "lessons",
    "netlab",
    "quizzes",
    "search",
    "srm_trainer",
    "teach",
)
SKIPPED = ("admin", "migrations", "management", "tests", "__main__")


def _site_modules():
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield root.__name__
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not any(part.startswith(SKIPPED) for part in info.name.split(".")[1:]):
                yield info.name


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def site_forms() -> list[type]:
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # the site's URL converters, before their modules
    for name in _site_modules():
        importlib.import_module(name)
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in PACKAGES
        and not any(part.startswith(SKIPPED) for part in cls.__module__.split(".")[1:])
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_site_form_leaves_its_limits_to_the_server():
    found = site_forms()
    assert len(found) > 30  # the walk found the forms (teach's editors, cohorts', accounts')
    without = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in found
        if not issubclass(cls, LimitsOnServer)
    ]
    assert without == []


def test_a_field_past_its_limit_is_refused_whole_with_its_length():
    class Name(LimitsOnServer, forms.Form):
        name = forms.CharField(max_length=10)
        code = forms.CharField(max_length=8, error_messages={"max_length": "Only the code."})

    form = Name(data={"name": "x" * 11, "code": "y" * 9})
    assert "maxlength" not in str(form["name"]) and "maxlength" not in str(form["code"])
    assert not form.is_valid()
    assert form.errors["name"] == [TOO_LONG % {"show_value": 11, "limit_value": 10}]
    assert form.errors["code"] == ["Only the code."]  # a field's own words are kept


@pytest.mark.parametrize("kept", [("code",)])
def test_a_form_may_keep_a_browser_limit_that_is_the_controls_meaning(kept):
    class Code(LimitsOnServer, forms.Form):
        browser_limits = kept
        code = forms.CharField(max_length=6)

    assert 'maxlength="6"' in str(Code()["code"])
