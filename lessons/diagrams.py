"""The course's diagrams, drawn as accessible SVG on the server.

Why generated and not drawn by hand: the SRM stack is read from the same rows the explorer shows,
and the policy-evaluation flow from the engine's own step list, so a picture can never disagree
with the data it illustrates. Every figure carries a <title>, a <desc> and a text alternative a
screen reader (or anyone on a small screen) can read instead. Colours come from CSS classes in
static/css/site.css; there is no style attribute, script or external font anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import hypot
from textwrap import wrap
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from srm_trainer.iam.words import STEP_TITLES

# The four services the SRM lessons follow as the line moves from IaaS to a managed store.
SRM_SERVICES = ("ec2", "rds", "lambda", "s3")
OWNER_WORDS = {"aws": "AWS", "customer": "You", "shared": "Split"}
OWNER_SENTENCE = {
    "aws": "AWS secures it",
    "customer": "you secure it",
    "shared": "split: AWS does part, you configure the rest",
}


@dataclass(frozen=True)
class Drawing:
    """One layout of a figure: its size in viewBox units and its shapes, already escaped."""

    width: int
    height: int
    body: SafeString


# The width of its box (in rem) from which a figure's wide drawing is shown, when it has a narrow
# one: its smallest text is 13 units, so a drawing W units wide needs W × 11/13 px to draw it at
# 11 px or more. Two steps suffice (the widest figures are 790 and 824 units); the CSS's
# container queries (static/css/site.css, `.wide-from-…`) hold the same numbers.
WIDE_FROM_REM = (38, 45)


def wide_from(width: int) -> int:
    """The least of WIDE_FROM_REM at which a drawing `width` units wide reads at 11 px."""
    fits = (rem for rem in WIDE_FROM_REM if width * 11 / 13 <= rem * 16)
    return next(fits, WIDE_FROM_REM[-1])


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    desc: str
    width: int
    height: int
    body: SafeString  # the SVG's drawing, already escaped
    alt: SafeString  # HTML text alternative (a list or a table)
    # The same picture laid out for a phone's width (stacked, labels wrapped), drawn at its own
    # size so its text is never shrunk; the CSS shows one of the two by the box's width.
    narrow: Drawing | None = None

    def _svg(self, ident: str, drawing: Drawing, kind: str) -> SafeString:
        """One <svg>, named by the figure's title and description (a narrow one by its own
        copies of them: an id is used once in a page)."""
        sized = (
            format_html(' width="{}" height="{}"', drawing.width, drawing.height)
            if kind == "narrow"
            else ""
        )
        return format_html(
            '<svg class="diagram-svg{cls}" role="img" viewBox="0 0 {w} {h}"{sized} '
            'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
            cls=f" diagram-{kind}" if kind else "",
            w=drawing.width,
            h=drawing.height,
            sized=sized,
            id=ident if kind != "narrow" else f"{ident}-narrow",
            title=self.title,
            desc=self.desc,
            body=drawing.body,
        )

    def html(self) -> SafeString:
        ident = f"diagram-{self.slug}"
        wide = Drawing(self.width, self.height, self.body)
        if self.narrow is None:
            svgs, steps = self._svg(ident, wide, ""), ""
        else:
            svgs = self._svg(ident, wide, "wide") + self._svg(ident, self.narrow, "narrow")
            steps = f" wide-from-{wide_from(self.width)}"
        return format_html(
            '<figure class="diagram" id="{id}">'
            '<div class="diagram-scroll{steps}" tabindex="0" role="group" aria-label="{title} (scrolls sideways)">'
            "{svgs}</div>"
            "<figcaption><strong>{title}.</strong> {desc}"
            '<details class="diagram-alt"><summary>The diagram in words</summary>{alt}</details>'
            "</figcaption></figure>",
            id=ident,
            title=self.title,
            desc=self.desc,
            steps=steps,
            svgs=svgs,
            alt=self.alt,
        )


def _text(x: float, y: float, words: str, cls: str = "d-label", anchor: str = "middle") -> str:
    return format_html(
        '<text class="{}" x="{}" y="{}" text-anchor="{}">{}</text>', cls, x, y, anchor, words
    )


def _box(x: float, y: float, w: float, h: float, cls: str) -> str:
    return format_html(
        '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="6"></rect>', cls, x, y, w, h
    )


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return _elbow((x1, y1), (x2, y2))


def _elbow(*points: tuple[float, float]) -> str:
    """A line through `points` with a filled head at the last one. The head is drawn, not an
    SVG marker: a marker is found by id, and a figure drawn twice (wide and narrow, one of them
    hidden) would hold the id twice."""
    (ax, ay), (bx, by) = points[-2], points[-1]
    length = hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    base = (bx - ux * 10, by - uy * 10)
    line = [*points[:-1], base]
    head = [(bx, by), (base[0] - uy * 5, base[1] + ux * 5), (base[0] + uy * 5, base[1] - ux * 5)]
    return format_html(
        '<polyline class="d-arrow" points="{}"></polyline><path class="d-head" d="M{}z"></path>',
        _points(line),
        "L".join(_points([p]) for p in head),
    )


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{round(x, 1):g},{round(y, 1):g}" for x, y in points)


def _lines(
    x: float, y: float, lines: Sequence[str], cls: str, anchor: str = "start", step: float = 17
) -> list[str]:
    """One <text> per line, the first line's baseline at y."""
    return [_text(x, y + k * step, line, cls, anchor) for k, line in enumerate(lines)]


