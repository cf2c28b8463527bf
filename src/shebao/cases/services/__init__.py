"""Writers of the cases context: the only code that changes its models.

Split by concern to keep each module short; import everything from here::

    from shebao.cases import services
    case = services.intake_case(user=..., item_no=36, scenario=None, applicant=services.Applicant(...),
                                materials=[services.MaterialEntry("营业执照复印件", "received")], tolerance=True)
    services.perform_action(user=..., case_no=case.case_no, action="advance", version=case.version)
"""

from shebao.cases.services.actions import perform_action
from shebao.cases.services.handover import hand_over_cases
from shebao.cases.services.intake import Applicant, MaterialEntry, intake_case, intake_problems
from shebao.cases.services.leases import acquire_lease, release_lease
from shebao.cases.services.notify import (
    deliver_notification,
    deliver_pending,
    queue_notification,
    send_outbox,
)
from shebao.cases.services.public import (
    TrackResult,
    check_public_rate,
    forgive_failures,
    rate_case,
    read_number,
    record_public_failure,
    record_rating_follow_up,
    track_case,
)
from shebao.cases.services.tick import recompute_provisional_cases, run_tick, run_tick_with_lease

__all__ = [
    "Applicant",
    "MaterialEntry",
    "TrackResult",
    "acquire_lease",
    "check_public_rate",
    "deliver_notification",
    "deliver_pending",
    "forgive_failures",
    "hand_over_cases",
    "intake_case",
    "intake_problems",
    "perform_action",
    "queue_notification",
    "rate_case",
    "read_number",
    "recompute_provisional_cases",
    "record_public_failure",
    "record_rating_follow_up",
    "release_lease",
    "run_tick",
    "run_tick_with_lease",
    "send_outbox",
    "track_case",
]
