from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def drafting_panel(dossier: Any, user: Any) -> dict[str, Any]:
    """What the dossier page shows of result drafts to ``user`` (who already sees the dossier):
    the drafts, and the templates to draft from when ``user`` handles the current step."""
    from motcua.drafting.models import ResultDraft
    from motcua.drafting.services import can_draft, templates_for

    drafts = list(
        ResultDraft.objects.filter(dossier=dossier)
        .select_related("created_by", "decided_by")
        .order_by("-pk")[:10]
    )
    may = can_draft(user, dossier)
    has_open = any(dr.is_open for dr in drafts)
    return {
        "drafts": drafts,
        "templates": templates_for(dossier) if may and not has_open else [],
        "can_draft": may,
    }