def _join(parts: Iterable[str]) -> SafeString:
    """Join already-escaped pieces (each made by format_html) without escaping them twice."""
    return format_html_join("", "{}", ((p,) for p in parts))


def _list(items: Iterable[str]) -> SafeString:
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))


# --- 1. The SRM stack, from the explorer's own rows -----------------------------------------


def srm_cells(
    services: Sequence[str] = SRM_SERVICES, rows=None
) -> tuple[list[Any], list[Any], dict]:
    """(layers, services, {(service slug, layer slug): owner}) from the explorer's kept rows
    (`lessons.explorers.srm_rows`, or `rows` when the caller has them)."""
    from lessons.explorers import srm_rows

    rows = rows or srm_rows()
    by_slug = {s.slug: s for s in rows.services}
    shown = [by_slug[s] for s in services if s in by_slug]
    slug_of = {layer.pk: layer.slug for layer in rows.layers}
    cells = {
        (service.slug, slug_of[layer_id]): cell.owner
        for service in shown
        for (service_id, layer_id), cell in rows.cells.items()
        if service_id == service.pk
    }
    return list(rows.layers), shown, cells


def srm_stack_html() -> SafeString:
    """`srm_stack().html()`, drawn once per version of the SRM rows and kept with them (the
    explorer's page and lessons show it; drawing it read three tables and cost ~1.5 ms)."""
    from lessons.explorers import srm_rows

    rows = srm_rows()
    html = rows.drawn.get("srm-stack")
    if html is None:
        html = rows.drawn["srm-stack"] = srm_stack(rows).html()
    return html


def srm_stack(rows=None) -> Figure:
    layers, services, cells = srm_cells(rows=rows)
    label_w, col_w, row_h, top = 310, 126, 30, 44
    width = label_w + col_w * max(len(services), 1) + 10
    height = top + row_h * len(layers) + 10
    parts = [_text(label_w - 10, 28, "Layer", "d-head-text", "end")]
    for i, service in enumerate(services):
        parts.append(_text(label_w + col_w * i + col_w / 2, 28, service.name, "d-head-text"))
    for j, layer in enumerate(layers):
        y = top + row_h * j
        parts.append(_text(label_w - 10, y + 20, layer.name, "d-small", "end"))
        for i, service in enumerate(services):
            owner = cells.get((service.slug, layer.slug), "")
            x = label_w + col_w * i
            parts.append(
                _box(x + 3, y + 2, col_w - 6, row_h - 4, f"d-owner d-owner-{owner or 'none'}")
            )
            parts.append(_text(x + col_w / 2, y + 20, OWNER_WORDS.get(owner, "?"), "d-small"))
    narrow = _srm_narrow(layers, services, cells)
    names = ", ".join(s.name for s in services)
    alt = []
    for service in services:
        yours = [la.name for la in layers if cells.get((service.slug, la.slug)) == "customer"]
        split = [la.name for la in layers if cells.get((service.slug, la.slug)) == "shared"]
        aws = [la.name for la in layers if cells.get((service.slug, la.slug)) == "aws"]
        alt.append(
            f"{service.name}: you secure {len(yours)} layers ({', '.join(yours) or 'none'}); "
            f"split {len(split)} ({', '.join(split) or 'none'}); "
            f"AWS secures {len(aws)} ({', '.join(aws) or 'none'})."
        )
    return Figure(
        "srm-stack",
        "Who secures each layer, from EC2 to S3",
        f"A grid of the course's layers (a finer split of the boxes in AWS's own diagram), top "
        f"(your data) to bottom (AWS's global infrastructure), with one column each for {names}. "
        f"Each cell says who secures that layer: AWS, You or Split. Moving right, from "
        f"infrastructure to abstracted services, AWS takes over more of the stack.",
        width,
        height,
        _join(parts),
        _list(alt),
        narrow,
    )


