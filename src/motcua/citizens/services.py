"""Portal accounts: registration, e-mail verification, password reset, profile, OIDC sign-in.

Every write is keyword-only, one transaction, with an audit row; mail is an ``Outbox`` row in the
same transaction (topics ``citizen.verify_email`` and ``citizen.password_reset``, no dossier,
payload ``to_email``, ``name``, ``link``), delivered later outside the request.

No enumeration: the resend and reset requests answer the same whether an account exists or not
(the view shows one message); registration does say that an identity or e-mail already has an
account — a person must be told why they cannot register, and the ID number is not a secret.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from motcua.audit.services import audit_record
from motcua.citizens.identity import personal_id_ok, tax_code_ok
from motcua.citizens.models import AccountKind, CitizenProfile
from motcua.citizens.selectors import is_staff_account
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.text import nfc, typed_line
from motcua.dossiers.models import Outbox
from motcua.dossiers.services.applicants import phone_ok

VERIFY_SALT = "motcua.citizens.verify_email"
TOPIC_VERIFY = "citizen.verify_email"
TOPIC_RESET = "citizen.password_reset"
#: at most one verification or reset mail per address in this window (resend button spam)
MAIL_INTERVAL = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Registration:
    kind: str
    id_number: str
    name: str
    email: str
    phone: str
    password: str


def _username(kind: str, id_number: str) -> str:
    # never typed by anyone: citizens log in by ID number, tax code or e-mail
    return f"cd.{'t' if kind == AccountKind.ORGANISATION else 'p'}.{id_number}"


def identity_errors(kind: str, id_number: str) -> list[str]:
    if kind == AccountKind.PERSON and not personal_id_ok(id_number):
        return ["Số định danh cá nhân gồm đúng 12 chữ số 0–9 (số căn cước công dân)."]
    if kind == AccountKind.ORGANISATION and not tax_code_ok(id_number):
        return ["Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch nối và 3 chữ số (chi nhánh)."]
    if kind not in AccountKind.values:
        return ["Loại tài khoản không hợp lệ."]
    return []


def password_errors(password: str, user: Any) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    qs = CitizenProfile.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _link(base_url: str, path: str) -> str:
    return (settings.MOTCUA_PUBLIC_URL or base_url.rstrip("/")) + path


def verification_token(profile: CitizenProfile, email: str) -> str:
    return signing.dumps({"p": profile.pk, "e": email.lower()}, salt=VERIFY_SALT)


def _mail(topic: str, *, profile: CitizenProfile, to_email: str, link: str) -> bool:
    """One mail row, unless one of the same topic went to this address a moment ago."""
    now = timezone.now()
    recent = Outbox.objects.filter(
        topic=topic, payload__to_email=to_email, created_at__gte=now - MAIL_INTERVAL
    ).exists()
    if recent:
        return False
    Outbox.objects.create(
        topic=topic,
        dossier=None,
        created_at=now,
        payload={"to_email": to_email, "name": profile.name, "link": link},
    )
    return True


def _verify_mail(profile: CitizenProfile, email: str, base_url: str) -> bool:
    token = verification_token(profile, email)
    return _mail(
        TOPIC_VERIFY,
        profile=profile,
        to_email=email,
        link=_link(base_url, f"/cong-dan/xac-thuc/{token}/"),
    )


def citizen_register(*, data: Registration, base_url: str) -> CitizenProfile:
    """A new account, inactive until its e-mail is verified; the link is queued as a mail."""
    kind = data.kind
    id_number = nfc(data.id_number)
    name = typed_line(data.name)
    email = nfc(data.email).lower()
    phone = typed_line(data.phone)
    errors = identity_errors(kind, id_number)
    if not name or not any(ch.isalpha() for ch in name):
        errors.append("Họ tên (tên tổ chức) phải có chữ.")
    if len(name) > 255:
        errors.append("Họ tên (tên tổ chức) tối đa 255 ký tự.")
    try:
        validate_email(email)
    except ValidationError:
        errors.append("Thư điện tử không hợp lệ.")
    if phone and not phone_ok(phone):
        errors.append("Số điện thoại chỉ gồm chữ số 0–9 (8 đến 15 số), dấu cách, chấm, gạch nối.")
    user_model = get_user_model()
    user = user_model(
        username=_username(kind, id_number),
        first_name=name[:150],
        email=email,
        is_active=False,
        is_staff=False,
    )
    errors += password_errors(data.password, user)
    if errors:
        raise ValidationFailed(" ".join(errors), code="registration_invalid", details=errors)
    try:
        with transaction.atomic():
            if CitizenProfile.objects.filter(kind=kind, id_number=id_number).exists():
                label = "Số định danh" if kind == AccountKind.PERSON else "Mã số thuế"
                raise ValidationFailed(
                    f"{label} {id_number} đã có tài khoản. Nếu đó là tài khoản của bạn, hãy "
                    "đăng nhập hoặc đặt lại mật khẩu; nếu không, liên hệ bộ phận hỗ trợ.",
                    code="identity_taken",
                )
            if _email_taken(email) or user_model.objects.filter(username=user.username).exists():
                raise ValidationFailed(
                    "Thư điện tử này đã dùng cho một tài khoản khác. Hãy đăng nhập, đặt lại mật "
                    "khẩu hoặc dùng địa chỉ khác.",
                    code="email_taken",
                )
            user.set_password(data.password)
            user.save()
            profile = CitizenProfile.objects.create(
                user=user, kind=kind, id_number=id_number, name=name, email=email, phone=phone
            )
            _verify_mail(profile, email, base_url)
            audit_record(
                actor=None,
                action="citizen.register",
                object_type="CitizenProfile",
                object_id=profile.pk,
                after={"kind": kind, "id_number": id_number, "email": email, "phone": phone},
                label=str(profile),
            )
    except IntegrityError:  # the same identity registered a moment ago by another request
        raise ValidationFailed(
            "Số định danh, mã số thuế hoặc thư điện tử này vừa được đăng ký.", code="identity_taken"
        ) from None
    return profile


def citizen_verify_email(*, token: str) -> CitizenProfile:
    """Open a verification link: the account's address (registration) or its new address
    (profile change) becomes verified; a registration's account becomes active."""
    max_age = settings.MOTCUA_CITIZEN_LINK_HOURS * 3600
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationFailed(
            "Liên kết xác thực đã hết hạn. Hãy yêu cầu gửi lại thư xác thực.", code="link_expired"
        ) from None
    except signing.BadSignature:
        raise ValidationFailed("Liên kết xác thực không hợp lệ.", code="link_invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise ValidationFailed("Liên kết xác thực không hợp lệ.", code="link_invalid")
    email = str(data.get("e", ""))
    with transaction.atomic():
        profile = (
            CitizenProfile.objects.select_for_update().select_related("user").filter(pk=data["p"])
        ).first()
        if profile is None or not email:
            raise ValidationFailed("Liên kết xác thực không hợp lệ.", code="link_invalid")
        user = profile.user
        before = {"email": profile.email, "verified": profile.email_verified_at is not None}
        if email == profile.email.lower() and profile.email_verified_at is None:
            profile.email_verified_at = timezone.now()
            profile.save(update_fields=["email_verified_at"])
            user.is_active = True
            user.save(update_fields=["is_active"])
        elif profile.pending_email and email == profile.pending_email.lower():
            if _email_taken(email, exclude_pk=profile.pk):
                raise ValidationFailed(
                    "Thư điện tử này đã dùng cho một tài khoản khác.", code="email_taken"
                )
            profile.email = email
            profile.pending_email = ""
            profile.email_verified_at = timezone.now()
            profile.save(update_fields=["email", "pending_email", "email_verified_at"])
            user.email = email
            user.save(update_fields=["email"])
        elif email == profile.email.lower():
            return profile  # opened twice: already done, nothing changes
        else:
            raise ValidationFailed(
                "Liên kết xác thực không còn dùng được (địa chỉ thư đã đổi).", code="link_stale"
            )
        audit_record(
            actor=user,
            action="citizen.verify_email",
            object_type="CitizenProfile",
            object_id=profile.pk,
            before=before,
            after={"email": profile.email, "verified": True},
            label=str(profile),
        )
    return profile


def citizen_resend_verification(*, email: str, base_url: str) -> None:
    """Queue the link again for an account (or a pending new address) not yet verified. Says
    nothing about whether such an account exists."""
    email = nfc(email).lower()
    with transaction.atomic():
        profile = CitizenProfile.objects.filter(
            email__iexact=email, email_verified_at__isnull=True
        ).first()
        if profile is None:
            profile = CitizenProfile.objects.filter(pending_email__iexact=email).first()
        if profile is None or is_staff_account(profile.user):
            return
        _verify_mail(profile, email, base_url)


def citizen_password_reset_request(*, email: str, base_url: str) -> None:
    """Queue a reset link for the active, verified account with this e-mail; the same silence
    otherwise."""
    email = nfc(email).lower()
    with transaction.atomic():
        profile = (
            CitizenProfile.objects.select_related("user")
            .filter(email__iexact=email, email_verified_at__isnull=False, user__is_active=True)
            .first()
        )
        if profile is None or is_staff_account(profile.user):
            return
        uid = urlsafe_base64_encode(force_bytes(profile.user.pk))
        token = default_token_generator.make_token(profile.user)
        sent = _mail(
            TOPIC_RESET,
            profile=profile,
            to_email=profile.email,
            link=_link(base_url, f"/cong-dan/dat-lai-mat-khau/{uid}/{token}/"),
        )
        if sent:
            audit_record(
                actor=None,
                action="citizen.password_reset_request",
                object_type="CitizenProfile",
                object_id=profile.pk,
                label=str(profile),
            )


def reset_user(uidb64: str, token: str) -> Any:
    """The citizen account a reset link is for, if the link is still valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not hasattr(user, "citizen") or is_staff_account(user):
        return None
    return user if default_token_generator.check_token(user, token) else None


def citizen_password_reset_confirm(*, uidb64: str, token: str, password: str) -> Any:
    user = reset_user(uidb64, token)
    if user is None:
        raise ValidationFailed(
            "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn.", code="link_invalid"
        )
    errors = password_errors(password, user)
    if errors:
        raise ValidationFailed(" ".join(errors), code="password_invalid", details=errors)
    with transaction.atomic():
        user.set_password(password)  # also invalidates this link and every other one
        user.save(update_fields=["password"])
        audit_record(
            actor=user,
            action="citizen.password_reset",
            object_type="CitizenProfile",
            object_id=user.citizen.pk,
            label=str(user.citizen),
        )
    return user


def citizen_profile_update(
    *, actor: Any, phone: str, address: str, email: str, base_url: str
) -> CitizenProfile:
    """The account holder changes their own contact. A new e-mail is only a pending address
    until its link is opened; logins and mail keep using the verified one meanwhile."""
    profile = getattr(actor, "citizen", None) if actor.is_authenticated else None
    if profile is None or is_staff_account(actor):
        raise PermissionDenied("Chỉ chủ tài khoản công dân được sửa hồ sơ này.")
    phone, address, email = typed_line(phone), typed_line(address), nfc(email).lower()
    errors = []
    if phone and not phone_ok(phone):
        errors.append("Số điện thoại chỉ gồm chữ số 0–9 (8 đến 15 số), dấu cách, chấm, gạch nối.")
    if len(address) > 500:
        errors.append("Địa chỉ tối đa 500 ký tự.")
    if email:  # empty: keep the current address (an OIDC account may have none)
        try:
            validate_email(email)
        except ValidationError:
            errors.append("Thư điện tử không hợp lệ.")
    if errors:
        raise ValidationFailed(" ".join(errors), code="profile_invalid", details=errors)
    with transaction.atomic():
        profile = CitizenProfile.objects.select_for_update().get(pk=profile.pk)
        before = {"phone": profile.phone, "address": profile.address, "email": profile.email}
        profile.phone, profile.address = phone, address
        fields = ["phone", "address"]
        if email and email != profile.email.lower():
            if _email_taken(email, exclude_pk=profile.pk):
                raise ValidationFailed(
                    "Thư điện tử này đã dùng cho một tài khoản khác.", code="email_taken"
                )
            profile.pending_email = email
            fields.append("pending_email")
            _verify_mail(profile, email, base_url)
        elif profile.pending_email:
            profile.pending_email = ""  # back to the current address: the change is dropped
            fields.append("pending_email")
        profile.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="citizen.profile_update",
            object_type="CitizenProfile",
            object_id=profile.pk,
            before=before,
            after={"phone": phone, "address": address, "pending_email": profile.pending_email},
            label=str(profile),
        )
    return profile


@dataclass(frozen=True)
class OIDCIdentity:
    subject: str
    id_number: str
    name: str
    email: str = ""


def _take_over(profile: CitizenProfile, subject: str) -> None:
    """Link a password account to the person the provider proved. A password registration only
    proved an e-mail, not the ID number: whoever registered it may not be this person. So the
    proven person takes the account over — the old password and e-mail stop working (their
    sessions end with the password hash); the person may add an e-mail again on the profile page
    (verified anew) and then set a password by the reset link."""
    user = profile.user
    profile.oidc_subject = subject
    profile.email = ""
    profile.pending_email = ""
    profile.email_verified_at = None
    profile.save(update_fields=["oidc_subject", "email", "pending_email", "email_verified_at"])
    user.set_unusable_password()
    user.email = ""
    user.save(update_fields=["password", "email"])


def citizen_from_oidc(*, identity: OIDCIdentity) -> Any:
    """The account of a person the identity provider vouched for: found by the provider's
    subject, else linked by the personal ID number (taken over: ``_take_over``), else created
    (active: the provider verified who it is). Never a staff account; never one already linked
    to another subject."""
    subject = identity.subject.strip()
    id_number = nfc(identity.id_number)
    if not subject or len(subject) > 255:
        raise ValidationFailed("Nhà cung cấp định danh không trả về định danh.", code="oidc_sub")
    if not personal_id_ok(id_number):
        raise ValidationFailed(
            "Nhà cung cấp định danh không trả về số định danh cá nhân hợp lệ.", code="oidc_id"
        )
    name = typed_line(identity.name)[:255] or id_number
    with transaction.atomic():
        profile = (
            CitizenProfile.objects.select_for_update()
            .select_related("user")
            .filter(oidc_subject=subject)
            .first()
        )
        if profile is not None and (
            profile.kind != AccountKind.PERSON or profile.id_number != id_number
        ):
            raise PermissionDenied(
                "Định danh điện tử không khớp số định danh của tài khoản.", code="oidc_mismatch"
            )
        action = "citizen.oidc_login"
        before: dict[str, Any] | None = None
        if profile is None:
            profile = (
                CitizenProfile.objects.select_for_update()
                .select_related("user")
                .filter(kind=AccountKind.PERSON, id_number=id_number)
                .first()
            )
            if profile is not None:
                before = {"email": profile.email, "password": profile.user.has_usable_password()}
                if profile.oidc_subject:
                    raise PermissionDenied(
                        "Số định danh này đã gắn với một định danh điện tử khác.",
                        code="oidc_mismatch",
                    )
                if not profile.user.is_active and profile.email_verified_at is not None:
                    # verified once, then disabled by an administrator: stays disabled
                    raise PermissionDenied("Tài khoản đang bị khóa.", code="account_disabled")
                _take_over(profile, subject)
                action = "citizen.oidc_link"
        if profile is None:
            user_model = get_user_model()
            user = user_model(
                username=_username(AccountKind.PERSON, id_number),
                first_name=name[:150],
                is_active=True,
            )
            user.set_unusable_password()  # logs in through the provider only, until a reset
            user.save()
            profile = CitizenProfile.objects.create(
                user=user,
                kind=AccountKind.PERSON,
                id_number=id_number,
                name=name,
                oidc_subject=subject,
            )
            action = "citizen.oidc_create"
        user = profile.user
        if is_staff_account(user):
            raise PermissionDenied("Tài khoản cán bộ không đăng nhập qua cổng công dân.")
        if not user.is_active:
            if action != "citizen.oidc_link":
                raise PermissionDenied("Tài khoản đang bị khóa.", code="account_disabled")
            # a registration never verified by e-mail: the provider has now verified the person
            user.is_active = True
            user.save(update_fields=["is_active"])
        audit_record(
            actor=user,
            action=action,
            object_type="CitizenProfile",
            object_id=profile.pk,
            before=before,
            after={"subject": subject, "email": profile.email},
            label=str(profile),
        )
    user.oidc_taken_over = action == "citizen.oidc_link"  # for the page's notice
    return user


__all__ = [
    "OIDCIdentity",
    "Registration",
    "citizen_from_oidc",
    "citizen_password_reset_confirm",
    "citizen_password_reset_request",
    "citizen_profile_update",
    "citizen_register",
    "citizen_resend_verification",
    "citizen_verify_email",
]


#: The demo's citizen account (``motcua demo``): a verified person account to try the portal.
DEMO_CITIZEN = {"id_number": "079201001234", "name": "Nguyễn Thị Lan", "email": "lan@motcua.local"}


def citizen_demo_account(*, password: str) -> CitizenProfile:
    """For the demo only: the demo citizen, active and verified, with ``password`` (set anew on
    every run, like the staff passwords). Refused in production."""
    if settings.PRODUCTION:
        raise PermissionDenied("Không tạo tài khoản mẫu khi chạy thật.", code="production")
    with transaction.atomic():
        profile = (
            CitizenProfile.objects.select_related("user")
            .filter(kind=AccountKind.PERSON, id_number=DEMO_CITIZEN["id_number"])
            .first()
        )
        if profile is None:
            user = get_user_model()(
                username=_username(AccountKind.PERSON, DEMO_CITIZEN["id_number"]),
                first_name=DEMO_CITIZEN["name"],
                email=DEMO_CITIZEN["email"],
            )
            user.save()
            profile = CitizenProfile.objects.create(
                user=user,
                kind=AccountKind.PERSON,
                id_number=DEMO_CITIZEN["id_number"],
                name=DEMO_CITIZEN["name"],
                email=DEMO_CITIZEN["email"],
                phone="0912345678",
                address="Phường Tân Phú, thành phố Đồng Xoài, tỉnh Bình Phước",
                email_verified_at=timezone.now(),
            )
        user = profile.user
        user.is_active = True
        user.set_password(password)
        user.save(update_fields=["is_active", "password"])
        audit_record(
            actor=None,
            action="citizen.demo_account",
            object_type="CitizenProfile",
            object_id=profile.pk,
            label=str(profile),
        )
    return profile
