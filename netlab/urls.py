from django.urls import path

from netlab import views

urlpatterns = [
    path("lab/network/", views.network_lab, name="network-lab"),
]
