"""The audit trail page, its CSV export, and each record's own history in the admin.

The admin wraps these (audit.admin for the trail, core.admin.AuditedAdmin for a record's
history), so login, CSRF and the admin's look come from there.
"""

from itertools import chain
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst

from core.csv_export import csv_lines, csv_row, csv_stream
from core.errors import InvalidInput

from .forms import TrailFilterForm
from .selectors import (
    EMPTY,
    PAGE_SIZE,
    Cursor,
    Entry,
    TrailFilters,
    history_sources,
    iter_trail,
    model_choices,
    trail_page,
)
from .selectors.sources import attached_sources, reference_sources

TRAIL_PERMISSION = "audit.view_audit_trail"
CSV_CHUNK = 500
COLUMNS = ["When", "Who", "Kind", "Type", "ID", "Object", "Changes", "Reason"]
# Spreadsheets run cells starting with these as formulas (CSV injection).


def entry_cells(entry: Entry) -> list[str]:
    """One entry as the columns of the screen and of the CSV, in the same words."""
    return [
        entry.when,
        entry.who,
        entry.kind_label,
        entry.type_label,
        entry.object_id or EMPTY,
        entry.object_label,
        entry.changes_text,
        entry.reason,
    ]


def _require_trail_permission(request) -> None:
    if not request.user.has_perm(TRAIL_PERMISSION):
        raise PermissionDenied("The audit trail is for auditors.")


def _cursor(request) -> Cursor | None:
    text = request.GET.get("before", "")
    if not text:
        return None
    try:
        return Cursor.parse(text)
    except InvalidInput as exc:
        messages.warning(request, exc.message)
        return None


def _query(request, **changes) -> str:
    """The current filters as a query string, without the page cursor."""
    params = {k: v for k, v in request.GET.items() if k != "before" and v}
    params.update({k: v for k, v in changes.items() if v})
    return urlencode(params)


def attached_trail_url(admin_site, model: str, object_id: str) -> str:
    """The trail of one record with everything attached to it."""
    query = urlencode({"model": model, "object_id": object_id, "attached": "on"})
    return reverse(f"{admin_site.name}:audit_trail") + "?" + query


def _case_files() -> set[str]:
    """Types of record people follow as a case, with everything attached (tickets)."""
    return {s.label for s in reference_sources() if attached_sources(s.label)}


def _scope(form: TrailFilterForm) -> str:
    """What an "everything attached" page shows, in words, above the entries."""
    if not form.is_bound or form.errors or not form.cleaned_data.get("attached"):
        return ""
    data = form.cleaned_data
    label = dict(model_choices()).get(data["model"], data["model"])
    typed = (form.data.get("object_id") or "").strip()
    kinds = ", ".join(
        str(a.source.model._meta.verbose_name_plural)
        # A plain `<model>_id` column is how a lower app names the record that asked for it.
        + ("" if a.source.model._meta.get_field(a.column).is_relation else " started from it")
        for a in attached_sources(data["model"])
    )
    return f"{label} {typed} with everything attached: its own history and its {kinds}."


class _Links:
    """Admin links for entries, where the viewer may see the record (checked once per model)."""

    def __init__(self, request, admin_site):
        self.request, self.admin_site, self.allowed = request, admin_site, {}
        self.trail = request.user.has_perm(TRAIL_PERMISSION)
        self.case_files = _case_files() if self.trail else set()

    def attach(self, entries: list[Entry]) -> list[Entry]:
        for entry in entries:
            linked: Any = entry  # the page's links ride along on the entry for the template
            linked.url = self.object_url(entry)
            linked.trail_url = (
                reverse(f"{self.admin_site.name}:audit_trail")
                + "?"
                + urlencode({"model": entry.object_type or "", "object_id": entry.object_id})
                if self.trail and entry.object_id
                else None
            )
            linked.attached_url = (
                attached_trail_url(self.admin_site, entry.object_type, entry.object_id)
                if entry.object_type and entry.object_type in self.case_files and entry.object_id
                else None
            )
        return entries

    def object_url(self, entry: Entry) -> str | None:
        if not entry.object_id or not entry.object_type or entry.kind == "deleted":
            return None
        model = apps.get_model(entry.object_type)
        if model not in self.allowed:
            model_admin = self.admin_site._registry.get(model)
            self.allowed[model] = model_admin is not None and (
                model_admin.has_view_or_change_permission(self.request)
            )
        if not self.allowed[model]:
            return None
        opts = model._meta
        try:
            return reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                args=[entry.object_id],
            )
        except NoReverseMatch:
            return None


