"""The sandbox's batch table, effective-permissions summary and "Compare with…" pages."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from srm_trainer.iam import simulate as simulate_module
from srm_trainer.iam.words import DECISIONS

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


def error_in_results(response):
    """The error a form sent without JavaScript gets, in the results panel."""
    return BeautifulSoup(response.content, "html.parser").select_one("#results .decision-error")


def test_pages_open_without_results(client):
    for url in ("/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/"):
        response = client.get(url)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        # Said by the page's status region, which a live update fills (tests/test_live_status.py).
        assert not soup.find(id="results").has_attr("aria-live")
        assert soup.find(id="live-status").get_text() == ""
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
    # The decision in the sandbox's words (srm_trainer/iam/words.py), not the engine's names.
    assert [r[:3] for r in table] == [
        ["s3:GetObject", "arn:aws:s3:::reports/q1.csv", DECISIONS["Allow"]],
        ["s3:PutObject", "arn:aws:s3:::reports/q1.csv", DECISIONS["ImplicitDeny"]],
        ["s3:DeleteObject", "arn:aws:s3:::reports/q1.csv", DECISIONS["ExplicitDeny"]],
    ]
    assert table[1][2].startswith("Implicit deny")
    assert "NoDeletes" in table[2][3]
    assert soup.find("caption") and soup.select("th[scope=col]")


def test_batch_filter_by_decision_without_js(client):
    soup, table = rows(batch(client, decision="ExplicitDeny").content)
    assert [r[0] for r in table] == ["s3:DeleteObject"]
    shown = [o.get_text() for o in soup.find("select", id="decision").find_all("option")]
    assert shown == ["every decision", *DECISIONS.values()]
    assert "ExplicitDeny" not in soup.find(id="results").find("caption").get_text()


def opened(client, row):
    """The one-request sandbox a row opens: its link, the request's permalink; or its button (a
    GET of its form, the policies' token, with the button's own action and resource), sent on
    to that permalink. That page's action, resource and first policy."""
    if row.name == "a":
        return _permalink_page(client, row["href"])
    button = row
    root = list(button.parents)[-1]
    form = root.find("form", id=button["form"])
    assert form["method"] == "get" and form["action"] == "/sandbox/"
    fields = {field["name"]: field["value"] for field in form.find_all("input")}
    # a browser sends the value's line break as CRLF
    pressed = {button["name"]: button["value"].replace("\n", "\r\n")}
    response = client.get(form["action"], {**fields, **pressed})
    assert response.status_code == 302
    return _permalink_page(client, response["Location"])


def _permalink_page(client, link):
    assert link.startswith("/sandbox/?case=")
    page = BeautifulSoup(client.get(link).content, "html.parser")
    return (
        page.find("input", id="action")["value"],
        page.find("input", id="resource")["value"],
        page.find("textarea", id="identity-0-text").text,
    )


def test_batch_row_opens_the_single_request(client):
    soup, _ = rows(batch(client).content)
    links = soup.find(id="results").find("tbody").find_all("a")
    assert opened(client, links[1])[:2] == ("s3:PutObject", "arn:aws:s3:::reports/q1.csv")
    action, resource, text = opened(client, links[0])
    assert (action, resource) == ("s3:GetObject", "arn:aws:s3:::reports/q1.csv")
    assert text.strip() == READ_REPORTS


def test_a_small_batchs_rows_are_links_to_their_permalinks(client):
    """A small policy's rows are real links (middle-click, "Open in new tab"): each to its
    request's permalink (the policies' token, the row's action and resource), named for that
    request, with no open form; the one-request sandbox decides as the row did."""
    from srm_trainer.sandbox.analysis import BATCH_KINDS, PolicyForm

    soup, table = rows(batch(client).content)
    token = PolicyForm.read({"identity": READ_REPORTS}, kinds=BATCH_KINDS).token()
    body = soup.find(id="results").find("tbody")
    links = body.find_all("a")
    assert len(links) == len(table) == 3 and not body.find("button")
    assert not soup.find(id="open-row")
    for link, row in zip(links, table, strict=True):
        action, resource = row[0], row[1]
        assert link["aria-label"] == f"Open {action} on {resource} in the sandbox"
        href = "/sandbox/?" + urlencode({"case": token, "action": action, "resource": resource})
        assert link["href"] == href
        page = BeautifulSoup(client.get(href).content, "html.parser")
        assert page.select_one("#live .decision-word").get_text(strip=True) == row[2]


