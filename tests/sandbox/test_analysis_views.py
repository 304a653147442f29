"""The sandbox's batch table, effective-permissions summary and "Compare with…" pages."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


READ_REPORTS = policy(
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
    {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*", "Sid": "NoDeletes"},
)


def rows(html):
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find(id="results").find("table")
    return soup, [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.find("tbody").find_all("tr")
    ]


def test_pages_open_without_results(client):
    for url in ("/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/"):
        response = client.get(url)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.find(id="results")["aria-live"] == "polite"
        assert soup.select("textarea[data-policy-editor]")


def batch(client, decision="", htmx=False):
    data = {
        "identity": READ_REPORTS,
        "actions": "s3:GetObject\ns3:PutObject\ns3:DeleteObject",
        "resources": "arn:aws:s3:::reports/q1.csv",
        "decision": decision,
    }
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post("/sandbox/batch/", data, **headers)


def test_batch_table_rows_and_deciding_statement(client):
    response = batch(client)
    assert response.status_code == 200
    soup, table = rows(response.content)
    assert [r[:3] for r in table] == [
        ["s3:GetObject", "arn:aws:s3:::reports/q1.csv", "Allow"],
        ["s3:PutObject", "arn:aws:s3:::reports/q1.csv", "ImplicitDeny"],
        ["s3:DeleteObject", "arn:aws:s3:::reports/q1.csv", "ExplicitDeny"],
    ]
    assert "NoDeletes" in table[2][3]
    assert soup.find("caption") and soup.select("th[scope=col]")


def test_batch_filter_by_decision_without_js(client):
    _, table = rows(batch(client, decision="ExplicitDeny").content)
    assert [r[0] for r in table] == ["s3:DeleteObject"]


def opened(client, link):
    """The one-request sandbox a row's link opens: its action, resource and first policy."""
    assert link.startswith("/sandbox/?case=")
    page = BeautifulSoup(client.get(link).content, "html.parser")
    return (
        page.find("input", id="action")["value"],
        page.find("input", id="resource")["value"],
        page.find("textarea", id="identity-0-text").text,
    )


def test_batch_row_opens_the_single_request(client):
    soup, _ = rows(batch(client).content)
    links = [a["href"] for a in soup.find(id="results").find("tbody").find_all("a")]
    assert opened(client, links[1])[:2] == ("s3:PutObject", "arn:aws:s3:::reports/q1.csv")
    action, resource, text = opened(client, links[0])
    assert (action, resource) == ("s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert text.strip() == READ_REPORTS


def test_batch_htmx_gets_only_the_partial(client):
    response = batch(client, htmx=True)
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"') and "<form" not in text


def test_batch_bad_policy_says_where(client):
    response = client.post(
        "/sandbox/batch/", {"identity": '{"Statement": [', "actions": "s3:GetObject"}
    )
    assert response.status_code == 200
    alert = BeautifulSoup(response.content, "html.parser").find(role="alert")
    assert "identity policy" in alert.text and "line 1" in alert.text


def test_summary_what_can_this_role_do_in_s3(client):
    read_only = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
    response = client.post("/sandbox/summary/", {"identity": read_only})
    soup, table = rows(response.content)
    assert "Amazon S3" in soup.find("caption").text
    by_level = {r[0]: r[1] for r in table}
    assert by_level["List"] == "Fully" and by_level["Write"] == "Not at all"


def test_summary_names_the_resource_of_a_partial_action(client):
    put = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})
    response = client.post("/sandbox/summary/", {"identity": put})
    soup, table = rows(response.content)
    assert {r[0]: r[1] for r in table}["Write"] == "Partly"
    assert "arn:aws:s3:::up/*" in soup.find(id="results").find("details").text


def test_compare_what_does_the_new_policy_add(client):
    old = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    new = policy(
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    response = client.post("/sandbox/compare/", {"old": old, "new": new})
    soup = BeautifulSoup(response.content, "html.parser")
    gained, lost = soup.find_all("table")
    cells = [td.get_text(" ", strip=True) for td in gained.find("tbody").find_all(["th", "td"])]
    assert cells[:4] == ["s3:PutObject", "Write", "none", "partial"]
    assert "None." in lost.text


def test_compare_needs_both_policies(client):
    response = client.post("/sandbox/compare/", {"old": READ_REPORTS, "new": ""})
    assert "new policy" in BeautifulSoup(response.content, "html.parser").find(role="alert").text


def test_a_fresh_page_starts_from_the_starter_policy(client):
    soup = BeautifulSoup(client.get("/sandbox/batch/").content, "html.parser")
    assert '"s3:GetObject"' in soup.find("textarea", id="identity-0-text").text


def test_summary_action_opens_the_single_request_on_its_resource(client):
    put = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})
    soup = BeautifulSoup(client.post("/sandbox/summary/", {"identity": put}).content, "html.parser")
    link = soup.find(id="results").find("details").find("a")["href"]
    action, resource, _ = opened(client, link)
    assert action == "s3:PutObject" and resource.startswith("arn:aws:s3:::up/")
