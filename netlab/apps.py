from django.apps import AppConfig


class NetlabConfig(AppConfig):
    name = "netlab"
    verbose_name = "Network lab"
