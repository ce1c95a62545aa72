"""The officer's desk panel and the queue statistics (back office, login)."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.core.sheets import text_only
from motcua.counterqueue import selectors, services
from motcua.counterqueue.forms import DeskActionForm, StatsForm
from motcua.counterqueue.models import Desk, Ticket
from motcua.dossiers.access import agency_ids_for, report_agency_ids
from motcua.units.models import Role


def _my_desks(request: HttpRequest) -> list[Desk]:
    desks = selectors.desks_for_officer(request.user)
    if not desks:
        raise PermissionDenied(
            "Bạn không phải cán bộ một cửa của nơi tiếp nhận có quầy", code="permission_denied"
        )
    return desks


def _chosen(desks: list[Desk], value: str | None) -> Desk:
    return next((d for d in desks if str(d.pk) == (value or "")), desks[0])


def _panel_url(desk: Desk) -> str:
    return f"{reverse('counterqueue:desk')}?quay={desk.pk}"


@login_required
@domain_errors
@require_GET
def desk_panel(request: HttpRequest) -> HttpResponse:
    desks = selectors.desks_for_officer(request.user)
    if not desks and agency_ids_for(request.user, [Role.COUNTER]):
        return render(request, "counterqueue/desk.html", {"desks": []})
    desks = _my_desks(request)
    desk = _chosen(desks, request.GET.get("quay"))
    current = selectors.desk_current(desk)
    ctx: dict[str, Any] = {
        "desks": desks,
        "desk": desk,
        "current": current,
        "queue": selectors.desk_queue(desk),
        "others": [
            d
            for d in Desk.objects.filter(agency_id=desk.agency_id, active=True).order_by("number")
            if d.pk != desk.pk
        ],
    }
    return render(request, "counterqueue/desk.html", ctx)


@login_required
@domain_errors
@require_GET
def desk_queue_fragment(request: HttpRequest) -> HttpResponse:
    desks = _my_desks(request)
    desk = _chosen(desks, request.GET.get("quay"))
    return render(
        request,
        "counterqueue/_desk_queue.html",
        {"desk": desk, "queue": selectors.desk_queue(desk)},
    )


@login_required
@domain_errors
@require_POST
def desk_action(request: HttpRequest) -> HttpResponse:
    desks = _my_desks(request)
    form = DeskActionForm(desks, request.POST)
    if not form.is_valid():
        for line in form.messages():
            messages.error(request, line)
        desk = _chosen(desks, request.POST.get("desk"))
        return redirect(_panel_url(desk))
    desk: Desk = form.cleaned_data["desk"]
    action = form.cleaned_data["action"]
    kw: dict[str, Any] = {"actor": request.user, "desk": desk}
    try:
        if action == "next":
            t = services.call_next(**kw)
            if t is None:
                messages.info(request, "Không còn ai chờ ở quầy này.")
            else:
                messages.success(request, f"Đang mời số {t.label} đến {desk}.")
            return redirect(_panel_url(desk))
        ticket = Ticket.objects.filter(pk=form.cleaned_data["ticket"]).first()
        if ticket is None:
            raise NotFound("Không tìm thấy số thứ tự", code="not_found")
        if action == "recall":
            t = services.ticket_recall(ticket=ticket, **kw)
            messages.success(request, f"Đã gọi lại số {t.label}.")
        elif action == "serve":
            t = services.ticket_serve(ticket=ticket, **kw)
            messages.success(request, f"Đang tiếp nhận số {t.label}.")
        elif action == "skip":
            t = services.ticket_skip(ticket=ticket, **kw)
            messages.warning(request, f"Đã bỏ qua số {t.label} (vắng mặt).")
        elif action == "transfer":
            t = services.ticket_transfer(ticket=ticket, to_desk=form.cleaned_data["to_desk"], **kw)
            messages.success(request, f"Đã chuyển số {t.label} sang {t.desk}.")
        else:
            t = services.ticket_finish(ticket=ticket, **kw)
            messages.success(request, f"Đã hoàn thành số {t.label}.")
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_panel_url(desk))


@login_required
@domain_errors
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    ids = report_agency_ids(request.user)
    form = StatsForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data
    rows, total = selectors.queue_stats(agency_ids=ids, first=data["first"], last=data["last"])
    if valid and request.GET.get("tai") == "xlsx":
        return _xlsx(rows, total, data)
    return render(
        request,
        "counterqueue/stats.html",
        {"form": form, "rows": rows, "total": total, "first": data["first"], "last": data["last"]},
        status=200 if valid else 400,
    )


def _xlsx(rows: list[selectors.Row], total: selectors.Row, data: dict[str, Any]) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Thời gian chờ"
    span = f"từ {data['first']:%d/%m/%Y} đến {data['last']:%d/%m/%Y}"
    ws.append([f"Thời gian chờ và tiếp nhận tại quầy {span}"])
    ws.append(
        [
            "Nơi tiếp nhận",
            "Quầy",
            "Lĩnh vực",
            "Số đã phát",
            "Đã tiếp nhận xong",
            "Vắng mặt",
            "Chờ trung bình (phút)",
            "Chờ lâu nhất (phút)",
            "Tiếp nhận trung bình (phút)",
            "Tiếp nhận lâu nhất (phút)",
        ]
    )
    for r in [*rows, total]:
        ws.append(
            [
                r.agency,
                r.desk,
                r.field,
                r.tickets,
                r.served,
                r.skipped,
                r.wait_avg,
                r.wait_max,
                r.serve_avg,
                r.serve_max,
            ]
        )
    buf = io.BytesIO()
    text_only(wb).save(buf)
    resp = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = 'attachment; filename="thoi-gian-cho-tai-quay.xlsx"'
    return resp