def _srm_narrow(layers: Sequence[Any], services: Sequence[Any], cells: Mapping) -> Drawing:
    """The grid for a phone: each layer's name on a line of its own, its cells below it, one
    column per service under the service's name (wrapped)."""
    col_w, left, cell_h, gap = 80, 10, 28, 10
    width = left * 2 + col_w * max(len(services), 1)
    heads = [wrap(service.name, 9) for service in services]
    parts: list[str] = []
    for i, lines in enumerate(heads):
        parts += _lines(left + col_w * i + col_w / 2, 20, lines, "d-head-text", "middle", 18)
    y = 20 + 18 * max((len(lines) for lines in heads), default=1)
    for layer in layers:
        names = wrap(layer.name, 44)
        parts += _lines(left, y + 14, names, "d-small")
        y += 17 * len(names) + 4
        for i, service in enumerate(services):
            owner = cells.get((service.slug, layer.slug), "")
            x = left + col_w * i
            parts.append(_box(x + 3, y, col_w - 6, cell_h, f"d-owner d-owner-{owner or 'none'}"))
            parts.append(_text(x + col_w / 2, y + 19, OWNER_WORDS.get(owner, "?"), "d-small"))
        y += cell_h + gap
    return Drawing(width, y, _join(parts))


# --- 2. AWS's policy-evaluation flow ---------------------------------------------------------

DECIDING = {"deny", "allow", "implicit_deny"}


def deciding_step(steps: Iterable[Mapping[str, Any] | Any]) -> tuple[str, str] | None:
    """(name, outcome) of the step that decided: the last reached step with a final outcome."""
    found = deciding_index(steps)
    return None if found is None else found[1:]


def deciding_index(steps: Iterable[Mapping[str, Any] | Any]) -> tuple[int, str, str] | None:
    """(index, name, outcome) of the step that decided, as `deciding_step`: the index is for a
    caller that also wants the step itself (the sandbox's "decided at step 5"), found in the
    same pass rather than by looking its name up again."""

    def get(step: Any, key: str) -> Any:
        return step.get(key) if isinstance(step, Mapping) else getattr(step, key, None)

    found = None
    for index, step in enumerate(steps):
        outcome = get(step, "outcome_code") or get(step, "outcome")
        if get(step, "reached") is not False and outcome in DECIDING:
            found = (index, get(step, "name"), outcome)
    return found


def policy_flow(decided: str | None = None, outcome: str | None = None) -> Figure:
    """The evaluation steps in the engine's order; `decided` names the step to highlight."""
    names = list(STEP_TITLES)
    box_w, box_h, gap, left = 300, 36, 18, 20
    width = left + box_w + 230
    parts: list[str] = []
    for i, name in enumerate(names):
        y = 10 + i * (box_h + gap)
        cls = "d-step"
        if name == decided:
            cls += f" d-step-decided d-step-{outcome or 'decided'}"
        parts.append(_box(left, y, box_w, box_h, cls))
        parts.append(_text(left + box_w / 2, y + 23, f"{i + 1}. {STEP_TITLES[name]}"))
        if i < len(names) - 1:
            parts.append(_arrow(left + box_w / 2, y + box_h, left + box_w / 2, y + box_h + gap - 1))
        if name == decided:
            parts.append(_arrow(left + box_w + 60, y + box_h / 2, left + box_w + 4, y + box_h / 2))
            parts.append(_text(left + box_w + 66, y + 23, "Decided here", "d-callout", "start"))
    height = 10 + len(names) * (box_h + gap)
    side = left + box_w + 20
    parts.append(_text(side, height - 40, "Any Deny: denied.", "d-small", "start"))
    parts.append(_text(side, height - 22, "No Allow: denied.", "d-small", "start"))
    items = [f"Step {i + 1}: {STEP_TITLES[n]}" for i, n in enumerate(names)]
    if decided in STEP_TITLES:
        items[names.index(decided)] += " (this step decided)"
    desc = (
        "The order in which AWS checks a request: first AWS's built-in rules (a step of this "
        "course's engine, such as actions that need no permission), then any explicit Deny, "
        "resource control policies, service control policies, the resource-based policy, "
        "identity-based policies, a permissions boundary and a session policy. A Deny anywhere "
        "ends it. A step that must allow and does not ends it with an implicit deny; within one "
        "account, an Allow in either the resource-based or the identity-based policy can be "
        "enough."
    )
    if decided in STEP_TITLES:
        desc += f" Highlighted: {STEP_TITLES[decided]}, the step that decided this request."
    return Figure(
        "policy-flow",
        "How AWS evaluates a request",
        desc,
        width,
        height,
        _join(parts),
        _list(items),
        _flow_narrow(names, decided, outcome),
    )


