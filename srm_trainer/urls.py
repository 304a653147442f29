from django.contrib import admin
from django.urls import include, path, register_converter

from srm_trainer.converters import IdConverter

register_converter(IdConverter, "id")  # before the apps' URLconfs below use <id:...>

admin.site.site_header = "SRM Trainer administration"
admin.site.site_title = "SRM Trainer admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("srm_trainer.accounts.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("", include("srm_trainer.about.urls")),
    path("", include("srm_trainer.sandbox.urls")),
    path("", include("lessons.urls")),
]
