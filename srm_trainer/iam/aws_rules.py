"""AWS's built-in rules: what AWS decides before (or regardless of) any policy.

Some answers do not come from policies at all: `sts:GetCallerIdentity` works even against an
explicit deny, nobody can edit an AWS managed policy, service-linked roles and IAM Identity
Center's roles are changed only by the service that owns them, `alias/aws/` KMS aliases belong
to AWS. They are kept here as one table of named rules, not as special cases in the evaluator,
so the explanation can show them as their own step ("AWS rule") with a reason code and the
documentation page.

A rule matches on the action (exact, case-folded, or a whole service written `service:*`; an
exact rule is tried before a service-wide one), optionally on the resource ARN's service,
account and resource prefix, and optionally on the kind of caller. `effect` says what AWS
does: `Allow` (no permission needed, nothing can deny it) or `Deny` (no policy can allow it;
the evaluator reports it as an explicit deny because no Allow overrides it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .reasons import ReasonCode
from .wildcard import fold_case

if TYPE_CHECKING:
    from .case import Request

IAM_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"

# What the role-protection rules refuse: changing a role's permissions, trust policy or
# boundary, or deleting it through IAM. (A description can still be edited: UpdateRole and
# UpdateRoleDescription are not in this list for service-linked roles.)
_ROLE_CHANGES = (
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteRole",
)
_IAM_IDENTITIES = frozenset({"user", "role_session", "federated_user", "root"})


@dataclass(frozen=True, slots=True)
class AwsRule:
    """One built-in rule. `resource` is `(service, account, resource prefix)` of the ARN, where
    an account of None means any account; None for the whole field means any resource.
    `callers` limits the rule to those caller kinds (None: every caller). `exempt_roles` are
    role names whose sessions the rule does not bind (the owning service's own role)."""

    id: str
    code: ReasonCode
    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    doc: str
    resource: tuple[str, str | None, str] | None = None
    callers: frozenset[str] | None = None
    exempt_roles: frozenset[str] = frozenset()

    def matches(self, request: Request) -> bool:
        caller = request.caller
        if self.callers is not None and caller.kind not in self.callers:
            return False
        if caller.kind == "role_session" and caller.name in self.exempt_roles:
            return False
        if self.resource is None:
            return True
        parts = request.resource.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return False
        service, account, prefix = self.resource
        return (
            parts[2] == service
            and (account is None or parts[4] == account)
            and parts[5].startswith(prefix)
        )


RULES: tuple[AwsRule, ...] = (
    AwsRule(
        id="sts-get-caller-identity",
        code=ReasonCode.AWS_RULE_NO_PERMISSION_NEEDED,
        effect="Allow",
        actions=("sts:GetCallerIdentity",),
        callers=_IAM_IDENTITIES,
        doc="https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
    ),
    AwsRule(
        id="sts-get-session-token",
        code=ReasonCode.AWS_RULE_AUTHENTICATION_OPERATION,
        effect="Allow",
        actions=("sts:GetSessionToken",),
        callers=frozenset({"user", "root"}),
        doc=IAM_GUIDE + "id_credentials_temp_control-access_getsessiontoken.html",
    ),
    AwsRule(
        id="aws-managed-policy-immutable",
        code=ReasonCode.AWS_RULE_AWS_MANAGED_POLICY,
        effect="Deny",
        actions=(
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:TagPolicy",
            "iam:UntagPolicy",
        ),
        resource=("iam", "aws", "policy/"),
        doc=IAM_GUIDE + "access_policies_managed-vs-inline.html#aws-managed-policies",
    ),
    AwsRule(
        id="service-linked-role-protected",
        code=ReasonCode.AWS_RULE_SERVICE_LINKED_ROLE,
        effect="Deny",
        actions=_ROLE_CHANGES,
        resource=("iam", None, "role/aws-service-role/"),
        doc=IAM_GUIDE + "id_roles_update-service-linked-role.html",
    ),
    AwsRule(
        id="identity-center-reserved-role",
        code=ReasonCode.AWS_RULE_IDENTITY_CENTER_ROLE,
        effect="Deny",
        actions=(*_ROLE_CHANGES, "iam:UpdateRole", "iam:UpdateRoleDescription"),
        resource=("iam", None, "role/aws-reserved/sso.amazonaws.com/"),
        exempt_roles=frozenset({"AWSServiceRoleForSSO"}),
        doc="https://docs.aws.amazon.com/singlesignon/latest/userguide/using-service-linked-roles.html",
    ),
    AwsRule(
        id="kms-aws-alias-reserved",
        code=ReasonCode.AWS_RULE_AWS_KMS_ALIAS,
        effect="Deny",
        actions=("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
        resource=("kms", None, "alias/aws/"),
        doc="https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html",
    ),
    AwsRule(
        id="sts-long-term-credentials-only",
        code=ReasonCode.AWS_RULE_LONG_TERM_CREDENTIALS_ONLY,
        effect="Deny",
        actions=("sts:GetFederationToken", "sts:GetSessionToken"),
        callers=frozenset({"role_session", "federated_user"}),
        doc=IAM_GUIDE + "id_credentials_temp_request.html",
    ),
    # id_credentials_sts-comparison ("who can call"): AssumeRole is called by an IAM user or a
    # role session (an AWS service assumes its own roles), never with the root user's
    # credentials (AssumeRoot says the same) and never unsigned.
    AwsRule(
        id="assume-role-callers",
        code=ReasonCode.AWS_RULE_ASSUME_ROLE_CALLERS,
        effect="Deny",
        actions=("sts:AssumeRole", "sts:AssumeRoot"),
        callers=frozenset({"root", "anonymous"}),
        doc=IAM_GUIDE + "id_credentials_sts-comparison.html",
    ),
    # id_credentials_sts-comparison: a GetFederationToken session cannot call IAM through the
    # API or CLI, nor any STS operation but GetCallerIdentity (the exact rule above wins).
    AwsRule(
        id="federated-user-session-limits",
        code=ReasonCode.AWS_RULE_FEDERATED_USER_SESSION,
        effect="Deny",
        actions=("iam:*", "sts:*"),
        callers=frozenset({"federated_user"}),
        doc=IAM_GUIDE + "id_credentials_sts-comparison.html",
    ),
)

REASON_CODES: frozenset[str] = frozenset(rule.code for rule in RULES)


def _index(rules: tuple[AwsRule, ...]) -> dict[str, tuple[AwsRule, ...]]:
    index: dict[str, list[AwsRule]] = {}
    for rule in rules:
        for action in rule.actions:
            index.setdefault(fold_case(action), []).append(rule)
    return {action: tuple(found) for action, found in index.items()}


_BY_ACTION = _index(RULES)


def matching_rule(request: Request) -> AwsRule | None:
    """The built-in rule that decides this request, or None (one dictionary lookup when the
    action has no rule, which is almost always)."""
    action = request.action_folded
    for key in (action, action.partition(":")[0] + ":*"):
        for rule in _BY_ACTION.get(key, ()):
            if rule.matches(request):
                return rule
    return None


# --- which requests resource control policies govern ----------------------------------------

ORGS_GUIDE = "https://docs.aws.amazon.com/organizations/latest/userguide/"
RCP_SCOPE_DOC = ORGS_GUIDE + "orgs_manage_policies_rcps.html"

# orgs_manage_policies_rcps, "List of AWS services that support RCPs": an RCP governs the
# actions of these services only (by their action prefix); any other action passes it. The set
# is the page's list exactly, each entry's prefix as the page gives it, as read on 2026-12-07
# from a copy of the page fetched on 2026-09-26 (the search's own copies of the page drop the
# list; docs/evaluation-core.md says how it was found). AWS keeps adding services: re-read the
# page, and keep tests/iam/cases/rcp_services.json (one governed action per service) in step.
RCP_SERVICES: frozenset[str] = frozenset(
    {
        "aoss",  # Amazon OpenSearch Serverless
        "appconfig",
        "appstream",
        "autoscaling",  # Amazon EC2 Auto Scaling
        "autoscaling-plans",  # AWS Auto Scaling
        "budgets",
        "cloudfront",
        "clouddirectory",
        "cloudsearch",
        "cloudtrail-data",  # AWS CloudTrail Data Service (not "cloudtrail")
        "codeartifact",
        "codebuild",
        "codecommit",
        "codepipeline",
        "cognito-identity",  # Amazon Cognito (identity pools)
        "cognito-idp",  # Amazon Cognito User Pools
        "comprehend",
        "comprehendmedical",
        "compute-optimizer",
        "cost-optimization-hub",
        "dax",  # DynamoDB Accelerator
        "dsql",  # Amazon Aurora DSQL
        "dynamodb",
        "ecr",
        "ecr-public",
        "events",  # Amazon EventBridge
        "firehose",  # Amazon Data Firehose
        "fis",  # AWS Fault Injection Service
        "fms",  # AWS Firewall Manager
        "gamelift",
        "health",
        "inspector-scan",
        "kendra",
        "kinesisvideo",
        "kms",
        "logs",  # Amazon CloudWatch Logs
        "memorydb",
        "networkmonitor",  # Network Synthetic Monitor
        "notifications",  # AWS User Notifications
        "opensearch",  # Amazon OpenSearch Service (the page's prefix; not "es")
        "pca-connector-ad",
        "personalize",
        "polly",
        "pricing",  # AWS Pricing Calculator
        "resource-groups",
        "rolesanywhere",  # IAM Roles Anywhere
        "s3",
        "secretsmanager",
        "servicediscovery",  # AWS Cloud Map
        "signin",
        "sqs",
        "sts",
        "support",
        "swf",
        "textract",
        "timestream-influxdb",
        "transcribe",
        "transfer",
        "translate",
        "wafv2",
        "workspaces",
        "xray",
    }
)
# KMS guide, resource-control-policies: kms:RetireGrant is not governed by an RCP, even by
# an Action of "*". It is the only action in the same page's table of permissions RCPs do not
# impact ("Resources and entities not restricted by RCPs"), as read with the list above.
RCP_INEFFECTIVE_ACTIONS: frozenset[str] = frozenset({fold_case("kms:RetireGrant")})


def rcp_governs(request: Request) -> bool:
    """Whether resource control policies take part in this request at all."""
    action = request.action_folded
    return action.partition(":")[0] in RCP_SERVICES and action not in RCP_INEFFECTIVE_ACTIONS
