"""The engine editors' live check ties each problem it lists to the box it is about: the list is
#check-error, each item #check-error-N with `data-field` naming the box's id, which the page's
form names (`data-error-message`) for static/js/lab-fields.js, the labs' own script, to mark
that box `aria-invalid` and described by the item as the check is swapped in, and to unmark it
when the next check lists nothing about it. (tests/e2e/test_teach_network.py watches it happen.)"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.teach.test_engine_editors import ALLOW_ROWS, DENY_ROWS, REPORT, challenge_form
from tests.teach.test_network_editors import (
    case_json,
    challenge,
    fix_form,
    flow_case,
    flow_form,
)
from tests.teach.test_route_editor import route_form

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _listed(response) -> list[tuple[str, str]]:
    """(the box an item is about, its words) for each item of the live check's list."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.select("#check-error > li")
    for n, item in enumerate(found, start=1):
        assert item["id"] == f"check-error-{n}"
    return [(item.get("data-field", ""), item.get_text()) for item in found]


def test_a_case_that_does_not_parse_is_tied_to_its_box(teacher, owned):
    broken = case_json(flow_case()).replace('"port": 80', '"port": 80,', 1)
    url, data = flow_form(teacher, owned[0], broken, action="check")
    [(box, words)] = _listed(teacher.post(url, data, **HTMX))
    assert box == "id_k-case"
    assert "line " in words and "JSON takes no comma after the last item" in words


def test_a_problem_of_the_kind_is_tied_to_the_box_its_path_is_in(teacher, owned):
    ch = challenge()
    ch["must_block"][0]["port"] = 99999
    url, data = fix_form(teacher, owned[0], case_json(ch), action="check")
    listed = _listed(teacher.post(url, data, **HTMX))
    assert listed and all(box == "id_k-challenge" for box, _ in listed)
    url, data = fix_form(teacher, owned[0], challenge(), '{"network_acls": [}', action="check")
    [(box, words)] = _listed(teacher.post(url, data, **HTMX))
    assert box == "id_k-reference" and "line 1" in words


def test_a_case_that_reads_lists_nothing_to_mark(teacher, owned):
    url, data = flow_form(teacher, owned[0], flow_case(), action="check")
    assert _listed(teacher.post(url, data, **HTMX)) == []


def test_a_least_privilege_reference_and_a_requests_context_are_tied_to_their_fields(
    teacher, owned
):
    url, data = challenge_form(
        teacher, owned[0], ALLOW_ROWS, DENY_ROWS, action="check", **{"k-reference": "{"}
    )
    [(box, words)] = _listed(teacher.post(url, data, **HTMX))
    assert box == "id_k-reference" and "line 1, column 2" in words
    # One the engine refuses (it denies the must-allow request) is about the reference too.
    denies = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}'
    url, data = challenge_form(
        teacher, owned[0], ALLOW_ROWS, DENY_ROWS, action="check", **{"k-reference": denies}
    )
    listed = _listed(teacher.post(url, data, **HTMX))
    assert ("id_k-reference", listed[0][1]) == listed[0] and "is not allowed" in listed[0][1]
    rows = [DENY_ROWS[0], ("s3:PutObject", REPORT, '{"aws:SecureTransport": tru}')]
    url, data = challenge_form(teacher, owned[0], ALLOW_ROWS, rows, action="check")
    [(box, words)] = _listed(teacher.post(url, data, **HTMX))
    assert box == "id_deny-1-context" and words.startswith("Must-deny request 2, context")


def test_a_model_pattern_is_tied_to_its_box_and_a_group_of_ticks_to_none(teacher, owned):
    url, data = route_form(
        teacher, owned[0], action="check", **{"k-model": '{\n  "source": ["aws.guardduty",]\n}'}
    )
    [(box, words)] = _listed(teacher.post(url, data, **HTMX))
    assert box == "id_k-model" and "line 2, column 30" in words
    url, data = route_form(teacher, owned[0], action="check", **{"k-samples": [], "k-want": []})
    listed = _listed(teacher.post(url, data, **HTMX))
    assert listed and all(box == "" for box, _ in listed)  # the checkboxes: no one control


@pytest.mark.parametrize("kind", ["flow_decision", "least_privilege", "route_findings"])
def test_the_editor_names_its_list_for_the_labs_script(teacher, owned, kind):
    from django.urls import reverse

    url = reverse("teach:question-create", args=[owned[0].pk, kind])
    page = teacher.get(url, follow=True).content.decode()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("form.question-editor")["data-error-message"] == "check-error"
    assert soup.select_one('script[src$="js/lab-fields.js"]') is not None


@pytest.mark.parametrize(
    "kind,panel",
    [("flow_fix", "net-check"), ("least_privilege", "lp-check"), ("route_findings", "route-check")],
)
def test_the_check_button_swaps_its_panel_with_htmx_and_posts_the_page_without(
    teacher, owned, kind, panel
):
    """With JavaScript, pressing Check reloaded the whole page (focus back at its start)."""
    from django.urls import reverse

    url = reverse("teach:question-create", args=[owned[0].pk, kind])
    soup = BeautifulSoup(teacher.get(url, follow=True).content, "html.parser")
    button = soup.select_one('button[name="action"][value="check"]')
    assert button["hx-target"] == f"#{panel}" and button["hx-swap"] == "innerHTML"
    assert button["hx-post"] == button["formaction"].partition("#")[0]
