from __future__ import annotations

from typing import Any

from django import template

from motcua.esign.verify import verification_code

register = template.Library()


@register.simple_tag
def citizen_results(dossier: Any, user: Any) -> list[dict[str, Any]]:
    """The dossier's electronic results, only if ``user`` owns the dossier."""
    from motcua.citizens.access import citizen_dossiers
    from motcua.esign.selectors import electronic_results

    if dossier is None or not citizen_dossiers(user).filter(pk=dossier.pk).exists():
        return []
    return [{"doc": d, "code": verification_code(d.sha256)} for d in electronic_results(dossier)]


@register.simple_tag
def can_sign_result(dossier: Any, user: Any) -> bool:
    """Whether ``user`` leads an agency issuing this dossier's result, and it may get one: the
    page asks the rule the service applies (``esign.services.signing_agency_for``, built on
    ``dossiers.services.result_may_attach``), so it offers the form only to those it accepts."""
    from motcua.core.errors import PermissionDenied
    from motcua.dossiers.services import RESULT_STATUSES
    from motcua.esign.services import signing_agency_for

    if dossier.status not in RESULT_STATUSES:
        return False
    try:
        signing_agency_for(user, dossier)
    except PermissionDenied:
        return False
    return True


@register.simple_tag
def staff_results(dossier: Any) -> list[dict[str, Any]]:
    """The electronic results of a dossier the page already let this officer see."""
    from motcua.esign.selectors import electronic_results

    return [{"doc": d, "code": verification_code(d.sha256)} for d in electronic_results(dossier)]
