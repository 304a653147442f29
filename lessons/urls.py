from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.learn, name="learn"),  # the modules are the home page
    path("learn/srm/", views.srm_explorer, name="srm-explorer"),
    path("learn/compliance/", views.compliance_explorer, name="compliance-explorer"),
    path("labs/", views.labs, name="labs"),
    path("learn/<slug:module_slug>/", views.module_detail, name="module"),
    path("learn/<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path(
        "learn/<slug:module_slug>/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="lesson-complete",
    ),
]
