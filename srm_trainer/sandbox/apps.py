from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "srm_trainer.sandbox"
    label = "sandbox"
    verbose_name = "Policy sandbox"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from lessons.models import Lesson, Module, Scenario
        from srm_trainer.sandbox import presets

        def forget_menu(**kwargs) -> None:
            presets.changed()

        # The menu offers scenarios by their lessons' and modules' publication (presets.py).
        for model in (Lesson, Module, Scenario):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_menu, sender=model, dispatch_uid=f"sandbox-presets-{model.__name__}"
                )
        m2m_changed.connect(
            forget_menu, sender=Scenario.lessons.through, dispatch_uid="sandbox-presets-lessons"
        )
