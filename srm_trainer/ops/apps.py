from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What the people who run the app need: /healthz and one JSON line per request."""

    name = "srm_trainer.ops"
    label = "ops"

    def ready(self) -> None:
        from srm_trainer.ops import request_log

        request_log.connect()
