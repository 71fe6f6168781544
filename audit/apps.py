from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # Imported here: admin, signals and views import models (the registry must be ready).
        from core.admin import register_history_page

        from . import lockouts, signals
        from .views import object_history

        signals.connect()
        lockouts.connect()
        register_history_page(object_history)
