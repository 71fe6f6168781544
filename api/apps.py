from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Integrations (REST API)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: drf-spectacular finds the token scheme by importing its extension;
        # the webhooks import models (the registry must be ready).
        from . import (
            authentication,  # noqa: F401
            webhooks,
        )

        webhooks.connect()
