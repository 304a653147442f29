"""A glossary term, loaded from `lessons/content/glossary.yaml` (the file is the source)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class GlossaryTerm(models.Model):
    slug = models.SlugField(unique=True)
    term = models.CharField(max_length=100)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other spellings and abbreviations found in lessons."
    )
    definition = models.TextField(help_text="One to three sentences; Markdown for `code`.")
    lesson = models.ForeignKey(
        "lessons.Lesson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="glossary_terms",
        help_text="The lesson that teaches the term.",
    )
    related = models.JSONField(default=list, blank=True, help_text="Slugs of related terms.")
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["term"]
        # In the admin's order (Django adds the id, latest first, to make it total): the list's
        # page of 100 is this index's first 100 entries, where the database sorted every term
        # (26,700 in the course grown 100 times: ~25 ms).
        indexes = [models.Index(fields=["term", "-id"], name="glossary_term_order")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("glossary:term", args=[self.slug])

    @property
    def source_label(self) -> str:
        """The cited page's link text: the guide it is in, not its address."""
        from glossary.documentation import documentation_label

        return documentation_label(self.source_url) if self.source_url else ""

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"
