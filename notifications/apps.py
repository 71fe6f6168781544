from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Imported here: the receivers import models, which need the app registry ready.
        from .receivers import connect

        connect()
