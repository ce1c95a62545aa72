"""Pages of the feedback module: the public list of answers, the form citizens (or anyone with
a name and a contact) send feedback with, a citizen's own list, and the staff queue with assign
and answer. Thin: a form at the door, one service or selector behind it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.backoffice.views._common import domain_errors
from motcua.citizens.access import citizen_dossiers, citizen_of, citizen_required
from motcua.core.errors import DomainError
from motcua.dossiers.access import agency_ids_for
from motcua.feedback import selectors
from motcua.feedback.forms import AnswerForm, AssignForm, SubmitForm
from motcua.feedback.models import Status
from motcua.feedback.services import feedback_answer, feedback_assign, feedback_submit
from motcua.portal.throttle import attempt

PAGE = 20


def _page(request: HttpRequest, qs: object) -> object:
    raw = request.GET.get("trang", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 1
    return Paginator(qs, PAGE).get_page(number)


# ---- public --------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "feedback/public_list.html", {"page": _page(request, selectors.feedback_public())}
    )


@domain_errors
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request, "feedback/public_detail.html", {"f": selectors.feedback_public_get(code)}
    )


def submit(request: HttpRequest) -> HttpResponse:
    profile = citizen_of(request.user)
    dossiers = citizen_dossiers(request.user) if profile is not None else None
    if request.user.is_authenticated and profile is None and agency_ids_for(request.user) != set():
        raise DjangoPermissionDenied("Cán bộ không gửi phản ánh bằng tài khoản công vụ.")
    initial = {}
    wanted = request.GET.get("ho_so", "")
    well_formed = wanted.isascii() and wanted.isdigit() and len(wanted) < 19
    # only the citizen's own dossier is preselected
    if dossiers is not None and well_formed and dossiers.filter(pk=int(wanted)).exists():
        initial["dossier"] = int(wanted)
    form = SubmitForm(
        request.POST or None, dossiers=dossiers, citizen=profile is not None, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            wait = _send_counted(request, citizen=profile is not None)
            if wait is not None:
                return _over_limit(request, form, profile, wait)
            data = form.cleaned_data
            try:
                f = feedback_submit(
                    actor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    content=data["content"],
                    agency=data.get("agency"),
                    dossier=data.get("dossier"),
                    name=data.get("name", ""),
                    email=data.get("email", ""),
                    phone=data.get("phone", ""),
                    publish_allowed=data["publish_allowed"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session["feedback_sent"] = f.code
                return redirect("feedback:sent")
        status = 400
    return render(
        request, "feedback/submit.html", {"form": form, "citizen": profile}, status=status
    )


def _send_counted(request: HttpRequest, *, citizen: bool) -> int | None:
    """Count one send that passed the form (docs/feedback.md, "Sending limit"); None when
    allowed, else the seconds to wait. Senders not logged in are counted by client address (an
    IPv6 client by its /64), ``MOTCUA_FEEDBACK_RATE``; a logged-in citizen by their account,
    whatever the address, ``MOTCUA_FEEDBACK_CITIZEN_RATE``. The count is kept in the cache like
    the look-up's (``portal.throttle``)."""
    if citizen:
        return attempt(
            request,
            "feedback-citizen",
            rate=settings.MOTCUA_FEEDBACK_CITIZEN_RATE,
            who=f"account:{request.user.pk}",
        )
    return attempt(request, "feedback", rate=settings.MOTCUA_FEEDBACK_RATE)


def _over_limit(request: HttpRequest, form: SubmitForm, profile: object, wait: int) -> HttpResponse:
    """429: the form again with what was typed (to send later) and why; nothing is stored."""
    minutes = max(1, (wait + 59) // 60)
    form.add_error(
        None,
        ValidationError(
            "Ông/bà đã gửi quá nhiều phản ánh, kiến nghị trong thời gian ngắn nên phản ánh này "
            f"chưa được gửi. Vui lòng thử lại sau khoảng {minutes} phút.",
            code="feedback_throttled",
        ),
    )
    response = render(
        request, "feedback/submit.html", {"form": form, "citizen": profile}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def sent(request: HttpRequest) -> HttpResponse:
    code = request.session.pop("feedback_sent", None)
    if not code:
        return redirect("feedback:submit")
    return render(request, "feedback/sent.html", {"code": code})


@citizen_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/mine.html",
        {"page": _page(request, selectors.feedback_of_citizen(request.user))},
    )


# ---- staff ---------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    if agency_ids_for(request.user) == set():
        raise DjangoPermissionDenied("Trang dành cho cán bộ có vai trò tại cơ quan.")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("trang_thai", "")
    qs = selectors.feedback_queue(request.user, status=status)
    return render(
        request,
        "feedback/staff_queue.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": Status.choices,
            "now": timezone.now(),
        },
    )


@login_required
@domain_errors
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    f = selectors.feedback_get_for(request.user, code)
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "f": f,
            "assign_form": AssignForm(agency=f.agency, initial={"version": f.version}),
            "answer_form": AnswerForm(initial={"version": f.version}),
        },
    )


@require_POST
@login_required
@domain_errors
def assign(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    f = selectors.feedback_get_for(request.user, code)
    form = AssignForm(request.POST, agency=f.agency)
    if not form.is_valid():
        return render(
            request,
            "feedback/staff_detail.html",
            {
                "f": f,
                "assign_form": form,
                "answer_form": AnswerForm(initial={"version": f.version}),
            },
            status=400,
        )
    feedback_assign(
        actor=request.user,
        feedback=f,
        assignee=form.cleaned_data["assignee"],
        expected_version=form.cleaned_data["version"],
    )
    messages.success(request, "Đã phân công cán bộ xử lý.")
    return redirect("feedback:staff_detail", code=f.code)


@require_POST
@login_required
@domain_errors
def answer(request: HttpRequest, code: str) -> HttpResponse:
    _staff(request)
    f = selectors.feedback_get_for(request.user, code)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            feedback_answer(
                actor=request.user,
                feedback=f,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            if exc.code == "permission_denied":
                raise
            form.add_error("answer", exc.message)
        else:
            messages.success(request, "Đã gửi câu trả lời.")
            return redirect("feedback:staff_detail", code=f.code)
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "f": f,
            "assign_form": AssignForm(agency=f.agency, initial={"version": f.version}),
            "answer_form": form,
        },
        status=400,
    )
