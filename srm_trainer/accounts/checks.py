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


@register(Tags.security, deploy=True)
def mail_links_come_from_a_named_host(app_configs, **kwargs) -> list[Warning]:
    """allauth builds every link it mails (reset, verification) from the request's Host header,
    which Django checks against ALLOWED_HOSTS. With "*" (or a ".domain" wildcard) anyone could
    ask for a reset link for someone else's account with a Host of their own, and the owner
    would be mailed a link to the asker's site, carrying the reset key."""
    wild = [host for host in settings.ALLOWED_HOSTS if host == "*" or host.startswith(".")]
    if wild:
        return [
            Warning(
                f"ALLOWED_HOSTS holds {', '.join(wild)}: the reset and verification links the "
                "site mails are built from the request's host name, which any request can then "
                "choose.",
                hint="Set DJANGO_ALLOWED_HOSTS to the site's own host names only.",
                id="accounts.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def mail_is_sent_from_a_real_address(app_configs, **kwargs) -> list[Warning]:
    """The shipped sender, noreply@localhost, is fine for the console; over SMTP most mail
    servers refuse or bin it, and reset links never arrive."""
    sending = not settings.EMAIL_BACKEND.endswith("console.EmailBackend")
    if sending and settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        return [
            Warning(
                f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL}: mail sent by SMTP from "
                "a localhost address is usually refused, so reset links would not arrive.",
                hint="Set DEFAULT_FROM_EMAIL to an address of the site's own domain.",
                id="accounts.W003",
            )
        ]
    return []
