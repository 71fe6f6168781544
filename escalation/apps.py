from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from verification.signals import verification_decided

        from .sla_handlers import register_handlers

        register_handlers()
        verification_decided.connect(_document_on_customer, dispatch_uid="escalation-verif")


def _document_on_customer(sender, request, actor, **kwargs) -> None:
    from core.actors import system_user

    from .models import Customer
    from .services import customer_document_verification

    if request.subject_type.model_class() is Customer:
        customer_document_verification(request=request, actor=actor or system_user())
