"""My progress before anything is published: the certificate's part says there is nothing to
complete yet, where "To earn the certificate:" stood above an empty list. (A file of its own:
the other files' module-wide course would be there.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_with_no_module_or_exam_published_my_progress_says_so_not_an_empty_list(client):
    body = client.get("/progress/").content.decode()
    status = body[body.index('id="certificate-title"') :]
    status = status[: status.index("</section>")]
    assert "To earn the certificate:" not in status
    assert "no published module yet" in status
