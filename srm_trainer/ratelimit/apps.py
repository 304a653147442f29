from django.apps import AppConfig


class RateLimitConfig(AppConfig):
    name = "srm_trainer.ratelimit"
    label = "ratelimit"
    verbose_name = "Rate limits"
