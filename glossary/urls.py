from django.urls import path

from glossary import views

app_name = "glossary"

urlpatterns = [
    path("learn/glossary/", views.index, name="index"),
    path("learn/glossary/<slug:slug>/", views.term_detail, name="term"),
]
