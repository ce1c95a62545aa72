"""The staff page of the national portal link: backlog, failures, share synchronised."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.backoffice.views._common import domain_errors
from motcua.dossiers.access import report_agency_ids
from motcua.dossiers.models import Dossier, Outbox
from motcua.integrations.portal import TOPIC, backlog, synced


@login_required
@domain_errors
def portal_status(request: HttpRequest) -> HttpResponse:
    """Leaders and administrators (the reports' audience), over the agencies they report on."""
    ids = report_agency_ids(request.user)  # PermissionDenied → 403 for everyone else
    scope = Dossier.objects.all()
    if ids is not None:
        from motcua.reports.selectors import scope_for

        scope = scope_for(agency_ids=ids)
    state = backlog(scope)
    with_sync = scope.filter(pk__in=Outbox.objects.filter(topic=TOPIC).values("dossier_id"))
    n_all = with_sync.count()
    n_synced = synced(scope).count()
    share = round(100 * n_synced / n_all, 1) if n_all else None
    target = urlsplit(settings.MOTCUA_PORTAL_URL).netloc if settings.MOTCUA_PORTAL_URL else ""
    return render(
        request,
        "integrations/portal_status.html",
        {
            "state": state,
            "target": target,
            "n_all": n_all,
            "n_synced": n_synced,
            "share": share,
        },
    )
