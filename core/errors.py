"""Domain errors: services raise them, views and the admin turn them into messages."""


class ApplicationError(Exception):
    """A refusal the user can understand; nothing has been changed when it is raised."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class InvalidInput(ApplicationError):
    """The request is incomplete or inconsistent."""


class TransitionRefused(ApplicationError):
    """The record is not in a state that allows this action."""


class PermissionRefused(ApplicationError):
    """The acting user may not do this."""


class ConcurrentChange(ApplicationError):
    """Someone else changed the record first."""


class CalendarMisconfigured(ApplicationError):
    """A business calendar cannot compute deadlines (overlapping hours, never open)."""
