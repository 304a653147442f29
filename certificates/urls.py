from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("progress/", views.my_progress, name="progress"),
    path("progress/certificate/", views.my_certificate, name="mine"),
    path("progress/certificate/pdf/", views.my_certificate_pdf, name="pdf"),
    path("certificates/<slug:code>/", views.verify, name="verify"),
]
