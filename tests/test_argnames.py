"""The shortcut for functions that take nothing (tests/conftest.py,
`_argnames_without_inspecting_bare_functions`) gives what pytest's `getfuncargnames` gives."""

from __future__ import annotations

import functools
import inspect
import os
from unittest import mock

import pytest
from _pytest import fixtures

from tests.conftest import ARGNAMES_SHORTCUT, _takes_nothing


def _plain():
    return 1


def _args(a, b, c=1, *rest, d, e=2, **more):
    return a


def _one(request):
    return request


def _positional_only(a, /, b):
    return a


def _varargs(*args):
    return args


def _kwargs(**kwargs):
    return kwargs


@functools.wraps(_one)
def _wraps_one():
    """Takes nothing itself, but says (`__wrapped__`) it takes what `_one` takes."""


def _with_signature():
    return 1


_with_signature.__signature__ = inspect.signature(_one)  # type: ignore[attr-defined]


@mock.patch("os.getcwd")
def _patched(getcwd, other):
    return other


class _Holder:
    def method(self, a):
        return a

    def bare(self):
        return self

    @staticmethod
    def static():
        return 1

    @staticmethod
    def static_one(a):
        return a


def _request_lambda():
    request = object()
    return lambda: request  # what pytest's RequestFixtureDef wraps


FUNCTIONS = {
    "plain": _plain,
    "args": _args,
    "one": _one,
    "positional only": _positional_only,
    "varargs": _varargs,
    "kwargs": _kwargs,
    "wraps one": _wraps_one,
    "__signature__": _with_signature,
    "mock.patch": _patched,
    "partial": functools.partial(_args, 1),
    "bound method": _Holder().method,
    "bound bare method": _Holder().bare,
    "unbound method": _Holder.method,
    "static": _Holder.static,
    "static one": _Holder.static_one,
    "request lambda": _request_lambda(),
    "lambda with a default": lambda x=1: x,
    "class": _Holder,
}


def _original():
    return getattr(fixtures.getfuncargnames, "original", fixtures.getfuncargnames)


@pytest.mark.skipif(os.environ.get("TEST_ARGNAMES") == "inspect", reason="TEST_ARGNAMES=inspect")
def test_the_shortcut_is_in_place():
    """pytest still has `getfuncargnames` where the conftest replaces it (a private module):
    if an upgrade moved it, the suite runs as before, only slower, and this says why."""
    assert ARGNAMES_SHORTCUT, "_pytest.fixtures.getfuncargnames is gone: see tests/conftest.py"
    assert fixtures.getfuncargnames is not _original()


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("cls", [None, _Holder])
def test_the_same_names_as_pytests_own(name, cls):
    function = FUNCTIONS[name]
    given = {"name": name.replace(" ", "_") if name.startswith("static") else "f", "cls": cls}
    assert fixtures.getfuncargnames(function, **given) == _original()(function, **given)


def test_only_functions_that_take_nothing_are_spared_inspecting():
    spared = {name for name, function in FUNCTIONS.items() if _takes_nothing(function)}
    assert spared == {"plain", "static", "request lambda"}
