from django.apps import AppConfig


class InboxConfig(AppConfig):
    """Email that comes in: customer replies threaded to their tickets, strangers held."""

    name = "inbox"
    verbose_name = "Inbound email"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: connecting the receiver needs the models, loaded only now.
        from . import receivers  # noqa: F401
