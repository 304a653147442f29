from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "srm_trainer.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self) -> None:
        from allauth.mfa import signals as mfa_signals
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from srm_trainer.accounts import audit, checks  # noqa: F401 - registers the checks

        audit.register_audited_models()
        user_logged_in.connect(audit.on_user_logged_in, dispatch_uid="audit-sign-in")
        user_login_failed.connect(audit.on_user_login_failed, dispatch_uid="audit-sign-in-failed")
        mfa_signals.authentication_failed.connect(
            audit.on_mfa_authentication_failed, dispatch_uid="audit-mfa-failed"
        )
        mfa_signals.authenticator_reset.connect(
            audit.on_mfa_authenticator_reset, dispatch_uid="audit-mfa-reset"
        )
