"""A lab's page draws at most what its form reads back and the engine takes, each name a bounded
number of times: a link of ~200 characters drew a table for each of 2,000 empty network ACLs
(8.7 MB), a 5,000-character name in every label of 100 rule rows (10.4 MB; a network of the
lab's 60,000 characters could make gigabytes), and the WAF lab a row for each of 2,000 requests
(4.4 MB). What is not drawn stays in the case: the form sent again changes none of it."""

from __future__ import annotations

import pytest

from netlab import waf_state
from netlab.state import case_from_form, encode_permalink
from srm_trainer.netlab.vpc import MAX_NACL_RULES, MAX_NACLS, MAX_SUBNETS, NAME_LIMIT
from tests.netlab.test_views import form_of

pytestmark = pytest.mark.django_db
NETWORK, WAF = "/lab/network/", "/lab/waf/"
VPC = {"cidr": "10.0.0.0/16"}


def opened(client, network: dict) -> tuple[str, int]:
    token = encode_permalink({"network": network, "flow": {}})
    assert token is not None  # a link the lab makes and takes
    response = client.get(NETWORK, {"case": token})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That link" not in html  # opened, not refused
    return html, len(response.content)


@pytest.mark.parametrize(
    "network",
    [
        {"vpc": VPC, "network_acls": [{"name": f"n{i}"} for i in range(2_000)]},
        {"vpc": VPC, "security_groups": [{"name": f"g{i}"} for i in range(2_000)]},
        {"vpc": VPC, "network_acls": [{"name": "big", "inbound": [{}] * 2_000}]},
        {
            "vpc": VPC,
            "subnets": [{"network_acl": "x"} for i in range(2_000)],
            "network_acls": [{"name": "x"}],
        },
        {"vpc": VPC, "instances": [{"name": f"i{i}"} for i in range(2_000)]},
    ],
    ids=["network-acls", "security-groups", "rules", "subnets", "instances"],
)
def test_a_link_of_thousands_opens_a_page_of_what_the_lab_takes(client, network):
    html, size = opened(client, network)
    assert size < 400_000  # 0.9-8.7 MB before
    assert "Can't trace this yet" in html  # the engine says what is wrong
    sent_again = case_from_form(form_of(html))["network"]
    if len(network.get("network_acls", [])) == 1:  # the rows the form reads back (as before)
        assert len(sent_again["network_acls"][0]["inbound"]) <= MAX_NACL_RULES + 1
    else:  # nothing past the form changed
        (key,) = (k for k in network if k != "vpc" and len(network[k]) > 1)
        assert len(sent_again[key]) == 2_000 and sent_again[key][50:] == network[key][50:]


def test_a_long_name_is_said_cut_in_each_label_and_kept_whole_in_the_case(client):
    name = "<" * 1_500
    network = {"vpc": VPC, "network_acls": [{"name": name, "inbound": [{}] * 100}],
               "subnets": [{"name": f"s{i}", "network_acl": name} for i in range(30)]}  # fmt: skip
    html, size = opened(client, network)
    assert (
        size < 800_000
    )  # the JSON twice (hidden, and its box); 10.4 MB before for a 5,000-character name alone
    cut = "&lt;" * NAME_LIMIT + "…"
    assert f"Network ACL {cut}, inbound rule row 1, Rule #" in html
    # Whole: each subnet's own choice, in its menu (the first 20), and the case's JSON twice
    # (the hidden network the fields overlay, and the box to edit it as JSON).
    assert html.count("&lt;" * 1_500) == MAX_SUBNETS + 2 * (30 + 1)
    kept = form_of(html)
    assert case_from_form(kept)["network"]["subnets"][0]["network_acl"] == name
    tables = html.count('name="nacl-0-inbound-')
    assert tables == (MAX_NACL_RULES + 1) * 5  # the rows the form reads back, 5 fields each


def test_a_subnet_naming_an_unknown_network_acl_keeps_it_when_sent_again(client):
    """Its menu had no such choice, so the browser chose the first, "(the default one)": the
    form sent again dropped the subnet's choice, and the engine's error with it."""
    network = {"vpc": VPC, "subnets": [{"name": "web", "cidr": "10.0.1.0/24",
                                       "network_acl": "typo-nacl"}]}  # fmt: skip
    html, _ = opened(client, network)
    assert form_of(html)["subnet-0-nacl"] == "typo-nacl"


def test_the_first_tables_are_drawn_and_the_rest_left_to_the_engine(client):
    network = {"vpc": VPC, "network_acls": [{"name": f"n{i}"} for i in range(MAX_NACLS + 5)]}
    html, _ = opened(client, network)
    assert f"Network ACL n{MAX_NACLS - 1}" in html and f"Network ACL n{MAX_NACLS}<" not in html


def test_a_waf_link_of_thousands_of_requests_opens_the_forms_rows(client):
    token = waf_state.encode({"resource": "ALB", "web_acl": {"Name": "a", "DefaultAction":
                              {"Allow": {}}, "Rules": []}, "requests": [{"ip": "192.0.2.1"}] * 2_000})  # fmt: skip
    assert token is not None and len(token) < 300
    response = client.get(WAF, {"case": token})
    html = response.content.decode()
    assert len(response.content) < 200_000  # 4.4 MB before
    assert "The case held 1980 more requests than the form's 20 rows" in html
    kept = form_of(html, "waf-workspace")
    assert sum(1 for name in kept if name.endswith("-ip") and kept[name]) == 20
    assert "20 requests evaluated" in html  # the result is the form's


def test_a_name_over_a_thousand_rule_rows_opens_a_bounded_page(client):
    """A name of 3,000 characters over 1,000 rules (a 7 KB network): each row's five labels
    said it whole, a 60 MB page. The worst a link holds (60,000 characters of JSON) was a name
    of 30,000 over 10,000 rows, gigabytes."""
    network = {"vpc": VPC, "network_acls": [{"name": "<" * 3_000, "inbound": [{}] * 1_000}]}
    _, size = opened(client, network)
    assert size < 200_000
