"""What the labs' own pages say (preset situations) agrees with the AWS documentation
(accuracy audit of the network lab, 2026-12-06: docs/network-lab.md)."""

from __future__ import annotations

from netlab.waf_presets import PRESETS


def test_the_waf_on_nlb_preset_lists_every_kind_of_resource_aws_waf_protects():
    """https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html
    lists CloudFront and the regional resources: API Gateway REST APIs, ALBs, AppSync GraphQL
    APIs, Cognito user pools, App Runner services, Bedrock AgentCore gateways (added June
    2026), Verified Access instances and Amplify. The preset's list read as complete without
    AgentCore."""
    text = PRESETS["waf-on-nlb"].situation
    for name in ("CloudFront", "ALB", "API Gateway REST", "AppSync", "Cognito", "App Runner",
                 "AgentCore", "Verified Access", "Amplify"):  # fmt: skip
        assert name in text, name
    assert "not a Network Load Balancer or an EC2 instance" in text
