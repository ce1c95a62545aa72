"""What intake accepts as an applicant's name, phone and proxy ID (every face: the service)."""

from __future__ import annotations

import pytest

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantData, dossier_receive
from tests.dossiers.conftest import World, at


def _given(**over: str) -> ApplicantData:
    data = {
        "name": "Nguyễn Văn An",
        "id_number": "070123456789",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "address": "Đồng Xoài",
    }
    data.update(over)
    return ApplicantData(**data)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"name": "-1"}, "Họ tên người nộp phải có chữ"),
        ({"name": "🙂"}, "Họ tên người nộp phải có chữ"),
        ({"name": "999999"}, "Họ tên người nộp phải có chữ"),
        ({"phone": "' OR 1=1 --"}, "Số điện thoại chỉ gồm chữ số"),
        ({"phone": "../../etc/passwd"}, "Số điện thoại chỉ gồm chữ số"),
        ({"phone": "091２345678"}, "Số điện thoại chỉ gồm chữ số"),
        ({"phone": "12345"}, "Số điện thoại chỉ gồm chữ số"),
    ],
)
def test_odd_applicant_fields_are_refused_and_nothing_written(
    world: World, over: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(
            actor=world.users["counter"],
            desk=world.center,
            intake=world.intake(applicant=_given(**over)),
            now=at("2022-06-01 09:00"),
        )
    assert exc.value.code == "bad_applicant"
    assert message in exc.value.message
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("proxy_id", ["-1", "🙂", "١٢٣٤٥٦٧٨٩٠١٢", "12345"])
def test_odd_proxy_id_is_refused(world: World, proxy_id: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        dossier_receive(
            actor=world.users["counter"],
            desk=world.center,
            intake=world.intake(proxy_name="Trần Văn Bình", proxy_id_number=proxy_id),
            now=at("2022-06-01 09:00"),
        )
    assert exc.value.code == "bad_proxy"
    assert "người được ủy quyền" in exc.value.message
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    "phone", ["0912345678", "0912 345 678", "+84 912 345 678", "(0271) 3879 123"]
)
def test_ordinary_phones_and_a_proxy_are_accepted(world: World, phone: str) -> None:
    d = dossier_receive(
        actor=world.users["counter"],
        desk=world.center,
        intake=world.intake(
            applicant=_given(phone=phone),
            proxy_name="Trần Văn Bình",
            proxy_id_number="070111222333",
        ),
        now=at("2022-06-01 09:00"),
    )
    assert d.applicant_phone == phone
    assert d.proxy_id_number == "070111222333"
