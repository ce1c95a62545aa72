"""The demo's postal returns: a few dossiers whose applicants chose the result by post (through
the same service as the intake pages), one of them already handed to the post and picked up,
so that the desk's and the citizen's panels show a shipment. Idempotent and fast."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from motcua.dossiers.models import Dossier, Status
from motcua.postal.models import (
    EventSource,
    FeePayer,
    PostalRequest,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
)
from motcua.postal.services import PostalChoice, postal_choice_record
from motcua.units.models import AdministrativeUnit, Level, Membership, Role

STREETS = ("12 Trần Hưng Đạo", "45 Phú Riềng Đỏ", "Tổ 3, ấp 2", "88 Hùng Vương")


def _ward(d: Dossier) -> AdministrativeUnit | None:
    unit = d.receiving_agency.unit
    wards = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)
    if unit is not None:
        near = wards.filter(Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit)).first()
        if near is not None:
            return near
    return wards.order_by("code").first()


def postal_demo_load() -> dict[str, int]:
    if PostalRequest.objects.exists():
        return {"requests": PostalRequest.objects.count(), "shipments": Shipment.objects.count()}
    live = Dossier.objects.filter(imported=False).select_related("receiving_agency__unit")
    chosen = list(live.filter(status=Status.IN_PROGRESS).order_by("id")[:3])
    resolved = live.filter(status=Status.RESOLVED, returned_at__isnull=True).order_by("id").first()
    if resolved is not None:
        chosen.append(resolved)
    made = 0
    for i, d in enumerate(chosen):
        ward = _ward(d)
        if ward is None:
            break
        postal_choice_record(
            actor=None,
            dossier=d,
            choice=PostalChoice(
                return_by_post=True,
                recipient_name=d.applicant_name,
                phone=d.applicant_phone or "0912345678",
                street=STREETS[i % len(STREETS)],
                ward=ward,
            ),
            now=d.received_at or d.submitted_at,
        )
        made += 1
    shipments = 0
    if resolved is not None and made == len(chosen):
        officer = (
            Membership.objects.filter(agency=resolved.receiving_agency, role=Role.COUNTER)
            .select_related("user")
            .first()
        )
        at = resolved.finished_at or resolved.received_at
        if officer is not None and at is not None:
            req = PostalRequest.objects.get(dossier=resolved)
            s = Shipment.objects.create(
                dossier=resolved,
                idempotency_key=f"{resolved.code}-BC1",
                operator="vnpost",
                item_code=f"EB{resolved.pk:09d}VN",
                status=ShipmentStatus.PICKED_UP,
                fee_vnd=24_500,
                cod_vnd=24_500,
                fee_payer=FeePayer.RECEIVER,
                recipient_name=req.recipient_name,
                recipient_phone=req.phone,
                recipient_address=req.address[:600],
                handed_over_by=officer.user,
                created_at=at,
                status_at=at + dt.timedelta(hours=2),
            )
            for n, (code, status, hours) in enumerate(
                (("10", ShipmentStatus.CREATED, 0), ("20", ShipmentStatus.PICKED_UP, 2)), 1
            ):
                ShipmentEvent.objects.create(
                    shipment=s,
                    event_id=f"{s.item_code}-{n}",
                    status=status,
                    operator_code=code,
                    at=at + dt.timedelta(hours=hours),
                    received_at=at + dt.timedelta(hours=hours),
                    source=EventSource.WEBHOOK,
                )
            shipments = 1
    return {"requests": made, "shipments": shipments}
