"""What the case editor and its live result need to be drawn, wherever they are used.

The sandbox page and the policy-question editor (/teach/) show the same editors, findings and
step-by-step explanation (`templates/sandbox/case_editor.html`); each page says where the
editors' buttons post (`url`), which element a reshaping button swaps (`target`) and what every
field name starts with (`prefix`, so the editors can sit inside another form).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from srm_trainer.sandbox.live import analyse
from srm_trainer.sandbox.state import (
    MAX_CONTEXT_ROWS,
    MAX_IDENTITY_POLICIES,
    MAX_ORG_LEVELS,
    MAX_PERMALINK_CHARS,
    MAX_POLICIES_PER_LEVEL,
    SandboxState,
    encode_permalink,
    page_layout,
)


def case_editor_context(
    request: HttpRequest,
    state: SandboxState,
    *,
    url: str,
    target: str,
    prefix: str = "",
    oob: bool,
    analysis=None,
    link: bool = True,
) -> dict:
    """`oob`: a live update, whose notes and hints are swapped in beside their editors.
    `analysis` may be given when the caller already evaluated `state`; `link=False` offers no
    permalink (for a state refused as too large)."""
    return {
        "state": state,
        "layout": page_layout(state),
        "analysis": analysis if analysis is not None else analyse(state),
        "permalink": permalink(request, state) if link else "",
        "oob": oob,
        "limits": limits(state),
        "case_url": url,
        "case_target": target,
        "case_prefix": prefix,
    }


def limits(state: SandboxState) -> dict:
    """Which "Add" buttons are at their limit: the page says so instead of a button that
    silently does nothing."""
    return {
        "identity": len(state.identity) >= MAX_IDENTITY_POLICIES,
        "context": len(state.context) >= MAX_CONTEXT_ROWS,
        "levels": {
            "scp": len(state.scp_levels) >= MAX_ORG_LEVELS,
            "rcp": len(state.rcp_levels) >= MAX_ORG_LEVELS,
        },
        "max_identity": MAX_IDENTITY_POLICIES,
        "max_context": MAX_CONTEXT_ROWS,
        "max_levels": MAX_ORG_LEVELS,
        "max_per_level": MAX_POLICIES_PER_LEVEL,
    }


def permalink(request: HttpRequest, state: SandboxState) -> str:
    """The sandbox link to this state, or "" when it is longer than a server takes in one
    request line."""
    token = encode_permalink(state)
    if len(token) > MAX_PERMALINK_CHARS:
        return ""
    return request.build_absolute_uri(reverse("sandbox") + "?case=" + token)
