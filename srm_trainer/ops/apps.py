from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What the people who run the app need: /healthz and one JSON line per request
    (srm_trainer/ops/request_log.py, in MIDDLEWARE)."""

    name = "srm_trainer.ops"
    label = "ops"
