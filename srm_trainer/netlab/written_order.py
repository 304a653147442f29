"""One order for the keys of a network or WAF case, wherever the site writes one back as text.

PostgreSQL's jsonb keeps an object's keys in an order of its own (shortest first), so a case
saved there came back with `"cidr"` before `"rule"` and `"vpc"` after `"subnets"`: the same
rules, read less easily. Before a case is shown as JSON text (the network-fix box, the
author's editors), its keys are put in the order the format describes them
(`FORMAT.md`); a key the format does not name keeps its place after the known ones.
"""

from __future__ import annotations

from typing import Any

# Each kind of object's keys in the order a reader expects them (the case files' and the
# parsers' order, as the lab's form shows them). An object takes the shape sharing most of
# its keys, at least two (or its only one); the first listed wins a tie. Its other keys keep
# their place after the known ones; an object no shape fits keeps its order.
_SHAPES = (
    # cases and challenges
    ("name", "doc", "note", "network", "flow", "expect"),
    ("name", "doc", "note", "resource", "web_acl", "ip_sets", "regex_pattern_sets",
     "body_inspection_limit_kb", "rate_detection_delay_sec", "request", "requests", "expect"),
    ("network", "must_allow", "must_block"),
    # a network and its parts
    ("vpc", "subnets", "network_acls", "security_groups", "instances", "load_balancers"),
    ("name", "cidr", "route_to_internet_gateway", "network_acl"),
    ("name", "default", "inbound", "outbound"),
    ("rule", "protocol", "ports", "cidr", "action"),
    ("protocol", "ports", "source", "destination"),
    ("name", "subnet", "private_ip", "public_ip", "security_groups"),
    ("name", "type", "scheme", "subnet", "private_ip", "public_ip", "security_groups",
     "listeners", "preserve_client_ip"),
    ("protocol", "port", "target_port", "targets"),
    ("source", "destination", "protocol", "port", "source_port", "target", "target_source_port"),
    # WAF requests and AWS WAF's own objects
    ("ip", "country", "method", "uri", "query", "headers", "body", "captcha_token",
     "challenge_token", "time", "repeat", "every", "note"),
    ("Name", "Description", "Scope", "DefaultAction", "Rules", "VisibilityConfig",
     "CaptchaConfig", "ChallengeConfig"),
    ("Name", "Priority", "Action", "Statement", "RuleLabels", "VisibilityConfig",
     "CaptchaConfig", "ChallengeConfig"),
    ("SearchString", "RegexString", "ARN", "FieldToMatch", "ComparisonOperator", "Size",
     "PositionalConstraint", "TextTransformations"),
    ("Limit", "EvaluationWindowSec", "AggregateKeyType", "ScopeDownStatement",
     "ForwardedIPConfig", "CustomKeys"),
    ("Addresses", "IPAddressVersion"),
    ("Priority", "Type"),
    ("Scope", "Key"),
)  # fmt: skip
_PLACES = tuple({key: i for i, key in enumerate(shape)} for shape in _SHAPES)


def in_written_order(value: Any) -> Any:
    """`value` with every object's keys in its kind's order, at every depth."""
    if isinstance(value, dict):
        shared, places = max(((sum(k in p for k in value), p) for p in _PLACES),
                             key=lambda sp: sp[0])  # fmt: skip  # max: the first of equals
        if shared >= min(2, len(value)):
            keys = sorted(value, key=lambda k: places.get(k, len(places)))  # stable
            value = {k: value[k] for k in keys}
        return {k: in_written_order(v) for k, v in value.items()}
    if isinstance(value, list):
        return [in_written_order(item) for item in value]
    return value
