"""Agency identifiers of the demo province follow QCVN 102:2016 as REGULATIONS §5 reads it: a
commune People's Committee sits under its district (district in Y1Y2, commune in Z1Z2), and the
groups below name sub-units of the unit above them."""

from __future__ import annotations

import re

from motcua.demo.agencies import agency_rows

SHAPE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.H10$")


def rows() -> list:  # type: ignore[type-arg]
    districts = [
        ("689", "Thành phố Đồng Xoài", [("25195", "Phường Tân Phú"), ("25198", "Xã Tiến Hưng")]),
        ("691", "Huyện Bù Gia Mập", [("25220", "Xã Phú Nghĩa")]),
    ]
    return agency_rows("70", districts)


def parts(code: str) -> tuple[int, int, int]:
    m = SHAPE.match(code)
    assert m, code
    return int(m[1]), int(m[2]), int(m[3])


def test_communes_are_under_their_district_in_z1z2() -> None:
    by_name = {r.name: r for r in rows()}
    dx = by_name["Ủy ban nhân dân Thành phố Đồng Xoài"]
    assert dx.code == "000.00.41.H10"
    tan_phu = by_name["Ủy ban nhân dân Phường Tân Phú, Thành phố Đồng Xoài"]
    tien_hung = by_name["Ủy ban nhân dân Xã Tiến Hưng, Thành phố Đồng Xoài"]
    phu_nghia = by_name["Ủy ban nhân dân Xã Phú Nghĩa, Huyện Bù Gia Mập"]
    # V1V2V3 000 (not a sub-unit), Z1Z2 the commune, Y1Y2 its district
    assert tan_phu.code == "000.21.41.H10" and tan_phu.parent_code == dx.code
    assert tien_hung.code == "000.22.41.H10"
    assert phu_nghia.code == "000.21.42.H10"
    # the commune's one-stop desk is a sub-unit of the commune committee: V1V2V3
    desk = by_name["Bộ phận Một cửa Phường Tân Phú, Thành phố Đồng Xoài"]
    assert desk.code == "001.21.41.H10" and desk.parent_code == tan_phu.code


def test_every_code_has_the_shape_is_unique_and_nests_under_its_parent() -> None:
    all_rows = rows()
    codes = [r.code for r in all_rows]
    assert len(codes) == len(set(codes))
    by_code = {r.code: r for r in all_rows}
    for r in all_rows:
        v, z, y = parts(r.code)
        if r.level == 3:  # communes: district group set, commune group set
            assert y >= 41 and z >= 21, r
        if r.parent_code and r.level > 1:
            pv, pz, py = parts(r.parent_code)
            assert by_code[r.parent_code].level <= r.level
            assert py == y, (r.code, r.parent_code)  # same district group as its parent
            if pz:  # the parent already uses Z1Z2: the child is below it, in V1V2V3
                assert pz == z and v > pv, (r.code, r.parent_code)
