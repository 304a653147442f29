from django.urls import path

from teach import views

app_name = "teach"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("quizzes/new/", views.quiz_create, name="quiz-create"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz"),
    path("quizzes/<int:pk>/edit/", views.quiz_edit, name="quiz-edit"),
    path("quizzes/<int:pk>/publish/", views.quiz_publish, name="quiz-publish"),
    path("quizzes/<int:pk>/duplicate/", views.quiz_duplicate, name="quiz-duplicate"),
    path("quizzes/<int:pk>/delete/", views.quiz_delete, name="quiz-delete"),
    path("quizzes/<int:pk>/preview/", views.quiz_preview, name="quiz-preview"),
    path(
        "quizzes/<int:pk>/preview/<int:position>/",
        views.quiz_preview_check,
        name="quiz-preview-check",
    ),
    path("quizzes/<int:pk>/questions/add/", views.quiz_question_add, name="quiz-question-add"),
    path(
        "quizzes/<int:pk>/questions/new/<slug:kind>/",
        views.question_create,
        name="question-create",
    ),
    path(
        "quizzes/<int:pk>/questions/<int:question_pk>/move/",
        views.quiz_question_move,
        name="quiz-question-move",
    ),
    path(
        "quizzes/<int:pk>/questions/<int:question_pk>/remove/",
        views.quiz_question_remove,
        name="quiz-question-remove",
    ),
    path("questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
    path("questions/<int:pk>/archive/", views.question_archive, name="question-archive"),
]
