from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from lessons import hooks as lesson_hooks
        from quizzes import lesson_checks, session_carry  # noqa: F401  (session_carry connects)

        # Lessons draw their knowledge checks and link their module's quiz through these.
        lesson_hooks.register_checks(lesson_checks.check_views)
        lesson_hooks.register_module_quizzes(lesson_checks.module_quizzes)
        lesson_hooks.register_check_problems(lesson_checks.check_problems)
