"""Who a chat user is here. A button pressed in Slack acts as the staff account mapped to
the Slack user who pressed it, never as a shared bot: the services then allow or refuse
exactly what that person may do, and the history names them."""

from django.conf import settings
from django.db import models

from core.history import AuditedHistory
from core.validators import validate_single_line


class ChatIdentity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_identity"
    )
    slack_user_id = models.CharField(
        "Slack user ID",
        max_length=30,
        unique=True,
        validators=[validate_single_line],
        help_text="Shown in Slack under the person's profile, ⋮ → Copy member ID (U0…).",
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "chat identity"
        verbose_name_plural = "chat identities"
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} = Slack {self.slack_user_id}"
