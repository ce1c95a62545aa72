"""The applicant register (``Applicant``): who may change a person's registered contact, and how.

The register row is shared: every agency that receives a dossier from the same ID number links
to it. So intake never changes an existing row (what an officer types goes into that dossier's
snapshot only), and a change of a person's registered contact is its own operation, audited
(before → after, with the reason), that never rewrites a past dossier: each dossier keeps the
data given for it, and its forms and notifications use that.

Who may change it: a province administrator whose scope covers every desk where the person has
filed a dossier (or a superuser). Counter officers, specialists, leaders and agency
administrators may not: they act for one agency, and the register is read by all. When the
citizen portal gives people accounts tied to their verified identity, the person themselves will
be the other caller; there is no such account yet, so no path for it exists.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import agency_ids_for
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.services._tx import Actor
from motcua.units.models import Role

#: The register fields a contact change may touch, in audit order.
CONTACT_FIELDS = ("name", "phone", "email", "address")


_PHONE = re.compile(r"\+?[0-9 .()\-]+")


def phone_ok(phone: str) -> bool:
    """A phone number as people write it: ASCII digits (8 to 15 of them) with spaces, dots,
    hyphens, brackets and a leading +; never letters or other scripts' digits."""
    return bool(_PHONE.fullmatch(phone)) and 8 <= sum(ch.isdigit() for ch in phone) <= 15


def person_id_ok(idn: str) -> bool:
    """A person's ID number: 12 digits (CCCD) or 9 (old CMND), 0–9 only — ``isdigit()`` alone
    would take "²" and other scripts' digits ("١٢", "１２")."""
    return idn.isascii() and idn.isdigit() and len(idn) in (9, 12)


def contact_errors(*, name: str, phone: str, email: str, address: str) -> list[str]:
    """What is wrong with an applicant's name and contact (already normalised), in Vietnamese."""
    errors = []
    if not name:
        errors.append("Thiếu họ tên người nộp")
    elif len(name) > 255:
        errors.append("Họ tên người nộp quá dài (tối đa 255 ký tự)")
    elif not any(ch.isalpha() for ch in name):
        errors.append("Họ tên người nộp phải có chữ")
    if len(phone) > 20:
        errors.append("Số điện thoại quá dài (tối đa 20 ký tự)")
    elif phone and not phone_ok(phone):
        errors.append(
            "Số điện thoại chỉ gồm chữ số 0–9 (8 đến 15 số), có thể có dấu cách, dấu chấm, "
            "gạch nối, ngoặc và dấu + đầu số"
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(f"Thư điện tử không hợp lệ: {email}")
    if len(address) > 500:
        errors.append("Địa chỉ quá dài (tối đa 500 ký tự)")
    return errors


def _require_register_admin(actor: Actor, applicant: Applicant) -> None:
    scope = agency_ids_for(actor, [Role.PROVINCE_ADMIN])
    if scope is None:  # superuser
        return
    desks = set(
        Dossier.objects.filter(applicant=applicant).values_list("receiving_agency_id", flat=True)
    )
    if not scope or not desks <= scope:
        raise PermissionDenied(
            "Chỉ quản trị cấp tỉnh được thay đổi thông tin liên hệ đã đăng ký của người nộp",
            code="permission_denied",
        )


@transaction.atomic
def applicant_contact_change(
    *,
    actor: Actor,
    applicant: Applicant,
    phone: str,
    email: str,
    address: str,
    reason: str,
    name: str | None = None,
) -> Applicant:
    """Change a person's registered contact (and name, when given): audited, past dossiers kept.

    Only the register row changes; every dossier keeps the applicant data given for it, so its
    forms and notifications are unchanged. New dossiers take what is given at their intake.
    """
    person = Applicant.objects.select_for_update().get(pk=applicant.pk)
    _require_register_admin(actor, person)
    why = nfc(reason).strip()
    if not why:
        raise ValidationFailed(
            "Cần nêu lý do thay đổi thông tin liên hệ (căn cứ đề nghị của người nộp)",
            code="reason_required",
        )
    wanted = {
        "name": person.name if name is None else nfc(name).strip(),
        "phone": nfc(phone).strip(),
        "email": email.strip(),
        "address": nfc(address).strip(),
    }
    errors = contact_errors(**wanted)
    if errors:
        raise ValidationFailed("; ".join(errors), code="bad_contact", details=errors)
    changed = [f for f in CONTACT_FIELDS if getattr(person, f) != wanted[f]]
    if not changed:
        raise ValidationFailed(
            "Thông tin mới trùng với thông tin đã đăng ký, không có gì thay đổi",
            code="nothing_changed",
        )
    before = {f: getattr(person, f) for f in changed}
    for f in changed:
        setattr(person, f, wanted[f])
    person.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="applicant.contact_change",
        object_type="applicant",
        object_id=person.pk,
        before=before,
        after={**{f: wanted[f] for f in changed}, "reason": why},
    )
    return person
