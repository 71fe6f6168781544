"""The admin's schedule layer form: the rotation as lines of text, weekdays as boxes.

Django's admin cannot nest an inline of members inside the inline of layers, so the
rotation is written one member per line ("username" or "username +1 555 0100"), which
keeps the order visible and the whole schedule editable on one page. Every check that can
fail is here, in `clean`, so a refused save shows a message and writes nothing.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import ScheduleLayer
from .models.directory import PHONE_PATTERN
from .models.schedules import WEEKDAY_NAMES

MAX_MEMBERS = 100


class RotationField(forms.CharField):
    """An ordered list of (person, phone), written one member per line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault(
            "help_text",
            "One member per line, in turn order: a username or email, optionally followed "
            "by the phone to call during their turn (e.g. 'alice +1 555 0101').",
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        lines = [line.split(None, 1) for line in text.splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError("A layer needs at least one member.", code="required")
        if len(lines) > MAX_MEMBERS:
            raise forms.ValidationError(f"A layer rotates at most {MAX_MEMBERS} members.")
        names = {parts[0] for parts in lines}
        users = get_user_model().objects.filter(
            Q(username__in=names) | Q(email__in=names), is_active=True
        )
        by_name = {u.username: u for u in users} | {u.email: u for u in users if u.email}
        unknown = sorted(n for n in names if n not in by_name)
        if unknown:
            raise forms.ValidationError(f"No active user is called {', '.join(unknown)[:200]}.")
        members = []
        for parts in lines:
            phone = parts[1].strip() if len(parts) > 1 else ""
            if phone and not PHONE_PATTERN.match(phone):
                raise forms.ValidationError(
                    f"'{phone[:40]}' is not a phone number such as +1 555 0100."
                )
            members.append((by_name[parts[0]], phone))
        return members


class ScheduleLayerForm(forms.ModelForm):
    rota = RotationField(label="members")
    weekdays = forms.MultipleChoiceField(
        choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only on these days; none ticked means every day. A window crossing "
        "midnight belongs to the day it starts.",
    )

    class Meta:
        model = ScheduleLayer
        fields = [
            "position",
            "name",
            "rotation_start",
            "turn_length",
            "weekdays",
            "window_start",
            "window_end",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        layer = self.instance
        self.initial["weekdays"] = list(layer.weekdays or "")
        if layer.pk:
            # The inline's queryset prefetches members and their users: no query per layer.
            self.initial["rota"] = "\n".join(
                f"{m.person.get_username()} {m.phone}".strip() for m in layer.members.all()
            )

    def clean_weekdays(self) -> str:
        return "".join(sorted(set(self.cleaned_data.get("weekdays") or [])))
