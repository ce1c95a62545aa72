"""The state machine's less travelled branches: odd procedures (no steps, a return step before
the result, no responsible agency), odd desks, the daily code sequence running out, and the
guards of results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import Procedure, ProcessStep
from motcua.catalog.services import StepSpec, catalog_import_specs
from motcua.core.errors import DomainError, IllegalTransition, PermissionDenied, ValidationFailed
from motcua.dossiers.files import check_upload
from motcua.dossiers.models import Channel, Counter, DocumentKind, Dossier, Status, StepStatus
from motcua.dossiers.services import (
    ApplicantData,
    dossier_receive,
    dossier_submit_online,
    files_sweep,
    result_attach,
    step_complete,
)
from motcua.units.models import AdministrativeUnit, Agency, Level, Role, UnitKind
from tests.dossiers.conftest import World, at, member
from tests.dossiers.test_documents import pdf_bytes
from tests.factories import UserFactory, procedure_spec


def raises(kind: type[DomainError], code: str, fn: object, **kwargs: object) -> DomainError:
    with pytest.raises(kind) as exc:
        fn(**kwargs)  # type: ignore[operator]
    assert exc.value.code == code
    return exc.value


def procedure(code: str, steps: list[StepSpec] | None = None, **over: object) -> Procedure:
    spec = procedure_spec(code, valid_from=dt.date(2020, 1, 1), **over)
    if steps is not None:
        spec.steps = steps
    catalog_import_specs(actor=None, specs=[spec], source="test")
    return Procedure.objects.get(code=code)


# ---- intake ------------------------------------------------------------------------------------


def test_every_applicant_error_is_listed_at_once(world: World) -> None:
    w = world
    bad = w.intake(applicant=ApplicantData("  ", "123"))
    err = raises(
        ValidationFailed,
        "bad_applicant",
        dossier_receive,
        actor=w.users["counter"],
        desk=w.center,
        intake=bad,
        now=at("2022-06-01 09:00"),
    )
    assert err.details == [
        "Thiếu họ tên người nộp",
        "Số định danh cá nhân phải gồm 12 chữ số (CCCD) hoặc 9 chữ số (CMND)",
    ]
    org = w.intake(applicant=ApplicantData("Công ty TNHH An Phát", " ", kind="organisation"))
    err = raises(
        ValidationFailed,
        "bad_applicant",
        dossier_receive,
        actor=w.users["counter"],
        desk=w.center,
        intake=org,
        now=at("2022-06-01 09:00"),
    )
    assert err.details == ["Thiếu mã số của tổ chức"]
    assert Dossier.objects.count() == 0


def test_an_agency_that_is_no_desk_receives_nothing(world: World) -> None:
    w = world
    clerk = member(UserFactory(username="vt_tuphap"), w.justice, Role.COUNTER)
    err = raises(
        ValidationFailed,
        "not_a_desk",
        dossier_receive,
        actor=clerk,
        desk=w.justice,
        intake=w.intake(),
        now=at("2022-06-01 09:00"),
    )
    assert err.message == "Sở Tư pháp không tiếp nhận hồ sơ"


def test_an_online_dossier_is_not_received_at_the_counter(world: World) -> None:
    w = world
    raises(
        ValidationFailed,
        "bad_channel",
        dossier_receive,
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        channel=Channel.ONLINE,
        now=at("2022-06-01 09:00"),
    )
    postal = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        channel=Channel.POSTAL,
        now=at("2022-06-01 09:00"),
    )
    assert postal.channel == Channel.POSTAL and postal.status == Status.IN_PROGRESS


def test_the_days_codes_run_out_after_9999(world: World) -> None:
    w = world
    Counter.objects.create(scope="dossier_code", key=f"{w.center.pk}:220601", value=9998)
    last = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    assert last.code == f"{w.center.code}-220601-9999"
    raises(
        ValidationFailed,
        "code_exhausted",
        dossier_receive,
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(),
        now=at("2022-06-01 10:00"),
    )
    assert Dossier.objects.count() == 1
    # the next day starts again at 0001
    nxt = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-02 09:00")
    )
    assert nxt.code == f"{w.center.code}-220602-0001"


def test_without_a_named_agency_the_provincial_committee_leads(world: World) -> None:
    w = world
    p = procedure("1.000010")  # provincial, no agency_code
    assert p.agency is None
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(p), now=at("2022-06-01 09:00")
    )
    committee = Agency.objects.get(code="000.00.00.H10")  # UBND tỉnh
    assert d.processing_agency == committee
    assert d.steps.get(status=StepStatus.ACTIVE).agency == committee


def test_an_inter_level_step_with_no_upper_committee_is_refused(world: World) -> None:
    w = world
    district = AdministrativeUnit.objects.create(
        code="690",
        name="Huyện Đồng Phú",
        kind=UnitKind.RURAL_DISTRICT,
        level=Level.DISTRICT,
        parent=w.province,
    )  # no UBND huyện recorded
    commune = AdministrativeUnit.objects.create(
        code="25210", name="Xã Tân Lập", kind=UnitKind.COMMUNE, level=Level.COMMUNE, parent=district
    )
    committee = Agency.objects.create(
        code="002.00.42.H10", name="UBND xã Tân Lập", kind="ubnd", level=3, unit=commune
    )
    desk = Agency.objects.create(
        code="002.01.42.H10",
        name="Bộ phận Một cửa xã Tân Lập",
        kind="mot_cua",
        level=3,
        unit=commune,
        parent=committee,
        receives_dossiers=True,
    )
    clerk = member(UserFactory(username="motcua_tanlap"), desk, Role.COUNTER)
    err = raises(
        ValidationFailed,
        "no_upper_agency",
        dossier_receive,
        actor=clerk,
        desk=desk,
        intake=w.intake(w.inter),
        now=at("2022-06-01 09:00"),
    )
    assert err.message == "Không xác định được cơ quan cấp huyện để liên thông"
    assert Dossier.objects.count() == 0


# ---- odd internal processes ----------------------------------------------------------------------


def test_a_procedure_without_steps_gets_one_step_of_the_whole_time_limit(world: World) -> None:
    w = world
    p = procedure("1.000011", agency_code=w.justice.code)
    ProcessStep.objects.filter(procedure=p).delete()  # e.g. entered by hand, process pending
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(p), now=at("2022-06-01 09:00")
    )
    [step] = d.steps.all()
    assert (step.name, step.role, step.agency, step.budget_days, step.status) == (
        "Giải quyết hồ sơ",
        "chuyen_vien",
        w.justice,
        Decimal(5),
        StepStatus.ACTIVE,
    )
    assert (step.started_at, step.due_at) == (at("2022-06-01 09:00"), at("2022-06-08 09:00"))
    step_complete(actor=w.users["specialist"], dossier=d, now=at("2022-06-03 09:00"))
    d.refresh_from_db()
    assert d.status == Status.RESOLVED
    raises(
        IllegalTransition,
        "no_active_step",
        step_complete,
        actor=w.users["specialist"],
        dossier=d,
        now=at("2022-06-03 10:00"),
    )


def test_a_return_step_before_the_result_cannot_return_anything(world: World) -> None:
    w = world
    p = procedure(
        "1.000012",
        agency_code=w.justice.code,
        steps=[
            StepSpec("Tiếp nhận hồ sơ", "tiep_nhan", Decimal("0.5")),
            StepSpec("Trả kết quả", "tra_ket_qua", Decimal("0.5")),
            StepSpec("Thẩm định", "chuyen_vien", Decimal(4)),
        ],
    )
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(p), now=at("2022-06-01 09:00")
    )
    assert d.steps.get(status=StepStatus.ACTIVE).role == "tra_ket_qua"
    raises(
        IllegalTransition,
        "no_result_yet",
        step_complete,
        actor=w.users["counter"],
        dossier=d,
        now=at("2022-06-01 10:00"),
    )
    d.refresh_from_db()
    assert d.returned_at is None and d.status == Status.IN_PROGRESS


# ---- online files, results, sweeping ----------------------------------------------------------


def test_online_files_are_stored_as_electronic_input(world: World) -> None:
    w = world
    d = dossier_submit_online(
        applicant=ApplicantData("Lê Văn Cường", "070111222333"),
        procedure=w.simple,
        desk=w.center,
        files=[("Đơn đề nghị thành lập", check_upload("don.pdf", pdf_bytes(2)))],
        now=at("2022-06-01 09:00"),
    )
    doc = d.documents.get()
    assert (doc.kind, doc.required_document, doc.pages, doc.uploaded_by) == (
        DocumentKind.INPUT_ELECTRONIC,
        "Đơn đề nghị thành lập",
        2,
        None,
    )
    d.refresh_from_db()
    assert d.digitized


def test_result_attach_guards(world: World) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake(), now=at("2022-06-01 09:00")
    )
    checked = check_upload("kq.pdf", pdf_bytes(1))
    for outsider in (w.users["counter"], w.users["health"]):
        raises(
            PermissionDenied,
            "permission_denied",
            result_attach,
            actor=outsider,
            dossier=d,
            checked=checked,
            signer="Giám đốc",
        )
    raises(
        ValidationFailed,
        "signer_required",
        result_attach,
        actor=w.users["leader"],
        dossier=d,
        checked=checked,
        signer=" ",
    )
    assert d.documents.count() == 0


@pytest.mark.django_db
def test_sweeping_an_empty_store() -> None:
    assert files_sweep(older_than=dt.timedelta(0)) == {"removed": 0, "kept": 0}
