from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Supervised escalations for new hires (seed 003, "Training & Resources"): a trainee's
    stage comes from their start date; in the supervised stage their hand-offs and customer
    messages wait for the mentor's review before they take effect."""

    name = "training"
    verbose_name = "Training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: services import models, which need the app registry ready.
        from escalation.holds import register_hold

        from .services import hold_for_review

        register_hold(hold_for_review)
