from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalations"

    def ready(self) -> None:
        # Imported here: these modules import models, which need the app registry ready.
        from verification.signals import verification_decided

        from .sla_handlers import register_handlers
        from .verification_outcomes import document_on_customer

        register_handlers()
        verification_decided.connect(document_on_customer, dispatch_uid="escalation-verif")
