"""Reads of the public portal: the catalog as the public sees it, an agency's public figures
(through ``reports.selectors``, never a second implementation) and the dossier look-up.

The look-up answers only a caller who knows the dossier's code and a second factor recorded on
the dossier (the applicant's ID number or phone, as given for that dossier), or who holds the
signed token of the receipt's QR code. A wrong code and a wrong factor get the same answer after
the same work: one query by code, two constant-time comparisons (docs/portal.md).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.catalog.selectors import procedures_valid_on
from motcua.core.models import search_matching
from motcua.core.text import nfc, strip_format
from motcua.dossiers import lookup_cache
from motcua.dossiers.models import Apology, Dossier, DossierStep, Rating, Status, StepStatus
from motcua.dossiers.qr import lookup_id, lookup_token, lookup_url
from motcua.portal.throttle import attempt_and_get
from motcua.reports import selectors as reports
from motcua.units.models import Agency, Level

# ---- catalog -------------------------------------------------------------------------------

LEVEL_FLAGS = {
    Level.PROVINCE: "at_province",
    Level.DISTRICT: "at_district",
    Level.COMMUNE: "at_commune",
}


def public_procedures(
    *,
    q: str = "",
    level: int | None = None,
    agency: Agency | None = None,
    field: Field | None = None,
    on: dt.date | None = None,
) -> QuerySet[Procedure]:
    """Procedures in force today (published, within their validity), searched without
    diacritics ('dang ky ket hon' finds 'Đăng ký kết hôn'), filtered by level, agency, field."""
    qs = procedures_valid_on(on or timezone.localdate())
    qs = search_matching(qs, q)
    if level is not None:
        qs = qs.filter(**{LEVEL_FLAGS[Level(level)]: True})
    if agency is not None:
        qs = qs.filter(agency=agency)
    if field is not None:
        qs = qs.filter(field=field)
    return qs.select_related("field", "agency").order_by("field__name", "code", "-version")


def public_procedure(ref: str, *, on: dt.date | None = None) -> Procedure | None:
    """One procedure in force by its id or its national code (the newest version in force)."""
    text = str(ref)
    if "\x00" in text or len(text) > 40 or not text.strip():
        return None
    qs = (
        procedures_valid_on(on or timezone.localdate())
        .select_related("field", "agency")
        .prefetch_related("documents", "fees")
    )
    if text.isascii() and text.isdigit() and len(text) <= 18:
        found = qs.filter(pk=int(text)).first()
        if found is not None:
            return found
    return qs.filter(code=text).order_by("-version").first()


def submission_desks(p: Procedure) -> dict[str, Any]:
    """Where a procedure's dossiers are filed: the desks of the levels that carry it out."""
    levels = [lv for lv, flag in LEVEL_FLAGS.items() if getattr(p, flag)]
    desks = Agency.objects.filter(receives_dossiers=True, level__in=levels).order_by(
        "level", "name"
    )
    today = timezone.localdate()
    desks = desks.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return {
        "levels": [Level(lv).label for lv in levels],
        "desks": list(desks[:200]),
        "count": desks.count(),
    }


# ---- agencies' public figures ----------------------------------------------------------------

FIGURES_SECONDS = 300  # public figures are cached for five minutes


