"""`manage.py check --deploy` says when password-reset mail would only reach the console."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def email_is_configured(app_configs, **kwargs) -> list[Warning]:
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return [
            Warning(
                "EMAIL_HOST is not set: password-reset e-mails are printed to the console.",
                hint="Set EMAIL_HOST and DEFAULT_FROM_EMAIL (see README, Configuration).",
                id="accounts.W001",
            )
        ]
    return []
