"""The public portal's pages: thin views over ``portal.selectors`` / ``portal.services``; every
input through a ``portal.forms`` form; domain errors as a Vietnamese page or message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalog.models import OnlineService
from motcua.citizens.access import citizen_required
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.dossiers.access import dossier_get_for
from motcua.portal import selectors as sel
from motcua.portal.forms import (
    AgencyListForm,
    CatalogForm,
    CounterCodeForm,
    CounterRatingForm,
    LookupForm,
    RatingForm,
)
from motcua.portal.services import Satisfaction, rating_at_counter, rating_by_citizen
from motcua.portal.throttle import attempt
from motcua.units.models import Agency, Level

PER_PAGE = 20
NOT_FOUND_TEXT = (
    "Không tìm thấy hồ sơ khớp với mã hồ sơ và thông tin xác minh đã nhập. Vui lòng kiểm tra lại "
    "mã hồ sơ trên Giấy tiếp nhận và số định danh hoặc số điện thoại đã ghi khi nộp hồ sơ."
)


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request, "portal/error.html", {"title": title, "text": text, "code": status}, status=status
    )


def _throttled(request: HttpRequest, wait: int) -> HttpResponse:
    minutes = max(1, (wait + 59) // 60)
    resp = _error(
        request,
        429,
        "Quá nhiều lần tra cứu",
        f"Ông/bà đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau khoảng "
        f"{minutes} phút.",
    )
    resp["Retry-After"] = str(wait)
    return resp


# ---- home and catalog --------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    levels = [(v, label) for v, label in Level.choices]
    return render(request, "portal/home.html", {"form": CatalogForm(), "levels": levels})


def catalog(request: HttpRequest) -> HttpResponse:
    form = CatalogForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "portal/catalog.html", {"form": form, "page": None}, status=400)
    data: dict[str, Any] = form.cleaned_data if form.is_bound else {}
    qs = sel.public_procedures(
        q=data.get("q") or "",
        level=data.get("level"),
        agency=data.get("agency"),
        field=data.get("field"),
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/catalog.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def procedure(request: HttpRequest, ref: str) -> HttpResponse:
    p = sel.public_procedure(ref)
    if p is None:
        return _error(
            request,
            404,
            "Không tìm thấy thủ tục",
            "Thủ tục này không có hoặc không còn hiệu lực. Hãy tìm lại trong danh mục.",
        )
    context = {
        "p": p,
        "documents": list(p.documents.all()),
        "fees": list(p.fees.all()),
        "where": sel.submission_desks(p),
        "online": p.online_service != OnlineService.NONE,
        "online_full": p.online_service == OnlineService.FULL,
    }
    return render(request, "portal/procedure.html", context)


# ---- agencies' public figures --------------------------------------------------------------


def agencies(request: HttpRequest) -> HttpResponse:
    form = AgencyListForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "portal/agencies.html", {"form": form, "page": None}, status=400)
    data: dict[str, Any] = form.cleaned_data if form.is_bound else {}
    qs = sel.public_agencies(q=data.get("q") or "", level=data.get("level"))
    page = Paginator(qs, 30).get_page(request.GET.get("trang"))
    figures = sel.agency_figures()
    rows = [(a, figures.get(a.code, sel.AgencyFigures())) for a in page.object_list]
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "portal/agencies.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def agency(request: HttpRequest, pk: int) -> HttpResponse:
    a = Agency.objects.select_related("unit", "parent").filter(pk=pk).first()
    if a is None:
        return _error(request, 404, "Không tìm thấy cơ quan", "Cơ quan này không có.")
    figures = sel.agency_figures([a.pk]).get(a.code, sel.AgencyFigures())
    procedures = sel.public_procedures(agency=a)
    return render(
        request,
        "portal/agency.html",
        {"a": a, "f": figures, "n_procedures": procedures.count()},
    )


# ---- dossier look-up ---------------------------------------------------------------------


@csrf_exempt  # a read with no session effect: the answer is the same for every visitor
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Code + second factor. Never echoes the typed values back: a miss shows the same page
    whichever of the two was wrong."""
    if request.method == "GET":
        return render(request, "portal/lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    valid = form.is_valid()
    cleaned = (form.cleaned_data["code"], form.cleaned_data["factor"]) if valid else None
    wait, d = sel.lookup_attempt(request, cleaned)  # counted, valid or not
    if wait is not None:
        return _throttled(request, wait)
    if not valid:  # the messages, never the typed values (an ID number, or huge)
        context = {"form": LookupForm(), "errors": form.messages()}
        return render(request, "portal/lookup.html", context, status=400)
    if d is None:
        return render(
            request,
            "portal/lookup.html",
            {"form": LookupForm(), "not_found": NOT_FOUND_TEXT},
            status=404,
        )
    return render(request, "portal/lookup_result.html", {"d": d})


def lookup_qr(request: HttpRequest, token: str) -> HttpResponse:
    wait = attempt(request)
    if wait is not None:
        return _throttled(request, wait)
    d = sel.dossier_by_qr(token)
    if d is None:
        return _error(
            request,
            404,
            "Mã QR không hợp lệ",
            "Mã QR này không đúng hoặc hồ sơ không còn. Hãy tra cứu bằng mã hồ sơ.",
        )
    return render(request, "portal/lookup_result.html", {"d": sel.public_dossier(d)})


# ---- ratings -----------------------------------------------------------------------------


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/cong-dan/"


@require_POST
@citizen_required
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Door (a): the citizen's own dossier page posts here."""
    form = RatingForm(request.POST)
    back = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        for line in form.messages():
            messages.error(request, line)
        return redirect(back)
    try:
        rating_by_citizen(
            user=request.user,
            dossier_id=pk,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
        )
    except NotFound as exc:
        return _error(request, 404, "Không tìm thấy hồ sơ", exc.message)
    except PermissionDenied as exc:
        return _error(request, 403, "Không có quyền", exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, "Cảm ơn ông/bà đã đánh giá việc giải quyết hồ sơ.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Door (b): the counter tablet. The officer opens it with a dossier code (GET ?ma=), the
    applicant taps one of three buttons (POST)."""
    if not request.user.is_staff and not request.user.memberships.exists():  # type: ignore[union-attr]
        return _error(request, 403, "Không có quyền", "Trang này dành cho cán bộ Bộ phận Một cửa.")
    context: dict[str, Any] = {"levels": Satisfaction.choices}
    if request.method == "POST":
        form: CounterCodeForm = CounterRatingForm(request.POST)
    elif "ma" in request.GET:
        form = CounterCodeForm({"code": request.GET.get("ma", "")})
    else:
        return render(request, "portal/counter.html", {**context, "form": CounterCodeForm()})
    if not form.is_valid():
        return render(request, "portal/counter.html", {**context, "form": form}, status=400)
    try:
        d = dossier_get_for(request.user, form.cleaned_data["code"].strip())
        if isinstance(form, CounterRatingForm):
            rating_at_counter(
                actor=request.user,
                dossier=d,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
            return render(request, "portal/counter_done.html", {"d": d}, status=200)
    except DomainError as exc:
        status = (
            404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 409
        )
        return render(
            request,
            "portal/counter.html",
            {**context, "form": CounterCodeForm(), "error": exc.message},
            status=status,
        )
    view = sel.public_dossier(d)
    return render(request, "portal/counter.html", {**context, "form": form, "d": d, "view": view})
