from django.apps import AppConfig


class CohortsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        # quizzes never imports cohorts: cohorts plugs its rules into quizzes' hooks instead.
        from cohorts import gates
        from quizzes import hooks

        hooks.register_gate(gates.assignment_gate)
        hooks.register_viewer(gates.instructor_viewer)
        hooks.register_notes(gates.assignment_notes)

        # teach never imports cohorts either: its statistics page asks for narrower scopes.
        from cohorts.access import statistics_scopes
        from teach import statistics_views

        statistics_views.register_scopes(statistics_scopes)

        from cohorts import signals

        signals.connect()
