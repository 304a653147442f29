"""The closed set of reason codes the engine speaks (`decision.Reason.code`).

Every code has words and a lesson in `words.REASONS` (a test holds both sets equal, and
checks that every code the engine can emit is here). `ReasonCode` members are strings, so
reasons stay JSON-ready and compare equal to the plain codes consumers already use.
"""

from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    ACTION_NOT_MATCHED = "action_not_matched"
    NOTACTION_MATCHED = "notaction_matched"
    RESOURCE_NOT_MATCHED = "resource_not_matched"
    NOTRESOURCE_MATCHED = "notresource_matched"
    POLICY_VARIABLE_NO_VALUE = "policy_variable_no_value"
    RESOURCE_TYPE_MISMATCH = "resource_type_mismatch"
    PRINCIPAL_NOT_MATCHED = "principal_not_matched"
    NOTPRINCIPAL_MATCHED = "notprincipal_matched"
    NOTPRINCIPAL_WITH_BOUNDARY = "notprincipal_with_boundary"
    CONDITION_KEY_MISSING = "condition_key_missing"
    CONDITION_VALUE_MISMATCH = "condition_value_mismatch"
    AWS_RULE_NO_PERMISSION_NEEDED = "aws_rule_no_permission_needed"
    AWS_RULE_AUTHENTICATION_OPERATION = "aws_rule_authentication_operation"
    AWS_RULE_AWS_MANAGED_POLICY = "aws_rule_aws_managed_policy"
    AWS_RULE_SERVICE_LINKED_ROLE = "aws_rule_service_linked_role"
    AWS_RULE_IDENTITY_CENTER_ROLE = "aws_rule_identity_center_role"
    AWS_RULE_AWS_KMS_ALIAS = "aws_rule_aws_kms_alias"
    AWS_RULE_LONG_TERM_CREDENTIALS_ONLY = "aws_rule_long_term_credentials_only"
    AWS_RULE_ASSUME_ROLE_CALLERS = "aws_rule_assume_role_callers"
    AWS_RULE_FEDERATED_USER_SESSION = "aws_rule_federated_user_session"
    EXPLICIT_DENY = "explicit_deny"
    RCP_FULL_AWS_ACCESS_IMPLIED = "rcp_full_aws_access_implied"
    NO_RCP_LEVELS = "no_rcp_levels"
    RCP_SERVICE_NOT_GOVERNED = "rcp_service_not_governed"
    SERVICE_LINKED_ROLE_EXEMPT = "service_linked_role_exempt"
    NO_SCP_LEVELS = "no_scp_levels"
    SCP_NOT_APPLICABLE_TO_CALLER = "scp_not_applicable_to_caller"
    NO_ALLOW_AT_SCP_LEVEL = "no_allow_at_scp_level"
    NO_RESOURCE_POLICY = "no_resource_policy"
    NO_RESOURCE_POLICY_ALLOW = "no_resource_policy_allow"
    RESOURCE_POLICY_MUST_ALLOW = "resource_policy_must_allow"
    RESOURCE_POLICY_ALLOWS_CROSS_ACCOUNT = "resource_policy_allows_cross_account"
    CROSS_ACCOUNT_NEEDS_BOTH = "cross_account_needs_both"
    RESOURCE_POLICY_GRANTS_CALLER = "resource_policy_grants_caller"
    TRUST_POLICY_NAMES_CALLER_BOUNDARY_APPLIES = "trust_policy_names_caller_boundary_applies"
    RESOURCE_POLICY_GRANTS_ROLE = "resource_policy_grants_role"
    RESOURCE_POLICY_GRANTS_FEDERATING_USER = "resource_policy_grants_federating_user"
    RESOURCE_POLICY_DELEGATES_TO_ACCOUNT = "resource_policy_delegates_to_account"
    IDENTITY_POLICIES_NOT_APPLICABLE = "identity_policies_not_applicable"
    ROOT_USER_FULL_ACCESS = "root_user_full_access"
    BUCKET_OWNER_ROOT_KEEPS_POLICY_ACCESS = "bucket_owner_root_keeps_policy_access"
    NO_IDENTITY_OR_RESOURCE_ALLOW = "no_identity_or_resource_allow"
    NO_IDENTITY_ALLOW = "no_identity_allow"
    NO_ALLOW_IN_BOUNDARY = "no_allow_in_boundary"
    BOUNDARY_NOT_APPLICABLE = "boundary_not_applicable"
    NO_PERMISSIONS_BOUNDARY = "no_permissions_boundary"
    NO_ALLOW_IN_SESSION_POLICY = "no_allow_in_session_policy"
    SESSION_POLICY_NOT_APPLICABLE = "session_policy_not_applicable"
    NO_SESSION_POLICY = "no_session_policy"
    FEDERATED_USER_WITHOUT_SESSION_POLICY = "federated_user_without_session_policy"


class Topic(StrEnum):
    """What a reason or a finding is about. The website links each topic to the lesson that
    teaches it (`lessons/engine_topics.py`, resolved with `reverse()`): the engine holds no
    addresses, so renaming a lesson never touches it."""

    POLICY_EVALUATION = "policy-evaluation"
    POLICIES = "policies"
    CONDITIONS = "conditions-and-variables"
    SCPS = "service-control-policies"
    ROLES = "roles"
    ROOT_USER = "root-user"
    LEAST_PRIVILEGE = "least-privilege"
    MFA = "mfa"
