"""The demo catalog's application forms (``demo_forms.DEMO_FORMS``) attached to the latest
version of each named procedure, through the audited service; idempotent."""

from __future__ import annotations

from typing import Any

from motcua.catalog.models import Procedure
from motcua.eforms.demo_forms import DEMO_FORMS
from motcua.eforms.services import definition_of, form_definition_set


def demo_eforms() -> dict[str, int]:
    attached = 0
    for name, definition in DEMO_FORMS:
        procedure = Procedure.objects.filter(name=name).order_by("code", "-version").first()
        if procedure is not None:
            form_definition_set(actor=None, procedure=procedure, definition=definition)
            attached += 1
    return {"forms": attached}


#: Plausible values by field name (the rest by type); ``{name}``/``{id}`` are the applicant's.
SAMPLES: dict[str, Any] = {
    "business_name": "HỘ KINH DOANH AN PHÁT",
    "trade": "Bán lẻ lương thực, thực phẩm",
    "trade_code": "4711",
    "capital": 150_000_000,
    "workers": 3,
    "engine_no": "JF83E0123456",
    "chassis_no": "RLHJF8310NZ012345",
    "brand": "Honda",
    "model": "Wave Alpha",
    "colour": "Đỏ đen",
    "capacity": 110,
    "year": 2022,
    "email": "nguoidan@example.vn",
    "phone": "0912345678",
    "copies": 1,
    "child_birth_date": "2022-05-20",
    "mother_birth_date": "1994-02-02",
    "father_birth_date": "1991-08-15",
    "dead_birth_date": "1941-01-10",
    "death_date": "2022-05-02",
    "stay_from": "2022-06-01",
    "stay_to": "2024-06-01",
    "from_date": "2008-09-01",
    "to_date": "2015-08-31",
    "expected_finish": "2023-06-30",
    "land_area": "120.0",
    "ground_area": "80.0",
    "floor_area": "240.0",
    "height": "11.50",
    "floors": 3,
    "lot": "125",
}
TEXT_BY_LABEL = (
    ("Họ", "{name}"),
    ("Tên", "{name}"),
    ("Quốc tịch", "Việt Nam"),
    ("Dân tộc", "Kinh"),
    ("Quan hệ", "Con"),
    ("Nơi", "Bệnh viện đa khoa tỉnh Bình Phước"),
)


def _sample(f: dict[str, Any], name: str, idn: str, commune: tuple[str, str] | None) -> Any:
    if f["name"] in SAMPLES:
        return SAMPLES[f["name"]]
    kind = f["type"]
    if kind == "text":
        for prefix, value in TEXT_BY_LABEL:
            if f["label"].startswith(prefix):
                return value.format(name=name)
        return "Theo hồ sơ kèm theo"
    if kind == "date":
        return "1985-03-12"
    if kind == "choice":
        return f["choices"][0][0]
    if kind == "number":
        return f.get("min", 1)
    if kind == "id_number":
        return idn
    if kind == "address" and commune is not None:
        return {
            "province": commune[0],
            "commune": commune[1],
            "detail": "Số 12, đường Phú Riềng Đỏ",
        }
    if kind == "group":
        return [{s["name"]: _sample(s, name, idn, commune) for s in f["fields"]}]
    return None


def demo_form_data(procedure: Procedure, applicant: Any) -> dict[str, Any]:
    """Plausible filled data for a demo dossier of a procedure with a form ({} otherwise),
    validated by the form like any other."""
    from motcua.eforms.definition import all_fields
    from motcua.eforms.forms import EForm, _Context

    definition = definition_of(procedure)
    if definition is None:
        return {}
    ctx = _Context()
    communes = ctx.units()[1]
    commune = (communes[0][1], communes[0][0].code) if communes else None
    data = {
        f["name"]: _sample(f, applicant.name, applicant.id_number, commune)
        for f in all_fields(definition)
        if f["type"] != "file"
    }
    form = EForm.from_json(definition, {k: v for k, v in data.items() if v is not None})
    return form.form_data() if form.is_valid() else {}
