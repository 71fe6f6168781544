from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from .sla_handlers import register_handlers

        register_handlers()
