from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        # lessons, quizzes and curriculum never import search: it listens to their signals.
        from search import signals

        signals.connect()
