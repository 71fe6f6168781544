from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """The monthly escalation review pack (seed 003 "Monthly escalation review meeting",
    004 "Analyze data on escalations"): root causes by category and tier, preventive
    actions tracked to done, repeat root causes flagged."""

    name = "reviews"
    verbose_name = "Escalation reviews"
    default_auto_field = "django.db.models.BigAutoField"
