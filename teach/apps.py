from django.apps import AppConfig


class TeachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "teach"
    verbose_name = "Teaching"

    def ready(self) -> None:
        from quizzes import hooks
        from teach import ceilings, signals

        signals.connect()
        # The admin's question form and its "Put back in use" hold a teacher's ceilings.
        hooks.register_owner_check(ceilings.question_refusals)
        hooks.register_restore_check(ceilings.restore_refused)
