"""Where an address of this site leads inside it, for a site served under a script prefix.

A site may be served under a prefix (`SCRIPT_NAME`, or `FORCE_SCRIPT_NAME`: `/srm/`). Its links
and its `next` parameters carry the prefix (`/srm/teach/`), as `reverse` and
`request.get_full_path()` give them, while the URLconf and every rule about a part of the
site (`/teach/`, `/admin/`, `/join/`) speak of the path inside it, `request.path_info`.
`inside_site` turns the one into the other, so such a rule holds under a prefix too.
"""

from __future__ import annotations

from django.urls import get_script_prefix


def inside_site(address: str) -> str | None:
    """The path inside the site of `address`, a path of this site with its script prefix and
    maybe a query (`/srm/teach/bank/?q=s3` → `/teach/bank/?q=s3`); None when it does not
    start with the prefix (not an address of this site as its links name one)."""
    prefix = get_script_prefix()  # "/" when there is none; always ends with "/"
    if not address.startswith(prefix):
        return None
    return "/" + address[len(prefix) :]
