from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Curriculum"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from lessons import progress, reading_order, session_carry  # noqa: F401  (session_carry connects)
        from lessons.models import Lesson, LessonProgress, Module, Scenario

        def forget_order(**kwargs) -> None:
            reading_order.changed()

        # Scenarios too: lesson pages keep their lesson's scenarios with the order (pages.py).
        for model in (Lesson, Module, Scenario):
            for signal in (post_save, post_delete):
                signal.connect(forget_order, sender=model, dispatch_uid=f"order-{model.__name__}")
        m2m_changed.connect(
            forget_order, sender=Scenario.lessons.through, dispatch_uid="order-scenario-lessons"
        )

        # The per-module completion counts (`ModuleCompletions`) follow every progress row
        # saved or deleted through the ORM, whoever writes it: `progress.mark_complete`, the
        # admin, a lesson's or an account's cascade.
        def progress_before(sender, instance, raw=False, **kwargs) -> None:
            instance._counted_as = (
                LessonProgress.objects.filter(pk=instance.pk)
                .values_list("user_id", "lesson_id")
                .first()
                if instance.pk is not None
                else None
            )

        def progress_saved(sender, instance, created, **kwargs) -> None:
            before = getattr(instance, "_counted_as", None)
            now = (instance.user_id, instance.lesson_id)
            if before == now:
                return
            if before is not None:
                progress.count_completion(user_id=before[0], lesson_id=before[1], by=-1)
            progress.count_completion(user_id=now[0], lesson_id=now[1], by=1)

        def progress_deleted(sender, instance, **kwargs) -> None:
            progress.count_completion(user_id=instance.user_id, lesson_id=instance.lesson_id, by=-1)

        pre_save.connect(progress_before, sender=LessonProgress, dispatch_uid="count-progress-pre")
        post_save.connect(progress_saved, sender=LessonProgress, dispatch_uid="count-progress")
        post_delete.connect(
            progress_deleted, sender=LessonProgress, dispatch_uid="count-unprogress"
        )

        # A lesson moved to another module moves its learners' completions with it.
        def lesson_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
            instance._moved = False
            if instance.pk is None or (update_fields is not None and "module" not in update_fields):
                return
            old = Lesson.objects.filter(pk=instance.pk).values_list("module_id", flat=True).first()
            instance._moved = old is not None and old != instance.module_id

        def lesson_saved(sender, instance, **kwargs) -> None:
            if getattr(instance, "_moved", False):
                learners = LessonProgress.objects.filter(lesson=instance).values_list(
                    "user_id", flat=True
                )
                progress.recount(user_ids=learners)

        pre_save.connect(lesson_before, sender=Lesson, dispatch_uid="count-lesson-move-pre")
        post_save.connect(lesson_saved, sender=Lesson, dispatch_uid="count-lesson-move")
