from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        from lessons import session_carry  # noqa: F401  (connects its user_logged_in receiver)
