"""The admin's shared base classes; every app's admin builds on them."""

from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from .roles import writes_in_admin

admin.site.site_header = "Escalation back office"
admin.site.site_title = "Escalation back office"
admin.site.index_title = "Escalations, SLAs, verification and the directory"


HistoryPage = Callable[..., HttpResponse]
_history_page: list[HistoryPage] = []


def register_history_page(view: HistoryPage) -> None:
    """The audit app registers the page that shows one record's history (its ready()), so
    core, at the bottom of the layers, never imports the app above it."""
    _history_page[:] = [view]


class AuditedAdmin(SimpleHistoryAdmin):
    """History for every record, and no way to revert it from the product.

    SIMPLE_HISTORY_REVERT_DISABLED only hides the button; the history form view
    still saves a valid POST (even a view-only user's), and on state-machine
    models a revert would bypass the transitions. So POST is refused outright.
    The history page shows the audit trail's entries for this one record.
    """

    # Agents work in the desk and auditors only read: for them every admin page is
    # read-only, whatever their model permissions say (core.roles.writes_in_admin).
    def has_add_permission(self, request, *args):
        return writes_in_admin(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return writes_in_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return writes_in_admin(request.user) and super().has_delete_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        if _history_page:
            return _history_page[0](self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple_history's page of one old version exists to revert it, which is never
        allowed (and fails on proxy models): the record's history page shows every version
        with its changes instead."""
        if request.method != "GET":
            raise PermissionDenied("History cannot be reverted.")
        opts = self.model._meta
        return redirect(
            reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history",
                args=[object_id],
            )
        )


class ReadOnlyAdminMixin:
    """Records only services write: the admin lists, filters and shows them, nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
