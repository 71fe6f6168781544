from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalations"

    def ready(self) -> None:
        # Imported here: these modules import models, which need the app registry ready.
        from contacts.routing import email_for
        from verification.alerts import register_department_address
        from verification.signals import verification_decided

        from .sla_handlers import register_handlers
        from .verification_outcomes import document_on_customer

        register_handlers()
        # Verification alerts security and approvers; the directory (beside it) knows where.
        register_department_address(email_for)
        verification_decided.connect(document_on_customer, dispatch_uid="escalation-verif")
