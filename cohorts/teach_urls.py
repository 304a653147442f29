"""Instructors' side, under /teach/cohorts/ (so the two-factor guard on /teach/ covers it)."""

from django.urls import path

from cohorts import views

app_name = "teach_cohorts"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("<id:pk>/", views.cohort_gradebook, name="gradebook"),
    path("<id:pk>/gradebook.csv", views.gradebook_csv, name="gradebook-csv"),
    path("<id:pk>/answers.csv", views.answers_csv, name="answers-csv"),
    path("<id:pk>/people/", views.cohort_people, name="people"),
    path("<id:pk>/rename/", views.cohort_rename, name="rename"),
    path("<id:pk>/code/", views.code_rotate, name="code-rotate"),
    path("<id:pk>/delete/", views.cohort_delete, name="delete"),
    path("<id:pk>/archive/", views.cohort_archive, name="archive"),
    path("<id:pk>/restore/", views.cohort_restore, name="restore"),
    path("<id:pk>/next-term/", views.cohort_next_term, name="next-term"),
    path("<id:pk>/members/<id:user_pk>/remove/", views.member_remove, name="member-remove"),
    path("<id:pk>/instructors/", views.instructor_add, name="instructor-add"),
    path(
        "<id:pk>/instructors/<id:user_pk>/remove/",
        views.instructor_remove,
        name="instructor-remove",
    ),
    path("<id:pk>/instructors/<id:user_pk>/owner/", views.owner_hand, name="owner-hand"),
    path("<id:pk>/learners/<id:user_pk>/", views.learner_detail, name="learner"),
    path(
        "<id:pk>/quizzes/<id:quiz_pk>/statistics/",
        views.cohort_statistics,
        name="quiz-statistics",
    ),
    path("<id:pk>/assignments/new/", views.assignment_create, name="assignment-create"),
    path("<id:pk>/assignments/quizzes/", views.quiz_find, name="quiz-find"),
    path("<id:pk>/assignments/learners/", views.learner_find, name="learner-find"),
    path("<id:pk>/assignments/<id:assignment_pk>/", views.assignment_detail, name="assignment"),
    path(
        "<id:pk>/assignments/<id:assignment_pk>/close/",
        views.assignment_close,
        name="assignment-close",
    ),
    path(
        "<id:pk>/assignments/<id:assignment_pk>/remove/",
        views.assignment_remove,
        name="assignment-remove",
    ),
    path(
        "<id:pk>/assignments/<id:assignment_pk>/extensions/",
        views.extension_set,
        name="extension-set",
    ),
    path(
        "<id:pk>/assignments/<id:assignment_pk>/extensions/<id:user_pk>/remove/",
        views.extension_remove,
        name="extension-remove",
    ),
]
