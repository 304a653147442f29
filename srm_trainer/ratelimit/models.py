"""Two tables: the site's database cache, and the rate-limit counters.

The cache table is a model only so that `migrate` creates it everywhere (`make run`, tests,
CI, production) without a separate `createcachetable` step; its columns are exactly the ones
Django's DatabaseCache expects. The counters are a table of their own because a database cache
cannot increment atomically across processes, and a counter must.
"""

from __future__ import annotations

from django.db import models

from srm_trainer.env import CACHE_TABLE


class CacheEntry(models.Model):
    """A row of Django's DatabaseCache (CACHE_URL=db://); only the cache reads and writes it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key


class Counter(models.Model):
    """Requests one client made to one group of views in the current fixed window."""

    key = models.CharField(max_length=200, primary_key=True)
    period = models.BigIntegerField(
        help_text="Which window: seconds since the epoch // its length."
    )
    count = models.PositiveIntegerField(default=0)
    expires = models.FloatField(db_index=True, help_text="When this window ends (epoch seconds).")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
