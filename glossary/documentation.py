"""Readable names for the documentation pages glossary terms cite.

A term's source is an address on docs.aws.amazon.com or aws.amazon.com; shown as its link's
text it reads as noise ("https://docs.aws.amazon.com/guardduty/latest/ug/what-is-…") and a
screen reader spells it out. The address itself names the guide it is in (its first folder
the service, a later one the kind of guide), so the link says that: "Amazon GuardDuty User
Guide". An address of a guide not listed here still gets an honest name from its host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# docs.aws.amazon.com/<folder>/…: the service (or collection) each folder holds.
SERVICES = {
    "AmazonRDS": "Amazon RDS",
    "AmazonS3": "Amazon S3",
    "acm": "AWS Certificate Manager",
    "artifact": "AWS Artifact",
    "audit-manager": "AWS Audit Manager",
    "cognito": "Amazon Cognito",
    "awsaccountbilling": "AWS Billing",
    "aws-backup": "AWS Backup",
    "awscloudtrail": "AWS CloudTrail",
    "awssupport": "AWS Support",
    "config": "AWS Config",
    "controltower": "AWS Control Tower",
    "database-encryption-sdk": "AWS Database Encryption SDK",
    "detective": "Amazon Detective",
    "elasticloadbalancing": "Elastic Load Balancing",
    "encryption-sdk": "AWS Encryption SDK",
    "fms": "AWS Firewall Manager",
    "guardduty": "Amazon GuardDuty",
    "IAM": "AWS Identity and Access Management",
    "inspector": "Amazon Inspector",
    "kms": "AWS Key Management Service",
    "macie": "Amazon Macie",
    "network-firewall": "AWS Network Firewall",
    "organizations": "AWS Organizations",
    "secretsmanager": "AWS Secrets Manager",
    "security-ir": "AWS Security Incident Response",
    "securityhub": "AWS Security Hub",
    "service-authorization": "Service Authorization Reference",
    "systems-manager": "AWS Systems Manager",
    "vpc": "Amazon VPC",
    "waf": "AWS WAF",
    "wellarchitected": "AWS Well-Architected",
    "whitepapers": "AWS whitepaper",
}
# A later folder saying which of the service's guides the page is in.
GUIDES = {
    "aboutv2": "User Guide",  # the Billing User Guide's folder
    "ug": "User Guide",
    "user": "User Guide",
    "userguide": "User Guide",
    "developerguide": "Developer Guide",
    "devguide": "Developer Guide",  # the AWS Database Encryption SDK's folder
    "developer-guide": "Developer Guide",  # the AWS Encryption SDK's folder
    "apireference": "API Reference",
    "controlreference": "Controls Reference Guide",
    "framework": "Framework",
}
# A guide whose name is not its service's name and the guide's kind: the Well-Architected
# folder holds both the framework and the user guide of the AWS Well-Architected Tool.
NAMED_GUIDES = {
    ("wellarchitected", "userguide"): "AWS Well-Architected Tool User Guide",
}
# aws.amazon.com/<folder>/…
SITE_SECTIONS = {
    "compliance": "AWS Compliance",
    "premiumsupport": "AWS Knowledge Center",
    "security": "AWS Security",
}


def documentation_label(url: str) -> str:
    """The link text for a cited page: its guide's name, else the site it is on."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    folders = [f for f in parts.path.split("/") if f]
    if host == "docs.aws.amazon.com" and folders:
        # docs.aws.amazon.com/<service>/<version>/<guide>/page.html
        named = NAMED_GUIDES.get((folders[0], folders[2].lower())) if len(folders) > 2 else None
        if named:
            return named
        service = SERVICES.get(folders[0])
        if service is None:
            return "AWS documentation"
        guide = next((GUIDES[f.lower()] for f in folders[1:] if f.lower() in GUIDES), "")
        if not guide and len(folders) == 1:
            guide = "documentation"  # the service's landing page
        return f"{service} {guide}".strip()
    if host == "aws.amazon.com" and folders and folders[0] in SITE_SECTIONS:
        return SITE_SECTIONS[folders[0]]
    if host.endswith("amazon.com"):
        return "AWS website"
    return host or "Documentation"
