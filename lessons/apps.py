from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from lessons import reading_order, session_carry  # noqa: F401  (session_carry connects)
        from lessons.models import Lesson, Module

        def forget_order(**kwargs) -> None:
            reading_order.changed()

        for model in (Lesson, Module):
            for signal in (post_save, post_delete):
                signal.connect(forget_order, sender=model, dispatch_uid=f"order-{model.__name__}")
