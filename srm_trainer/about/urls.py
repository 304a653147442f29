from django.urls import path

from srm_trainer.about import views

urlpatterns = [
    path("security/", views.security, name="security"),
    path("favicon.ico", views.favicon, name="favicon"),
]