def _flow_narrow(names: Sequence[str], decided: str | None, outcome: str | None) -> Drawing:
    """The steps for a phone: the step that decided says so inside its box (there is no room
    beside it), and the two rules follow the last step. 250 units wide, not 340: the figure is
    also shown inside a quiz's result and the question editor, whose boxes leave it 256 px on a
    390 px phone (226 px on a 360 px one)."""
    box_w, box_h, gap, left = 234, 36, 16, 8
    parts: list[str] = []
    y = 10
    for i, name in enumerate(names):
        cls, h = "d-step", box_h
        if name == decided:
            cls, h = f"d-step d-step-decided d-step-{outcome or 'decided'}", box_h + 20
        parts.append(_box(left, y, box_w, h, cls))
        parts.append(_text(left + box_w / 2, y + 23, f"{i + 1}. {STEP_TITLES[name]}"))
        if name == decided:
            parts.append(_text(left + box_w / 2, y + 44, "Decided here", "d-callout"))
        y += h
        if i < len(names) - 1:
            parts.append(_arrow(left + box_w / 2, y, left + box_w / 2, y + gap - 1))
        y += gap
    parts += _lines(left, y + 8, ["Any Deny: denied.", "No Allow: denied."], "d-small")
    return Drawing(box_w + 2 * left, y + 33, _join(parts))


_PLACE_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def placed(figure: SafeString, slug: str, place: str) -> SafeString:
    """A kept figure's HTML with its ids (the figure's, and its drawings' titles and
    descriptions that name them) made its place's own, "diagram-policy-flow-for-<place>": a page
    may show the figure several times (a lesson's own diagram and each answered prediction's
    "How the engine decided", a quiz result's policy questions), and ids shared between them
    named every copy after the first one in the page, its highlighted step included."""
    place = _PLACE_UNSAFE.sub("", place)
    if not place:
        return figure
    ident = f"diagram-{slug}"
    found = re.compile(rf'(?<=[" ]){re.escape(ident)}(?=[-" ])')
    return SafeString(found.sub(f"{ident}-for-{place}", figure))


@lru_cache(maxsize=32)
def policy_flow_html(decided: str | None = None, outcome: str | None = None) -> SafeString:
    """`policy_flow(decided, outcome).html()`, drawn once per process and key: the figure depends
    on nothing but its two arguments (the step titles are constants), and drawing it costs ~1 ms
    (a quiz's feedback on every answer, the sandbox on every update). The engine's 8 steps × 3
    deciding outcomes, plus none, are 25 keys: the bound holds whatever a caller passes."""
    return policy_flow(decided, outcome).html()


# --- Fixed pictures --------------------------------------------------------------------------


def _layers(slug: str, title: str, desc: str, rows: Sequence[tuple[str, str]]) -> Figure:
    """A vertical stack of labelled bands, each with a one-line note; arrows run downwards."""
    box_w, box_h, gap = 280, 40, 16
    width = box_w + 420
    parts: list[str] = []
    for i, (name, note) in enumerate(rows):
        y = 10 + i * (box_h + gap)
        parts.append(_box(10, y, box_w, box_h, f"d-band d-band-{i % 4}"))
        parts.append(_text(10 + box_w / 2, y + 25, name))
        parts.append(_text(box_w + 24, y + 25, note, "d-small", "start"))
        if i < len(rows) - 1:
            parts.append(_arrow(10 + box_w / 2, y + box_h, 10 + box_w / 2, y + box_h + gap - 1))
    height = 10 + len(rows) * (box_h + gap)
    return Figure(
        slug,
        title,
        desc,
        width,
        height,
        _join(parts),
        _list(f"{name}: {note}" for name, note in rows),
        _layers_narrow(rows),
    )


