"""Model fields shared by the apps."""

from django_fsm import FSMField


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
