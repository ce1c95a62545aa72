"""Writes of the public portal: the applicant's rating of how the dossier was handled.

Decision 766's satisfaction group asks for three levels (hài lòng / bình thường / không hài
lòng); ``dossiers.Rating`` keeps a score of 1–5 that the reports read (≥ 4 satisfied, ≤ 2 a
complaint), so the three levels are stored as 5, 3 and 1 and nothing else changes. Two doors:
the citizen's own dossier page (the dossier must be the account's) and the counter tablet (an
officer of the receiving desk enters the code, the applicant taps). Once per dossier, only after
the result was returned: both checked by ``dossiers.services.dossier_rate``, through which the
rating goes, so the API's door and any other checks the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from motcua.citizens.access import citizen_dossiers, citizen_of
from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers.access import require_role
from motcua.dossiers.models import Dossier, Rating
from motcua.dossiers.services import dossier_rate
from motcua.units.models import Role


class Satisfaction(models.TextChoices):
    SATISFIED = "hai_long", "Hài lòng"
    NORMAL = "binh_thuong", "Bình thường"
    NOT_SATISFIED = "khong_hai_long", "Không hài lòng"


#: the score stored in ``dossiers.Rating`` for each level (reports: ≥ 4 satisfied, ≤ 2 complaint)
SCORES = {Satisfaction.SATISFIED: 5, Satisfaction.NORMAL: 3, Satisfaction.NOT_SATISFIED: 1}


def satisfaction_of(score: int) -> Satisfaction:
    """The level a stored score reads as (old 1–5 ratings too: 4–5, 3, 1–2)."""
    if score >= 4:
        return Satisfaction.SATISFIED
    if score <= 2:
        return Satisfaction.NOT_SATISFIED
    return Satisfaction.NORMAL


@transaction.atomic
def rating_by_citizen(
    *,
    user: Any,
    dossier_id: int,
    level: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """The applicant rates their own dossier from the portal (scoped by ``Dossier.account``)."""
    if citizen_of(user) is None:
        raise PermissionDenied(
            "Chỉ tài khoản công dân, tổ chức đã nộp hồ sơ mới đánh giá được.",
            code="permission_denied",
        )
    d = citizen_dossiers(user).filter(pk=dossier_id).first()
    if d is None:
        raise NotFound("Không tìm thấy hồ sơ", code="dossier_not_found")
    # once, and only after the result was returned: checked by dossier_rate for every door
    return dossier_rate(
        dossier=d,
        score=SCORES[Satisfaction(level)],
        comment=comment,
        now=now,
        actor=user,
        via="portal",
    )


@transaction.atomic
def rating_at_counter(
    *,
    actor: Any,
    dossier: Dossier,
    level: str,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Rating:
    """The applicant taps a level on the counter tablet that an officer of the receiving desk
    opened for this dossier."""
    require_role(actor, dossier.receiving_agency, Role.COUNTER)
    return dossier_rate(
        dossier=dossier,
        score=SCORES[Satisfaction(level)],
        comment=comment,
        now=now,
        actor=actor,
        via="counter",
    )
