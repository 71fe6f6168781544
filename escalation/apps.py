from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalations"

    def ready(self) -> None:
        # Imported here: these modules import models, which need the app registry ready.
        from audit.wording import register_reason_words
        from contacts.routing import email_for
        from verification.alerts import register_department_address
        from verification.signals import verification_decided

        from .sla_handlers import register_handlers
        from .timeline import reason_text
        from .verification_outcomes import document_on_customer

        register_handlers()
        # The audit trail shows the ticket workflow's reasons in words, as the timeline does.
        register_reason_words(reason_text)
        # Verification alerts security and approvers; the directory (beside it) knows where.
        register_department_address(email_for)
        verification_decided.connect(document_on_customer, dispatch_uid="escalation-verif")
