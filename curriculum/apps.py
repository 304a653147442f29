from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum files"

    def ready(self) -> None:
        from curriculum.shipped import shipped_file
        from lessons import hooks

        hooks.register_content_file(shipped_file)  # the admin names a row's file (lessons/admin.py)
