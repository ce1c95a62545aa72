"""The postal panels on the staff's and the citizen's dossier pages."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.postal.models import PostalRequest, Shipment

register = template.Library()


def _panel(dossier: Any) -> dict[str, Any] | None:
    if dossier is None or getattr(dossier, "pk", None) is None:
        return None
    request = PostalRequest.objects.filter(dossier=dossier).select_related("ward__parent").first()
    shipments = list(
        Shipment.objects.filter(dossier=dossier).prefetch_related("events").order_by("-id")
    )
    if request is None and not shipments:
        return None
    results = [s for s in shipments if s.kind == "result"]
    pickups = [s for s in shipments if s.kind == "pickup"]
    return {
        "request": request,
        "shipments": shipments,
        "latest": results[0] if results else None,
        "latest_pickup": pickups[0] if pickups else None,
    }


@register.simple_tag
def staff_postal_panel(dossier: Any, user: Any) -> dict[str, Any] | None:
    """For a dossier the page has already shown to ``user`` (``dossier_get_for``): the choice,
    the shipments, and whether this user may hand it over now."""
    from motcua.dossiers.access import has_role
    from motcua.dossiers.models import Status
    from motcua.units.models import Role

    panel = _panel(dossier)
    if panel is None:
        return None
    latest = panel["latest"]
    req = panel["request"]
    panel["may_hand_over"] = (
        req is not None
        and req.return_by_post
        and dossier.status == Status.RESOLVED
        and dossier.returned_at is None
        and (latest is None or latest.is_final)
        and has_role(user, dossier.receiving_agency, Role.COUNTER)
    )
    pickup = panel["latest_pickup"]
    panel["may_order_pickup"] = (
        req is not None
        and req.pickup
        and dossier.channel == "online"
        and dossier.status
        in ("submitted", "needs_completion", "in_progress", "awaiting_supplement")
        and (pickup is None or pickup.is_final)
        and has_role(user, dossier.receiving_agency, Role.COUNTER)
    )
    panel["sent_back"] = (
        latest is not None and latest.status == "returned" and dossier.returned_at is None
    )
    return panel


@register.simple_tag
def citizen_postal_panel(dossier: Any, user: Any) -> dict[str, Any] | None:
    """The shipment status and number, for the citizen who filed the dossier only."""
    from motcua.citizens.access import citizen_of

    if dossier is None or citizen_of(user) is None or dossier.account_id != user.pk:
        return None
    return _panel(dossier)


@register.filter
def postal_vnd(amount: int | None) -> str:
    """Integer VND with dots between thousands: 22.000 đồng."""
    return f"{int(amount or 0):,} đồng".replace(",", ".")


@register.simple_tag
def postal_wards(desk: Any = None) -> list[Any]:
    """The communes offered in the address's list: those of the desk's province (or of the
    first receiving agency's), at most 2,000; any code in force is accepted when typed."""
    from django.db.models import Q

    from motcua.postal.forms import wards
    from motcua.units.models import Agency

    agency = desk if isinstance(desk, Agency) else None
    if agency is None:
        agency = Agency.objects.filter(receives_dossiers=True).select_related("unit").first()
    province = agency.unit if agency is not None else None
    seen = 0
    while province is not None and province.parent_id is not None and seen < 5:
        province = province.parent
        seen += 1
    qs = wards()
    if province is not None:
        qs = qs.filter(Q(parent=province) | Q(parent__parent=province))
    return list(qs[:2000])
