from django.urls import path

from quizzes import views

app_name = "quizzes"

# Quiz slugs "review" and "attempts" are refused by the content reader: they would shadow these.
urlpatterns = [
    path("", views.quiz_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("review/more/", views.review_more, name="review-more"),
    path("review/<id:question_pk>/", views.review_answer, name="review-answer"),
    path("attempts/<id:pk>/", views.attempt_take, name="take"),
    path("attempts/<id:pk>/answer/<id:position>/", views.answer_save, name="answer"),
    path("attempts/<id:pk>/flag/<id:position>/", views.attempt_flag, name="flag"),
    path(
        "attempts/<id:pk>/start-again/<id:position>/",
        views.answer_start_again,
        name="start-again",
    ),
    path("attempts/<id:pk>/summary/", views.attempt_summary, name="summary"),
    path("attempts/<id:pk>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<id:pk>/result/", views.attempt_result, name="result"),
    path("<slug:slug>/", views.quiz_detail, name="detail"),
    path("<slug:slug>/start/", views.attempt_start, name="start"),
]
