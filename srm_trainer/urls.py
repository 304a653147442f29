from django.contrib import admin
from django.urls import include, path, register_converter

from srm_trainer.converters import IdConverter
from srm_trainer.kept_urls import kept_reverse

register_converter(IdConverter, "id")  # before the apps' URLconfs below use <id:...>

admin.site.site_header = "SRM Trainer administration"
admin.site.site_title = "SRM Trainer admin"
# The admin's app list (its index and every page's sidebar) reverses two URLs for each model on
# every page: kept, as `{% url %}` keeps them (srm_trainer/kept_urls.py).
admin.sites.reverse = kept_reverse  # type: ignore[attr-defined]  # sites.py imports it; stubs omit it
# allauth's rate-limited pages (sign-up, reset, too many sign-ins) answer with this view.
handler429 = "srm_trainer.accounts.views.too_many_requests"
# A body over Django's size limit on a page that refuses large bodies in its own words.
handler400 = "srm_trainer.too_large.bad_request"
# A live update (htmx) that finds what it acts on gone, or no longer allowed: said on the page.
handler404 = "srm_trainer.gone.page_not_found"
handler403 = "srm_trainer.gone.permission_denied"
# The database or the cache not answering: 503 "briefly unavailable", not a fault's 500.
handler500 = "srm_trainer.outage.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("srm_trainer.accounts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("teach/cohorts/", include("cohorts.teach_urls")),
    path("teach/", include("teach.urls")),
    path("", include("cohorts.urls")),
    path("", include("certificates.urls")),  # /progress/, /certificates/<code>/
    path("", include("srm_trainer.about.urls")),
    path("", include("srm_trainer.sandbox.urls")),
    path("", include("netlab.urls")),
    path("", include("glossary.urls")),  # before lessons: /learn/glossary/ is not a module
    path("", include("search.urls")),
    path("", include("lessons.urls")),
    # Knowledge checks inside lessons (predict first, `::: check`): quizzes grades them.
    path("", include("quizzes.lesson_urls")),
]