@pytest.mark.parametrize("over", [0, 1])
def test_the_rows_are_links_up_to_the_budget_and_buttons_past_it(client, monkeypatch, over):
    """At the budget's edge (the page's rows times its links' start): at it, links; one
    character past it, buttons of one form, named alike, which land on the same permalinks."""
    from srm_trainer.sandbox import analysis

    form = analysis.PolicyForm.read({"identity": READ_REPORTS}, kinds=analysis.BATCH_KINDS)
    start = "/sandbox/?" + urlencode({"case": form.token()}) + "&"
    monkeypatch.setattr(analysis, "MAX_ROW_LINKS_CHARS", len(start) * 3 - over)
    soup, table = rows(batch(client).content)
    body = soup.find(id="results").find("tbody")
    openers = body.find_all("button" if over else "a")
    assert len(openers) == len(table) == 3 and not body.find("a" if over else "button")
    assert bool(soup.find(id="open-row")) == bool(over)
    for opener, row in zip(openers, table, strict=True):
        assert opener["aria-label"] == f"Open {row[0]} on {row[1]} in the sandbox"
        assert opened(client, opener)[:2] == (row[0], row[1])
    # only the rows shown count: one row of the filtered table is well within the budget
    soup, table = rows(batch(client, decision="ExplicitDeny").content)
    assert len(table) == 1 and soup.find(id="results").find("tbody").find("a")


def test_every_shipped_presets_policies_open_a_typical_pages_rows_with_links():
    """The course's presets, in the batch's default (s3:Get*, s3:PutObject, s3:DeleteObject:
    62 rows) and in a summary of every S3 action (168): their rows are links."""
    from dataclasses import replace

    from curriculum.readers import read_curriculum
    from srm_trainer.iam import catalog
    from srm_trainer.sandbox.analysis import rows_as_links
    from srm_trainer.sandbox.state import encode_permalink, state_from_case

    scenarios = read_curriculum(check_cases=False).scenarios
    assert len(scenarios) > 30
    default = [a for a in catalog.actions("s3") if a.startswith("s3:Get")]
    for scenario in scenarios:
        state = state_from_case(scenario.case)
        token = encode_permalink(replace(state, context=(), resource_account=""))
        assert rows_as_links((token, len(default) + 2)), scenario.slug
        assert rows_as_links((token, len(catalog.actions("s3")))), scenario.slug


