from django.apps import AppConfig


class JiraopsConfig(AppConfig):
    """Jira, both ways: a department request to a department that works in Jira becomes
    an issue there (through the outbox), and Jira's webhook brings its progress back."""

    name = "jiraops"
    verbose_name = "Jira"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the receivers import models (the registry must be ready).
        from . import receivers

        receivers.connect()
