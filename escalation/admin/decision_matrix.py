"""The decision matrix (categories: priority, routing, what a hand-off must contain) and
the communication templates leads maintain."""

from django.contrib import admin

from core.admin import AuditedAdmin

from ..forms import CategoryForm
from ..models import Category, CommunicationTemplate


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    form = CategoryForm
    list_display = [
        "name",
        "group",
        "default_priority",
        "route_to",
        "copies",
        "verification_level",
        "troubleshooting_required",
        "is_active",
    ]
    list_filter = ["group", "default_priority", "verification_level", "is_active"]
    search_fields = ["name", "code", "route_to__name", "guidance"]
    prepopulated_fields = {"code": ["name"]}
    list_select_related = ["route_to"]
    filter_horizontal = ["copy_to"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("copy_to")

    @admin.display(description="copy")
    def copies(self, obj: Category) -> str:
        return ", ".join(d.name for d in obj.copy_to.all()) or "-"


@admin.register(CommunicationTemplate)
class CommunicationTemplateAdmin(AuditedAdmin):
    """Leads edit templates; a template with an unknown placeholder is refused on save."""

    list_display = ["name", "code", "purpose", "is_active"]
    list_filter = ["purpose", "is_active"]
    prepopulated_fields = {"code": ["name"]}
