"""Postal return of results (Decision 45/2016/QĐ-TTg): the applicant's choice at filing, the
hand-over to the operator, the statuses it reports, and the return counted on delivery.

Every change writes a dossier event (``dossiers.services._tx._event``, audited with it) or an
audit entry, in the change's transaction. Calls to the operator are made outside any
transaction: a failed call leaves nothing behind, and the order code sent
(``Shipment.idempotency_key``) is the same for a double click or a retry, so the operator
answers with the order it already has instead of making a second one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.core.errors import DomainError, IllegalTransition, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import require_role, require_step_role
from motcua.dossiers.models import Channel, Dossier, EventType, Status, StepStatus
from motcua.dossiers.services._tx import Actor, _event, _lock, _now, _save
from motcua.postal.models import (
    FINAL_STATUSES,
    STATUS_RANK,
    EventSource,
    FeePayer,
    PostalRequest,
    Shipment,
    ShipmentEvent,
    ShipmentKind,
    ShipmentStatus,
)
from motcua.postal.operators import (
    CallbackRejected,
    Order,
    StatusReport,
    operator,
)
from motcua.units.models import AdministrativeUnit, Role

log = logging.getLogger("motcua.postal")

#: What ``Dossier.return_method`` says for a result returned by post; the Circular 01/2018
#: evaluation (reports.indices.REMOTE_RETURN) counts it as returned without a visit.
POSTAL_METHOD = "Qua dịch vụ bưu chính công ích"
#: A status time this far in the future (clock skew allowed) is refused.
FUTURE_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class PostalChoice:
    """The applicant's choice as typed at submission (``forms.PostalChoiceForm``)."""

    return_by_post: bool
    pickup: bool = False
    recipient_name: str = ""
    phone: str = ""
    street: str = ""
    ward: AdministrativeUnit | None = None

    @property
    def wanted(self) -> bool:
        return self.return_by_post or self.pickup


# ---- at submission ------------------------------------------------------------------------------


def postal_choice_record(
    *, actor: Actor, dossier: Dossier, choice: PostalChoice, now: dt.datetime | None = None
) -> PostalRequest | None:
    """Record the choice for a dossier just filed (called in the filing's own transaction by the
    counter intake and the online submission). Nothing is stored when neither is wanted."""
    if not choice.wanted:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("postal_choice_record runs inside the filing's transaction")
    at = _now(now)
    if choice.ward is None or not nfc(choice.street) or not nfc(choice.recipient_name):
        raise ValidationFailed(
            "Cần họ tên người nhận, địa chỉ và phường/xã để nhận qua bưu chính",
            code="postal_address_required",
        )
    if not choice.phone:
        raise ValidationFailed("Cần số điện thoại người nhận", code="postal_phone_required")
    d = _lock(dossier, None)
    req = PostalRequest.objects.create(
        dossier=d,
        return_by_post=choice.return_by_post,
        pickup=choice.pickup,
        recipient_name=nfc(choice.recipient_name)[:255],
        phone=choice.phone[:20],
        street=nfc(choice.street)[:255],
        ward=choice.ward,
        created_at=at,
    )
    if choice.return_by_post:
        d.return_method = POSTAL_METHOD
        _save(d, "return_method")
    wanted = []
    if choice.return_by_post:
        wanted.append("nhận kết quả qua bưu chính công ích")
    if choice.pickup:
        wanted.append("thu gom hồ sơ giấy tại nhà")
    _event(
        d,
        EventType.POSTAL,
        actor=actor,
        at=at,
        note=f"Người nộp chọn {' và '.join(wanted)}: {req.recipient_name}, {req.address}",
        data={"postal": "requested", "return_by_post": req.return_by_post, "pickup": req.pickup},
    )
    return req


# ---- hand-over --------------------------------------------------------------------------------


def _require_desk(actor: Actor, d: Dossier) -> None:
    """Only the desk that holds the dossier hands its result over (as for ``result_return``)."""
    step = d.steps.filter(status=StepStatus.ACTIVE, role="tra_ket_qua").first()
    if step is None:
        require_role(actor, d.receiving_agency, Role.COUNTER)
    else:
        require_step_role(actor, step)


def _check_returnable(d: Dossier) -> PostalRequest:
    req = PostalRequest.objects.filter(dossier=d, return_by_post=True).select_related("ward")
    postal = req.first()
    if postal is None:
        raise IllegalTransition(
            "Người nộp không đăng ký nhận kết quả qua bưu chính", code="postal_not_requested"
        )
    if d.status != Status.RESOLVED:
        raise IllegalTransition(
            f"Chỉ chuyển bưu chính khi hồ sơ đã có kết quả; hồ sơ đang ở trạng thái "
            f"'{d.get_status_display()}'",
            code="no_result_yet",
        )
    if d.returned_at is not None:
        raise IllegalTransition("Kết quả đã được trả", code="already_returned")
    return postal


