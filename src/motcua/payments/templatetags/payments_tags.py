"""The payment panels on the citizen's and the staff's dossier pages."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.payments import selectors as sel

register = template.Library()


@register.simple_tag
def citizen_payment_panel(dossier: Any, user: Any) -> dict[str, Any] | None:
    """The fees of ``dossier`` when ``user`` is the citizen who filed it; else nothing."""
    from motcua.citizens.access import citizen_of

    if dossier is None or citizen_of(user) is None or dossier.account_id != user.pk:
        return None
    return sel.panel_for(dossier)


@register.simple_tag
def staff_payment_panel(dossier: Any, user: Any) -> dict[str, Any] | None:
    """The fees of a dossier the page has already shown to ``user`` (``dossier_get_for``)."""
    panel = sel.panel_for(dossier)
    if panel is not None:
        panel["may_collect"] = sel.may_collect(user, panel["payment"])
    return panel
