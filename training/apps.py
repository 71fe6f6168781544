from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Supervised escalations for new hires (seed 003, "Training & Resources"): a trainee's
    stage comes from their start date; in the supervised stage their hand-offs and customer
    messages wait for the mentor's review before they take effect."""

    name = "training"
    verbose_name = "Training"
    default_auto_field = "django.db.models.BigAutoField"
