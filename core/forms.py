"""Form helpers every surface shares (admin, desk): a service's refusal shown on a form."""

from django import forms

from .errors import ApplicationError


def show_refusal_on_form(form: forms.BaseForm, refusal: ApplicationError) -> None:
    """A service's refusal as form errors: each field error on its field (above the form
    when the form has no such field), else the refusal's message once above the form."""
    for name, errors in refusal.field_errors.items():
        form.add_error(name if name in form.fields else None, errors)
    if not refusal.field_errors:
        form.add_error(None, refusal.message)
