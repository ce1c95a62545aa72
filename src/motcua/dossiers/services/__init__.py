"""The only code that changes a dossier's state.

Every function here checks the actor's permission and the dossier's state, locks the dossier,
writes the new state, one immutable event row and the outbox rows, all in one transaction. An
illegal transition raises a ``DomainError`` (Vietnamese message, stable code) and changes nothing.
Times come in as ``now`` (default: the clock) so that the demo and the tests can replay history.

One module per concern (intake, online, applicants, steps, supplement, apology, endings, results,
maintenance; shared plumbing in ``_tx``); callers import from here.
"""

from motcua.dossiers.services._tx import (
    HANDOVER_CUTOFF,
    Actor,
    calendar_for,
    counter_next,
    written,
)
from motcua.dossiers.services.apology import (
    apology_issue,
    apology_latest_at,
    apology_may_issue,
    apology_on_time,
    apology_window_open,
)
from motcua.dossiers.services.applicants import applicant_contact_change
from motcua.dossiers.services.endings import (
    dossier_return_unresolved,
    dossier_withdraw,
)
from motcua.dossiers.services.intake import (
    ApplicantData,
    ChecklistEntry,
    Intake,
    counter_guidance_issue,
    counter_guidance_receive,
    counter_refuse,
    dossier_receive,
    dossier_refuse,
    dossier_return_for_completion,
)
from motcua.dossiers.services.maintenance import (
    dossiers_recompute_due,
    files_sweep,
)
from motcua.dossiers.services.online import (
    dossier_accept_online,
    dossier_complete_online,
    dossier_submission_cancel,
    dossier_submit_online,
)
from motcua.dossiers.services.results import (
    RESULT_STATUSES,
    dossier_rate,
    result_attach,
    result_may_attach,
    result_return,
    scan_attach,
)
from motcua.dossiers.services.steps import (
    ParallelTask,
    consultation_answer,
    consultation_request,
    dossier_dispatch_parallel,
    dossier_transfer,
    step_assign,
    step_complete,
    step_send_back,
)
from motcua.dossiers.services.succession import dossier_agencies_succeed
from motcua.dossiers.services.supplement import (
    supplement_may_request,
    supplement_receive,
    supplement_request,
    supplement_submit_online,
)

__all__ = [
    "HANDOVER_CUTOFF",
    "RESULT_STATUSES",
    "Actor",
    "ApplicantData",
    "ChecklistEntry",
    "Intake",
    "ParallelTask",
    "apology_issue",
    "apology_latest_at",
    "apology_may_issue",
    "apology_on_time",
    "apology_window_open",
    "applicant_contact_change",
    "calendar_for",
    "consultation_answer",
    "consultation_request",
    "counter_guidance_issue",
    "counter_guidance_receive",
    "counter_next",
    "counter_refuse",
    "dossier_accept_online",
    "dossier_agencies_succeed",
    "dossier_complete_online",
    "dossier_dispatch_parallel",
    "dossier_rate",
    "dossier_receive",
    "dossier_refuse",
    "dossier_return_for_completion",
    "dossier_return_unresolved",
    "dossier_submission_cancel",
    "dossier_submit_online",
    "dossier_transfer",
    "dossier_withdraw",
    "dossiers_recompute_due",
    "files_sweep",
    "result_attach",
    "result_may_attach",
    "result_return",
    "scan_attach",
    "step_assign",
    "step_complete",
    "step_send_back",
    "supplement_may_request",
    "supplement_receive",
    "supplement_request",
    "supplement_submit_online",
    "written",
]
