from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contact directory"

    def ready(self) -> None:
        # Imported here: the hook reads models (the registry must be ready).
        from outbox.hours import register_recipient_hours

        from .working_hours import off_duty_people

        register_recipient_hours(off_duty_people)
