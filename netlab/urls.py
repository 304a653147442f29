from django.urls import path

from netlab import views

urlpatterns = [
    path("lab/network/", views.network_lab, name="network-lab"),
    path("lab/waf/", views.waf_lab, name="waf-lab"),
    path("lab/findings/", views.findings_lab, name="findings-lab"),
]