@dataclass(frozen=True)
class Figures:
    received: int = 0
    resolved: int = 0
    on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Share of resolved dossiers resolved on time, in per cent; None when none resolved."""
        return round(100 * self.on_time / self.resolved, 1) if self.resolved else None


@dataclass
class AgencyFigures:
    month: Figures = field(default_factory=Figures)
    year: Figures = field(default_factory=Figures)


def _periods(today: dt.date) -> tuple[reports.Period, reports.Period]:
    month = reports.Period(today.replace(day=1), today)
    year = reports.Period(today.replace(month=1, day=1), today)
    return month, year


def _rows(period: reports.Period, agency_ids: list[int] | None) -> dict[str, Figures]:
    scope = reports.scope_for(agency_ids=agency_ids) if agency_ids is not None else None
    return {
        r["agency_code"]: Figures(r["received_new"], r["resolved"], r["resolved_on_time"])
        for r in reports.by_agency(period, scope)
    }


def agency_figures(agency_ids: list[int] | None = None) -> dict[str, AgencyFigures]:
    """Per processing agency (by code): dossiers received, resolved and resolved on time this
    month and this year so far, from ``reports.selectors.by_agency``; cached a few minutes."""
    today = timezone.localdate()
    key = f"portal:figures:{today.isoformat()}:{','.join(map(str, agency_ids or [])) or 'all'}"
    cached: dict[str, AgencyFigures] | None = cache.get(key)
    if cached is not None:
        return cached
    month, year = _periods(today)
    by_month = _rows(month, agency_ids)
    by_year = _rows(year, agency_ids)
    out = {
        code: AgencyFigures(by_month.get(code, Figures()), by_year.get(code, Figures()))
        for code in set(by_month) | set(by_year)
    }
    cache.set(key, out, FIGURES_SECONDS)
    return out


def public_agencies(*, q: str = "", level: int | None = None) -> QuerySet[Agency]:
    qs = search_matching(Agency.objects.all(), q)
    today = timezone.localdate()
    qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if level is not None:
        qs = qs.filter(level=level)
    return qs.select_related("unit").order_by("level", "name")


# ---- dossier look-up --------------------------------------------------------------------------

MAX_CODE = 60  # Dossier.code
MAX_FACTOR = 20  # Dossier.applicant_id_number / applicant_phone
_NOT_DIGITS = re.compile(r"[^0-9]")
_NOT_ID = re.compile(r"[^0-9A-Z]")
# compared when no dossier has the code, so that a wrong code costs what a wrong factor costs
_ABSENT = "\x01absent\x01"


def qr_token(dossier_id: int) -> str:
    """The token in a receipt's QR code (``dossiers.qr``): the dossier id, signed."""
    return lookup_token(dossier_id)


def qr_url(dossier_id: int) -> str:
    return lookup_url(dossier_id)


def _looked_up() -> QuerySet[Dossier]:
    return Dossier.objects.filter(code__isnull=False).select_related(
        "procedure", "receiving_agency", "processing_agency"
    )


def dossier_by_qr(token: str) -> Dossier | None:
    """The dossier whose QR token this is, or None (bad signature, no such dossier)."""
    pk = lookup_id(token)
    return None if pk is None else _looked_up().filter(pk=pk).first()


def normalize_code(code: str) -> str:
    """A code as typed, as the look-up compares it: NFC, invisible format characters (a code
    pasted from a PDF or a chat app) and spaces removed, upper case."""
    return nfc(strip_format(str(code))).replace(" ", "").upper()


def _phone(text: str) -> str:
    digits = _NOT_DIGITS.sub("", text)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def _id_number(text: str) -> str:
    return _NOT_ID.sub("", text.upper())


def _same(stored: str, given: str) -> bool:
    """Constant-time equality of two normalised values; an empty stored value matches nothing."""
    equal = hmac.compare_digest(stored.encode(), given.encode())
    return equal and bool(stored) and bool(given)


def _code_candidates(code: str) -> list[str]:
    code_text = normalize_code(code)[:MAX_CODE]
    if "\x00" in code_text:
        code_text = ""
    return sorted({code_text, nfc(strip_format(str(code)))[:MAX_CODE].replace("\x00", "")})


def _factor_matches(stored_id: str, stored_phone: str, factor: str) -> bool:
    """Both comparisons always run (constant time), whichever would decide."""
    factor_text = str(factor)[: MAX_FACTOR * 2]
    by_id = _same(_id_number(stored_id), _id_number(factor_text))
    by_phone = _same(_phone(stored_phone), _phone(factor_text))
    return by_id | by_phone


def dossier_lookup(code: str, factor: str) -> Dossier | None:
    """The dossier with this code whose applicant ID number or phone (as recorded on the dossier)
    is ``factor``; None otherwise. The same query and the same comparisons run whether the code
    exists or not, so the answer and its timing do not tell which of the two was wrong."""
    d = _looked_up().filter(code__in=_code_candidates(code)).first()
    stored_id = d.applicant_id_number if d is not None else _ABSENT
    stored_phone = (d.applicant_phone or "") if d is not None else _ABSENT
    if _factor_matches(stored_id, stored_phone, factor) and d is not None:
        return d
    return None


