from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from glossary import terms
        from glossary.models import GlossaryTerm
        from lessons import hooks

        def forget(**kwargs) -> None:
            terms.changed()

        for signal in (post_save, post_delete):
            signal.connect(forget, sender=GlossaryTerm, dispatch_uid=f"glossary-{signal}")
        hooks.register_body_filter(terms.link_lesson_body)