def _layers_narrow(rows: Sequence[tuple[str, str]]) -> Drawing:
    """The same bands for a phone: each note inside its band, under the band's name."""
    box_w, gap = 320, 16
    parts: list[str] = []
    y = 10
    for i, (name, note) in enumerate(rows):
        names, notes = wrap(name, 34), wrap(note, 40)
        box_h = 14 + 19 * len(names) + 17 * len(notes)
        parts.append(_box(10, y, box_w, box_h, f"d-band d-band-{i % 4}"))
        parts += _lines(22, y + 22, names, "d-label", step=19)
        parts += _lines(22, y + 19 * len(names) + 20, notes, "d-small")
        y += box_h
        if i < len(rows) - 1:
            parts.append(_arrow(10 + box_w / 2, y, 10 + box_w / 2, y + gap - 1))
        y += gap
    return Drawing(box_w + 20, y - gap + 10, _join(parts))


def ddos_layers() -> Figure:
    return _layers(
        "ddos-layers",
        "DDoS defence in layers",
        "Traffic from the internet passes through layers from the edge inwards; each one absorbs "
        "or filters some of an attack before it reaches the instance. AWS Shield is drawn as one "
        "band, but it is not a separate hop: Shield Standard protects the edge and AWS's Regions "
        "automatically, and AWS WAF runs on CloudFront or the Application Load Balancer.",
        [
            ("Internet traffic", "legitimate users and attack traffic alike"),
            ("Edge: CloudFront, Route 53", "many edge locations absorb floods near their source"),
            ("AWS Shield", "Standard: free, automatic, layers 3-4; Advanced: paid, more"),
            ("AWS WAF", "on CloudFront or the ALB: rate-based rules, bad patterns"),
            ("Elastic Load Balancing", "spreads requests; the ALB drops malformed HTTP"),
            ("Network ACL (subnet)", "stateless allow and deny by address"),
            ("Security group (instance)", "stateful, allow rules only"),
            ("The instance", "your application; scale out behind the load balancer"),
        ],
    )


def detection_inputs() -> Figure:
    return _layers(
        "detection-flow",
        "From inputs to findings",
        "Amazon GuardDuty reads logs and Amazon Inspector scans workloads, side by side (one does "
        "not feed the other); both turn what they see into findings that you review and act on.",
        [
            ("Inputs", "logs (CloudTrail, VPC Flow Logs, DNS) and workloads"),
            ("GuardDuty and Inspector", "GuardDuty: threats in logs; Inspector: weaknesses"),
            ("Findings", "each with a severity and the resource involved"),
            ("You act", "fix, block or automate a response"),
        ],
    )


def compliance_evidence() -> Figure:
    return _layers(
        "compliance-evidence",
        "Who provides the evidence",
        "An audit checks both sides of the shared-responsibility line: AWS's reports for what it "
        "runs, and your own records for what you configure.",
        [
            ("Auditor's question", "is this control in place, and since when?"),
            ("AWS's side: AWS Artifact", "AWS's audit reports, free to download"),
            ("Your side: CloudTrail, Config", "records of calls and of configuration"),
            ("Your side: Security Hub, Audit Manager", "checks and evidence per framework"),
        ],
    )


