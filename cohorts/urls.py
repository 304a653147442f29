"""Learners' side: /cohorts/ (the cohorts you are in, join by code) and /join/<code>/."""

from django.urls import path

from cohorts import views_learner

app_name = "cohorts"

urlpatterns = [
    path("cohorts/", views_learner.my_cohorts, name="mine"),
    path("cohorts/join/", views_learner.join, name="join"),
    path("cohorts/<id:pk>/leave/", views_learner.leave, name="leave"),
    path("join/<str:code>/", views_learner.join_link, name="join-link"),
]
