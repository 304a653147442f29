"""The sandbox's many-request tools in a browser: "what can this role do in S3?" and "what does
this new policy add?", answered in place by htmx, and accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import policy_editor

pytestmark = pytest.mark.e2e

READ_S3 = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}'
READ_PUT_S3 = (
    '{"Version": "2012-10-17", "Statement": ['
    '{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},'
    ' {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::uploads/*"}]}'
)


def test_what_can_this_role_do_in_s3(page):
    page.goto("/sandbox/")
    page.get_by_role("link", name="Effective permissions").click()
    policy_editor(page, "Identity policy").fill(READ_S3)
    page.get_by_role("button", name="Summarise").click()
    table = page.get_by_role("table", name="Amazon S3 (s3)")
    expect(table.get_by_role("row", name="List")).to_contain_text("Fully")
    expect(table.get_by_role("row", name="Write")).to_contain_text("Not at all")
    assert_accessible(page)


def test_what_does_this_new_policy_add(page):
    page.goto("/sandbox/")
    page.get_by_role("link", name="Compare with…").click()
    policy_editor(page, "Old policy (in force today)").fill(READ_S3)
    policy_editor(page, "New policy").fill(READ_PUT_S3)
    page.get_by_role("button", name="Compare").click()
    gained = page.get_by_role("table", name="Allowed by the new policy, not by the old (1)")
    expect(gained.get_by_role("row", name="s3:PutObject")).to_contain_text("arn:aws:s3:::uploads/*")
    assert_accessible(page)


def test_which_actions_are_denied_and_by_what(page):
    page.goto("/sandbox/batch/")
    page.get_by_label("Actions").fill("s3:GetObject\ns3:PutObject")
    page.get_by_label("Show").select_option("ImplicitDeny")
    page.get_by_role("button", name="Evaluate all").click()
    table = page.locator("#results table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("s3:PutObject")
    table.get_by_role("link", name="s3:PutObject").click()
    expect(page).to_have_url(re.compile(r"/sandbox/\?case="))
    expect(page.locator("#live .decision-word")).to_contain_text("Denied")
    assert_accessible(page)
