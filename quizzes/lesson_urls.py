"""Knowledge checks inside lessons answer under the lesson's own address (included at the
site's root, beside `lessons.urls`)."""

from django.urls import path

from quizzes import lesson_views

urlpatterns = [
    path(
        "learn/<slug:module_slug>/<slug:lesson_slug>/predict/<slug:scenario_slug>/",
        lesson_views.lesson_predict,
        name="lesson-predict",
    ),
    path(
        "learn/<slug:module_slug>/<slug:lesson_slug>/check/<slug:question_slug>/",
        lesson_views.lesson_check,
        name="lesson-check",
    ),
]
