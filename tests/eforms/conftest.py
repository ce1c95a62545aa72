"""Application forms: a small definition with every field type, on the shared small province."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.dossiers.conftest import World, world  # noqa: F401 - the shared small province
from tests.eservices.conftest import citizen, client_of  # noqa: F401 - portal accounts

__all__ = ["World", "definition"]

BASE: dict[str, Any] = {
    "version": 1,
    "title": "Tờ khai thử",
    "form_code": "Mẫu TK-01",
    "sections": [
        {
            "title": "Người yêu cầu",
            "fields": [
                {
                    "name": "full_name",
                    "type": "text",
                    "label": "Họ và tên",
                    "required": True,
                    "max_length": 60,
                    "pattern": r"[^\d]+",
                    "pattern_message": "Họ và tên không chứa chữ số.",
                },
                {"name": "birth_date", "type": "date", "label": "Ngày sinh", "max": "today"},
                {"name": "id_no", "type": "id_number", "label": "Số định danh cá nhân"},
                {
                    "name": "purpose",
                    "type": "choice",
                    "label": "Mục đích",
                    "required": True,
                    "choices": [["xin_viec", "Xin việc"], ["khac", "Khác"]],
                },
                {
                    "name": "purpose_other",
                    "type": "text",
                    "label": "Mục đích khác",
                    "visible_if": {"field": "purpose", "op": "eq", "value": "khac"},
                    "required_if": {"field": "purpose", "op": "eq", "value": "khac"},
                },
                {"name": "copies", "type": "number", "label": "Số bản", "min": 1, "max": 10},
                {"name": "home", "type": "address", "label": "Nơi cư trú"},
            ],
        },
        {
            "title": "Thành viên hộ",
            "fields": [
                {
                    "name": "members",
                    "type": "group",
                    "label": "Thành viên",
                    "min": 0,
                    "max": 3,
                    "fields": [
                        {"name": "name", "type": "text", "label": "Họ tên", "required": True},
                        {
                            "name": "relation",
                            "type": "choice",
                            "label": "Quan hệ",
                            "choices": [["con", "Con"], ["vo_chong", "Vợ/chồng"]],
                        },
                    ],
                },
                {"name": "from_date", "type": "date", "label": "Từ ngày"},
                {"name": "to_date", "type": "date", "label": "Đến ngày"},
                {"name": "scan", "type": "file", "label": "Bản chụp", "max_size_kb": 1},
            ],
        },
    ],
    "rules": [
        {
            "left": "to_date",
            "op": "ge",
            "right": "from_date",
            "message": "Đến ngày phải sau hoặc bằng từ ngày.",
        }
    ],
}


@pytest.fixture
def definition() -> dict[str, Any]:
    return copy.deepcopy(BASE)
