"""A multipart body's size, bounded before any of it is read.

Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` counts a form's fields but not its files, which its
default upload handlers stream to a temporary file whatever their size: any POST, anonymous
ones to the sign-in page included, could carry a file of any length, and a 1 GB one cost a
worker 2.3 s of CPU and 1 GB written to disk before the view refused it (10 GB reaches the
worker's timeout). The only file the site takes is an import's (512 KB), so a multipart body
over twice the form limit is refused from its declared length, as Django refuses a form over
the limit: `RequestDataTooBig`, answered by `too_large.bad_request`. gunicorn reads no more of
a body than its Content-Length says, and Django reads none of one without it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


def most_multipart_bytes() -> int | None:
    """The longest multipart body read: twice the form limit (None: the limit is off)."""
    most = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if most is None else 2 * most


class BoundedUploadHandler(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: refuses a body over `most_multipart_bytes` before the
    parser reads it; otherwise passes every chunk on to the next handler unchanged."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        most = most_multipart_bytes()
        if most is not None and content_length > most:
            raise RequestDataTooBig(
                f"Multipart body of {content_length} bytes exceeded {most} (twice "
                "settings.DATA_UPLOAD_MAX_MEMORY_SIZE)."
            )

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