def org_tree() -> Figure:
    """The organization tree; each node shows what is still allowed there."""
    nodes = [
        # (x, y, name, allowed-here, parent index)
        (270, 10, "Root: FullAWSAccess", "everything", None),
        (100, 110, "OU Production", "no leaving the org", 0),
        (440, 110, "OU Sandbox", "no leaving the org", 0),
        (100, 210, "Account: shop-prod", "minus deleting trails", 1),
        (440, 210, "Account: dev-1", "EC2 and S3 only", 2),
    ]
    w, h = 250, 60
    parts: list[str] = []
    for i, (x, y, name, allowed, parent) in enumerate(nodes):
        parts.append(_box(x, y, w, h, f"d-band d-band-{i % 4}"))
        parts.append(_text(x + w / 2, y + 24, name))
        parts.append(_text(x + w / 2, y + 46, f"Allowed: {allowed}", "d-small"))
        if parent is not None:
            px, py = nodes[parent][0], nodes[parent][1]
            parts.append(_arrow(px + w / 2, py + h, x + w / 2, y - 2))
    alt = _list(
        [
            "Root, with AWS's FullAWSAccess SCP: every action is allowed at the top.",
            "OU Production, with FullAWSAccess (attached to every level by default) and an SCP "
            "denying organizations:LeaveOrganization: everything except leaving the organization.",
            "OU Sandbox, with the same two SCPs: everything except leaving the organization.",
            "Account shop-prod, under Production, with FullAWSAccess and an SCP denying "
            "cloudtrail:DeleteTrail: what Production allows, minus deleting trails.",
            "Account dev-1, under Sandbox, where FullAWSAccess is replaced by an SCP allowing "
            "only ec2:* and s3:*: EC2 and S3, and still not leaving the organization.",
        ]
    )
    return Figure(
        "org-tree",
        "SCPs narrow what each level allows",
        "An organization tree: the root, two organizational units and one account under each. "
        "A request must be allowed by the SCPs at every level from the root down to the account, "
        "and a Deny at any level applies below it, so each level can only narrow what the level "
        "above allows. SCPs grant nothing themselves: they cap what the account's own policies "
        "can grant, and they do not apply to the management account.",
        790,
        290,
        _join(parts),
        alt,
        _org_narrow(nodes),
    )


def _org_narrow(nodes: Sequence[tuple[int, int, str, str, int | None]]) -> Drawing:
    """The tree for a phone: indented, each node under its parent, children after it."""

    def below(parent: int | None, depth: int) -> Iterator[tuple[int, int]]:
        for i, node in enumerate(nodes):
            if node[4] == parent:
                yield i, depth
                yield from below(i, depth + 1)

    indent, h, gap, right = 24, 50, 14, 330
    at: dict[int, tuple[float, float]] = {}
    parts: list[str] = []
    order = list(below(None, 0))
    for row, (i, depth) in enumerate(order):
        _x, _y, name, allowed, parent = nodes[i]
        x, y = 10 + depth * indent, 10 + row * (h + gap)
        at[i] = (x, y)
        parts.append(_box(x, y, right - x, h, f"d-band d-band-{i % 4}"))
        parts.append(_text(x + 10, y + 21, name, "d-label", "start"))
        parts.append(_text(x + 10, y + 40, f"Allowed: {allowed}", "d-small", "start"))
        if parent is not None:
            px, py = at[parent]
            parts.append(_elbow((px + 12, py + h), (px + 12, y + h / 2), (x - 1, y + h / 2)))
    return Drawing(right + 10, 10 + len(order) * (h + gap) - gap + 10, _join(parts))


def envelope_encryption() -> Figure:
    parts: list[str] = []
    parts.append(_box(10, 10, 260, 220, "d-region"))
    parts.append(_text(140, 34, "Inside AWS KMS"))
    parts.append(_box(30, 50, 220, 50, "d-band d-band-0"))
    parts.append(_text(140, 72, "KMS key: never leaves", "d-small"))
    parts.append(_text(140, 90, "KMS unencrypted", "d-small"))
    parts.append(_box(30, 150, 220, 50, "d-band d-band-1"))
    parts.append(_text(140, 172, "GenerateDataKey / Decrypt", "d-small"))
    parts.append(_text(140, 190, "runs here, with the KMS key", "d-small"))
    parts.append(_arrow(140, 100, 140, 148))
    parts.append(_box(370, 10, 330, 220, "d-region"))
    parts.append(_text(535, 34, "Your application or service"))
    parts.append(_box(390, 50, 290, 50, "d-band d-band-2"))
    parts.append(_text(535, 72, "Plaintext data key: encrypts the data,", "d-small"))
    parts.append(_text(535, 90, "then is thrown away", "d-small"))
    parts.append(_box(390, 150, 290, 60, "d-band d-band-3"))
    parts.append(_text(535, 174, "Stored together: encrypted data", "d-small"))
    parts.append(_text(535, 194, "+ encrypted copy of the data key", "d-small"))
    parts.append(_arrow(252, 165, 388, 80))
    parts.append(_arrow(388, 190, 252, 190))
    parts.append(_arrow(535, 100, 535, 148))
    return Figure(
        "envelope-encryption",
        "Envelope encryption with AWS KMS",
        "AWS KMS makes a data key and returns it twice: in plaintext and encrypted under a KMS "
        "key. The plaintext key encrypts the data and is then discarded; the encrypted key is "
        "stored with the data. The KMS key itself never leaves KMS unencrypted.",
        710,
        240,
        _join(parts),
        narrow=_envelope_narrow(),
        alt=_list(
            [
                "1. Your application asks KMS for a data key (GenerateDataKey).",
                "2. KMS returns a plaintext data key and the same key encrypted under the KMS key.",
                "3. The application encrypts the data with the plaintext key, then discards it.",
                "4. It stores the encrypted data with the encrypted data key.",
                "5. To read, it sends the encrypted data key to KMS (Decrypt), gets the plaintext "
                "key back if its permissions allow, and decrypts the data.",
                "The KMS key never leaves KMS unencrypted; the key policy, IAM policies and grants "
                "control who may use it.",
            ]
        ),
    )


