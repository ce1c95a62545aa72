"""Creating and revoking API clients (the only writes to ``ApiClient``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.api.models import ApiClient, ClientKind
from motcua.core.errors import ValidationFailed
from motcua.core.text import nfc
from motcua.dossiers.access import require_agency_rows
from motcua.units.models import Agency, Membership, Role

TOKEN_PREFIX = "mc_"  # noqa: S105 (a marker, not a secret)


@dataclass(frozen=True)
class IssuedClient:
    client: ApiClient
    token: str  # shown once; only its hash is kept


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *, name: str, agency: Agency, role: str, kind: str = ClientKind.SYSTEM, actor: Any = None
) -> IssuedClient:
    """A client with its service account and its one membership; returns the token once.
    The token acts on the agency's dossiers: only whoever keeps the agency issues it (``actor``
    None: the system, the command line)."""
    require_agency_rows(actor, agency.pk)
    name = nfc(name)
    if not name:
        raise ValidationFailed("Cần tên hệ thống kết nối", code="name_required")
    if role not in Role.values:
        raise ValidationFailed(f"Vai trò không hợp lệ: {role}", code="bad_role")
    if kind not in ClientKind.values:
        raise ValidationFailed(f"Loại hệ thống không hợp lệ: {kind}", code="bad_kind")
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationFailed(f"Đã có hệ thống kết nối tên {name}", code="duplicate_client")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    user = get_user_model().objects.create_user(username=f"api-{prefix}", first_name=name[:150])
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, agency=agency, role=role)
    client = ApiClient.objects.create(
        name=name,
        user=user,
        agency=agency,
        role=role,
        kind=kind,
        prefix=prefix,
        secret_sha256=_digest(secret),
    )
    return IssuedClient(client, f"{TOKEN_PREFIX}{prefix}_{secret}")


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: Any = None) -> None:
    """The token stops working at once; the service account stays for the events it signed.
    Only whoever keeps the client's agency revokes it (``actor`` None: the system)."""
    require_agency_rows(actor, client.agency_id)
    client.active = False
    client.save(update_fields=["active"])
    Membership.objects.filter(user=client.user).update(active=False)


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client whose token this is, or None (constant-time comparison)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = token[len(TOKEN_PREFIX) :].partition("_")
    # prefixes are 12 lower-case hex digits: anything else (a NUL, a megabyte) is not looked up
    if not secret or not 0 < len(prefix) <= 16 or not set(prefix) <= set("0123456789abcdef"):
        return None
    client = (
        ApiClient.objects.filter(prefix=prefix, active=True)
        .select_related("user", "agency")
        .first()
    )
    if client is None or not hmac.compare_digest(client.secret_sha256, _digest(secret)):
        return None
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
