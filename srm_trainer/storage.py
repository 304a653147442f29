"""Static files storage for production: whitenoise's compressed manifest storage, with each
file's URL kept once asked for.

Every page asks for the same few URLs (`{% static %}`: the stylesheet, scripts, the icon), and
each answer is a manifest lookup plus URL quoting and joining. The manifest is read once when
the storage is made and never changes while the process runs, so neither do the answers.
"""

from __future__ import annotations

from whitenoise.storage import (  # type: ignore[import-untyped]  # no type information
    CompressedManifestStaticFilesStorage,
)


class KeptURLsStorage(CompressedManifestStaticFilesStorage):
    MAX_KEPT = 1024

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        key = (str(name), bool(force))
        found = self._kept_urls.get(key)
        if found is None:
            found = super().url(name, force)  # a missing file raises, and is not kept
            if len(self._kept_urls) < self.MAX_KEPT:
                self._kept_urls[key] = found
        return found
