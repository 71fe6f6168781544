from django.apps import AppConfig


class PagingConfig(AppConfig):
    """Paging a department that has not acknowledged a request, level after level, by its
    escalation policy (contacts): by email and chat, or through PagerDuty's Events API
    for a department with a routing key. The SLA engine's timers decide when."""

    name = "paging"
    verbose_name = "Paging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the receivers import models (the registry must be ready).
        from . import receivers

        receivers.connect()
