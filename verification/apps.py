from django.apps import AppConfig

from sla.registry import register

from .alerts import register_department_address


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Identity verification"

    def ready(self) -> None:
        # Imported here: models (and the services and directory that use them) need the app
        # registry, which is ready only now. The directory wiring belongs to the app above
        # both (escalation.apps); it stays here until that app registers it.
        from contacts.routing import email_for

        from . import services
        from .models import VerificationRequest

        register_department_address(email_for)

        @register(services.EXPIRE_TIMER)
        def expire(timers, now) -> None:
            requests = VerificationRequest.objects.in_bulk([t.subject_id for t in timers])
            for request in requests.values():
                services.verification_expire(request=request)