def trail(request, admin_site):
    """Every change to every record, newest first, filtered; older pages by keyset."""
    _require_trail_permission(request)
    form = TrailFilterForm(request.GET or None)
    entries, next_url = [], None
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else TrailFilters()
        page = trail_page(filters, before=_cursor(request), page_size=PAGE_SIZE)
        entries = _Links(request, admin_site).attach(page.entries)
        if page.next_cursor:
            next_url = "?" + _query(request, before=str(page.next_cursor))
    context = {
        **admin_site.each_context(request),
        "title": "Audit trail",
        "form": form,
        "entries": entries,
        "columns": COLUMNS,
        "show_object": True,
        "scope": _scope(form),
        "newest_url": "?" + _query(request),
        "next_url": next_url,
        "paged": "before" in request.GET,
        "csv_url": reverse(f"{admin_site.name}:audit_trail_csv") + "?" + _query(request),
        "timezone": timezone.get_current_timezone_name(),
    }
    return TemplateResponse(request, "admin/audit/trail.html", context)


def trail_csv(request, admin_site):
    """The same entries as the page, for the same filters, all of them.

    The first chunk is built before answering, so a small export (one record's history)
    is complete when the response starts and a failure is an error page, not a cut file;
    the rest streams, a chunk at a time.
    """
    _require_trail_permission(request)
    form = TrailFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return trail(request, admin_site)
    filters = form.filters() if form.is_bound else TrailFilters()
    first = trail_page(filters, page_size=CSV_CHUNK)
    head = list(csv_lines(COLUMNS, (entry_cells(e) for e in first.entries)))
    later = (
        iter_trail(filters, before=first.next_cursor, chunk=CSV_CHUNK) if first.next_cursor else ()
    )
    rest = (csv_row(entry_cells(e)) for e in later)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_stream(f"audit-trail-{stamp}", chain(head, rest))


def object_history(model_admin, request, object_id, extra_context=None):
    """One record's history with the trail's diffs (permission: viewing that record)."""
    model = model_admin.model
    source = history_sources().get(model._meta.concrete_model._meta.label_lower)
    if source is None:
        raise Http404("This kind of record keeps no history.")
    try:
        pk = model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404("No such record.") from None
    obj = model_admin.get_object(request, str(pk))
    if obj is None:  # deleted: its last version stands in, as in simple_history
        last = (
            source.history.objects.filter(**{source.pk_name: pk})
            .order_by("-history_date", "-history_id")
            .first()
        )
        if last is None:
            raise Http404("No such record.")
        obj = last.instance
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    page = trail_page(
        TrailFilters(model=source.label, object_id=str(pk)),
        before=_cursor(request),
        page_size=PAGE_SIZE,
    )
    links = _Links(request, model_admin.admin_site)
    opts = model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"History: {obj}",
        "opts": opts,
        "object": obj,
        "module_name": capfirst(opts.verbose_name_plural),
        "entries": links.attach(page.entries),
        "columns": COLUMNS,
        "show_object": False,
        "next_url": "?" + urlencode({"before": str(page.next_cursor)})
        if page.next_cursor
        else None,
        "newest_url": "?",
        "paged": "before" in request.GET,
        "trail_url": reverse(f"{model_admin.admin_site.name}:audit_trail")
        + "?"
        + urlencode({"model": source.label, "object_id": str(pk)})
        if links.trail
        else None,
        "attached_url": attached_trail_url(model_admin.admin_site, source.label, str(pk))
        if source.label in links.case_files
        else None,
        "timezone": timezone.get_current_timezone_name(),
        **(extra_context or {}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/audit/object_history.html", context)