def _check_pickup(d: Dossier) -> PostalRequest:
    postal = PostalRequest.objects.filter(dossier=d, pickup=True).select_related("ward").first()
    if postal is None or d.channel != Channel.ONLINE:
        raise IllegalTransition(
            "Người nộp không đăng ký thu gom hồ sơ giấy tại nhà", code="pickup_not_requested"
        )
    if d.status not in (
        Status.SUBMITTED,
        Status.NEEDS_COMPLETION,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
    ):
        raise IllegalTransition(
            f"Không thu gom hồ sơ giấy: hồ sơ đang ở trạng thái '{d.get_status_display()}'",
            code="illegal_transition",
        )
    return postal


def _active(d: Dossier, kind: str = ShipmentKind.RESULT) -> Shipment | None:
    return Shipment.objects.filter(dossier=d, kind=kind).exclude(status__in=FINAL_STATUSES).first()


def fee_payer() -> str:
    payer = getattr(settings, "MOTCUA_POSTAL_FEE_PAYER", FeePayer.RECEIVER)
    return payer if payer in (FeePayer.RECEIVER, FeePayer.AGENCY) else FeePayer.RECEIVER


def _checks(actor: Actor, d: Dossier, kind: str) -> PostalRequest:
    if kind == ShipmentKind.PICKUP:
        require_role(actor, d.receiving_agency, Role.COUNTER)
        return _check_pickup(d)
    _require_desk(actor, d)
    return _check_returnable(d)


