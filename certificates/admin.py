"""Certificates in the admin, to look up and verify, never to write.

A certificate is a record of something that happened: its code is in links people have
shared, its name and date are what the public verification page vouches for. So nothing here
adds or changes one (only `certificates.issuing.issue` creates them); deleting one needs the
delete permission, which no role holds (a superuser only: a certificate issued in error).
"""

from django.contrib import admin

from certificates.models import Certificate
from srm_trainer.admin_names import NamedControlsAdmin


@admin.register(Certificate)
class CertificateAdmin(NamedControlsAdmin):
    list_display = ("name", "user", "course_title", "issued_at", "code")
    list_filter = ("course", "issued_at")
    list_select_related = ("user",)
    # A code is matched whole: a code pasted from a link finds its certificate, a fragment
    # finds nothing (the codes are the secret that makes each certificate public).
    search_fields = ("name", "user__username", "=code")
    date_hierarchy = "issued_at"
    # One per learner who finished: a search does not count the whole table again for
    # "(N total)"; it offers "Show all" instead.
    show_full_result_count = False
    fields = ("name", "user", "course", "course_title", "issued_at", "code")
    readonly_fields = fields  # "View on site" opens the public verification page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