def worst_batch() -> dict:
    """The batch page's largest: 400 rows (200 actions × 2 resources) over a policy that does
    not compress, its token just under the most a link carries (`MAX_PERMALINK_CHARS`)."""
    import random

    from srm_trainer.iam import catalog
    from srm_trainer.sandbox.analysis import BATCH_KINDS, MAX_BATCH_PAIRS, PolicyForm
    from srm_trainer.sandbox.state import MAX_PERMALINK_CHARS

    def text(n: int) -> str:
        rng = random.Random(16)
        return policy(
            *(
                {
                    "Sid": "".join(
                        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(60)
                    ),
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{rng.getrandbits(64):x}/*",
                }
                for _ in range(n)
            )
        )

    n = 1
    while PolicyForm.read({"identity": text(n + 1)}, kinds=BATCH_KINDS).token():
        n += 1
    actions = [*catalog.actions("s3"), *catalog.actions("ec2")][: MAX_BATCH_PAIRS // 2]
    token = PolicyForm.read({"identity": text(n)}, kinds=BATCH_KINDS).token()
    assert MAX_PERMALINK_CHARS - 150 < len(token) <= MAX_PERMALINK_CHARS
    return {
        "identity-0-text": text(n),
        "actions": "\n".join(actions),
        "resources": "arn:aws:s3:::reports/q1.csv\narn:aws:s3:::reports/q2.csv",
    }


# What one row of the batch's table costs the page, past its action and resource (each drawn
# three times: the button's value and name, and the row's cells) and the words of its decision.
ROW_BYTES = 1_200


def test_a_batch_page_carries_its_policies_once_whatever_its_rows():
    """400 rows of a policy just under a link's most: each row carried a link of the whole case
    (3.3 MB); now the page carries the case once and each row only its own pair."""
    from django.test import Client

    from srm_trainer.sandbox.analysis import MAX_BATCH_PAIRS

    data = worst_batch()
    for htmx in (True, False):
        response = Client().post(
            "/sandbox/batch/", data, **({"HTTP_HX_REQUEST": "true"} if htmx else {})
        )
        soup, table = rows(response.content)
        assert len(table) == MAX_BATCH_PAIRS
        token = soup.find(id="open-row").input["value"]
        page = response.content.decode()
        assert page.count(token) == 1
        form = len(data["identity-0-text"]) * 2 if not htmx else 0  # its textarea, escaped
        assert len(response.content) < len(token) + form + MAX_BATCH_PAIRS * ROW_BYTES
        assert len(soup.find(id="results").find("tbody").find_all("button")) == MAX_BATCH_PAIRS


@pytest.mark.parametrize("page", ["summary", "compare"])
def test_summary_and_compare_carry_their_policies_once_whatever_their_rows(page):
    """Their 400 listed actions opened the sandbox each with a link of the whole case as well
    (3.4 MB); each side's policies now travel once, in its open form."""
    from django.test import Client

    from srm_trainer.sandbox.analysis import MAX_LISTED

    allow_all = json.loads(worst_batch()["identity-0-text"])
    allow_all["Statement"][0].update(Action="*", Resource="*")
    text, services = json.dumps(allow_all), "ec2\nlambda\ndynamodb"
    data = {"identity-0-text": text, "services": services}
    if page == "compare":
        data = {"old-identity-0-text": READ_S3, "new-identity-0-text": text, "services": services}
    response = Client().post(f"/sandbox/{page}/", data, HTTP_HX_REQUEST="true")
    found = results(response)
    buttons = found.select("tbody th[scope=row] button")
    assert len(buttons) == MAX_LISTED
    token = found.find(id="open-row").input["value"]
    assert response.content.decode().count(token) == 1
    assert len(response.content) < len(token) + MAX_LISTED * ROW_BYTES
    action, _, text_opened = opened(Client(), buttons[-1])
    assert action == buttons[-1].get_text() and text_opened == text


def test_an_open_without_its_policies_opens_the_sandbox_as_it_would(client):
    """`open` alone (no `case`) is not a row: the page as without it; a damaged token still
    lands on the permalink, which says it is damaged."""
    assert client.get("/sandbox/", {"open": "s3:GetObject\r\n*"}).status_code == 200
    response = client.get("/sandbox/", {"case": "not-a-token", "open": "s3:GetObject"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "damaged or incomplete" in response.content.decode()


def test_batch_htmx_gets_only_the_partial(client):
    response = batch(client, htmx=True)
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="results"') and "analysis-form" not in text


def test_batch_bad_policy_says_where(client):
    response = client.post(
        "/sandbox/batch/", {"identity": '{"Statement": [', "actions": "s3:GetObject"}
    )
    assert response.status_code == 200
    alert = error_in_results(response)
    assert alert.text.strip().startswith("Identity policy 1") and "line 1" in alert.text


@pytest.mark.parametrize(
    ("actions", "resources", "where"),
    [
        # Blank lines and commas: the line is the box's, not the engine's count of entries.
        ("s3:GetObject\n\n  \nnot-an-action\n", "*", "Actions, line 4 must be"),
        ("s3:GetObject, s3:PutObject,\nbad", "*", "Actions, line 2 must be"),
        ("s3:GetObject", "arn:aws:s3:::a\n\n  ,x", "Resources, line 3"),
    ],
)
def test_batch_bad_action_or_resource_names_its_box_and_line(client, actions, resources, where):
    data = {"actions": actions, "resources": resources}
    alert = error_in_results(client.post("/sandbox/batch/", data)).text
    assert where in alert and "request." not in alert, alert


@pytest.mark.parametrize(
    ("actions", "resources", "said"),
    [
        ("", "*", "Actions: give at least one action, one a line, such as s3:GetObject."),
        (" \n , \n", "", "Actions: give at least one action, one a line, such as s3:GetObject."),
        ("s3:GetObject\n" * 501, "*", "Actions: 501 listed; the most is 500."),
        ("s3:GetObject", "arn:aws:s3:::a\n" * 501, "Resources: 501 listed; the most is 500."),
        (
            "s3:Get*\niam:*",
            "arn:aws:s3:::a\narn:aws:s3:::b",
            "actions × 2 resources make",
        ),
        ("s3:*\nec2:*", "*", "actions × 1 resource make"),  # was "1 resources"
    ],
)
def test_an_empty_or_too_long_batch_is_said_in_the_pages_words(client, actions, resources, said):
    """An empty Actions box answered "request.actions must be a non-empty list", and too many
    lines "request.actions lists 501 entries" or "request: … make 494 requests": the engine's
    names for the boxes, which the page calls Actions and Resources."""
    data = {"identity": READ_REPORTS, "actions": actions, "resources": resources}
    alert = " ".join(error_in_results(client.post("/sandbox/batch/", data)).text.split())
    assert said in alert and "request" not in alert.replace("requests", ""), alert


def test_a_too_long_box_is_refused_at_the_engines_own_limit(client, monkeypatch):
    """The page says the engine's refusal in its words, and does not check the limit again
    itself: the limit is the engine's alone (`simulate.MAX_LIST`)."""
    monkeypatch.setattr(simulate_module, "MAX_LIST", 3)
    data = {"identity": READ_REPORTS, "actions": "s3:GetObject\n" * 4, "resources": "*"}
    alert = " ".join(error_in_results(client.post("/sandbox/batch/", data)).text.split())
    assert "Actions: 4 listed; the most is 3." in alert, alert
    data["actions"] = "s3:GetObject\ns3:PutObject\ns3:DeleteObject"
    assert len(rows(client.post("/sandbox/batch/", data).content)[1]) == 3


@pytest.mark.parametrize("url", ["/sandbox/batch/", "/sandbox/summary/"])
def test_a_bad_principal_is_named_as_the_page_labels_it(client, url):
    alert = error_in_results(client.post(url, {"principal": "nope"})).text
    assert alert.startswith("Principal: ") and "request." not in alert, alert


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
    assert "new policy" in error_in_results(response).text


def test_a_fresh_page_starts_from_the_starter_policy(client):
    soup = BeautifulSoup(client.get("/sandbox/batch/").content, "html.parser")
    assert '"s3:GetObject"' in soup.find("textarea", id="identity-0-text").text


def test_summary_action_opens_the_single_request_on_its_resource(client):
    put = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})
    soup = BeautifulSoup(client.post("/sandbox/summary/", {"identity": put}).content, "html.parser")
    link = soup.find(id="results").find("details").find("a")
    action, resource, _ = opened(client, link)
    assert action == "s3:PutObject" and resource.startswith("arn:aws:s3:::up/")


# --- policy sets: several identity policies, SCP levels, a session policy --------------------

ALLOW_ALL = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
READ_S3 = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
PUT_UPLOADS = policy(
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"},
    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
)


def results(response):
    return BeautifulSoup(response.content, "html.parser").find(id="results")


def test_add_buttons_reshape_the_form_without_js_and_keep_what_was_typed(client):
    page = client.post("/sandbox/summary/", {"identity-0-text": READ_S3, "op": "add-identity"})
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("textarea", id="identity-0-text").text.strip() == READ_S3
    assert soup.find("textarea", id="identity-1-text") is not None
    assert soup.find("label", attrs={"for": "identity-1-text"}).text.strip() == "Identity policy 2"
    assert "The summary appears here." in results(page).text  # reshaping evaluates nothing
    page = client.post(
        "/sandbox/summary/",
        {"identity-0-text": READ_S3, "scp-0-0": ALLOW_ALL, "op": "add-scp-level"},
    )
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("textarea", id="scp-0-0").text.strip() == ALLOW_ALL
    assert soup.find("label", attrs={"for": "scp-1-0"}).text.strip() == "SCP 1 at level 2"
    page = client.post(
        "/sandbox/summary/",
        {"identity-0-text": READ_S3, "identity-1-text": PUT_UPLOADS, "op": "remove-identity:0"},
    )
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("textarea", id="identity-0-text").text.strip() == PUT_UPLOADS
    assert soup.find("textarea", id="identity-1-text") is None


def test_a_reshaping_button_with_htmx_gets_the_whole_form(client):
    page = client.post(
        "/sandbox/batch/",
        {"identity-0-text": READ_S3, "op": "add-identity"},
        HTTP_HX_REQUEST="true",
    )
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("form", id="analysis-form")
    assert form is not None and form.find("textarea", id="identity-1-text") is not None
    button = form.find("button", attrs={"value": "add-identity"})
    assert button["hx-select"] == "#analysis-form" and button["hx-target"] == "#analysis-form"


def test_summary_reads_every_policy_of_the_set(client):
    """Two identity policies add up; the boundary, the session policy and the second SCP level
    each take away; every 'not allowed' group names its step or statement."""
    response = client.post(
        "/sandbox/summary/",
        {
            "identity-0-text": READ_S3,
            "identity-1-text": PUT_UPLOADS,
            "scp-0-0": ALLOW_ALL,
            "scp-1-0": policy(
                {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Put*"], "Resource": "*"}
            ),
            "session_policy": policy(
                {"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject"], "Resource": "*"}
            ),
            "services": "s3",
        },
    )
    found = results(response)
    levels = {r[0]: r[1] for r in rows(response.content)[1]}
    assert levels["Write"] == "Partly"
    assert levels["List"] == "Not at all"  # the session policy does not allow s3:List*
    allowed = found.find("details", class_="summary-allowed")
    get = allowed.find("a", string="s3:GetObject").find_parent("tr").get_text(" ", strip=True)
    assert "on every resource" in get
    put = allowed.find("a", string="s3:PutObject").find_parent("tr").get_text(" ", strip=True)
    assert "arn:aws:s3:::uploads/*" in put and "Identity-based policy 2" in put
    denied = found.find("details", class_="summary-denied").get_text(" ", strip=True)
    assert "Session policy" in denied  # s3:ListBucket: the session policy allows no List
    assert "NoDeletes" in denied  # s3:DeleteObject: the Deny statement
    assert "level 2" in denied  # s3:DeleteBucket etc.: the second SCP level
    assert "resource-based policy" in found.find(class_="considered").text


def test_what_can_this_role_do_in_s3_explained(client):
    """Done when (issue 16): the summary filtered to S3, each allowed action with the statement
    that allows it, each action opening its one request explained."""
    response = client.post(
        "/sandbox/summary/",
        {"identity-0-text": READ_S3, "identity-1-text": PUT_UPLOADS, "services": "s3"},
    )
    found = results(response)
    assert [c.text for c in found.find_all("caption") if "(" in c.text] == ["Amazon S3 (s3)"]
    allowed = found.find("details", class_="summary-allowed")
    get = allowed.find("a", string="s3:GetObject").find_parent("tr").get_text(" ", strip=True)
    assert "on every resource" in get and "allowed by Identity-based policy 1" in get
    action, resource, _ = opened(client, allowed.find("a", string="s3:GetObject"))
    assert (action, resource) == ("s3:GetObject", "*")


def test_which_of_these_40_actions_are_denied_and_by_what(client):
    """Done when (issue 16): 40 actions in a batch, filtered to the denied ones; each row names
    the deciding statement or step, and opens the one request."""
    from srm_trainer.iam import catalog

    named = ["s3:DeleteObject", "s3:PutObject"]
    actions = [a for a in catalog.actions("s3") if a not in named][:38] + named
    assert len(actions) == 40
    data = {
        "identity-0-text": READ_S3,
        "identity-1-text": PUT_UPLOADS,
        "boundary": policy({"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}),
        "actions": "\n".join(actions),
        "resources": "arn:aws:s3:::uploads/a.txt",
    }
    every = rows(client.post("/sandbox/batch/", data).content)[1]
    assert len(every) == 40
    explicit = rows(client.post("/sandbox/batch/", {**data, "decision": "ExplicitDeny"}).content)
    assert [r[0] for r in explicit[1]] == ["s3:DeleteObject"]
    assert "NoDeletes" in explicit[1][0][3] and "Explicit deny" in explicit[1][0][4]
    soup, implicit = rows(
        client.post("/sandbox/batch/", {**data, "decision": "ImplicitDeny"}).content
    )
    assert implicit and all(r[2] == DECISIONS["ImplicitDeny"] for r in implicit)
    assert all("Identity-based policies" in r[4] for r in implicit)  # the deciding step, in words
    link = soup.find(id="results").find("tbody").find("a")
    action, resource, _ = opened(client, link)
    assert (action, resource) == (implicit[0][0], "arn:aws:s3:::uploads/a.txt")


def test_what_does_this_new_policy_add_with_sets(client):
    """Done when (issue 16): the new side adds a second identity policy; the change names the
    statement that brings it, and a resource it is allowed on."""
    response = client.post(
        "/sandbox/compare/",
        {
            "old-identity-0-text": READ_S3,
            "new-identity-0-text": READ_S3,
            "new-identity-1-text": PUT_UPLOADS,
            "new-scp-0-0": ALLOW_ALL,
            "services": "s3",
        },
    )
    found = results(response)
    gained, lost = found.find_all("table")
    row = gained.find("a", string="s3:PutObject").find_parent("tr").get_text(" ", strip=True)
    assert "arn:aws:s3:::uploads/*" in row and "Identity-based policy 2" in row
    assert "None." in lost.text
    assert [a.text for a in gained.find("tbody").find_all("a")] == ["s3:PutObject"]


NO_GET = policy({"Sid": "NoGet", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})


@pytest.mark.parametrize("url", ["/sandbox/batch/", "/sandbox/summary/"])
def test_a_statement_is_named_by_its_editor_when_an_earlier_one_is_empty(client, url):
    """The case leaves an emptied editor out, and the engine numbers the policies after it one
    lower: these pages named Identity policy 3's statements "Identity-based policy 2"."""
    data = {"identity-0-text": "", "identity-1-text": READ_S3, "identity-2-text": NO_GET}
    data |= {"scp-0-0": "", "scp-0-1": ALLOW_ALL}
    data |= {"actions": "s3:GetObject\ns3:PutObject", "resources": "*", "services": "s3"}
    text = results(client.post(url, data)).get_text(" ", strip=True)
    assert "Identity-based policy 3, statement 1 “NoGet” (Deny)" in text
    assert "Identity-based policy 1" not in text and "policy 1)" not in text


def test_a_compared_statement_is_named_by_its_sides_editor(client):
    """Each side numbered as its own editors are: a loss names the old side's, a gain the new's."""
    data = {"old-identity-0-text": "", "old-identity-1-text": READ_S3, "services": "s3"}
    data |= {f"new-identity-{i}-text": "" for i in range(2)} | {"new-identity-2-text": PUT_UPLOADS}
    gained, lost = results(client.post("/sandbox/compare/", data)).find_all("table")
    assert "allowed by Identity-based policy 3, statement 1 (Allow)" in gained.get_text(" ")
    assert "allowed by Identity-based policy 2, statement 1 (Allow)" in lost.get_text(" ")
    assert "Identity-based policy 1" not in gained.get_text(" ") + lost.get_text(" ")


def test_compare_labels_its_two_sets_apart(client):
    soup = BeautifulSoup(client.get("/sandbox/compare/").content, "html.parser")
    labels = [label.text.strip() for label in soup.select("label[for$='identity-0-text']")]
    assert labels == ["Old: Identity policy 1", "New: Identity policy 1"]
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_compare_error_names_the_side_and_the_policy(client):
    response = client.post(
        "/sandbox/compare/",
        {
            "old-identity-0-text": READ_S3,
            "new-identity-0-text": READ_S3,
            "new-identity-1-text": '{"Statement": [',
        },
    )
    alert = results(response).select_one(".decision-error").text
    # Capitalised where it starts the message, as the one-request sandbox says it.
    assert alert.strip().startswith("New side, identity policy 2") and "line 1" in alert


def test_summary_error_names_the_scp_level(client):
    response = client.post(
        "/sandbox/summary/",
        {"identity-0-text": READ_S3, "scp-0-0": ALLOW_ALL, "scp-1-0": '{"Statement": 5}'},
    )
    assert "SCP 1 at level 2" in results(response).select_one(".decision-error").text


def test_summary_error_starts_with_the_policy_label_capitalised(client):
    """The one-request sandbox says "Identity policy 1, line 1, …"; the summary page says it
    the same way, not "identity policy 1" in lower case at the start of the message."""
    response = client.post("/sandbox/summary/", {"identity-0-text": '{"Statement": ['})
    alert = results(response).select_one(".decision-error").text.strip()
    assert alert.startswith("Identity policy 1") and "line 1" in alert


def test_a_notaction_allow_is_said_to_reach_past_the_services_listed(client):
    """`Allow NotAction iam:*` with an s3 statement beside it: only s3 is summarised by
    default, so the page says the NotAction allows more and how to see it (Services: `*`)."""
    policy = (
        '{"Version": "2012-10-17", "Statement": ['
        '{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},'
        '{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
    )
    found = results(client.post("/sandbox/summary/", {"identity-0-text": policy}))
    note = found.select_one(".every-service-note")
    assert note is not None and "NotAction" in note.text
    assert note.find("a", href="#services").text == "Services"
    assert [c.text for c in found.find_all("caption")][0].endswith("(s3)")


def test_summary_of_every_service_is_one_overview_table(client):
    """`*` summarises the whole catalogue within one answer: one row per service; naming a few
    services brings back each one's table, actions and reasons, listed within MAX_LISTED."""
    from srm_trainer.sandbox.analysis import MAX_LISTED

    response = client.post("/sandbox/summary/", {"identity-0-text": ALLOW_ALL, "services": "*"})
    found = results(response)
    (overview,) = found.find_all("table")
    body = overview.find("tbody").find_all("tr")
    assert len(body) > 400
    s3 = next(tr for tr in body if tr.th.text == "Amazon S3 (s3)")
    assert [td.text for td in s3.find_all("td")] == ["Fully"] * 5
    assert "Name at most 20 services" in found.text
    several = results(
        client.post(
            "/sandbox/summary/", {"identity-0-text": ALLOW_ALL, "services": "ec2\nsagemaker"}
        )
    )
    assert len(several.find_all("table", class_="summary-table")) == 2
    assert len(several.select("details.summary-allowed tbody tr")) == MAX_LISTED
    assert "Too many to list" in several.text


def test_rows_are_not_links_when_the_policies_are_too_long_for_one(client):
    """A policy set whose link would pass a server's request-line limit: the table still comes,
    its rows plain text (the one-request sandbox can open the case as a file)."""
    import random

    rng = random.Random(16)

    def long():
        return policy(
            *(
                {
                    "Sid": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(60)),
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{rng.getrandbits(128):x}/*",
                }
                for _ in range(95)
            )
        )

    response = batch_of(client, long(), long())
    soup, table = rows(response.content)
    body = soup.find(id="results").find("tbody")
    assert len(table) == 2 and not body.find("a") and not body.find("button")


def batch_of(client, *identity):
    policies = {f"identity-{i}-text": text for i, text in enumerate(identity)}
    return client.post(
        "/sandbox/batch/",
        {**policies, "actions": "s3:GetObject\ns3:PutObject", "resources": "*"},
    )


@pytest.mark.parametrize("wider", ["old", "new"])
def test_each_side_of_a_compare_is_encoded_once_and_its_rows_open_that_side(
    client, monkeypatch, wider
):
    """The rows of what a side allows alone link that side's policies; each side is encoded
    into a link once for its rows (the old side was encoded again for each lost row)."""
    from srm_trainer.sandbox import analysis

    encoded = []
    real = analysis.encode_permalink
    monkeypatch.setattr(analysis, "encode_permalink", lambda s: encoded.append(s) or real(s))
    narrow = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    sides = (
        {"old": ALLOW_ALL, "new": narrow} if wider == "old" else {"old": narrow, "new": ALLOW_ALL}
    )
    response = client.post(
        "/sandbox/compare/",
        {
            "old-identity-0-text": sides["old"],
            "new-identity-0-text": sides["new"],
            "services": "s3",
        },
    )
    gained, lost = results(response).find_all("table")
    table = lost if wider == "old" else gained
    links = table.find("tbody").find_all("a")
    assert len(links) > 50 and "None." in (gained if wider == "old" else lost).text
    assert len(encoded) == 1 and encoded[0].identity[0].text == ALLOW_ALL
    action, resource, text = opened(client, links[-1])
    assert action == links[-1].text and text == ALLOW_ALL


def test_a_change_names_the_wider_sides_resources_and_conditions(client):
    """Each changed action shows where and when the wider side allows it: the old side's
    condition for an action the new side takes away, the new side's bucket for one it adds."""
    old = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    new = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})
    data = {"old-identity-0-text": old, "new-identity-0-text": new, "services": "s3"}
    gained, lost = results(client.post("/sandbox/compare/", data)).find_all("table")

    def cells(table, action):
        return [td.text for td in table.find("code", string=action).find_parent("tr")("td")]

    assert cells(gained, "s3:PutObject")[3] == "arn:aws:s3:::up/*"
    assert cells(lost, "s3:GetObject")[3].endswith("— when Bool aws:SecureTransport true")


def test_every_wide_table_is_a_named_keyboard_stop(client):
    """The analysis tables are wider than a phone: each scrolls in a box a keyboard can stop on
    and a screen reader names after what it holds, like the app's other wide tables (the
    crawls never open a result, so they do not see these)."""
    put = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})
    pages = {
        "summary of s3": client.post("/sandbox/summary/", {"identity": put}),
        "overview": client.post(
            "/sandbox/summary/", {"identity-0-text": ALLOW_ALL, "services": "*"}
        ),
        "batch": batch(client),
        "compare": client.post("/sandbox/compare/", {"old": READ_REPORTS, "new": put}),
    }
    names = []
    for page, response in pages.items():
        boxes = results(response).select(".table-scroll")
        assert boxes, page
        for box in boxes:
            assert box.get("tabindex") == "0" and box.get("role") == "group", (page, box.attrs)
            names.append(box.get("aria-label", ""))
    assert all(name.endswith(" (scrolls sideways)") for name in names), names
    assert "Amazon S3 (scrolls sideways)" in names
    assert "Actions allowed in s3 (scrolls sideways)" in names
    assert "Every service summarised (scrolls sideways)" in names
    assert "Decisions (scrolls sideways)" in names


def test_a_bad_action_is_named_once_with_its_place(client):
    """The engine's message names its place ("request.actions[1] must be …"): it was said twice,
    "request.actions[1]: request.actions[1] must be …"."""
    response = client.post(
        "/sandbox/batch/", {"identity": READ_REPORTS, "actions": "s3:GetObject\nnot an action"}
    )
    alert = error_in_results(response).text
    assert alert.count("Actions, line 2") == 1, alert


IAM_READS_WITH_MFA = policy(
    {
        "Effect": "Allow",
        "Action": "iam:Get*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    }
)


def test_summary_lists_each_reason_for_not_allowed_once(client):
    """The IAM actions the engine evaluates apart (its built-in rules name some of them) were
    listed as 17 lines of the very same sentence ("1 action: … implicit deny"): the actions a
    learner reads the same reason for are one line."""
    response = client.post(
        "/sandbox/summary/", {"identity-0-text": IAM_READS_WITH_MFA, "services": "iam"}
    )
    denied = results(response).find("details", class_="summary-denied")
    lines = [li.find("strong").find_next_sibling(string=True) for li in denied.find_all("li")]
    reasons = [
        li.get_text(" ", strip=True).split(":", 1)[1].split("(")[0] for li in denied.find_all("li")
    ]
    assert lines and len(reasons) == len(set(reasons)), reasons


def test_batch_says_a_conditional_allow_does_not_apply_without_its_keys(client):
    """The batch sends no request context, so an Allow that needs aws:MultiFactorAuthPresent
    decides nothing there (implicit deny); its note said such an Allow "counts as partial",
    which only the summary does."""
    response = client.post(
        "/sandbox/batch/",
        {"identity-0-text": IAM_READS_WITH_MFA, "actions": "iam:GetUser", "resources": "*"},
    )
    found = results(response)
    (row,) = rows(response.content)[1]
    assert row[2].startswith("Implicit deny")
    note = found.find(class_="considered").get_text(" ", strip=True)
    assert "partial" not in note
    assert "condition" in note and "one-request sandbox" in note


def test_batch_names_the_allow_that_missed_on_a_condition(client):
    """An implicit deny whose Allow matched the action but not its condition said only "no
    identity-based or resource-based policy allows the request": the row names that Allow and
    the key it needs, as the one-request sandbox does."""
    response = client.post(
        "/sandbox/batch/",
        {"identity-0-text": IAM_READS_WITH_MFA, "actions": "iam:GetUser\niam:CreateUser"},
    )
    _, found = rows(response.content)
    by_action = {row[0]: row for row in found}
    get_user = by_action["iam:GetUser"][4]
    assert "Identity-based policy 1, statement 1 (Allow)" in get_user
    assert "aws:MultiFactorAuthPresent" in get_user
    assert "statement 1" not in by_action["iam:CreateUser"][4]  # its action was not matched


GET_REPORTS = policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"})


def test_summary_grants_only_what_the_resource_can_name(client):
    """QA report (AWS's resource-type rule): `s3:Get*` on `arn:aws:s3:::reports/*` allows the
    object reads; the bucket, access-point and account reads are listed as not allowed, with a
    note and a reason a learner can read."""
    response = client.post("/sandbox/summary/", {"identity": GET_REPORTS})
    found = results(response)
    allowed = found.find("details", class_="summary-allowed").get_text(" ", strip=True)
    assert "s3:GetObject" in allowed
    for action in ("s3:GetBucketAcl", "s3:GetAccessPoint", "s3:GetAccountPublicAccessBlock"):
        assert action not in allowed
    note = found.find(class_="unfit-note").get_text(" ", strip=True)
    assert "Not granted, although an Action pattern names them" in note
    assert "arn:aws:s3:::reports/*" in note and 'Resource "*"' in note
    denied = found.find("details", class_="summary-denied").get_text(" ", strip=True)
    assert "cannot name any resource of a type this action acts on" in denied


def test_compare_lists_only_the_actions_the_new_resource_can_grant(client):
    old = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports"})
    response = client.post("/sandbox/compare/", {"old": old, "new": GET_REPORTS})
    soup = BeautifulSoup(response.content, "html.parser")
    gained = soup.find_all("table")[0]
    actions = [th.get_text(strip=True) for th in gained.find("tbody").find_all("th")]
    assert "s3:GetObject" in actions
    assert not {"s3:GetBucketAcl", "s3:GetAccessPoint", "s3:GetAccountPublicAccessBlock"} & set(
        actions
    )
    note = soup.select_one("#results .unfit-note").get_text(" ", strip=True)
    assert "s3:GetAccessPoint" in note and "arn:aws:s3:::reports/*" in note


def test_no_note_when_every_named_action_can_be_granted(client):
    response = client.post("/sandbox/summary/", {"identity": READ_REPORTS})
    assert results(response).find(class_="unfit-note") is None


BROKER = "arn:aws:iam::111122223333:user/broker"


def federated_batch(client, **changes):
    data = {
        "principal": "arn:aws:sts::111122223333:federated-user/Carol",
        "federated_by": BROKER,
        "identity-0-text": "",
        "resource_policy": policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": BROKER},
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::reports/*",
            }
        ),
        "session_policy": policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
        "actions": "s3:GetObject\ns3:PutObject",
        "resources": "arn:aws:s3:::reports/q1.csv",
    }
    data.update(changes)
    return client.post("/sandbox/batch/", data)


def test_batch_takes_the_iam_user_who_created_a_federated_session(client):
    """The grant to broker reaches Carol's session as far as the session policy allows."""
    response = federated_batch(client)
    soup, table = rows(response.content)
    decisions = [" ".join(row) for row in table]
    assert "Allowed" in decisions[0] and "Implicit deny" in decisions[1], decisions
    field = soup.find(id="federated-by-field")
    assert not field.has_attr("hidden") and soup.find(id="federated_by")["value"] == BROKER
    assert (
        soup.find("label", attrs={"for": "federated_by"})
        .get_text(" ", strip=True)
        .startswith("Created by (IAM user)")
    )
    # each row's link opens the one-request sandbox with the same creator
    link = soup.find(id="results").find("tbody").find("a")["href"]
    assert BROKER in client.get(link).content.decode()


def test_batch_hides_created_by_for_other_callers_and_names_it_in_errors(client):
    fresh = BeautifulSoup(client.get("/sandbox/batch/").content, "html.parser")
    assert fresh.find(id="federated-by-field").has_attr("hidden")
    alert = error_in_results(
        federated_batch(client, principal="arn:aws:iam::111122223333:user/alice")
    ).text
    assert "Created by (IAM user) goes only with a federated user principal" in alert, alert
    assert "request." not in alert


def _conditional(action: str, tag: str, size: int = 10_000) -> str:
    """An Allow of `action` under one condition of as many values as `size` characters hold:
    each row of its actions repeats them all."""
    values: list[str] = []
    length = 2  # json.dumps(values), counted as it grows: "[]", each value and ", " between
    while length < size:
        value = f"{tag}{len(values)}"
        length += len(json.dumps(value)) + (2 if values else 0)
        values.append(value)
    condition = {"ForAnyValue:StringLike": {"aws:PrincipalTag/team": values}}
    return policy({"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition})


@pytest.mark.parametrize(
    ("url", "form"),
    [
        (
            "/sandbox/compare/",
            {
                "old-identity-0-text": READ_REPORTS,
                **{f"new-identity-{i}-text": _conditional("*", t) for i, t in enumerate("abc")},
                "services": "*",
            },
        ),
        (
            "/sandbox/summary/",
            {
                **{f"identity-{i}-text": _conditional("*", t) for i, t in enumerate("abc")},
                "services": "ec2",
            },
        ),
    ],
)
def test_a_page_lists_the_rows_that_fit_and_counts_the_rest(client, url, form):
    """Three such policies (64 KB) made a 15.9 MB page of 400 rows (0.5-0.6 s; these, 60 KB
    urlencoded, 9 MB); now the rows
    stop at `MAX_LISTED_CHARS` of their words, and the table says how many there are."""
    from srm_trainer.sandbox.analysis import MAX_LISTED_CHARS

    body = urlencode(form)
    assert len(body) < 64 * 1024
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert len(response.content) < MAX_LISTED_CHARS * 1.5
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    listed = soup.select("#results table.why-table tbody tr, #results table.diff-table tbody tr")
    assert 0 < len(listed) < 400
    told = soup.select_one(
        "#results table.diff-table caption, #results details.summary-allowed summary"
    )
    assert int(told.get_text().rsplit("(", 1)[1].split(")")[0].replace(",", "")) > 400
