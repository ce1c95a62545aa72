"""Template context for every staff page: who is signed in, with which roles where, and which
menu entries they may open (the menu never links to a page that would answer 403)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.core.text import person_name
from motcua.dossiers.access import REPORT_ROLES
from motcua.units.models import Agency, Membership, Role


def staff(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(
        Membership.objects.filter(user_id=user.pk, active=True).select_related("agency")
    )
    roles = {m.role for m in memberships}
    everything = bool(user.is_superuser and user.is_active)
    # the counter pages need a desk that receives dossiers (``views._common._desks``)
    counter = everything or (
        Role.COUNTER in roles
        and Agency.objects.filter(
            receives_dossiers=True,
            pk__in=[m.agency_id for m in memberships if m.role == Role.COUNTER],
        ).exists()
    )
    return {
        "memberships": memberships[:10],
        "display_name": person_name(user),
        "menu": {
            "counter": counter,
            "reports": everything or bool(roles & set(REPORT_ROLES)),
            "admin": bool(user.is_staff),
        },
    }
