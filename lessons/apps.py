from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from lessons import explorers, progress, reading_order, session_carry  # noqa: F401  (session_carry connects)
        from lessons.models import (
            Layer,
            Lesson,
            LessonProgress,
            Module,
            Responsibility,
            Scenario,
            Service,
        )

        def forget_order(**kwargs) -> None:
            reading_order.changed()

        # Scenarios too: lesson pages keep their lesson's scenarios with the order (pages.py).
        for model in (Lesson, Module, Scenario):
            for signal in (post_save, post_delete):
                signal.connect(forget_order, sender=model, dispatch_uid=f"order-{model.__name__}")
        m2m_changed.connect(
            forget_order, sender=Scenario.lessons.through, dispatch_uid="order-scenario-lessons"
        )

        # The SRM explorer's kept rows and the diagram drawn from them (explorers.srm_rows).
        def forget_srm(**kwargs) -> None:
            explorers.srm_changed()

        for srm_model in (Service, Layer, Responsibility):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_srm, sender=srm_model, dispatch_uid=f"srm-{srm_model.__name__}"
                )

        # The per-module completion counts (`ModuleCompletions`) follow every progress row
        # saved or deleted through the ORM, whoever writes it (`mark_complete`, the admin, a
        # lesson's or an account's cascade), and a lesson moved to another module.
        pre_save.connect(
            progress.remember_counted, sender=LessonProgress, dispatch_uid="count-progress-pre"
        )
        post_save.connect(
            progress.count_saved, sender=LessonProgress, dispatch_uid="count-progress"
        )
        post_delete.connect(
            progress.count_deleted, sender=LessonProgress, dispatch_uid="count-unprogress"
        )
        pre_save.connect(
            progress.remember_module, sender=Lesson, dispatch_uid="count-lesson-move-pre"
        )
        post_save.connect(progress.recount_moved, sender=Lesson, dispatch_uid="count-lesson-move")
