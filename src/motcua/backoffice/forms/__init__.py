"""Django forms of the staff web (reused by the portal): types, lengths, bounds and Vietnamese
messages in one place. See ``base`` for the conventions."""

from motcua.backoffice.forms.actions import (
    ActionForm,
    AnswerForm,
    ApologyForm,
    AssignForm,
    AttachResultForm,
    AttachScanForm,
    CompleteForm,
    ConsultForm,
    ItemsForm,
    ParallelForm,
    ReasonForm,
    ReasonsForm,
    ReturnResultForm,
    SupplementForm,
    SupplementReceivedForm,
    TransferForm,
    VersionedForm,
)
from motcua.backoffice.forms.base import VERSION_MESSAGE, VNForm
from motcua.backoffice.forms.intake import (
    ApplicantForm,
    CompletedIntakeForm,
    IntakeForm,
    IntakeTargetForm,
)

__all__ = [
    "VERSION_MESSAGE",
    "ActionForm",
    "AnswerForm",
    "ApologyForm",
    "ApplicantForm",
    "AssignForm",
    "AttachResultForm",
    "AttachScanForm",
    "CompleteForm",
    "CompletedIntakeForm",
    "ConsultForm",
    "IntakeForm",
    "IntakeTargetForm",
    "ItemsForm",
    "ParallelForm",
    "ReasonForm",
    "ReasonsForm",
    "ReturnResultForm",
    "SupplementForm",
    "SupplementReceivedForm",
    "TransferForm",
    "VNForm",
    "VersionedForm",
]
