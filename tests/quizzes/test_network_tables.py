"""A flow question's network is drawn as tables to read (`netlab.shown.network_view`), with
the rules AWS makes when a case leaves them out written in, and its JSON beside them: a long
JSON block was the only view, hard to read and wider than a phone."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from netlab.shown import network_view
from quizzes.models import Attempt
from tests.quizzes.builders import make_question, make_quiz, web_network


def _rows(view: dict, kind: str, name: str, direction: str) -> list[dict]:
    owner = next(x for x in view[kind] if x["name"] == name)
    return next(t for t in owner["tables"] if t["direction"] == direction)["rows"]


def test_the_rules_a_case_gives_are_drawn_as_given_and_no_empty_editing_row():
    view = network_view(web_network())
    assert [r["rule"] for r in _rows(view, "nacls", "edge", "inbound")] == ["100", "110"]
    assert _rows(view, "groups", "sg-web", "inbound")[1] == {
        "protocol": "tcp",
        "ports": "22",
        "peer": "0.0.0.0/0",
    }
    assert view["vpc_cidr"] == "10.0.0.0/16"
    assert view["instances"][0]["public_ip"] == "54.0.0.10"


def test_the_rules_aws_makes_are_written_in_where_the_case_leaves_them_out():
    """FORMAT.md: an omitted list means what AWS creates. The default network ACL allows all
    (rule 100), a custom one has only the final deny, a group's omitted outbound list is
    AWS's allow-all rule (an empty one is none), and the default group admits its members."""
    network = {
        "vpc": {"cidr": "10.0.0.0/16"},
        "subnets": [{"name": "a", "cidr": "10.0.1.0/24"}],
        "network_acls": [{"name": "dflt", "default": True}, {"name": "custom"}],
        "security_groups": [
            {"name": "sg-default", "default": True},
            {"name": "sg-closed", "inbound": [], "outbound": []},
        ],
    }
    view = network_view(network)
    made = _rows(view, "nacls", "dflt", "inbound")
    assert made == [
        {
            "rule": "100",
            "protocol": "all",
            "ports": "",
            "cidr": "0.0.0.0/0",
            "action": "allow",
            "by_aws": True,
        }
    ]
    assert _rows(view, "nacls", "custom", "outbound") == []
    assert _rows(view, "groups", "sg-default", "outbound")[0]["peer"] == "0.0.0.0/0"
    assert _rows(view, "groups", "sg-default", "inbound")[0]["peer"] == "sg-default"
    assert _rows(view, "groups", "sg-closed", "inbound") == []
    assert _rows(view, "groups", "sg-closed", "outbound") == []
    assert not view["default_nacl_made"]  # the case gives the default network ACL


def test_a_subnet_on_the_default_network_acl_the_case_leaves_out_is_said_to_allow_all():
    network = web_network()
    assert not network_view(network)["default_nacl_made"]  # every subnet names "edge"
    del network["subnets"][0]["network_acl"]
    assert network_view(network)["default_nacl_made"]


@pytest.mark.parametrize("damaged", [None, [], "x", {"network_acls": "x", "load_balancers": [1]}])
def test_a_damaged_network_is_drawn_as_far_as_it_goes(damaged):
    view = network_view(damaged)
    assert view["nacls"] == [] and view["balancers"] == []


def test_a_load_balancer_is_listed_with_its_listeners():
    network = web_network()
    network["load_balancers"] = [
        {"name": "alb", "type": "application", "subnet": "public", "private_ip": "10.0.1.20",
         "public_ip": "54.0.0.20", "security_groups": ["sg-web"],
         "listeners": [{"protocol": "tcp", "port": 443, "target_port": 80, "targets": ["web"]}]}
    ]  # fmt: skip
    [alb] = network_view(network)["balancers"]
    assert alb["scheme"] == "internet-facing"  # the default
    assert alb["listeners"] == "tcp 443 → web port 80"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["flow_decision", "flow_fix"])
def test_the_question_page_shows_the_network_as_tables_and_as_json(learner_client, kind):
    quiz = make_quiz(make_question(kind))
    learner_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.latest("pk")
    page = BeautifulSoup(learner_client.get(attempt.get_absolute_url()).content, "html.parser")
    captions = [c.get_text(" ", strip=True) for c in page.select(".network-view caption")]
    assert "Network ACL edge: inbound rules" in captions
    assert "Security group sg-web: outbound rules (allow only)" in captions
    table = next(
        c.find_parent("table") for c in page.select("caption") if "edge: outbound" in c.text
    )
    assert [th.get_text(strip=True) for th in table.select("tbody th")] == ["100", "*"]
    sg_out = next(
        c.find_parent("table") for c in page.select("caption") if "sg-web: outbound" in c.text
    )
    assert "made by AWS" in sg_out.get_text()  # web_network gives sg-web no outbound list
    # every table scrolls inside a labelled, focusable box, never the page
    for box in page.select(".network-view .table-scroll"):
        assert box["tabindex"] == "0" and box["aria-label"]
    assert page.find("summary", string="The same network as JSON")
