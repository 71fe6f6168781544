"""The ticket list's rows drawn cheaply (issue 18: the list within 5x of its SQL floor).

Django draws each cell of an admin list through `items_for_result`: per cell a
`lookup_field`, a `display_for_field`, a link built by `reverse` and a re-parse of the
preserved filters, and one `format_html` more. At fifty rows of twelve columns that was
more than half the page. Here the same markup is drawn with what can be worked out once
per page worked out once: for each column how to get its value, its `<td>`/`<th>` and
class, its empty-value text; the change link as a prefix and suffix around the key.
Each row is then one `format_html` over the TicketAdmin's own cell functions.

The headers stay Django's (`result_headers`: sorting links, the select-all checkbox) and
the table is Django's own `admin/change_list_results.html`, each row handed to it
already drawn. A list the cheap path does not cover (a popup, list_editable, `to_field`)
is drawn by Django as before.
"""

from collections.abc import Callable
from html import escape as stdlib_escape
from typing import Any

from django.contrib.admin.templatetags.admin_list import result_list as django_result_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise, cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Cell = Callable[[Any], Any]  # a row's object -> what its cell shows (escaped on the way)
KEY = "__row_key__"  # stands for the primary key in the change link, once per page


class FastRowsChangeList(ChangeList):
    """Django's ChangeList, plus `result_table`: the context of Django's results table
    (`admin/change_list_results.html`) with each row already drawn as one string."""

    @cached_property
    def result_table(self) -> dict:
        if self.formset or self.is_popup or self.to_field:
            return django_result_list(self)  # Django's path, cell by cell
        table = django_result_list_without_rows(self)
        table["results"] = [[row] for row in map(row_drawer(self), self.result_list)]
        return table


def django_result_list_without_rows(cl: ChangeList) -> dict:
    """Django's `result_list` context (headers, sort count) without drawing a row."""
    rows, cl.result_list = cl.result_list, []
    try:
        return django_result_list(cl)
    finally:
        cl.result_list = rows


def row_drawer(cl: ChangeList) -> Callable[[Any], SafeString]:
    """One format string for the whole row and one cell function per column; a row is
    then `format_html(row_format, *cells)`, each cell escaped unless already safe (by
    `html`, which is `conditional_escape` without its lazy-argument check per call)."""
    formats, cells, linked = [], [], False
    href = change_link(cl)
    for index, name in enumerate(cl.list_display):
        cell, classes = column(cl, name, index)
        css = " ".join(classes)
        if cl.list_display_links is not None and name in link_columns(cl):
            tag = "td" if linked else "th"  # Django: the first link column is the row head
            linked = True
            if href is None:
                formats.append(f'<{tag} class="{conditional_escape(css)}">{{}}</{tag}>')
                cells.append(cell)
            else:
                formats.append(
                    f'<{tag} class="{conditional_escape(css)}"><a href="{{}}">{{}}</a></{tag}>'
                )
                cells.extend([href, cell])
        else:
            formats.append(f'<td class="{conditional_escape(css)}">{{}}</td>')
            cells.append(cell)
    row_format = "".join(formats)

    def draw(obj: Any) -> SafeString:
        return mark_safe(row_format.format(*(html(cell(obj)) for cell in cells)))  # noqa: S308

    return draw


def html(value: Any) -> str:
    """`conditional_escape(value)`, as plain text: safe text as it is, the rest escaped."""
    if isinstance(value, Promise):  # a lazy label (a choice, the empty-value text)
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return stdlib_escape(str(value))


def link_columns(cl: ChangeList) -> list:
    """Django's rule: the listed link columns, or the first column when none is listed."""
    if cl.list_display_links:
        return list(cl.list_display_links)
    return [name for name in cl.list_display if name != "action_checkbox"][:1]


def field_class(name: Any, index: int) -> str:
    """The `field-<name>` suffix Django gives a column (a lambda goes by its position)."""
    if callable(name):
        return f"lambda{index}" if name.__name__ == "<lambda>" else name.__name__
    return str(name)


def change_link(cl: ChangeList) -> Cell | None:
    """The row's change page with the list's filters kept, as Django's link has it:
    reversed and filtered once, with the key put in per row."""
    opts = cl.opts
    try:
        url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=(KEY,),
            current_app=cl.model_admin.admin_site.name,
        )
    except NoReverseMatch:
        return None
    url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": opts}, url)
    before, _, after = url.partition(KEY)
    pk = cl.lookup_opts.pk.attname
    return lambda obj: f"{before}{quote(getattr(obj, pk))}{after}"


def column(cl: ChangeList, name: Any, index: int) -> tuple[Cell, list[str]]:
    """How a column gets its value, resolved in `lookup_field`'s order (a model field, a
    callable, the admin's method, the model's attribute), and its extra CSS classes."""
    admin = cl.model_admin
    empty = admin.get_empty_value_display()
    if name == "action_checkbox":
        return admin.action_checkbox, ["action-checkbox"]
    try:
        field = cl.lookup_opts.get_field(name) if isinstance(name, str) else None
    except FieldDoesNotExist:
        field = None
    if isinstance(field, models.Field) and not field.auto_created:  # not a reverse relation
        return field_cell(field, empty)
    if callable(name):
        attr, get = name, name
    elif hasattr(admin, name) and name != "__str__":
        attr = get = getattr(admin, name)
    else:
        attr = getattr(cl.model, name, None)
        get = model_attribute(name)
    empty = getattr(attr, "empty_value_display", empty)
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    return (lambda obj: shown(get(obj), empty, boolean)), [f"field-{field_class(name, index)}"]


def model_attribute(name: str) -> Cell:
    def get(obj: Any) -> Any:
        value = getattr(obj, name)
        return value() if callable(value) else value

    return get


def shown(value: Any, empty: str, boolean: bool = False) -> Any:
    """`display_for_value`, with the common case (text, often already safe) kept as is."""
    if isinstance(value, str) and not boolean:
        return value if value.strip() else empty
    return display_for_value(value, empty, boolean)


def field_cell(field: models.Field, empty: str) -> tuple[Cell, list[str]]:
    """A model field's cell as `display_for_field` draws it; the related object's text
    for a foreign key; a choice's label looked up in a dict made once."""
    classes = [f"field-{field.name}"]
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes.append("nowrap")
    if isinstance(field.remote_field, models.ManyToOneRel):
        name = field.name
        return (lambda obj: empty if (value := getattr(obj, name)) is None else value), classes
    attname = field.attname
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = dict(choices)
        return (lambda obj: labels.get(getattr(obj, attname), empty)), classes
    if isinstance(field, models.CharField | models.TextField):
        return (lambda obj: _text(getattr(obj, attname), empty)), classes

    def display(obj: Any) -> Any:
        value = getattr(obj, attname)
        if isinstance(value, str) and not value.strip():
            value = ""
        return display_for_field(value, field, empty)

    return display, classes


def _text(value: str | None, empty: str) -> str:
    return value if value and value.strip() else empty