def lookup_attempt(
    request: HttpRequest, cleaned: tuple[str, str] | None
) -> tuple[int | None, PublicDossier | None]:
    """One look-up as the page and the API make it, ``cleaned`` = (code, factor) or None when
    the input was refused: counted either way (``throttle``), the counter and the kept entry read
    in one round trip. (seconds to wait, None) over the limit; else (None, the answer — None for
    a refused input or a wrong code or factor)."""
    keys = lookup_cache.keys(_code_candidates(cleaned[0])) if cleaned is not None else []
    wait, fetched = attempt_and_get(request, keys)
    if wait is not None or cleaned is None:
        return wait, None
    return None, lookup_answer(cleaned[0], cleaned[1], fetched=fetched)


def lookup_answer(
    code: str,
    factor: str,
    *,
    now: dt.datetime | None = None,
    fetched: dict[str, Any] | None = None,
) -> PublicDossier | None:
    """What the look-up shows (the page, the API): ``public_dossier`` of ``dossier_lookup``'s
    dossier. The look-up is the portal's busiest request (docs/portal.md, BENCHMARKS.md): its
    entry is read from the shared cache in one round trip and is valid while the code's marks are
    unchanged (``lookup_cache``); only a code not looked up since its last change reads the
    table, with one narrow query. A wrong code and a wrong factor cost the same: the same round
    trip, the same comparisons, the same query when the entry is missing; the public answer is
    built only for the right factor. ``fetched``: what the cache answered for the entry's keys,
    read with the attempt counter (``lookup_attempt``)."""
    now = now or timezone.now()
    candidates = _code_candidates(code)
    entry, marks = lookup_cache.read(candidates, fetched)
    if entry is None:
        row = _lookup_row(candidates)
        entry = lookup_cache.Entry(
            marks=marks,
            pk=row[0] if row is not None else None,
            id_hash=lookup_cache.digest(_id_number(row[2] if row is not None else _ABSENT)),
            phone_hash=lookup_cache.digest(_phone(row[3] or "") if row is not None else _ABSENT),
            rated=bool(row[4]) if row is not None else False,
        )
        lookup_cache.write(candidates, entry)
    factor_text = str(factor)[: MAX_FACTOR * 2]
    by_id = _same(entry.id_hash, lookup_cache.digest(_id_number(factor_text)))
    by_phone = _same(entry.phone_hash, lookup_cache.digest(_phone(factor_text)))
    if not (by_id | by_phone) or entry.pk is None:
        return None
    if entry.answer is None:
        # read from the primary: the entry is filed under marks read before this row, so a
        # change committed in between voids it (lookup_cache)
        entry.answer = public_dossier(_looked_up().get(pk=entry.pk), now=now)
        lookup_cache.write(candidates, entry)
    answer: PublicDossier = entry.answer
    # what changes with time: late now
    late = _late(answer.received_at, answer.due_at, answer.finished_at, now)
    return replace(answer, late=late, rated=entry.rated)


def _lookup_row(candidates: list[str]) -> tuple[Any, ...] | None:
    """(pk, version, ID number, phone, rated) of the dossier with one of these codes, in one
    statement written once: the look-up is the portal's busiest request and building this query
    through the ORM was a third of its CPU (BENCHMARKS.md, issue 9). It is the ORM's query of
    before — ``Dossier.objects.filter(code__isnull=False, code__in=…).annotate(rated=Exists(
    Rating…)).values_list(…).first()`` — read from the primary (the look-up is a POST: never
    inside ``replica_reads``)."""
    d, r = Dossier._meta.db_table, Rating._meta.db_table
    marks = ", ".join(["%s"] * len(candidates))
    sql = (
        f"SELECT d.id, d.version, d.applicant_id_number, d.applicant_phone, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {r} r WHERE r.dossier_id = d.id) "
        f"FROM {d} d WHERE d.code IS NOT NULL AND d.code IN ({marks}) ORDER BY d.id LIMIT 1"
    )
    with connections[router.db_for_read(Dossier)].cursor() as cur:
        cur.execute(sql, candidates)
        found = cur.fetchone()
    return tuple(found) if found is not None else None


# ---- what the public sees of a dossier -------------------------------------------------------

