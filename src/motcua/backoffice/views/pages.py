"""Queue, search, procedure picker, online queue, tracking book, documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.backoffice.forms.book import BookFilterForm
from motcua.backoffice.views._common import (
    _desks,
    domain_errors,
)
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_search
from motcua.core.errors import PermissionDenied
from motcua.dossiers import forms as legal_forms
from motcua.dossiers.access import (
    dossiers_visible_to,
)
from motcua.dossiers.models import (
    Document,
    Status,
)
from motcua.dossiers.selectors import (
    COUNT_CAP,
    PAGE_SIZE,
    apology_warnings,
    book_latest_year,
    consultations_overdue,
    dossier_search,
    queue_page,
    tracking_book,
)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    # one page of 25 rows (keyset: ?sau=<cursor of the previous page's last row>) and a count
    # bounded at COUNT_CAP: the page costs the same whatever the number of dossiers
    page = queue_page(request.user, now=now, after=request.GET.get("sau", "")[:80])
    cal_day = 8 * 3600
    context = {
        "rows": page.rows,
        "total": page.total,
        "count_cap": COUNT_CAP,
        "next_cursor": page.next_cursor,
        "day": cal_day,
        "online_waiting": dossiers_visible_to(request.user)
        .filter(status=Status.SUBMITTED, receiving_agency__in=_desks(request))
        .count(),
        "late_consultations": consultations_overdue(request.user, now=now)[:20],
        "apology_warnings": apology_warnings(request.user, now=now, limit=50),
        "now": now,
    }
    return render(request, "backoffice/queue.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    # 25 rows a page, the newest first; ?truoc=<id>: the next page (keyset, never OFFSET)
    before_text = request.GET.get("truoc", "")
    before = int(before_text) if before_text.isascii() and before_text.isdigit() else None
    if before is not None and before > 2**62:
        before = None
    results = list(dossier_search(request.user, q, limit=PAGE_SIZE + 1, before=before)) if q else []
    more = len(results) > PAGE_SIZE
    results = results[:PAGE_SIZE]
    partial = request.headers.get("HX-Request") == "true"
    template = "backoffice/_search_results.html" if partial else "backoffice/search.html"
    context = {
        "q": q,
        "results": results,
        "next_before": results[-1].pk if more else None,
        "paged": before is not None,
    }
    return render(request, template, context)


@login_required
def procedures(request: HttpRequest) -> HttpResponse:
    """htmx: procedures matching the query, without diacritics, in force today at the desk."""
    q = request.GET.get("q", "").strip()
    desk_id = request.GET.get("desk", "")
    desks = {str(d.pk): d for d in _desks(request)}
    desk = desks.get(desk_id) or next(iter(desks.values()), None)
    results: list[Procedure] = []
    if q and desk is not None:
        qs = procedure_search(q, on=timezone.localdate())
        level_field = {1: "at_province", 2: "at_district", 3: "at_commune"}[desk.level]
        results = list(qs.filter(**{level_field: True})[:20])
    return render(
        request, "backoffice/_procedures.html", {"results": results, "desk": desk, "q": q}
    )


@login_required
@domain_errors
def book(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    desk = next(
        (x for x in desks if str(x.pk) == request.GET.get("desk")), desks[0] if desks else None
    )
    if desk is None:
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    form = BookFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        return render(
            request,
            "backoffice/book.html",
            {
                "doc": legal_forms.tracking_book(desk, timezone.localdate().year, []),
                "desks": desks,
                "desk": desk,
                "year": request.GET.get("year", ""),
                "rows": [],
            },
            status=400,
        )
    # the book opens on the latest year this desk has numbered, not on an empty current year
    year = form.cleaned_data["year"] or book_latest_year(desk.pk) or timezone.localdate().year
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    rows = list(tracking_book(desk.pk, year, first=first, last=last)[:2000])
    doc = legal_forms.tracking_book(desk, year, rows)
    if request.GET.get("pdf"):
        resp = HttpResponse(legal_forms.render_pdf(doc), content_type="application/pdf")
        resp["Content-Disposition"] = f'inline; filename="so-theo-doi-{year}.pdf"'
        return resp
    return render(
        request,
        "backoffice/book.html",
        {
            "doc": doc,
            "desks": desks,
            "desk": desk,
            "year": year,
            "rows": rows,
            "first": first,
            "last": last,
        },
    )


@login_required
@domain_errors
def online(request: HttpRequest) -> HttpResponse:
    desks = _desks(request)
    if not desks:  # like the tracking book: the online queue is the desks' work
        raise PermissionDenied("Bạn không phải cán bộ một cửa", code="permission_denied")
    rows = (
        dossiers_visible_to(request.user)
        .filter(status=Status.SUBMITTED, receiving_agency__in=desks, channel="online")
        .select_related("procedure", "receiving_agency", "payment")
        .order_by("submitted_at")[:200]
    )
    return render(request, "backoffice/online.html", {"rows": rows})


@login_required
@domain_errors
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = Document.objects.filter(pk=pk).select_related("dossier").first()
    if doc is None or not dossiers_visible_to(request.user).filter(pk=doc.dossier_id).exists():
        raise Http404("Không có tài liệu")
    resp = FileResponse(
        doc.file.open("rb"), content_type=doc.content_type, as_attachment=False, filename=doc.name
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"
    return resp
