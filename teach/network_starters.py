"""The worked example a new network question's editor opens with, one per kind.

An instructor who has never seen the case format (`srm_trainer/netlab/FORMAT.md`) got an empty
box and one sentence about it: each example here is a small, valid case that teaches the format
by showing it (every part a case of its kind usually has, one rule a line) and a lesson worth
asking about, so the question and its key are shown at once and the author changes what they
need. Written as text, not built with `json.dumps`, so the layout stays readable.
"""

from __future__ import annotations

FLOW_DECISION = """\
{
  "name": "a network ACL that forgets the ephemeral ports drops the reply",
  "doc": "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html",
  "network": {
    "vpc": {"cidr": "10.0.0.0/16"},
    "subnets": [
      {"name": "public", "cidr": "10.0.1.0/24", "route_to_internet_gateway": true, "network_acl": "edge"}
    ],
    "network_acls": [
      {"name": "edge",
       "inbound": [
         {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"}
       ],
       "outbound": [
         {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"}
       ]}
    ],
    "security_groups": [
      {"name": "sg-web",
       "inbound": [{"protocol": "tcp", "ports": 443, "source": "0.0.0.0/0"}]}
    ],
    "instances": [
      {"name": "web", "subnet": "public", "private_ip": "10.0.1.10", "public_ip": "54.0.0.10",
       "security_groups": ["sg-web"]}
    ]
  },
  "flow": {"source": "internet", "destination": "web", "protocol": "tcp", "port": 443}
}
"""

WAF_RULE = """\
{
  "name": "a lower-case transformation catches /Admin",
  "doc": "https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html",
  "resource": "ALB",
  "web_acl": {
    "Name": "shop",
    "DefaultAction": {"Allow": {}},
    "Rules": [
      {"Name": "allow-office", "Priority": 0, "Action": {"Allow": {}},
       "Statement": {"IPSetReferenceStatement": {"ARN": "office"}}},
      {"Name": "block-admin", "Priority": 1, "Action": {"Block": {}},
       "Statement": {"ByteMatchStatement": {
         "SearchString": "/admin", "FieldToMatch": {"UriPath": {}},
         "PositionalConstraint": "STARTS_WITH",
         "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}}}
    ]
  },
  "ip_sets": {"office": ["192.0.2.0/24"]},
  "request": {"ip": "198.51.100.7", "method": "GET", "uri": "/Admin/login",
              "headers": {"User-Agent": "curl/8.5.0"}}
}
"""

FLOW_FIX_CHALLENGE = """\
{
  "network": {
    "vpc": {"cidr": "10.0.0.0/16"},
    "subnets": [
      {"name": "public", "cidr": "10.0.1.0/24", "route_to_internet_gateway": true, "network_acl": "edge"}
    ],
    "network_acls": [
      {"name": "edge",
       "inbound": [
         {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"},
         {"rule": 110, "protocol": "tcp", "ports": "22", "cidr": "0.0.0.0/0", "action": "allow"}
       ],
       "outbound": [
         {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"}
       ]}
    ],
    "security_groups": [
      {"name": "sg-web",
       "inbound": [
         {"protocol": "tcp", "ports": 443, "source": "0.0.0.0/0"},
         {"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"}
       ]}
    ],
    "instances": [
      {"name": "web", "subnet": "public", "private_ip": "10.0.1.10", "public_ip": "54.0.0.10",
       "security_groups": ["sg-web"]}
    ]
  },
  "must_allow": [
    {"source": "internet", "destination": "web", "protocol": "tcp", "port": 443}
  ],
  "must_block": [
    {"source": "198.51.100.7", "destination": "web", "protocol": "tcp", "port": 22}
  ]
}
"""

FLOW_FIX_REFERENCE = """\
{
  "network_acls": [
    {"name": "edge",
     "inbound": [
       {"rule": 100, "protocol": "tcp", "ports": "443", "cidr": "0.0.0.0/0", "action": "allow"}
     ],
     "outbound": [
       {"rule": 100, "protocol": "tcp", "ports": "1024-65535", "cidr": "0.0.0.0/0", "action": "allow"}
     ]}
  ],
  "security_groups": [
    {"name": "sg-web",
     "inbound": [{"protocol": "tcp", "ports": 443, "source": "0.0.0.0/0"}]}
  ]
}
"""

# The editor's boxes, by kind: what a new question's form opens with.
STARTERS: dict[str, dict[str, str]] = {
    "flow_decision": {"case": FLOW_DECISION},
    "waf_rule": {"case": WAF_RULE},
    "flow_fix": {"challenge": FLOW_FIX_CHALLENGE, "reference": FLOW_FIX_REFERENCE},
}