PLAIN_STATUS = {
    Status.SUBMITTED: "Hồ sơ đã được nộp trực tuyến và đang chờ Bộ phận Một cửa kiểm tra, "
    "tiếp nhận.",
    Status.NEEDS_COMPLETION: "Hồ sơ chưa được tiếp nhận: cần hoàn thiện theo hướng dẫn đã gửi "
    "cho ông/bà.",
    Status.REFUSED: "Hồ sơ không được tiếp nhận; lý do được nêu trong phiếu từ chối.",
    Status.IN_PROGRESS: "Hồ sơ đã được tiếp nhận và đang được giải quyết.",
    Status.AWAITING_SUPPLEMENT: "Hồ sơ đang tạm dừng, chờ ông/bà bổ sung giấy tờ theo phiếu "
    "yêu cầu bổ sung.",
    Status.RESOLVED: "Hồ sơ đã có kết quả giải quyết.",
    Status.WITHDRAWN: "Hồ sơ đã được rút theo đề nghị của người nộp, dừng giải quyết.",
    Status.RETURNED: "Hồ sơ được trả lại, không giải quyết; lý do được nêu trong văn bản trả lại.",
}


@dataclass
class PublicDossier:
    """The part of a dossier the look-up shows: no personal data beyond what the receipt shows."""

    id: int
    code: str
    procedure: str
    procedure_code: str
    status: str
    status_label: str
    status_text: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    result_place: str
    late: bool
    apology: dict[str, Any] | None
    steps: list[dict[str, Any]]
    rated: bool

    def as_json(self) -> dict[str, Any]:
        def iso(v: dt.datetime | None) -> str | None:
            return timezone.localtime(v).isoformat() if v else None

        return {
            "code": self.code,
            "procedure": self.procedure,
            "procedure_code": self.procedure_code,
            "status": self.status,
            "status_label": self.status_label,
            "status_text": self.status_text,
            "received_at": iso(self.received_at),
            "appointment_at": iso(self.appointment_at),
            "due_at": iso(self.due_at),
            "finished_at": iso(self.finished_at),
            "returned_at": iso(self.returned_at),
            "result_place": self.result_place,
            "late": self.late,
            "apology": None
            if self.apology is None
            else {
                "issued_at": iso(self.apology["issued_at"]),
                "reason": self.apology["reason"],
                "new_appointment": iso(self.apology["new_appointment"]),
            },
            "steps": [
                {"name": s["name"], "agency": s["agency"], "finished_at": iso(s["finished_at"])}
                for s in self.steps
            ],
            "rated": self.rated,
        }


def public_dossier(d: Dossier, *, now: dt.datetime | None = None) -> PublicDossier:
    now = now or timezone.now()
    apology = Apology.objects.filter(dossier=d).first()
    steps = (
        DossierStep.objects.filter(dossier=d, status=StepStatus.DONE)
        .select_related("agency")
        .order_by("finished_at", "order", "id")
    )
    late = _late(d.received_at, d.due_at, d.finished_at, now)
    text = PLAIN_STATUS.get(Status(d.status), d.get_status_display())
    if d.status == Status.RESOLVED:
        text += (
            " Kết quả đã được trả cho ông/bà."
            if d.returned_at
            else " Mời ông/bà đến nhận kết quả theo nơi đã đăng ký."
        )
    return PublicDossier(
        id=d.pk,
        code=d.code or "",
        procedure=d.procedure.name,
        procedure_code=d.procedure.code,
        status=d.status,
        status_label=d.get_status_display(),
        status_text=text,
        received_at=d.received_at,
        appointment_at=apology.new_appointment if apology else d.appointment_at,
        due_at=d.due_at,
        finished_at=d.finished_at,
        returned_at=d.returned_at,
        result_place=d.result_place,
        late=late,
        apology=None
        if apology is None
        else {
            "issued_at": apology.issued_at,
            "reason": apology.reason,
            "new_appointment": apology.new_appointment,
            "previous_appointment": apology.previous_appointment,
        },
        steps=[
            {"name": s.name, "agency": s.agency.name, "finished_at": s.finished_at} for s in steps
        ],
        rated=_has_rating(d),
    )


def _has_rating(d: Dossier) -> bool:
    return Rating.objects.filter(dossier=d).exists()


def _late(
    received_at: dt.datetime | None,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    return bool(due_at and received_at and (finished_at or now) > due_at)
