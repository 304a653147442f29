"""Each teaching editor's check is said in the page's status region (srm_trainer/live_status.py),
a live region in the page frame that htmx never swaps, never by the part it swaps (#lp-check,
#net-check, #route-check, #md-preview), whose whole table would be read out at every pause.
The Markdown preview said nothing at all: an author who pressed "Preview the Markdown" with a
prompt past its 5,000 characters heard nothing of "Not previewed"."""

from __future__ import annotations

import pytest

from teach.forms import Previewed, preview_said
from tests.teach.formdata import page_data
from tests.teach.test_network_editors import HTMX, case_json, flow_case, flow_form, new_url
from tests.teach.test_route_editor import route_form
from tests.test_live_status import assert_not_live, region_of, said

pytestmark = pytest.mark.django_db

TYPED = HTMX | {"HTTP_HX_TRIGGER": "md-preview"}  # htmx names the element that sent it
LONG_PROMPT = "word " * 1001  # 5,005 characters: past the prompt's 5,000


@pytest.mark.parametrize(
    ("kind", "swapped"),
    [
        ("least_privilege", "lp-check"),
        ("flow_decision", "net-check"),
        ("waf_rule", "net-check"),
        ("flow_fix", "net-check"),
        ("route_findings", "route-check"),
        ("single", "md-preview"),
    ],
)
def test_an_editors_page_starts_with_the_status_region_empty_and_its_check_not_live(
    teacher, owned, kind, swapped
):
    quiz, _ = owned
    assert_not_live(region_of(teacher.get(new_url(quiz, kind), follow=True)), swapped)


def test_the_network_check_says_its_verdict_and_a_refusal(teacher, owned):
    quiz, _ = owned
    url, data = flow_form(teacher, quiz, flow_case(), action="check")
    assert said(teacher.post(url, data, **HTMX)) == (
        "The key: The request arrives, but the reply is blocked, blocked at The network ACL edge."
    )
    refused = teacher.post(url, data | {"k-case": case_json(flow_case()) + ","}, **HTMX)
    assert said(refused).startswith("Not ready to save: The case (JSON), line ")
    assert 'class="check-bad"' in refused.content.decode()


def test_the_findings_check_says_its_verdict_and_a_refusal(teacher, owned):
    quiz, _ = owned
    url, data = route_form(teacher, quiz, action="check")
    passing = teacher.post(url, data, **HTMX)
    assert (
        said(passing) == "The model pattern sends exactly the findings that must reach the target."
    )
    assert 'class="check-ok"' in passing.content.decode()
    wrong = teacher.post(url, data | {"k-want": ["ec2-port-probe"]}, **HTMX)
    assert said(wrong).startswith("Not ready to save: The model pattern does not route exactly")


def _preview(teacher, quiz, headers, **fields):
    url = new_url(quiz, "single")
    data = page_data(teacher, url) | {"prompt": "Which is **yours**?", "explanation": "Yours."}
    return teacher.post(url, data | fields | {"action": "preview"}, **headers)


def test_the_preview_button_says_the_preview_is_there(teacher, owned):
    quiz, _ = owned
    shown = _preview(teacher, quiz, HTMX)
    assert said(shown) == "Previewed below: the prompt and explanation as learners see them."
    assert "<strong>yours</strong>" in shown.content.decode()


def test_the_preview_button_says_a_prompt_past_its_limit_is_not_previewed(teacher, owned):
    quiz, _ = owned
    refused = _preview(teacher, quiz, HTMX, prompt=LONG_PROMPT)
    assert said(refused) == "Not previewed: the prompt is longer than its 5,000 characters."
    # In the preview's place, drawn as a refusal, with the count the region leaves out.
    assert '<p class="check-bad">Not previewed: the prompt is 5,005 characters long' in (
        refused.content.decode()
    )


def test_typing_previews_quietly_but_says_a_text_past_its_limit(teacher, owned):
    """The preview follows typing with nothing said; a text past its limit is said in words
    that stay the same as typing goes on (the script leaves words the region holds alone), and
    a preview back within the limit empties the region rather than leave the refusal there."""
    quiz, _ = owned
    assert said(_preview(teacher, quiz, TYPED)) == ""
    first = said(_preview(teacher, quiz, TYPED, prompt=LONG_PROMPT))
    assert first == said(_preview(teacher, quiz, TYPED, prompt=LONG_PROMPT + "more "))
    assert first == "Not previewed: the prompt is longer than its 5,000 characters."


@pytest.mark.parametrize("typed", [True, False])
def test_both_texts_past_their_limits_are_said_together(typed):
    preview = {
        "prompt": Previewed("", "Not previewed: …", 5000),
        "explanation": Previewed("", "Not previewed: …", 10000),
    }
    assert preview_said(preview, typed=typed) == (
        "Not previewed: the prompt and the explanation are longer than their 5,000 and 10,000 "
        "characters."
    )
