"""The WAF lab's presets: web ACLs and request scripts for the situations the lessons teach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OFFICE = "arn:aws:wafv2:us-east-1:111122223333:global/ipset/office/1"  # a CloudFront web ACL's


def _rule(name, priority, action, statement, labels=()):
    rule = {"Name": name, "Priority": priority, "Action": {action: {}}, "Statement": statement}
    if labels:
        rule["RuleLabels"] = [{"Name": label} for label in labels]
    return rule


def _starts(path):
    return {"ByteMatchStatement": {"SearchString": path, "FieldToMatch": {"UriPath": {}},
                                   "PositionalConstraint": "STARTS_WITH",
                                   "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}}  # fmt: skip


@dataclass(frozen=True)
class WafPreset:
    slug: str
    title: str
    situation: str
    case: dict[str, Any]


PRESETS = {
    p.slug: p
    for p in (
        WafPreset(
            "login-flood",
            "A rate-based rule against a login flood",
            "One address sends 3,000 login attempts in five minutes. The rate-based rule counts "
            "them per IP over its 5-minute window and blocks only once the count is over its "
            "limit of 100, which is why the first requests get through.",
            {
                "resource": "ALB",
                "web_acl": {
                    "Name": "shop",
                    "DefaultAction": {"Allow": {}},
                    "Rules": [
                        _rule(
                            "login-rate",
                            0,
                            "Block",
                            {
                                "RateBasedStatement": {
                                    "Limit": 100,
                                    "EvaluationWindowSec": 300,
                                    "AggregateKeyType": "IP",
                                    "ScopeDownStatement": _starts("/login"),
                                }
                            },
                        )
                    ],
                },  # fmt: skip
                "requests": [
                    {
                        "ip": "203.0.113.66",
                        "uri": "/login",
                        "method": "POST",
                        "time": 0,
                        "repeat": 3000,
                        "every": 0.1,
                    },
                    {"ip": "198.51.100.7", "uri": "/login", "method": "POST", "time": 60},
                    {"ip": "203.0.113.66", "uri": "/login", "method": "POST", "time": 700},
                ],  # fmt: skip
            },
        ),
        WafPreset(
            "count-then-block",
            "Count first, then block on the label",
            "A Count rule tags admin paths with a label and lets evaluation go on; a later rule "
            "blocks labelled requests unless they come from the office's IP set. Labels are "
            "only seen by rules evaluated after the one that adds them.",
            {
                "resource": "CLOUDFRONT",
                "ip_sets": {OFFICE: ["192.0.2.0/24"]},
                "web_acl": {
                    "Name": "site",
                    "Scope": "CLOUDFRONT",
                    "DefaultAction": {"Allow": {}},
                    "Rules": [
                        _rule("tag-admin", 0, "Count", _starts("/admin"), ["app:admin"]),
                        _rule(
                            "admin-outside-office",
                            1,
                            "Block",
                            {
                                "AndStatement": {
                                    "Statements": [
                                        {
                                            "LabelMatchStatement": {
                                                "Scope": "LABEL",
                                                "Key": "app:admin",
                                            }
                                        },
                                        {
                                            "NotStatement": {
                                                "Statement": {
                                                    "IPSetReferenceStatement": {"ARN": OFFICE}
                                                }
                                            }
                                        },
                                    ]
                                }
                            },
                        ),
                    ],
                },  # fmt: skip
                "requests": [
                    {"ip": "192.0.2.15", "uri": "/admin/users", "time": 0},
                    {"ip": "203.0.113.9", "uri": "/ADMIN/users", "time": 1},
                    {"ip": "203.0.113.9", "uri": "/shop", "time": 2},
                ],
            },
        ),
        WafPreset(
            "captcha-login",
            "CAPTCHA on the login page",
            "Requests to `/login` without a valid CAPTCHA token are stopped with a puzzle (HTTP "
            "405); with a valid token the rule only counts them and evaluation goes on.",
            {
                "resource": "ALB",
                "web_acl": {
                    "Name": "shop",
                    "DefaultAction": {"Allow": {}},
                    "Rules": [_rule("login-captcha", 0, "CAPTCHA", _starts("/login"))],
                },  # fmt: skip
                "requests": [
                    {"ip": "203.0.113.5", "uri": "/login", "time": 0},
                    {"ip": "203.0.113.5", "uri": "/login", "time": 30, "captcha_token": "valid"},
                ],
            },
        ),
        WafPreset(
            "waf-on-nlb",
            "A web ACL on a Network Load Balancer",
            "AWS WAF inspects HTTP requests: it can protect CloudFront, an ALB, API Gateway REST "
            "APIs, AppSync, Cognito, App Runner, Bedrock AgentCore gateways, Verified Access and "
            "Amplify, but not a Network Load Balancer or an EC2 instance. Change the resource to "
            "ALB to see it attach.",
            {
                "resource": "NLB",
                "web_acl": {
                    "Name": "edge",
                    "DefaultAction": {"Allow": {}},
                    "Rules": [_rule("block-admin", 0, "Block", _starts("/admin"))],
                },  # fmt: skip
                "requests": [{"ip": "203.0.113.5", "uri": "/admin"}],
            },
        ),
    )
}
STARTER = "login-flood"
