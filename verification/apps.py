from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Identity verification"

    def ready(self) -> None:
        from sla.registry import register

        from . import services
        from .models import VerificationRequest

        @register(services.EXPIRE_TIMER)
        def expire(timers, now) -> None:
            requests = VerificationRequest.objects.in_bulk([t.subject_id for t in timers])
            for request in requests.values():
                services.verification_expire(request=request)
