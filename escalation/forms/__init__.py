"""Forms of the escalation pages: they validate input; services decide and write.

One module per concept: `tickets` (add and edit), `categories` (the decision matrix),
`actions` (one form per ticket button, shared by the admin and the desk),
`department_requests` and `incidents` (the forms of their admin steps).
"""

from .actions import (
    ACTION_FORMS,
    CONFIRMATION,
    ActionForm,
    CloseForm,
    CommunicationForm,
    CsatForm,
    DepartmentRequestForm,
    EscalateForm,
    NoteForm,
    RcaForm,
    ReasonRequiredForm,
    ReassignForm,
    ResolveForm,
)
from .categories import CategoryForm
from .department_requests import RequestAcknowledgeForm, RequestAnswerForm, RequestCancelForm
from .desk import NewTicketForm
from .incidents import (
    IncidentResolveForm,
    IncidentUnlinkForm,
    IncidentUpdateForm,
    MajorIncidentForm,
)
from .tickets import TicketAddForm, TicketChangeForm

__all__ = [
    "ACTION_FORMS",
    "CONFIRMATION",
    "ActionForm",
    "CategoryForm",
    "CloseForm",
    "CommunicationForm",
    "CsatForm",
    "DepartmentRequestForm",
    "EscalateForm",
    "IncidentResolveForm",
    "IncidentUnlinkForm",
    "IncidentUpdateForm",
    "MajorIncidentForm",
    "NewTicketForm",
    "NoteForm",
    "RcaForm",
    "ReasonRequiredForm",
    "ReassignForm",
    "RequestAcknowledgeForm",
    "RequestAnswerForm",
    "RequestCancelForm",
    "ResolveForm",
    "TicketAddForm",
    "TicketChangeForm",
]