def shipment_handover(
    *,
    actor: Actor,
    dossier: Dossier,
    weight_g: int = 200,
    kind: str = ShipmentKind.RESULT,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Shipment:
    """Hand the result over to the postal operator (``kind`` result), or order the collection of
    the applicant's paper dossier (``kind`` pickup): place the order, record the shipment.

    Retry-safe: the order code is the dossier's code, the kind and the number of its shipments
    of that kind so far, the same for a double click or a retry after a failure; the operator
    answers a known code with the order it has, and the second request finds it recorded."""
    if kind not in ShipmentKind.values:
        raise ValidationFailed("Loại bưu gửi không hợp lệ", code="bad_kind")
    if not 1 <= weight_g <= 30_000:
        raise ValidationFailed("Khối lượng từ 1 đến 30.000 gam", code="bad_weight")
    d = Dossier.objects.select_related("receiving_agency__unit", "procedure").get(pk=dossier.pk)
    postal = _checks(actor, d, kind)
    if expected_version is not None and d.version != expected_version:
        raise IllegalTransition(
            "Hồ sơ vừa được cập nhật ở một trang khác hoặc bởi cán bộ khác. "
            "Vui lòng tải lại trang rồi thực hiện lại.",
            code="stale_dossier",
        )
    active = _active(d, kind)
    if active is not None:
        return active
    attempt = Shipment.objects.filter(dossier=d, kind=kind).count() + 1
    key = f"{d.code or f'HS{d.pk}'}-{'TG' if kind == ShipmentKind.PICKUP else 'BC'}{attempt}"
    existing = Shipment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    agency = d.receiving_agency
    desk_address = agency.address or (agency.unit.name if agency.unit else "")
    if kind == ShipmentKind.PICKUP:
        if not agency.phone:
            raise ValidationFailed(
                "Nơi tiếp nhận chưa có số điện thoại để bưu chính liên hệ khi giao hồ sơ giấy "
                "(cập nhật trong danh mục cơ quan)",
                code="desk_phone_required",
            )
        payer = FeePayer.SENDER
        order = Order(
            order_code=key,
            sender_name=postal.recipient_name,
            sender_address=postal.address,
            sender_phone=postal.phone,
            receiver_name=agency.name,
            receiver_address=desk_address,
            receiver_phone=agency.phone,
            receiver_ward_code=agency.unit.code if agency.unit else "",
            content=f"Hồ sơ giấy của hồ sơ {d.code or d.pk} (thu gom tại nhà)",
            weight_g=weight_g,
            cod_vnd=0,
            receiver_pays_freight=False,
            callback_url=getattr(settings, "MOTCUA_POSTAL_CALLBACK_URL", ""),
        )
    else:
        payer = fee_payer()
        order = Order(
            order_code=key,
            sender_name=agency.name,
            sender_address=desk_address,
            sender_phone=agency.phone,
            receiver_name=postal.recipient_name,
            receiver_address=postal.address,
            receiver_phone=postal.phone,
            receiver_ward_code=postal.ward.code,
            content=f"Kết quả giải quyết hồ sơ {d.code}",
            weight_g=weight_g,
            cod_vnd=0,
            receiver_pays_freight=payer == FeePayer.RECEIVER,
            callback_url=getattr(settings, "MOTCUA_POSTAL_CALLBACK_URL", ""),
        )
    op = operator()
    created = op.create_shipment(order)  # outside any transaction: a failure leaves nothing
    try:
        return _handover_record(
            actor=actor,
            dossier=d,
            kind=kind,
            key=key,
            operator_name=op.name,
            item_code=created.item_code,
            fee=created.fee_vnd,
            payer=payer,
            weight_g=weight_g,
            postal=postal,
            now=now,
        )
    except DomainError:
        # the dossier changed meanwhile (returned at the counter…): take the order back
        try:
            op.cancel(created.item_code)
        except DomainError:
            log.warning("postal order %s could not be cancelled", created.item_code)
        raise


PAYER_TEXT = {
    FeePayer.RECEIVER: "người nhận trả khi nhận",
    FeePayer.AGENCY: "cơ quan trả trước",
    FeePayer.SENDER: "người nộp trả khi bưu tá đến nhận",
}


@transaction.atomic
def _handover_record(
    *,
    actor: Actor,
    dossier: Dossier,
    kind: str,
    key: str,
    operator_name: str,
    item_code: str,
    fee: int,
    payer: str,
    weight_g: int,
    postal: PostalRequest,
    now: dt.datetime | None,
) -> Shipment:
    at = _now(now)
    d = _lock(dossier, None)
    done = Shipment.objects.filter(idempotency_key=key).first()
    if done is not None:  # the other click got here first
        return done
    _checks(actor, d, kind)
    if _active(d, kind) is not None:
        raise IllegalTransition("Hồ sơ đang được chuyển bưu chính", code="postal_in_progress")
    pickup = kind == ShipmentKind.PICKUP
    shipment = Shipment.objects.create(
        dossier=d,
        kind=kind,
        idempotency_key=key,
        operator=operator_name,
        item_code=item_code,
        fee_vnd=fee,
        cod_vnd=fee if payer == FeePayer.RECEIVER else 0,
        fee_payer=payer,
        weight_g=weight_g,
        recipient_name=d.receiving_agency.name if pickup else postal.recipient_name,
        recipient_phone=(d.receiving_agency.phone if pickup else postal.phone)[:20],
        recipient_address=(
            d.receiving_agency.address or d.receiving_agency.name if pickup else postal.address
        )[:600],
        handed_over_by=actor,
        created_at=at,
        status_at=at,
    )
    what = "Đặt bưu chính thu gom hồ sơ giấy tại nhà" if pickup else "Giao kết quả cho bưu chính"
    _event(
        d,
        EventType.POSTAL,
        actor=actor,
        at=at,
        agency=d.receiving_agency,
        note=f"{what}, số hiệu {item_code}; cước {fee:,} đồng ({PAYER_TEXT[payer]})".replace(
            ",", "."
        ),
        data={
            "postal": "pickup_ordered" if pickup else "handed_over",
            "item_code": item_code,
            "fee_vnd": fee,
            "payer": payer,
        },
    )
    return shipment


# ---- statuses from the operator ----------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    shipment: Shipment
    duplicate: bool
    applied: bool


def shipment_report(
    *, report: StatusReport, source: str, now: dt.datetime | None = None
) -> Applied:
    """Record one status reported by the operator (callback or polling).

    Idempotent on the operator's event id; a status older than the shipment's (out of order)
    is kept in its history without moving it back; a final shipment never changes. Delivered:
    the result is returned (``result_return``) at the delivery time. Returned to the sender:
    recorded on the dossier, which waits at the desk for another hand-over or the counter."""
    received = _now(now)
    shipment = Shipment.objects.filter(item_code=report.item_code).first()
    if shipment is None:
        raise CallbackRejected(
            "Không có bưu gửi với số hiệu này", code="unknown_shipment", status=404
        )
    if report.at > received + FUTURE_SKEW or report.at < shipment.created_at - FUTURE_SKEW:
        raise CallbackRejected(
            "Thời điểm của trạng thái không hợp lệ (trước khi giao hoặc ở tương lai)",
            code="bad_status_time",
            status=422,
        )
    try:
        return _report_record(shipment, report, source, received)
    except IntegrityError:  # a concurrent copy of the same event won
        fresh = Shipment.objects.get(pk=shipment.pk)
        return Applied(fresh, duplicate=True, applied=False)


@transaction.atomic
def _report_record(
    shipment: Shipment, report: StatusReport, source: str, received: dt.datetime
) -> Applied:
    d = _lock(shipment.dossier, None)
    s = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if ShipmentEvent.objects.filter(shipment=s, event_id=report.event_id).exists():
        return Applied(s, duplicate=True, applied=False)
    moves = s.status not in FINAL_STATUSES and (
        STATUS_RANK[ShipmentStatus(report.status)] > STATUS_RANK[ShipmentStatus(s.status)]
        or (
            # a new delivery attempt after a failed one is news too
            report.status == s.status and report.at > s.status_at
        )
    )
    ShipmentEvent.objects.create(
        shipment=s,
        event_id=report.event_id,
        status=report.status,
        operator_code=report.operator_code,
        at=report.at,
        received_at=received,
        source=source,
        applied=moves,
        note=nfc(report.note)[:500],
    )
    before = s.status
    if moves:
        s.status = report.status
        s.status_at = report.at
        if report.status == ShipmentStatus.DELIVERED:
            s.delivered_at = report.at
        s.save(update_fields=["status", "status_at", "delivered_at"])
    audit_record(
        actor=None,
        action="postal.status",
        object_type="Shipment",
        object_id=s.pk,
        label=f"bưu chính ({s.operator})",
        before={"status": before},
        after={
            "status": s.status,
            "reported": report.status,
            "event_id": report.event_id,
            "at": report.at,
            "source": source,
            "applied": moves,
        },
        at=received,
    )
    if moves and before != report.status:
        _on_status(d, s, report)
    return Applied(s, duplicate=False, applied=moves)


def _on_status(d: Dossier, s: Shipment, report: StatusReport) -> None:
    label = ShipmentStatus(report.status).label
    if s.kind == ShipmentKind.PICKUP:
        notes = {
            ShipmentStatus.PICKED_UP: "Bưu chính đã thu gom hồ sơ giấy tại nhà người nộp",
            ShipmentStatus.DELIVERED: "Hồ sơ giấy thu gom đã được bưu chính chuyển đến "
            "Bộ phận Một cửa",
            ShipmentStatus.RETURNED: "Không thu gom được hồ sơ giấy (chuyển hoàn)",
            ShipmentStatus.CANCELLED: "Đã hủy thu gom hồ sơ giấy",
        }
        if report.status in notes:
            _event(
                d,
                EventType.POSTAL,
                actor=None,
                at=report.at,
                agency=d.receiving_agency,
                note=f"Bưu gửi {s.item_code}: {notes[ShipmentStatus(report.status)]}",
                data={"postal": f"pickup_{report.status}", "item_code": s.item_code},
            )
        return
    if report.status == ShipmentStatus.DELIVERED:
        from motcua.dossiers.services import result_return

        try:
            # the staff member who handed it over returns it: the same permission as at the
            # counter, and the return instant is the delivery (Circular 01/2018 indices)
            with transaction.atomic():
                result_return(
                    actor=s.handed_over_by,
                    dossier=d,
                    method=f"{POSTAL_METHOD} (số hiệu {s.item_code})",
                    now=report.at,
                )
        except DomainError as exc:
            s.note = nfc(f"Đã phát nhưng chưa ghi nhận trả kết quả: {exc.message}")[:500]
            s.save(update_fields=["note"])
            _event(
                d,
                EventType.POSTAL,
                actor=None,
                at=report.at,
                note=f"Bưu gửi {s.item_code}: {label}. {s.note}",
                data={"postal": report.status, "item_code": s.item_code},
            )
        return
    if report.status in (
        ShipmentStatus.PICKED_UP,
        ShipmentStatus.RETURNING,
        ShipmentStatus.RETURNED,
        ShipmentStatus.CANCELLED,
    ):
        note = f"Bưu gửi {s.item_code}: {label}"
        if report.status == ShipmentStatus.RETURNED:
            note += (
                ". Kết quả chưa được trả: bộ phận một cửa liên hệ người nộp để gửi lại "
                "hoặc trả tại quầy."
            )
        _event(
            d,
            EventType.POSTAL,
            actor=None,
            at=report.at,
            agency=d.receiving_agency,
            note=note,
            data={"postal": report.status, "item_code": s.item_code},
        )


def shipments_poll(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Ask the operator for the statuses of the open shipments (the callbacks' safety net)."""
    at = _now(now)
    counts = {"checked": 0, "applied": 0, "duplicates": 0, "failed": 0}
    open_ones = Shipment.objects.exclude(status__in=FINAL_STATUSES).order_by("polled_at", "id")
    op = operator()
    for s in open_ones[:limit]:
        try:
            reports = op.track(s.item_code)
        except DomainError as exc:
            counts["failed"] += 1
            log.warning("postal track %s: %s", s.item_code, exc.message)
            continue
        counts["checked"] += 1
        for report in sorted(reports, key=lambda r: r.at):
            if report.item_code != s.item_code:
                continue
            try:
                result = shipment_report(report=report, source=EventSource.POLL, now=at)
            except CallbackRejected as exc:
                log.warning("postal event %s refused: %s", report.event_id, exc.message)
                continue
            counts["duplicates" if result.duplicate else "applied"] += int(
                result.duplicate or result.applied
            )
        Shipment.objects.filter(pk=s.pk).update(polled_at=timezone.now())
    return counts
