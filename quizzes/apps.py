from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from quizzes import session_carry  # noqa: F401  (connects its user_logged_in receiver)
