"""What a live update says to a screen reader: one status region per page, kept in place.

Screen readers announce changes to a live region that was in the page before the change; a
region that arrives with the swapped HTML (the labs' and the sandbox's results used to carry
their own, replaced on every update) is often not announced at all, and a whole results table
read out on every keystroke is no help either. So the page frame (templates/base.html) holds
one empty, visually hidden status region, `{% live_status_region %}`, outside everything htmx
swaps, and a live update's fragment carries a short sentence for it:

    {% announce %}Decision: {{ analysis.decision|decision_words }}{% endannounce %}

which draws `<p id="live-status" hx-swap-oob="innerHTML">Decision: allowed</p>`: htmx puts its
words into the region (out of band) and leaves the region itself where it was. Each tool words
its sentence once, in a partial of its own page, which only its htmx fragments include (a full
page starts with the region empty). A refused update says nothing there (`{% announce %}
{% endannounce %}`): its alert speaks, and the region no longer holds the last result's words
as if they still applied. An update started by typing whose sentence is the one the region
already says leaves it alone (static/js/live-updates.js): nothing to read out again at every
pause in typing. A page's own status line (role=status) sent again out of band, as the question
bank's count is, keeps the same words whatever started the update. A count that changes with
nearly every answer is no status line at all (the review page's due count): said after each
verdict, it buried it. `{% live_form %}` writes when a tool's form sends its update (the
sandbox's and the labs'). A template builtin
(settings.TEMPLATES).
"""

from __future__ import annotations

from django import template
from django.template.base import NodeList
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

STATUS_ID = "live-status"


@register.simple_tag
def live_status_region() -> SafeString:
    """The page's status region: empty until a live update's `{% announce %}` fills it. A live
    region (aria-live), not role=status: a page's own status message (a form saved, a cohort
    joined) stays the one a screen reader's "read the status" command finds, not this one."""
    return format_html(
        '<p id="{}" class="visually-hidden" aria-live="polite" aria-atomic="true"></p>', STATUS_ID
    )


def announcement(words: str) -> SafeString:
    """`words` (plain text, escaped here) for the page's status region, out of band: what
    `{% announce %}` draws, for a response made without a template (`srm_trainer.htmx`)."""
    return format_html('<p id="{}" hx-swap-oob="innerHTML">{}</p>', STATUS_ID, words)


class AnnounceNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        # The words as one line: a template may lay them out over several for its {% if %}s.
        # The nodelist's output is escaped HTML; spaces between its parts change nothing.
        words = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return announcement(words)


# When a tool's form sends its live update: 300 ms after the last key (each key restarts the
# wait, so a port typed as "443" at a person's pace goes once), and 100 ms after a field is left
# or a choice made (which replaces a wait still running). One request at a time, in order: an
# edit while one is out waits for its answer, and only the newest such edit then goes
# (`queue last`), so an older answer never lands after a newer one; cancelling it instead
# (`replace`) made htmx log an error for each. static/js/live-updates.js skips an update whose
# fields are those of the result on screen, and greys a result that answers fields edited since.
LIVE_FORM = (
    'data-live-form hx-trigger="input delay:400ms, change delay:100ms" hx-sync="this:queue last"'
)


@register.simple_tag
def live_form() -> SafeString:
    """The attributes that make a tool's form update as the learner types (written once for the
    sandbox and the network, WAF and findings labs): `<form ... hx-post=... {% live_form %}>`."""
    return mark_safe(LIVE_FORM)  # noqa: S308


@register.tag
def announce(parser, token) -> AnnounceNode:
    """`{% announce %}words{% endannounce %}`: the words for the page's status region, sent out
    of band with a live update."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% announce %} takes no arguments")
    nodelist = parser.parse(("endannounce",))
    parser.delete_first_token()
    return AnnounceNode(nodelist)
