"""The SRM explorer and the compliance explorer, with and without htmx."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.models import ArtifactSection, ComplianceProgram, Layer, Responsibility, Service
from tests.conftest import make_srm

pytestmark = pytest.mark.django_db


def test_the_explorer_shows_each_layer_coloured_by_owner(client):
    make_srm()
    response = client.get("/learn/srm/?service=ec2")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<td class="owner-customer" role="cell"' in body
    assert "ec2 guest-os reason" in body
    assert "<html" in body  # a whole page without htmx


def test_the_explorer_compares_two_services_side_by_side(client):
    make_srm()
    body = client.get("/learn/srm/?service=ec2&compare=rds").content.decode()
    assert "ec2 guest-os reason" in body and "rds guest-os reason" in body
    assert "compared with Amazon RDS" in body
    assert (
        'tabindex="0" role="group" aria-label="Who secures each layer of Amazon EC2 compared'
        ' with Amazon RDS (scrolls sideways)"' in body
    )
    # On a phone the cells stack under their layer, each named by its service (site.css).
    cells = re.findall(r'<td class="owner-\w+" role="cell" data-label="([^"]+)">', body)
    assert cells[:2] == ["Amazon EC2", "Amazon RDS"]


def test_an_htmx_request_gets_only_the_explorer_partial(client):
    make_srm()
    response = client.get("/learn/srm/?service=rds", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="explorer"')
    assert "<html" not in body
    assert "rds guest-os reason" in body
    assert "HX-Request" in response["Vary"]


def test_the_form_works_without_javascript_and_keeps_the_choice_in_the_url(client):
    make_srm()
    body = client.get("/learn/srm/?service=rds&compare=ec2").content.decode()
    assert '<option value="rds" selected>' in body
    assert 'hx-push-url="true"' in body
    assert 'method="get" action="/learn/srm/"' in body


def test_an_unknown_service_falls_back_with_a_notice(client):
    make_srm()
    response = client.get("/learn/srm/?service=<b>nope</b>")
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is no service called “<bdi>&lt;b&gt;nope&lt;/b&gt;</bdi>”" in body


def test_an_unknown_service_to_compare_with_is_named_not_ignored(client):
    make_srm()
    body = client.get("/learn/srm/?service=rds&compare=<b>nope</b>").content.decode()
    assert (
        "There is no service called “<bdi>&lt;b&gt;nope&lt;/b&gt;</bdi>” to compare with,"
        " so Amazon RDS is shown alone." in body
    )
    assert "rds guest-os reason" in body and "ec2 guest-os reason" not in body
    said = client.get("/learn/srm/?service=rds&compare=nope", headers={"HX-Request": "true"})
    assert "“nope” to compare with, so Amazon RDS is shown alone." in said.content.decode()
    # No comparison chosen (the form's first option) is no unknown service.
    plain = client.get("/learn/srm/?service=rds&compare=").content.decode()
    assert "to compare with" not in plain


def test_comparing_a_service_with_itself_shows_it_once(client):
    make_srm()
    body = client.get("/learn/srm/?service=ec2&compare=ec2").content.decode()
    assert body.count("ec2 guest-os reason") == 1


def test_comparing_a_service_with_itself_is_said(client):
    """The form still reads "Compare with: Amazon EC2" beside EC2's table alone: the page
    and the live update say why there is no second column, not only show one."""
    make_srm()
    body = client.get("/learn/srm/?service=ec2&compare=ec2").content.decode()
    assert "Amazon EC2 compared with itself is Amazon EC2 alone" in body
    live = client.get("/learn/srm/?service=ec2&compare=ec2", headers={"HX-Request": "true"})
    said = live.content.decode()
    assert "compared with itself" in said and "Showing who secures" not in said
    other = client.get("/learn/srm/?service=ec2&compare=rds").content.decode()
    assert "compared with itself" not in other


def test_the_explorer_query_count_does_not_grow_with_services(client):
    make_srm()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/learn/srm/?service=ec2&compare=rds")
        return len(ctx.captured_queries)

    before = count()
    layer = Layer.objects.create(slug="extra", name="Extra", order=9)
    for i in range(5):
        s = Service.objects.create(slug=f"svc-{i}", name=f"Svc {i}", model="m")
        Responsibility.objects.create(service=s, layer=layer, owner="aws", reason="r")
    assert count() == before


# The shipped explorer answers who patches the guest OS: tests/curriculum/test_shipped_load.py,
# which shares one load of the whole course.


def test_the_compliance_explorer_shows_the_split_for_a_program(client):
    section = ArtifactSection.objects.create(
        slug="agreements", name="Artifact Agreements", description="Accept agreements."
    )
    ComplianceProgram.objects.create(
        slug="hipaa",
        name="HIPAA",
        kind="law",
        summary="Health data.",
        aws_provides=["A BAA you can accept."],
        customer_keeps=["Your application's safeguards."],
        artifact_section=section,
        artifact_item="Business Associate Addendum",
    )
    ComplianceProgram.objects.create(
        slug="gdpr",
        name="GDPR",
        kind="law",
        summary="EU data.",
        aws_provides=["DPA."],
        customer_keeps=["Your processing."],
    )
    body = client.get("/learn/compliance/?program=hipaa").content.decode()
    assert "A BAA you can accept." in body
    assert "Your application&#x27;s safeguards." in body
    assert "Business Associate Addendum" in body
    partial = client.get(
        "/learn/compliance/?program=gdpr", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<section id="program"')
    assert "EU data." in partial and "<html" not in partial


def test_explorers_are_get_only(client):
    assert client.post("/learn/srm/").status_code == 405
    assert client.post("/learn/compliance/").status_code == 405


@pytest.mark.parametrize("url", ["/learn/srm/?service=ec2", "/learn/compliance/"])
def test_htmx_restoring_history_gets_the_whole_page(client, url):
    """Back/Forward with htmx: the whole page, or the learner is left with a bare fragment."""
    make_srm()
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    swap = client.get(url, headers={"HX-Request": "true"})
    assert "<html" in restore.content.decode()
    assert "<html" not in swap.content.decode()


def test_the_srm_explorer_calls_a_split_layer_split_and_explains_it(client):
    """Review M5: "shared" in the explorer is not AWS's "shared controls"."""
    from tests.conftest import make_srm

    make_srm()
    body = client.get("/learn/srm/").content.decode()
    assert "Split: AWS does part of this layer, you configure the rest" in body
    assert "shared controls</a>" in body
    assert "Shared between AWS and you" not in body
