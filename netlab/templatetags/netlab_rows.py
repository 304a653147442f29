"""The labs' editable rule and request rows and the trace drawing, drawn in Python.

A row is ~30 fields' worth of ids, names and labels around five values: drawn by the template
language it cost ~40 µs (the network lab's starter draws ~30 rows, the WAF lab's up to 20),
more than tracing the case. Each value is escaped here exactly as `{{ value }}` escapes it, and
the markup is the template's, so the page is byte for byte what it was.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SELECTED = " selected"


def _selected(flag: bool) -> str:
    return _SELECTED if flag else ""


_NACL_ROW = (
    "\n      <tr>"
    '\n        <td><label for="{f}-rule" class="visually-hidden">{name} {direction} rule number, row {n}</label>'
    '<input id="{f}-rule" name="{f}-rule" value="{rule}" class="tiny" inputmode="numeric" placeholder="{new}"></td>'
    '\n        <td><label for="{f}-protocol" class="visually-hidden">Protocol, row {n}</label>'
    '<select id="{f}-protocol" name="{f}-protocol"><option value="all"{all}>all</option>'
    '<option value="tcp"{tcp}>tcp</option><option value="udp"{udp}>udp</option>'
    '<option value="icmp"{icmp}>icmp</option></select></td>'
    '\n        <td><label for="{f}-ports" class="visually-hidden">Ports, row {n}</label>'
    '<input id="{f}-ports" name="{f}-ports" value="{ports}" class="narrow" placeholder="all"></td>'
    '\n        <td><label for="{f}-cidr" class="visually-hidden">CIDR, row {n}</label>'
    '<input id="{f}-cidr" name="{f}-cidr" value="{cidr}" class="narrow" placeholder="0.0.0.0/0"></td>'
    '\n        <td><label for="{f}-action" class="visually-hidden">Allow or deny, row {n}</label>'
    '<select id="{f}-action" name="{f}-action"><option value="allow"{allow}>allow</option>'
    '<option value="deny"{deny}>deny</option></select></td>'
    "\n      </tr>\n      "
)


@register.filter
def nacl_rows(table: dict[str, Any], nacl_name: str) -> SafeString:
    """A network ACL table's rule rows (netlab.state.rows), each field named `key-row-field`;
    a protocol is selected by name or by number, as AWS writes either."""
    key, name, direction = escape(table["key"]), escape(nacl_name), escape(table["direction"])
    out = []
    for i, row in enumerate(table["rows"]):
        protocol = row["protocol"]
        out.append(
            _NACL_ROW.format(
                f=f"{key}-{i}",
                n=i + 1,
                name=name,
                direction=direction,
                rule=escape(row["rule"]),
                new="" if row["rule"] else "new",
                all=_selected(protocol in ("all", "-1")),
                tcp=_selected(protocol in ("tcp", "6")),
                udp=_selected(protocol in ("udp", "17")),
                icmp=_selected(protocol in ("icmp", "1")),
                ports=escape(row["ports"]),
                cidr=escape(row["cidr"]),
                allow=_selected(row["action"] != "deny"),
                deny=_selected(row["action"] == "deny"),
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


_SG_ROW = (
    "\n      <tr>"
    '\n        <td><label for="{f}-protocol" class="visually-hidden">{name} {direction} protocol, row {n}</label>'
    '<select id="{f}-protocol" name="{f}-protocol"><option value="tcp"{tcp}>tcp</option>'
    '<option value="udp"{udp}>udp</option><option value="icmp"{icmp}>icmp</option>'
    '<option value="all"{all}>all</option></select></td>'
    '\n        <td><label for="{f}-ports" class="visually-hidden">Ports, row {n}</label>'
    '<input id="{f}-ports" name="{f}-ports" value="{ports}" class="narrow" placeholder="all"></td>'
    '\n        <td><label for="{f}-peer" class="visually-hidden">{peer_title}, row {n}</label>'
    '<input id="{f}-peer" name="{f}-peer" value="{peer}" placeholder="{add}"></td>'
    "\n      </tr>\n      "
)


@register.filter
def sg_rows(table: dict[str, Any], group_name: str) -> SafeString:
    """A security group table's rule rows (netlab.state.rows)."""
    key, name, direction = escape(table["key"]), escape(group_name), escape(table["direction"])
    peer_title = escape(table["peer"][:1].upper() + table["peer"][1:])  # as |capfirst
    out = []
    for i, row in enumerate(table["rows"]):
        protocol = row["protocol"]
        out.append(
            _SG_ROW.format(
                f=f"{key}-{i}",
                n=i + 1,
                name=name,
                direction=direction,
                peer_title=peer_title,
                tcp=_selected(protocol == "tcp"),
                udp=_selected(protocol == "udp"),
                icmp=_selected(protocol == "icmp"),
                all=_selected(protocol == "all"),
                ports=escape(row["ports"]),
                peer=escape(row["peer"]),
                add="" if row["peer"] else "add: 0.0.0.0/0 or sg-name",
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


_REQUEST_ROW = (
    "\n      <tr>"
    '\n        <td><label for="{f}-ip" class="visually-hidden">IP of request {n}</label>'
    '<input id="{f}-ip" name="{f}-ip" value="{ip}" class="narrow" placeholder="{add}"></td>'
    '\n        <td><label for="{f}-country" class="visually-hidden">Country of request {n}</label>'
    '<input id="{f}-country" name="{f}-country" value="{country}" class="tiny" maxlength="2"></td>'
    '\n        <td><label for="{f}-method" class="visually-hidden">Method of request {n}</label>'
    '<input id="{f}-method" name="{f}-method" value="{method}" class="tiny" placeholder="GET"></td>'
    '\n        <td><label for="{f}-uri" class="visually-hidden">URI path of request {n}</label>'
    '<input id="{f}-uri" name="{f}-uri" value="{uri}" placeholder="/"></td>'
    '\n        <td><label for="{f}-query" class="visually-hidden">Query of request {n}</label>'
    '<input id="{f}-query" name="{f}-query" value="{query}"></td>'
    '\n        <td><label for="{f}-user_agent" class="visually-hidden">User-Agent of request {n}</label>'
    '<input id="{f}-user_agent" name="{f}-user_agent" value="{user_agent}"></td>'
    '\n        <td><label for="{f}-captcha_token" class="visually-hidden">CAPTCHA token of request {n}</label>'
    '<select id="{f}-captcha_token" name="{f}-captcha_token"><option value=""{none}>none</option>'
    '<option value="valid"{valid}>valid</option><option value="expired"{expired}>expired</option>'
    "</select></td>"
    '\n        <td><label for="{f}-time" class="visually-hidden">Time of request {n}</label>'
    '<input id="{f}-time" name="{f}-time" value="{time}" class="tiny" inputmode="decimal"></td>'
    '\n        <td><label for="{f}-repeat" class="visually-hidden">Repeat request {n}</label>'
    '<input id="{f}-repeat" name="{f}-repeat" value="{repeat}" class="tiny" inputmode="numeric" placeholder="1"></td>'
    '\n        <td><label for="{f}-every" class="visually-hidden">Seconds between repeats of request {n}</label>'
    '<input id="{f}-every" name="{f}-every" value="{every}" class="tiny" inputmode="decimal" placeholder="0.1"></td>'
    "\n      </tr>\n      "
)
_REQUEST_TEXT = ("ip", "country", "method", "uri", "query", "user_agent", "time", "repeat", "every")


@register.filter
def request_rows(rows: list[dict[str, str]]) -> SafeString:
    """The WAF lab's request rows (netlab.waf_state.texts_of / form_texts)."""
    out = []
    for j, row in enumerate(rows):
        captcha = row["captcha_token"]
        out.append(
            _REQUEST_ROW.format(
                f=f"req-{j}",
                n=j + 1,
                add="" if row["ip"] else "add",
                none=_selected(not captcha or captcha == "missing"),
                valid=_selected(captcha == "valid"),
                expired=_selected(captcha == "expired"),
                **{name: escape(row[name]) for name in _REQUEST_TEXT},
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


_BOX = (
    '\n      <g class="hop hop-{verdict}">'
    '\n        <rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8"></rect>'
    '\n        <text x="{tx}" y="{y18}" class="hop-layer">{layer}</text>'
    '\n        <text x="{tx}" y="{y36}" class="hop-resource">{resource}</text>'
    '\n        <text x="{tx}" y="{y54}" class="hop-rule">{rule}</text>'
    '\n        <text x="{tx}" y="{y71}" class="hop-mark">{mark}</text>'
    "\n        {arrow}"
    "\n      </g>\n      "
)
_ARROW = (
    '<line x1="{ax}" y1="{ay}" x2="{ax}" y2="{to}" class="netlab-arrow"'
    ' marker-end="url(#arrow)"></line>'
)


@register.filter
def diagram_lanes(diagram: Any) -> SafeString:
    """The network lab's trace drawing (netlab.diagram.Diagram): each lane's title and boxes,
    with the arrow down to the next box. Its numbers are whole (the layout's own)."""
    out = []
    w, h, mid = int(diagram.box_w), int(diagram.box_h), int(diagram.mid)
    for lane in diagram.lanes:
        out.append(
            f'\n      <text x="{int(lane.x)}" y="26" class="netlab-lane">{escape(lane.title)}</text>'
            "\n      "
        )
        for box in lane.boxes:
            x, y = int(box.x), int(box.y)
            arrow = (
                _ARROW.format(ax=x + mid, ay=y + h, to=int(box.arrow_to)) if box.arrow_to else ""
            )
            out.append(
                _BOX.format(
                    verdict=escape(box.verdict),
                    x=x,
                    y=y,
                    w=w,
                    h=h,
                    tx=x + 10,
                    y18=y + 18,
                    y36=y + 36,
                    y54=y + 54,
                    y71=y + 71,
                    layer=escape(box.layer),
                    resource=escape(box.resource),
                    rule=escape(box.rule),
                    mark=escape(box.mark),
                    arrow=arrow,
                )
            )
        out.append("\n      ")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


@register.filter
def waf_runs(line: Any) -> SafeString:
    """The WAF lab's sequence in runs of equal decisions (srm_trainer.netlab.case.waf_line):
    a burst of 3,000 requests is tens of rows. Times as `|floatformat:"-1"` writes them."""
    runs = line.get("runs") if isinstance(line, dict) else None
    out = []
    for run in runs or ():
        upto = f"–#{_number(run['to'])}" if run["to"] != run["from"] else ""
        until = f"–{floatformat(run['until'], '-1')}" if run["until"] != run["at"] else ""
        rule = run["rule"]
        by = "default action" if rule == "Default_Action" else f"<code>{escape(rule)}</code>"
        out.append(
            f"<tr><td>#{_number(run['from'])}{upto}</td>"
            f"<td>{floatformat(run['at'], '-1')}{until}</td>"
            f"<td>{escape(run['action'])}</td><td>{by}</td></tr>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def _number(value: Any) -> str:
    """A number as `{{ value }}` draws it."""
    return conditional_escape(localize(value))
