from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Imported here: schedules reach django_q's models, which need the app registry.
        from .schedules import ensure_schedules

        post_migrate.connect(ensure_schedules, sender=self)
