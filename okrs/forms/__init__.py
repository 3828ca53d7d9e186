"""Web forms for the everyday OKR pages. Forms only parse and validate input; the services in
`okrs.services` do the writing, and their domain errors are attached with
`okr_project.web.apply_service_error`."""

from okrs.forms.check_ins import CheckInForm
from okrs.forms.collaboration import (
    CommentForm,
    InitiativeForm,
    InitiativeStatusForm,
    RiskForm,
)
from okrs.forms.key_results import KeyResultForm
from okrs.forms.objectives import ObjectiveForm

__all__ = [
    "CheckInForm",
    "CommentForm",
    "InitiativeForm",
    "InitiativeStatusForm",
    "KeyResultForm",
    "ObjectiveForm",
    "RiskForm",
]
