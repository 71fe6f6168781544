from django.apps import AppConfig

from sla.registry import register


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Identity verification"

    def ready(self) -> None:
        # Imported here: models (and the services that use them) need the app registry,
        # which is ready only now. The directory's addresses are wired in by escalation.apps.
        from . import services
        from .models import VerificationRequest

        @register(services.EXPIRE_TIMER)
        def expire(timers, now) -> None:
            requests = VerificationRequest.objects.in_bulk([t.subject_id for t in timers])
            for request in requests.values():
                services.verification_expire(request=request)
