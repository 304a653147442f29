"""What the case editor and its live result need to be drawn, wherever they are used.

The sandbox page and the policy-question editor (/teach/) show the same editors, findings and
step-by-step explanation (`templates/sandbox/case_editor.html`); each page says where the
editors' buttons post (`url`), which element a reshaping button swaps (`target`) and what every
field name starts with (`prefix`, so the editors can sit inside another form).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from srm_trainer import drawn_parts
from srm_trainer.kept_fragments import kept_drawing
from srm_trainer.sandbox.live import Analysis, Note, PolicyRow, ReasonRow, StatementRow, analyse
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
    folded: bool = False,
) -> dict:
    """`oob`: a live update, whose notes and hints are swapped in beside their editors.
    `analysis` may be given when the caller already evaluated `state`; `link=False` offers no
    permalink (for a state refused as too large). `folded`: the result on a page where it
    serves something else (the question editor's key): the decision and what decided it in
    view, the steps folded, no diagram and no permalink (none is made)."""
    return {
        "state": state,
        "layout": page_layout(state),
        "analysis": analysis if analysis is not None else analyse(state),
        "permalink": permalink(request, state) if link and not folded else "",
        "result_folded": folded,
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
    return _link(request.build_absolute_uri(reverse("sandbox")), state)


def _link(sandbox_uri: str, state: SandboxState) -> str:
    """`permalink` from the sandbox's absolute address: a token is URL-safe base64, which the
    address adds to as it is (what `build_absolute_uri` of the whole link gives)."""
    token = encode_permalink(state)
    if len(token) > MAX_PERMALINK_CHARS:
        return ""
    return f"{sandbox_uri}?case={token}"


EDITOR_PARTS = ("request", "policies", "live")


def drawn_editors(
    request: HttpRequest, state: SandboxState, *, url: str, target: str
) -> Mapping[str, SafeString]:
    """The case editor's request and policy fieldsets and its live result for `state`, as the
    sandbox page opens them (`case_editor_context`, unprefixed, not a live update), drawn from
    the same templates and kept per process for the states that repeat: the presets, the links
    people share, and the example (the same within a second: it shows the time AWS would
    send). Drawing them was ~2.5 ms of the page's ~5 ms.

    What is drawn depends only on the key: the state (from which the analysis, layout,
    limits and permalink follow), where the buttons post, the sandbox's absolute address (the
    permalink carries the host), the script prefix, URLconf and language (the addresses and
    words in it) and the compiled templates (a development server's template reload compiles
    new ones). The permalink is made only when drawing: compressing the case on every
    opening only to look the drawing up cost up to ~0.7 ms."""
    return _drawn(
        state,
        url,
        target,
        request.build_absolute_uri(reverse("sandbox")),
        drawn_parts.partials("sandbox/case_editor.html", EDITOR_PARTS),
        *drawn_parts.where(),
    )


# The presets (the course ships 35), the example (another drawing each second: it shows the time)
# and the links people share. Kept for 32, going through the presets drew each afresh, and each
# second's example pushed out a preset. An entry is ~20 KB of HTML: ~2.5 MB at most.
@lru_cache(maxsize=128)
def _drawn(state, url, target, sandbox_uri, templates, *_where) -> Mapping[str, SafeString]:
    context = {
        "state": state,
        "layout": page_layout(state),
        "analysis": analyse(state),
        "permalink": _link(sandbox_uri, state),
        "result_folded": False,
        "oob": False,
        "limits": limits(state),
        "case_url": url,
        "case_target": target,
        "case_prefix": "",
    }
    return drawn_parts.draw(EDITOR_PARTS, templates, context)


# A live update swaps every editor's notes (sandbox.html#live): the request's four, and one per
# policy editor, up to ~130. Notes are drawn from what they say, so most are kept between
# updates (typing changes one editor's). An entry is 0.1-15 KB: at most ~4 MB.
NOTES_KEPT = 256


def drawn_notes(analysis: Analysis, ids: list[str]) -> list[str]:
    """Each editor's notes as a live update swaps them in (`case_editor.html#notes`, out of
    band), kept by what they say: drawing them was half of drawing a live result, and all
    but the editor being typed in say what they said the update before."""
    notes = analysis.notes
    return [
        _notes(editor, tuple([_said(note) for note in notes.get(editor, ())])) for editor in ids
    ]


def _said(note: Note) -> tuple:
    """A note as plain values, a key (kept_fragments.key_of; a message marked safe is another
    key than the same text unmarked, as it draws otherwise)."""
    return (note.severity, note.message, note.code, note.line, note.column, note.lesson)


@kept_drawing(limit=NOTES_KEPT)
def _notes(editor: str, notes: tuple[tuple, ...]) -> str:
    said = {editor: [Note(*note) for note in notes]} if notes else {}
    context = {"editor": editor, "oob": True, "analysis": {"notes": said}}
    return render_to_string("sandbox/case_editor.html#notes", context)


# The policies a live result lists (sandbox.html#live): as many as there are policy editors.
# An entry is up to ~15 KB (25 statements and their reasons): at most ~4 MB.
POLICIES_KEPT = 256


def drawn_policies(analysis: Analysis) -> list[str]:
    """Each policy's statements in a live result, and why each did or did not apply
    (`case_editor.html#policy_explain`), kept by what they show: drawing them was most of
    drawing a live result once the notes were kept, and a policy not being typed in shows
    what it showed the update before (while the request stays the same)."""
    return [_policy(*_shown(policy)) for policy in analysis.policies]


def _shown(policy: PolicyRow) -> tuple:
    """A policy's rows as plain values, a key (kept_fragments.key_of)."""
    statements = tuple(
        [
            (
                st.editor,
                st.label,
                st.index,
                st.sid,
                st.effect,
                st.line,
                st.applies,
                st.decisive,
                tuple([(r.html, r.lesson) for r in st.reasons]),
                st.more_reasons,
            )
            for st in policy.statements
        ]
    )
    reason = (policy.reason.html, policy.reason.lesson) if policy.reason else None
    return policy.editor, policy.label, policy.result, statements, reason, policy.hidden


@kept_drawing(limit=POLICIES_KEPT)
def _policy(editor, label, result, statements, reason, hidden) -> str:
    rows = tuple(
        [
            StatementRow(
                ed,
                lb,
                index,
                sid,
                effect,
                line,
                applies,
                decisive,
                tuple([ReasonRow(*r) for r in why]),
                more,
            )
            for ed, lb, index, sid, effect, line, applies, decisive, why, more in statements
        ]
    )
    row = PolicyRow(editor, label, result, rows, ReasonRow(*reason) if reason else None, hidden)
    return render_to_string("sandbox/case_editor.html#policy_explain", {"policy": row})
