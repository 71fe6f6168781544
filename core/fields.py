"""Model fields shared by the apps."""

from functools import cache

from django.db.models import Model
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin


class StateField(FSMField):
    """A state machine's state: django-fsm's field, which migrations see as the plain
    CharField it is in the database.

    Each FSMField listens to `class_prepared` for every model class made after it, so the
    hundreds of historical models that applying the migrations renders each ran every
    such listener: most of the time a fresh test database took to migrate. The
    migrations' state models need no transitions, so there they are CharFields.
    """

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("protected", None)
        return name, "django.db.models.CharField", args, kwargs

    def clone(self):
        # Field.clone rebuilds the field from deconstruct(), which leaves out `protected`.
        field = super().clone()
        field.protected = self.protected
        return field


class ConcurrentStates(ConcurrentTransitionMixin):
    """django-fsm's guard against two writers changing one row's state, with the list of
    state fields looked up once per model class.

    django-fsm finds them on every instance made (it remembers each one's state as
    loaded), by testing each of the model's fields: for a ticket, some forty `isinstance`
    calls per row, a tenth of the cost of loading a page of tickets or a sweep batch.
    """

    @property
    def state_fields(self):
        return _state_fields(type(self))


@cache
def _state_fields(model: type[Model]) -> tuple[FSMFieldMixin, ...]:
    return tuple(f for f in model._meta.fields if isinstance(f, FSMFieldMixin))
