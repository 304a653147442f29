from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "srm_trainer.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from allauth.account import signals as account_signals
        from allauth.mfa import signals as mfa_signals
        from auditlog.models import LogEntry
        from auditlog.signals import post_log
        from django.apps import apps
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate, post_save, pre_save

        from srm_trainer.accounts import audit, checks, closing, recovery_codes  # noqa: F401 - checks
        from srm_trainer.accounts.adapter import lift_lock_after_reset
        from srm_trainer.accounts.middleware import fill_audit_entry
        from srm_trainer.accounts.roles import ensure_role_groups

        # `flush` (tests that commit, a reset database) empties the groups the roles
        # migration made; they come back with it. (Sent per app that has models; it listens
        # for auth's, whose groups they are.)
        post_migrate.connect(
            ensure_role_groups, sender=apps.get_app_config("auth"), dispatch_uid="role-groups"
        )

        audit.register_audited_models()
        # A security key's ceremonies read at most the keys an account may hold.
        from srm_trainer.accounts import passkeys

        passkeys.install()
        post_log.connect(
            audit.name_authenticators_owner,
            sender=apps.get_model("mfa", "Authenticator"),
            dispatch_uid="audit-authenticator-owner",
        )
        # The actor and address of the request being answered (AuditContextMiddleware).
        pre_save.connect(fill_audit_entry, sender=LogEntry, dispatch_uid="audit-request-context")
        # An account turned off signs out everywhere, for good (not until it is turned on).
        post_save.connect(
            closing.end_sessions_when_turned_off,
            sender=get_user_model(),
            dispatch_uid="turned-off-ends-sessions",
        )
        # Django's own receiver, without an audit diff that cannot find a change (same uid).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(audit.update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="audit-sign-in")
        user_login_failed.connect(audit.on_user_login_failed, dispatch_uid="audit-sign-in-failed")
        mfa_signals.authentication_failed.connect(
            audit.on_mfa_authentication_failed, dispatch_uid="audit-mfa-failed"
        )
        mfa_signals.authenticator_reset.connect(
            audit.on_mfa_authenticator_reset, dispatch_uid="audit-mfa-reset"
        )
        mfa_signals.authenticator_added.connect(
            closing.end_other_sessions_on_new_factor, dispatch_uid="new-factor-ends-other-sessions"
        )
        mfa_signals.authenticator_used.connect(
            recovery_codes.on_authenticator_used, dispatch_uid="recovery-code-used"
        )
        account_signals.password_reset.connect(
            lift_lock_after_reset, dispatch_uid="reset-lifts-sign-in-lock"
        )
