"""Admin pieces of the metrics: editable targets, and the ticket-list filter behind a figure."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

from core.admin import AuditedAdmin

from ..models import MetricTarget
from .cohorts import ticket_set_label, tickets_behind
from .scope import scope_from
from .views import PERMISSION

SCOPE_KEYS = ("period", "from", "to", "team", "category", "priority", "plan")


class MetricFilter(admin.SimpleListFilter):
    """`?metric=<code>&m_period=...`: exactly the tickets a metrics figure counted.

    Shown only when a figure was clicked; its scope travels as `m_` parameters so it
    never clashes with the list's own filters.
    """

    title = "metrics figure"
    parameter_name = "metric"
    SCOPE_PARAMS = [f"m_{key}" for key in SCOPE_KEYS]

    def __init__(self, request, params, model, model_admin):
        self.scope_values = {k: params.pop(k)[-1] for k in self.SCOPE_PARAMS if k in params}
        super().__init__(request, params, model, model_admin)

    def expected_parameters(self):
        return [self.parameter_name, *self.SCOPE_PARAMS]

    def lookups(self, request, model_admin):
        code = request.GET.get(self.parameter_name)
        allowed = request.user.has_perm(PERMISSION)
        return [(code, ticket_set_label(code))] if code and allowed else []

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        if not request.user.has_perm(PERMISSION):
            raise IncorrectLookupParameters("The metrics are for leads and auditors.")
        scope, form = scope_from(self.scope_values, prefix_params="m_")
        if scope is None:
            raise IncorrectLookupParameters(form.error_text())
        behind = tickets_behind(code, scope)
        if behind is None:
            raise IncorrectLookupParameters(f"No metrics figure is called {code!r}.")
        return queryset.filter(pk__in=behind.values("pk"))


class MetricTargetForm(forms.ModelForm):
    class Meta:
        model = MetricTarget
        fields = ["metric", "comparison", "value"]


@admin.register(MetricTarget)
class MetricTargetAdmin(AuditedAdmin):
    form = MetricTargetForm
    list_display = ["metric", "target", "unit"]
    ordering = ["metric"]

    @admin.display(description="target")
    def target(self, obj):
        return obj.describe()
