"""The network-defence lab's engine: VPC flows and AWS WAF web ACLs, in plain Python.

- `trace(network, flow)` → `Trace`: which layer lets a connection (and its reply) through.
- `evaluate_waf(waf, requests)` → `WafResult`: which rule acts on each HTTP request.
Input formats: `FORMAT.md` beside this file. No Django here: quizzes, pages and the CLI share it.
"""

from .errors import NetlabError
from .flow import Flow, Hop, Trace, parse_flow, trace, trace_case
from .vpc import Network, parse_network
from .waf import (
    WafDecision,
    WafRequest,
    WafResult,
    WebAcl,
    check_attachment,
    evaluate_waf,
    evaluate_waf_case,
    parse_requests,
    parse_web_acl,
)

__all__ = [
    "Flow",
    "Hop",
    "Network",
    "NetlabError",
    "Trace",
    "parse_flow",
    "parse_network",
    "trace",
    "trace_case",
    "WafDecision",
    "WafRequest",
    "WafResult",
    "WebAcl",
    "check_attachment",
    "evaluate_waf",
    "evaluate_waf_case",
    "parse_requests",
    "parse_web_acl",
]
