"""One path for every admin page that writes: a form, exactly one service call, a message.

`ServiceAdminMixin` gives a ModelAdmin two things:

* Steps, the buttons on a record's page. Declare them in `steps` (name -> `AdminStep`)
  and their URLs in `step_paths`. Every step page does the same few moves: fetch the
  record (404), check the step's permission (403), ask whether the step is refused right
  now (an error message, back to the record), validate a small form, call one service,
  then redirect with a success message.
* The add and change forms, saved by one service: override `save_with_service`.

Services refuse with `core.errors.ApplicationError`. The mixin shows a refusal on the form
that was posted (each of its `field_errors` on its field, else its `message` once above
the form), or as one error message where nothing was posted. Never a 500, and never a
success message after a refusal.

    class DepartmentRequestAdmin(ServiceAdminMixin, AuditedAdmin):
        step_paths = {"step": "step/<slug:step>/"}  # admin:escalation_departmentrequest_step
        steps = {
            "answer": AdminStep(
                "Answer",
                department_request_answer,      # called as service(request=<record>,
                subject="request",              #   actor=<user>, **form.cleaned_data)
                form_class=RequestAnswerForm,
                permission="escalation.change_ticket",
            ),
        }
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .errors import ApplicationError
from .forms import show_refusal_on_form
from .roles import writes_in_admin

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin as _AdminBase
else:
    _AdminBase = object  # a mixin at run time; type checkers see the ModelAdmin it extends


@dataclass(frozen=True)
class AdminStep:
    """One button on a record's page: a small form and the one service it calls.

    The service is called as `service(<subject>=record, actor=user, **kwargs)`, the keyword
    arguments being the form's `service_kwargs()` when it has one, else its cleaned data.
    Subclass and override a method where a step needs more (a policy's refusal, a form
    that needs the record, another page to go to afterwards).
    """

    label: str
    service: Callable[..., Any]
    subject: str  # the keyword the service takes the record by ("ticket", "request")
    form_class: type[forms.Form] = forms.Form
    permission: str | None = None  # None: the admin's change permission on the record
    path: str = "step"  # which of the admin's `step_paths` serves this step
    button: str | None = None  # the submit button's text (default: the label)
    tone: str = ""  # "primary" or "danger": how the submit button looks
    title: str = "{label}: {obj}"

    def refusal(self, request: HttpRequest, obj: Model) -> str | None:
        """Why the step cannot run on `obj` now (shown as an error message), or None."""
        return None

    def get_form(self, request: HttpRequest, obj: Model) -> forms.Form:
        return self.form_class(**self.form_data(request))

    @staticmethod
    def form_data(request: HttpRequest) -> dict:
        """Bound on POST (even an empty one: a step may have no fields), else unbound."""
        return {"data": request.POST} if request.method == "POST" else {}

    def service_kwargs(self, request: HttpRequest, obj: Model, form: forms.Form) -> dict:
        service_kwargs = getattr(form, "service_kwargs", None)
        return service_kwargs() if service_kwargs else dict(form.cleaned_data)

    def call(self, request: HttpRequest, obj: Model, form: forms.Form) -> Any:
        """The one service call; it raises ApplicationError when it refuses."""
        kwargs = self.service_kwargs(request, obj, form)
        return self.service(**{self.subject: obj}, actor=request.user, **kwargs)

    def done_message(self, obj: Model, result: Any) -> str:
        return f"{obj}: {self.label.lower()} recorded."

    def done_url(self, obj: Model, result: Any) -> str | None:
        """Where to go after success (None: back to the record's page)."""
        return None

    def extra_context(self, request: HttpRequest, obj: Model, form: forms.Form) -> dict:
        return {}


class _FormRefused(Exception):
    """Carries a form with a service's refusal on it out of Django's change form view, whose
    transaction it rolls back; `changeform_view` then shows the form again."""

    def __init__(self, form: forms.BaseForm):
        super().__init__("refused by the service")
        self.form = form


class ServiceAdminMixin(_AdminBase):
    """Steps and add/change forms that each call one service (see the module's docstring).

    Put it before the ModelAdmin base: `class XAdmin(ServiceAdminMixin, AuditedAdmin)`.
    """

    # name -> the step; name -> the URL below the record's ("step/<slug:step>/"). A URL
    # without `<slug:step>` serves the one step named like it.
    steps: Mapping[str, AdminStep] = {}
    step_paths: Mapping[str, str] = {"step": "step/<slug:step>/"}
    step_template = "admin/action_form.html"

    # --- steps ----------------------------------------------------------------------------

    def get_urls(self):
        app, model = self.opts.app_label, self.opts.model_name
        urls = []
        for name, route in self.step_paths.items() if self.steps else ():
            kwargs = {"route": name}
            if "<slug:step>" not in route:
                kwargs["step"] = name
            urls.append(
                path(
                    f"<path:object_id>/{route}",
                    self.admin_site.admin_view(self.step_view),
                    kwargs,
                    name=f"{app}_{model}_{name}",
                )
            )
        return [*urls, *super().get_urls()]

    def record_url(self, obj: Model) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def step_view(self, request: HttpRequest, object_id: str, step: str, route: str):
        """GET: the step's form; POST: validate, call the service, back to the record."""
        spec = self.steps.get(step)
        if spec is None or spec.path != route:
            raise Http404("Unknown step.")
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name}.")
        if spec.permission:
            allowed = writes_in_admin(request.user) and request.user.has_perm(spec.permission)
        else:
            allowed = self.has_change_permission(request, obj)
        if not allowed:
            raise PermissionDenied
        back = self.record_url(obj)
        refused = spec.refusal(request, obj)
        if refused:
            self.message_user(request, refused, messages.ERROR)
            return HttpResponseRedirect(back)
        form = spec.get_form(request, obj)
        if request.method == "POST" and form.is_valid():
            try:
                result = spec.call(request, obj, form)
            except ApplicationError as exc:
                show_refusal_on_form(form, exc)
            else:
                self.message_user(request, spec.done_message(obj, result), messages.SUCCESS)
                return HttpResponseRedirect(spec.done_url(obj, result) or back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": spec.title.format(label=spec.label, obj=obj),
            "action": spec,
            "form": form,
            "button": spec.button,
            "change_url": back,
            **spec.extra_context(request, obj, form),
        }
        return TemplateResponse(request, self.step_template, context)

    def message_refusal(self, request: HttpRequest, refusal: ApplicationError) -> None:
        """A refusal where no form was posted (a changelist action): one error message."""
        self.message_user(request, refusal.message, messages.ERROR)

    # --- the add and change forms -------------------------------------------------------

    def save_with_service(self, request: HttpRequest, form: forms.ModelForm, obj: Model | None):
        """Write the add (`obj` None) or change form with one service; return the saved row.

        Raise ApplicationError to refuse: the form is shown again with the refusal on it
        and nothing is saved. The default saves the form as Django does, for models that
        have no service. Admins overriding it must have no inlines.
        """
        instance = form.instance
        super().save_model(request, instance, form, obj is not None)
        return instance

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_with_service(request, form, obj if change else None)
        except ApplicationError as exc:
            show_refusal_on_form(form, exc)
            raise _FormRefused(form) from exc
        if saved is not None and saved is not obj:
            # Django's success message, log entry and redirect name the row the service made.
            obj.pk = saved.pk
            obj._state.adding = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _FormRefused as refused:
            return self._refused_form_page(
                request, refused.form, object_id, form_url, extra_context
            )

    def _refused_form_page(self, request, form, object_id, form_url, extra_context):
        """The posted form again, with the refusal on it: what Django shows for an invalid
        form (same template and context), for an admin without inlines."""
        obj = None if object_id is None else self.get_object(request, unquote(object_id))
        add = obj is None
        admin_form = helpers.AdminForm(
            form,
            list(self.get_fieldsets(request, obj)),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": (_("Add %s") if add else _("Change %s")) % self.opts.verbose_name,
            "subtitle": None if add else str(obj),
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "to_field": request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR)),
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )
