"""Template context for every staff page: who is signed in, with which roles where."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.units.models import Membership


def staff(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(
        Membership.objects.filter(user_id=user.pk, active=True).select_related("agency")[:10]
    )
    return {"memberships": memberships}