def _envelope_narrow() -> Drawing:
    """Envelope encryption for a phone: KMS above, your application below; the data key comes
    down, its encrypted copy goes back up (round the right) to be decrypted."""
    parts = [_box(10, 10, 320, 190, "d-region"), _text(170, 34, "Inside AWS KMS")]
    parts.append(_box(25, 50, 250, 50, "d-band d-band-0"))
    parts += _lines(150, 72, ["KMS key: never leaves", "KMS unencrypted"], "d-small", "middle", 18)
    parts.append(_arrow(150, 100, 150, 128))
    parts.append(_box(25, 130, 250, 50, "d-band d-band-1"))
    parts += _lines(
        150,
        152,
        ["GenerateDataKey / Decrypt", "runs here, with the KMS key"],
        "d-small",
        "middle",
        18,
    )
    parts += [_box(10, 240, 320, 208, "d-region"), _text(170, 264, "Your application or service")]
    parts.append(_arrow(55, 180, 55, 278))
    parts.append(_box(25, 280, 250, 50, "d-band d-band-2"))
    parts += _lines(
        150, 302, ["Plaintext data key: encrypts", "the data, then is thrown away"], "d-small",
        "middle", 18,
    )  # fmt: skip
    parts.append(_arrow(150, 330, 150, 370))
    parts.append(_box(25, 372, 250, 60, "d-band d-band-3"))
    parts += _lines(
        150, 396, ["Stored together: encrypted data", "+ encrypted copy of the data key"],
        "d-small", "middle", 20,
    )  # fmt: skip
    parts.append(_elbow((277, 402), (305, 402), (305, 155), (277, 155)))
    return Drawing(340, 458, _join(parts))


def digital_signature() -> Figure:
    return _layers(
        "digital-signature",
        "Signing a file with an AWS KMS asymmetric key",
        "The file is hashed, KMS signs the digest with a private key that never leaves KMS, and "
        "anyone holding the public key can check the signature against a fresh digest of the file.",
        [
            ("The file", "any size, for example a 40 MB price list"),
            ("SHA-256 digest", "computed by the sender, outside KMS"),
            ("AWS KMS: Sign", "the private key signs the digest inside KMS"),
            ("File + signature", "sent or published together"),
            ("Receiver verifies", "fresh digest + public key, offline or kms:Verify"),
        ],
    )


DIAGRAMS: dict[str, Callable[[], Figure]] = {
    "srm-stack": srm_stack,
    "policy-flow": policy_flow,
    "org-tree": org_tree,
    "ddos-layers": ddos_layers,
    "envelope-encryption": envelope_encryption,
    "detection-flow": detection_inputs,
    "compliance-evidence": compliance_evidence,
    "digital-signature": digital_signature,
}


def render(name: str) -> SafeString:
    """The named diagram's HTML: the SRM stack from the kept SRM rows (drawn once per version
    of them), every other figure drawn once per process (each depends on nothing but
    constants); an unknown name draws nothing."""
    if name == "srm-stack":
        return srm_stack_html()
    if name == "policy-flow":
        return policy_flow_html()
    return _fixed_html(name) if name in DIAGRAMS else SafeString("")


@lru_cache(maxsize=len(DIAGRAMS))
def _fixed_html(name: str) -> SafeString:
    return DIAGRAMS[name]().html()
