"""The course certificate: issued once per learner when the course is complete
(`certificates.progress.certificate_ready`), with a public verification page at
`/certificates/<code>/` that shows the name, the course and the date, nothing else."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

COURSE_SLUG = "srm-trainer"
COURSE_TITLE = "Cloud security on the AWS Shared Responsibility Model"


def new_code() -> str:
    """16 URL-safe characters from 96 random bits: unguessable, short enough to type."""
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.SlugField(max_length=50, default=COURSE_SLUG)
    course_title = models.CharField(
        max_length=200, help_text="As printed when issued (a later rename leaves it)."
    )
    name = models.CharField(max_length=100, help_text="The learner's name as printed.")
    code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_certificate_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.course_title} ({self.issued_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    @property
    def issued_on(self) -> date:
        """The date the certificate bears: the day it was issued in the site's time zone
        (`TIME_ZONE`), the same for everyone who reads it. Its pages, its PDF and the check
        before issuing all show this one; read on each reader's clock, a certificate issued at
        23:30 UTC was dated 7 December for its learner and 8 December on the public page an
        employer in Tokyo opened."""
        return timezone.localtime(self.issued_at, timezone.get_default_timezone()).date()
