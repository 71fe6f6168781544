from django.apps import AppConfig


class ChatopsConfig(AppConfig):
    """Chat with buttons: hand-offs and department requests posted to Slack (or Teams) and
    the buttons pressed there run the same services as the desk."""

    name = "chatops"
    verbose_name = "Chat (Slack, Teams)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the receivers import models (the registry must be ready).
        from . import receivers

        receivers.connect()
