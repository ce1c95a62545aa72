"""Catalog services: creating, validating the internal process, publishing, amending,
replacing and abolishing procedures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.audit.models import AuditEntry
from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.selectors import procedure_search, procedures_valid_on
from motcua.catalog.services import (
    StepSpec,
    procedure_abolish,
    procedure_amend,
    procedure_create,
    procedure_publish,
    procedure_replace,
    procedure_set_process,
)
from motcua.core.errors import IllegalTransition, ValidationFailed
from tests.factories import procedure_spec

pytestmark = pytest.mark.django_db


def test_create_with_children_and_audit() -> None:
    p = procedure_create(actor=None, spec=procedure_spec(status="draft"))
    assert p.version == 1
    assert p.at_province and not p.at_commune
    assert [s.budget_days for s in p.steps.all()] == [
        Decimal("0.5"),
        Decimal(3),
        Decimal(1),
        Decimal("0.5"),
    ]
    assert p.fees.get().amount_vnd == 1_000_000
    assert p.search_text.startswith("1.000001")
    assert AuditEntry.objects.filter(action="catalog.procedure_create").count() == 1


def test_process_must_add_up_to_the_time_limit() -> None:
    spec = procedure_spec(
        steps=[
            StepSpec("Tiếp nhận", "tiep_nhan", Decimal("0.5")),
            StepSpec("Xử lý", "chuyen_vien", Decimal(3)),
        ]
    )
    with pytest.raises(ValidationFailed) as exc:
        procedure_create(actor=None, spec=spec)
    assert exc.value.code == "procedure_invalid"
    assert (
        "Tổng thời gian các bước (3,5 ngày) khác thời hạn giải quyết (5 ngày" in exc.value.message
    )
    assert Procedure.objects.count() == 0


def test_set_process_validated_and_atomic() -> None:
    p = procedure_create(actor=None, spec=procedure_spec())
    with pytest.raises(ValidationFailed):
        procedure_set_process(
            actor=None, procedure=p, steps=[StepSpec("Một bước", "chuyen_vien", Decimal(4))]
        )
    assert p.steps.count() == 4  # unchanged
    procedure_set_process(
        actor=None,
        procedure=p,
        steps=[
            StepSpec("Tiếp nhận", "tiep_nhan", Decimal("0.25")),
            StepSpec("Xử lý", "chuyen_vien", Decimal("4.75")),
        ],
    )
    assert p.steps.count() == 2


def test_invalid_definition_lists_every_problem() -> None:
    spec = procedure_spec(code="", name="", time_limit_days=0.3, online_service="muc_5")
    with pytest.raises(ValidationFailed) as exc:
        procedure_create(actor=None, spec=spec)
    details = exc.value.details
    assert isinstance(details, list)
    assert len(details) >= 4


def test_publish_amend_abolish_lifecycle() -> None:
    p = procedure_create(actor=None, spec=procedure_spec(status="draft"))
    with pytest.raises(ValidationFailed):
        procedure_publish(actor=None, procedure=p, valid_from=dt.date(2022, 1, 1), decision=" ")
    p = procedure_publish(
        actor=None, procedure=p, valid_from=dt.date(2022, 1, 1), decision="15/QĐ-UBND"
    )
    assert p.status == ProcedureStatus.PUBLISHED
    with pytest.raises(IllegalTransition):
        procedure_publish(
            actor=None, procedure=p, valid_from=dt.date(2022, 1, 1), decision="16/QĐ-UBND"
        )
    new = procedure_amend(
        actor=None,
        procedure=p,
        spec=procedure_spec(time_limit_days=7, name="Thành lập VPCC"),
        effective=dt.date(2022, 4, 1),
        decision="482/QĐ-UBND",
    )
    old = Procedure.objects.get(pk=p.pk)
    assert (old.status, old.valid_to, old.replaced_by) == (
        ProcedureStatus.AMENDED,
        dt.date(2022, 3, 31),
        new,
    )
    assert (new.version, new.valid_from, new.time_limit_days) == (2, dt.date(2022, 4, 1), 7)
    assert list(procedures_valid_on(dt.date(2022, 3, 31))) == [old]
    assert list(procedures_valid_on(dt.date(2022, 4, 1))) == [new]
    with pytest.raises(ValidationFailed):  # a decision effective before the version began
        procedure_abolish(
            actor=None, procedure=new, effective=dt.date(2022, 3, 1), decision="36/QĐ-UBND"
        )
    procedure_abolish(
        actor=None, procedure=new, effective=dt.date(2022, 7, 1), decision="36/QĐ-UBND"
    )
    assert not procedures_valid_on(dt.date(2022, 7, 1)).exists()
    with pytest.raises(IllegalTransition):
        procedure_amend(
            actor=None,
            procedure=new,
            spec=procedure_spec(),
            effective=dt.date(2022, 8, 1),
            decision="x",
        )


def test_replace_by_another_procedure() -> None:
    old = procedure_create(actor=None, spec=procedure_spec(valid_from=dt.date(2021, 1, 1)))
    new = procedure_create(
        actor=None, spec=procedure_spec(code="1.000002", valid_from=dt.date(2022, 5, 1))
    )
    procedure_replace(
        actor=None,
        procedure=old,
        replacement=new,
        effective=dt.date(2022, 5, 1),
        decision="01/QĐ-UBND",
    )
    old.refresh_from_db()
    assert old.status == ProcedureStatus.REPLACED
    assert old.replaced_by == new
    with pytest.raises(ValidationFailed):
        procedure_replace(
            actor=None, procedure=new, replacement=new, effective=dt.date(2022, 6, 1), decision="x"
        )


def test_search_without_diacritics() -> None:
    procedure_create(actor=None, spec=procedure_spec())
    procedure_create(actor=None, spec=procedure_spec(code="1.000009", name="Đăng ký khai sinh"))
    assert [p.code for p in procedure_search("thanh lap")] == ["1.000001"]
    assert [p.code for p in procedure_search("DANG KY khai")] == ["1.000009"]
    assert [p.code for p in procedure_search("Thành lập")] == ["1.000001"]
    assert procedure_search("khai sinh cong chung").count() == 0


def test_an_import_that_fails_midway_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """``catalog_import_specs`` is one transaction: a failure after the fields and procedures
    were written (here the steps' insert) leaves none of them."""
    from motcua.catalog import services
    from motcua.catalog.models import Field, ProcessStep

    fields, procedures = Field.objects.count(), Procedure.objects.count()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ProcessStep.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.catalog_import_specs(
            actor=None, specs=[procedure_spec("9.000001", field_code="G99-NEW")], source="test"
        )
    assert (Field.objects.count(), Procedure.objects.count()) == (fields, procedures)
