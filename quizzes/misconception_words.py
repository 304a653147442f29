"""Misconception tags (`thinks-deny-always-wins-in-nacls`) read as words for learners and
teachers: "thinking deny always wins in NACLs".

A tag is a slug the curriculum and the teach editor share, so it stays as it is; this module
only words it. A tag in WORDS has its own wording; any other is read word by word: its first
word, a verb, becomes a gerund (VERBS), and names AWS writes in capitals or in one piece take
their usual spelling (NAMES). A new tag reads right with no entry when its words do; add one
to WORDS when they do not (articles, a name of two words)."""

from __future__ import annotations

WORDS = {
    "thinks-sg-reference-means-subnet": "thinking a security group reference means a subnet",
    "thinks-sg-source-is-any-address": "thinking a security group source matches any address",
    "confuses-condition-and-or": "confusing how a policy's conditions combine (AND, OR)",
    "confuses-bool-and-boolifexists": "confusing Bool and BoolIfExists",
    "confuses-access-analyzer-features": "confusing IAM Access Analyzer's features",
    "thinks-get-wildcard-is-read-only": "thinking a Get* wildcard is read-only",
    "thinks-waf-count-stops-requests": "thinking an AWS WAF Count rule stops the request",
    "thinks-waf-block-beats-earlier-allow": "thinking an AWS WAF Block rule beats an earlier Allow",
    "thinks-nacls-filter-inside-a-subnet": "thinking a network ACL filters traffic inside its subnet",
    "thinks-rate-based-rule-blocks-from-the-first-request": (
        "thinking a rate-based rule blocks from the first request"
    ),
    "thinks-s3-permission-alone-reads-sse-kms-objects": (
        "thinking an S3 permission alone reads SSE-KMS objects"
    ),
    "confuses-guardduty-foundational-sources-and-plans": (
        "confusing GuardDuty's foundational data sources with its optional plans"
    ),
    "thinks-kms-key-deletion-reversible": "thinking a deleted KMS key can be brought back",
    "thinks-one-region-covers-all": "thinking GuardDuty in one Region watches every Region",
    "thinks-rotation-re-encrypts-data": "thinking key rotation re-encrypts old data",
    "thinks-replicas-share-the-key-policy": (
        "thinking multi-Region replica keys share their primary's key policy"
    ),
    "thinks-disabling-the-primary-disables-replicas": (
        "thinking disabling a multi-Region primary key disables its replicas"
    ),
    "thinks-a-multi-region-key-is-a-backup": "thinking a multi-Region key is a backup of a key",
    "thinks-key-policy-alone-grants-cross-account-use": (
        "thinking a key policy alone lets another account use a KMS key"
    ),
}
VERBS = {
    "thinks": "thinking",
    "confuses": "confusing",
    "grants": "granting",
    "misreads": "misreading",
    "puts": "putting",
    "shares": "sharing",
    "uses": "using",
}
NAMES = {
    "aws": "AWS", "nacl": "NACL", "nacls": "NACLs", "sg": "security group",
    "sgs": "security groups", "scp": "SCP", "scps": "SCPs", "rcps": "RCPs", "iam": "IAM",
    "kms": "KMS", "ec2": "EC2", "os": "OS", "ous": "OUs", "arns": "ARNs", "mfa": "MFA",
    "waf": "WAF", "elb": "ELB", "hipaa": "HIPAA", "ddos": "DDoS", "ip": "IP", "srm": "SRM",
    "hmac": "HMAC", "guardduty": "GuardDuty", "cloudtrail": "CloudTrail",
    "notaction": "NotAction", "s3": "S3", "artifact": "Artifact", "config": "Config",
    "inspector": "Inspector", "shield": "Shield",
}  # fmt: skip


def words(tag: str) -> str:
    """`tag` as a phrase that follows "Watch out for:" (lower case, names as AWS spells them)."""
    tag = (tag or "").strip()
    if tag in WORDS:
        return WORDS[tag]
    parts = [p for p in tag.replace("_", "-").split("-") if p]
    if parts and parts[0] in VERBS:
        parts[0] = VERBS[parts[0]]
    return " ".join(NAMES.get(p.lower(), p) for p in parts)
