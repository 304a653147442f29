"""`client_ip`: the peer's address unless trusted proxies say otherwise, never a header the
client alone wrote."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from srm_trainer.clientip import client_ip


def request(remote="198.51.100.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_peer_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="192.0.2.9")) == "198.51.100.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "192.0.2.9", "192.0.2.9"),
        (1, "10.0.0.1, 192.0.2.9", "192.0.2.9"),  # the client's own entry is ignored
        (2, "10.0.0.1, 192.0.2.9, 172.16.0.2", "192.0.2.9"),
        (1, " 2001:DB8::1 ", "2001:db8::1"),
        (1, "192.0.2.9:51234", "192.0.2.9"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_behind_n_proxies_the_nth_forwarded_address_from_the_right(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "192.0.2.9", "not-an-address, junk"])
def test_too_few_or_bad_forwarded_entries_fall_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded=forwarded)) == "198.51.100.1"


def test_a_missing_peer_address_is_a_placeholder_not_an_error(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(remote="")) == "0.0.0.0"  # noqa: S104 - compared, not bound
