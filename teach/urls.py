from django.urls import path

from teach import statistics_views, transfer_views, views, views_bank, views_lessons

app_name = "teach"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lessons/find/", views_lessons.lesson_find, name="lesson-find"),
    path("scenarios/find/", views_lessons.scenario_find, name="scenario-find"),
    path("quizzes/new/", views.quiz_create, name="quiz-create"),
    path("quizzes/<id:pk>/", views.quiz_detail, name="quiz"),
    path("quizzes/<id:pk>/edit/", views.quiz_edit, name="quiz-edit"),
    path("quizzes/<id:pk>/publish/", views.quiz_publish, name="quiz-publish"),
    path("quizzes/<id:pk>/duplicate/", views.quiz_duplicate, name="quiz-duplicate"),
    path("quizzes/<id:pk>/delete/", views.quiz_delete, name="quiz-delete"),
    path("quizzes/<id:pk>/preview/", views.quiz_preview, name="quiz-preview"),
    path(
        "quizzes/<id:pk>/preview/<id:position>/",
        views.quiz_preview_check,
        name="quiz-preview-check",
    ),
    path("quizzes/<id:pk>/questions/add/", views.quiz_question_add, name="quiz-question-add"),
    path(
        "quizzes/<id:pk>/questions/new/<slug:kind>/",
        views.question_create,
        name="question-create",
    ),
    path(
        "quizzes/<id:pk>/questions/<id:question_pk>/move/",
        views.quiz_question_move,
        name="quiz-question-move",
    ),
    path(
        "quizzes/<id:pk>/questions/<id:question_pk>/copy/",
        views.quiz_question_copy,
        name="quiz-question-copy",
    ),
    path(
        "quizzes/<id:pk>/questions/<id:question_pk>/remove/",
        views.quiz_question_remove,
        name="quiz-question-remove",
    ),
    path("questions/<id:pk>/edit/", views.question_edit, name="question-edit"),
    path("questions/<id:pk>/delete/", views.question_delete, name="question-delete"),
    path("questions/<id:pk>/archive/", views.question_archive, name="question-archive"),
    # question banks (teach-bank)
    path("questions/", views_bank.question_bank, name="bank"),
    # --- statistics: the id route first, so an all-digit slug never reaches the slug route
    path(
        "quizzes/<id:pk>/statistics/",
        statistics_views.quiz_statistics,
        name="quiz-statistics",
    ),
    path(
        "quizzes/<slug:slug>/statistics/",
        statistics_views.quiz_statistics_by_slug,
        name="quiz-statistics-by-slug",
    ),
]

# --- import and export (teach.transfer_views) ---------------------------------------------
urlpatterns += [
    path("import/", transfer_views.import_questions, name="import"),
    path("import/help/", transfer_views.import_help_page, name="import-help"),
    path("quizzes/<id:pk>/export/<slug:fmt>/", transfer_views.quiz_export, name="quiz-export"),
    path(
        "categories/<slug:category>/export/<slug:fmt>/",
        transfer_views.category_export,
        name="category-export",
    ),
]
