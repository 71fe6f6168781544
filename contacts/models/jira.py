"""Where a department's requests go when it works in Jira: one site and project per
department, set by directory admins. The credentials are not here: they come from the
environment (JIRA_EMAIL, JIRA_API_TOKEN), so a directory admin can point requests at a
project without ever seeing a token."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models

from core.choices import Priority
from core.history import AuditedHistory

from .directory import Department

_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
MAPPING_KEYS = {"priority", "fields"}


class JiraTarget(models.Model):
    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="jira_target"
    )
    site_url = models.URLField(
        "Jira site",
        max_length=200,
        validators=[URLValidator(schemes=["https"])],
        help_text="https only, e.g. https://yourcompany.atlassian.net",
    )
    project_key = models.CharField(
        max_length=20,
        validators=[RegexValidator(_PROJECT_KEY, "A Jira project key such as OPS or BILL2.")],
    )
    issue_type = models.CharField(max_length=60, default="Task")
    field_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            'Optional. {"priority": {"critical": "Highest", "high": "High", ...}, '
            '"fields": {"labels": ["support"], "customfield_10010": "..."}}'
        ),
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Off: requests go only through the usual channel."
    )

    history = AuditedHistory()

    class Meta:
        verbose_name = "Jira target"
        ordering = ["department__name"]

    def __str__(self) -> str:
        return f"{self.department}: Jira {self.project_key}"

    @property
    def address(self) -> str:
        """Where its issues are (the outbox message's recipient)."""
        return f"{self.site_url.rstrip('/')}/browse/{self.project_key}"

    def clean(self) -> None:
        """Only the two documented keys, each of the expected shape: a typo would otherwise
        be sent to Jira as a field at every request, and fail each one."""
        mapping = self.field_mapping or {}
        if not isinstance(mapping, dict) or set(mapping) - MAPPING_KEYS:
            raise ValidationError(
                {"field_mapping": 'Use an object with "priority" and/or "fields" only.'}
            )
        priority = mapping.get("priority", {})
        if not isinstance(priority, dict) or not all(
            key in Priority.values and isinstance(name, str) and name
            for key, name in priority.items()
        ):
            allowed = ", ".join(Priority.values)
            raise ValidationError(
                {"field_mapping": f'"priority" maps our priorities ({allowed}) to Jira names.'}
            )
        fields = mapping.get("fields", {})
        if not isinstance(fields, dict) or {"project", "issuetype", "summary"} & set(fields):
            raise ValidationError(
                {
                    "field_mapping": '"fields" is an object of extra fields (not project, '
                    "issuetype or summary: those are set here)."
                }
            )
