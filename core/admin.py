"""The admin's shared base classes; every app's admin builds on them."""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from .roles import writes_in_admin

admin.site.site_header = "Escalation back office"
admin.site.site_title = "Escalation back office"
admin.site.index_title = "Escalations, SLAs, verification and the directory"
# The ticket list's key columns must fit a 1366 px laptop beside its filters; the app list
# is one click away on the home page and in the breadcrumbs.
admin.site.enable_nav_sidebar = False


HistoryPage = Callable[..., HttpResponse]
_history_page: list[HistoryPage] = []


def register_history_page(view: HistoryPage) -> None:
    """The audit app registers the page that shows one record's history (its ready()), so
    core, at the bottom of the layers, never imports the app above it."""
    _history_page[:] = [view]


class _KnownValuesOnly:
    """An autocomplete widget redisplaying a refused form shows only values that can be
    ids: a posted 'abc' (or a 30-digit number) for a numeric key would otherwise be a 500
    while rendering."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", "pk") or "pk")
        known = []
        for item in value:
            try:
                id_ = target.to_python(item)
            except ValidationError:
                continue
            if isinstance(id_, int) and not -(2**63) <= id_ < 2**63:
                continue  # no database row has it, and SQLite cannot even look it up
            known.append(item)
        return super().optgroups(name, known, attr)


class SafeAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                SafeAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        # Templates show write links (steps, "Verify identity") only to admin writers.
        context["admin_writes"] = writes_in_admin(request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_changelist_instance(self, request):
        """A filter value the database cannot take (an owner 'zzz', year 99999, an id past
        64 bits) becomes the admin's "invalid filter" redirect, never a 500."""
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError, ValidationError) as exc:
            raise IncorrectLookupParameters(exc) from exc

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
