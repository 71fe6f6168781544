"""Which tickets a metrics page looks at: a period and the lead's filters, from a query string."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from contacts.models import Department
from core.choices import Priority

from ..models import Category, Plan, Ticket, TicketState

PERIODS = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("custom", "Custom"),
]
MAX_DAYS = 400  # a bounded range keeps every aggregate fast
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Scope:
    """[start, end) in local midnights, plus the ticket filters. Empty filters mean 'all'."""

    start: datetime
    end: datetime
    team: Department | None = None
    category: Category | None = None
    priority: str = ""
    plan: str = ""
    period: str = "30"

    @property
    def days(self) -> list[date]:
        first = timezone.localtime(self.start).date()
        return [first + timedelta(days=i) for i in range((self.end - self.start).days)]

    @property
    def last_day(self) -> date:
        return timezone.localtime(self.end).date() - timedelta(days=1)

    @property
    def has_ticket_filters(self) -> bool:
        return bool(self.team or self.category or self.priority or self.plan)

    def ticket_q(self, prefix: str = "") -> Q:
        """The team/category/priority/plan filters on tickets, reached through `prefix`."""
        q = Q()
        if self.team:
            q &= Q(**{f"{prefix}category__route_to": self.team})
        if self.category:
            q &= Q(**{f"{prefix}category": self.category})
        if self.priority:
            q &= Q(**{f"{prefix}priority": self.priority})
        if self.plan:
            q &= Q(**{f"{prefix}customer__plan": self.plan})
        return q

    def in_period(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def tickets(self):
        """Tickets opened in the period; cancelled ones (spam, duplicates) never count."""
        return Ticket.objects.filter(self.in_period("created_at"), self.ticket_q()).exclude(
            state=TicketState.CANCELLED
        )

    def params(self) -> dict[str, str]:
        """The query-string form of this scope (links, CSV, the ticket list filter)."""
        values = {"period": self.period}
        if self.period == "custom":
            values["from"] = timezone.localtime(self.start).date().isoformat()
            values["to"] = self.last_day.isoformat()
        if self.team:
            values["team"] = str(self.team.pk)
        if self.category:
            values["category"] = str(self.category.pk)
        if self.priority:
            values["priority"] = self.priority
        if self.plan:
            values["plan"] = self.plan
        return values


def _attrs(attrs: dict) -> str:
    parts = [
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    ]
    return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


class QuickSelect(forms.Select):
    """Django's Select, same HTML, without a template include per option (the filters'
    hundred options cost the dashboard ~10 ms through the template engine)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts += [
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped by format_html)


class ScopeForm(forms.Form):
    period = forms.ChoiceField(choices=PERIODS, initial="30", required=False, widget=QuickSelect)
    # "from" is a keyword, so the field names differ from the query parameters.
    date_from = forms.DateField(label="From", required=False)
    date_to = forms.DateField(label="To", required=False)
    team = forms.ModelChoiceField(
        Department.objects.order_by("name"),
        required=False,
        empty_label="All teams",
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        Category.objects.order_by("name"),
        required=False,
        empty_label="All categories",
        widget=QuickSelect,
    )
    priority = forms.ChoiceField(
        choices=[("", "All priorities"), *Priority.choices], required=False, widget=QuickSelect
    )
    plan = forms.ChoiceField(
        choices=[("", "All plans"), *Plan.choices], required=False, widget=QuickSelect
    )

    PARAMS = {"from": "date_from", "to": "date_to"}

    def __init__(self, query=None, *, prefix_params: str = ""):
        data = None
        if query is not None:
            data = {
                self.PARAMS.get(key, key): query.get(f"{prefix_params}{key}", "")
                for key in ("period", "from", "to", "team", "category", "priority", "plan")
            }
        super().__init__(data)

    def clean(self):
        data = super().clean()
        period = data.get("period") or "30"
        data["period"] = period
        today = timezone.localdate()
        if period == "custom":
            first, last = data.get("date_from"), data.get("date_to")
            if first is None or last is None:
                raise forms.ValidationError("A custom period needs both a start and an end date.")
            if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
                raise forms.ValidationError(f"Choose dates between {EARLIEST:%Y} and {LATEST:%Y}.")
            if first > last:
                raise forms.ValidationError("The start date is after the end date.")
            if (last - first).days >= MAX_DAYS:
                raise forms.ValidationError(f"Choose a period of at most {MAX_DAYS} days.")
        else:
            last = today
            first = today - timedelta(days=int(period) - 1)
        data["start"], data["end"] = local_midnight(first), local_midnight(last + timedelta(days=1))
        return data

    def scope(self) -> Scope:
        """The scope of a valid form (the default 30 days when nothing was asked)."""
        d = self.cleaned_data
        return Scope(
            start=d["start"],
            end=d["end"],
            team=d.get("team"),
            category=d.get("category"),
            priority=d.get("priority") or "",
            plan=d.get("plan") or "",
            period=d["period"],
        )

    def error_text(self) -> str:
        errors = [str(e) for e in self.non_field_errors()]
        for name, field_errors in self.errors.items():
            if name != "__all__":
                label = self.fields[name].label or name.capitalize()
                errors += [f"{label}: {e}" for e in field_errors]
        return " ".join(errors)


def scope_from(query, *, prefix_params: str = "") -> tuple[Scope | None, ScopeForm]:
    form = ScopeForm(query, prefix_params=prefix_params)
    return (form.scope() if form.is_valid() else None), form
