from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "srm_trainer.sandbox"
    label = "sandbox"
    verbose_name = "Policy sandbox"
