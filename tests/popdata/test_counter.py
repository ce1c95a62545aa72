"""The counter: the check button on the intake page, the result fragment, the receipt that
carries the check; a mismatch needs the officer's reason, an unavailable service blocks nothing;
the dossier page shows the last result; who may ask."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.audit.models import AuditEntry
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.dossiers.services import dossier_receive
from motcua.popdata.fake import FakePopulationDb
from motcua.popdata.models import Context, Outcome, Verification
from tests.popdata.conftest import World

CHECK = "/xac-thuc-cong-dan/kiem-tra-tai-quay/"
HX = {"HTTP_HX_REQUEST": "true"}


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def intake_post(w: World, **over: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "desk": w.center.pk,
        "procedure": w.simple.pk,
        "action": "receive",
        "kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": "070123456789",
        "phone": "0987654321",
        "email": "an@example.vn",
        "address": "Đồng Xoài",
        "request": "Thành lập VPCC",
        "sets": "1",
        "popdata_birth_date": "1990-05-17",
    }
    for doc in w.simple.documents.all():
        form[f"doc_{doc.pk}_submitted"] = "on"
    form.update(over)
    return form


def check(c: Client, w: World, **over: Any) -> Any:
    data = {
        "desk": w.center.pk,
        "kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": "070123456789",
        "popdata_birth_date": "1990-05-17",
        **over,
    }
    return c.post(CHECK, data, **HX)


def test_intake_page_has_the_button(world: World) -> None:
    c = login(world.users["counter"])
    page = c.get(f"/can-bo/tiep-nhan/?desk={world.center.pk}&procedure={world.simple.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="popdata-verify"' in html and "Xác thực với CSDL quốc gia về dân cư" in html
    assert 'name="popdata_birth_date"' in html and CHECK in html


def test_match_shown_and_recorded_without_personal_data(
    world: World, fake: FakePopulationDb
) -> None:
    w = world
    r = check(login(w.users["counter"]), w)
    html = r.content.decode()
    assert r.status_code == 200 and 'data-outcome="match"' in html and "Khớp" in html
    v = Verification.objects.get()
    assert f'name="popdata_check" value="{v.pk}"' in html
    assert (v.outcome, v.context, v.agency, v.dossier) == ("match", Context.COUNTER, w.center, None)
    assert v.requested_by == w.users["counter"] and v.reference.startswith("CSDLDC-")
    assert v.fields_checked == ["id_number", "name", "birth_date"]
    stored = " ".join(str(getattr(v, f.attname)) for f in Verification._meta.concrete_fields)
    assert "070123456789" not in stored and "Nguyễn" not in stored and "1990" not in stored
    entry = AuditEntry.objects.get(action="popdata.verify")
    assert entry.object_id == str(v.pk) and entry.after["outcome"] == "match"
    assert "070123456789" not in str(entry.after)


def test_intake_succeeds_when_the_service_is_down(world: World, fake: FakePopulationDb) -> None:
    w = world
    fake.down()
    c = login(w.users["counter"])
    r = check(c, w)
    html = r.content.decode()
    assert 'data-outcome="unavailable"' in html and "không kết nối được" in html
    assert "tiếp nhận vẫn tiến hành bình thường" in html
    v = Verification.objects.get()
    assert (v.outcome, v.reason) == (Outcome.UNAVAILABLE, "connection")
    r = c.post("/can-bo/tiep-nhan/", intake_post(w, popdata_check=v.pk))
    assert r.status_code == 302, r.content.decode()[:3000]
    d = Dossier.objects.get()
    v.refresh_from_db()
    assert v.dossier == d and v.override_reason == ""
    # the dossier's page shows it to whoever handles the dossier
    page = login(w.users["specialist"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="popdata-dossier"' in page and 'data-outcome="unavailable"' in page


def test_intake_succeeds_when_never_checked_or_down_without_check(
    world: World, fake: FakePopulationDb
) -> None:
    fake.down()
    r = login(world.users["counter"]).post("/can-bo/tiep-nhan/", intake_post(world))
    assert r.status_code == 302 and Dossier.objects.count() == 1
    assert not Verification.objects.exists()


def test_mismatch_needs_the_officer_s_reason(world: World, fake: FakePopulationDb) -> None:
    w = world
    c = login(w.users["counter"])
    r = check(c, w, name="Nguyễn Văn Anh")
    html = r.content.decode()
    assert 'data-outcome="mismatch"' in html and "họ tên" in html
    assert 'name="popdata_override_reason"' in html
    v = Verification.objects.get()
    assert v.mismatched == ["name"]
    post = intake_post(w, name="Nguyễn Văn Anh", popdata_check=v.pk)
    r = c.post("/can-bo/tiep-nhan/", post)
    page = r.content.decode()
    assert r.status_code == 400 and "nhập lý do vẫn tiếp nhận" in page
    assert Dossier.objects.count() == 0
    # the page comes back with the check and the typed data kept
    assert 'data-outcome="mismatch"' in page and 'value="Nguyễn Văn Anh"' in page
    r = c.post("/can-bo/tiep-nhan/", {**post, "popdata_override_reason": "   "})
    assert r.status_code == 400 and Dossier.objects.count() == 0
    reason = "Tên trên CCCD mới cấp, CSDL chưa cập nhật"
    r = c.post("/can-bo/tiep-nhan/", {**post, "popdata_override_reason": reason})
    assert r.status_code == 302
    d = Dossier.objects.get()
    v.refresh_from_db()
    assert v.dossier == d and v.override_reason == reason
    assert v.overridden_by == w.users["counter"] and v.overridden_at is not None
    entry = AuditEntry.objects.get(action="popdata.attach")
    assert entry.after == {"dossier": d.pk, "outcome": "mismatch", "override_reason": reason}
    page = login(w.users["specialist"]).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'data-outcome="mismatch"' in page and reason in page


def test_a_check_of_other_inputs_or_of_another_officer_is_not_attached(
    world: World, fake: FakePopulationDb
) -> None:
    w = world
    c = login(w.users["counter"])
    check(c, w, name="Nguyễn Văn Anh")
    v = Verification.objects.get()
    # the officer corrected the name after the mismatch: that check is not this dossier's
    r = c.post("/can-bo/tiep-nhan/", intake_post(w, popdata_check=v.pk))
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.dossier is None
    # another officer's check id typed into the form is ignored
    other = login(w.users["commune_counter"])
    check(other, w, desk=w.commune_desk.pk)
    theirs = Verification.objects.latest("pk")
    r = c.post("/can-bo/tiep-nhan/", intake_post(w, popdata_check=theirs.pk))
    assert r.status_code == 302
    theirs.refresh_from_db()
    assert theirs.dossier is None and theirs.agency == w.commune_desk


def test_bad_input_gives_a_message_and_records_nothing(
    world: World, fake: FakePopulationDb
) -> None:
    c = login(world.users["counter"])
    cases = [
        ({"id_number": "123456789"}, "12 chữ số"),
        ({"popdata_birth_date": "2990-01-01"}, "Ngày sinh phải từ"),
        ({"popdata_birth_date": "hôm qua"}, "Ngày sinh"),
        ({"popdata_birth_date": ""}, "Chưa nhập ngày sinh"),
        ({"name": ""}, "Chưa nhập họ tên"),
        ({"kind": "organisation"}, "chỉ xác thực được thông tin công dân"),
    ]
    for over, message in cases:
        r = check(c, world, **over)
        assert r.status_code == 200 and message in r.content.decode(), over
        assert 'id="popdata-error"' in r.content.decode()
    r = c.post(CHECK, {"desk": world.center.pk})  # without htmx: 400
    assert r.status_code == 400
    assert not Verification.objects.exists() and fake.verify_requests == []


def test_who_may_check_at_the_counter(world: World, fake: FakePopulationDb) -> None:
    w = world
    r = check(login(w.users["specialist"]), w)  # no counter role anywhere
    assert r.status_code == 403
    r = check(login(w.users["commune_counter"]), w)  # not their desk
    assert "Nơi tiếp nhận" in r.content.decode() and 'id="popdata-error"' in r.content.decode()
    assert Client().post(CHECK, {}).status_code == 302  # to the login page
    assert login(w.users["counter"]).get(CHECK).status_code == 405
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(w.users["counter"])
    assert check(csrf, w).status_code == 403
    assert not Verification.objects.exists()


def test_dossier_page_check_again_and_record_a_reason(world: World, fake: FakePopulationDb) -> None:
    w = world
    d = dossier_receive(
        actor=w.users["counter"], desk=w.center, intake=w.intake()
    )  # received without a check
    spec = login(w.users["specialist"])
    page = spec.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'id="popdata-none"' in page and 'id="popdata-recheck"' in page
    url = f"/xac-thuc-cong-dan/ho-so/{d.pk}/"
    r = spec.post(url, {"birth_date": "1991-01-01"}, **HX)
    assert r.status_code == 200 and 'data-outcome="mismatch"' in r.content.decode()
    v = Verification.objects.get()
    assert (v.context, v.dossier, v.mismatched) == (Context.DOSSIER, d, ["birth_date"])
    over = f"/xac-thuc-cong-dan/ho-so/{d.pk}/ly-do/{v.pk}/"
    r = spec.post(over, {"reason": ""}, **HX)
    assert "Chưa nhập lý do" in r.content.decode()
    v.refresh_from_db()
    assert v.override_reason == ""
    r = spec.post(over, {"reason": "Người nộp khai nhầm ngày sinh"}, **HX)
    assert 'id="popdata-override"' in r.content.decode()
    v.refresh_from_db()
    assert v.override_reason == "Người nộp khai nhầm ngày sinh"
    assert AuditEntry.objects.filter(action="popdata.override", object_id=str(v.pk)).exists()
    r = spec.post(url, {}, **HX)  # without a birth date: ID number and name
    assert 'data-outcome="match"' in r.content.decode()
    page = spec.get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert 'data-outcome="match"' in page  # the last one


def test_dossier_check_permissions(world: World, fake: FakePopulationDb) -> None:
    w = world
    d = dossier_receive(actor=w.users["counter"], desk=w.center, intake=w.intake())
    url = f"/xac-thuc-cong-dan/ho-so/{d.pk}/"
    assert login(w.users["health"]).post(url, {}, **HX).status_code == 404  # not visible
    assert login(w.users["outsider"]).post(url, {}, **HX).status_code == 404
    assert login(w.users["commune_counter"]).post(url, {}, **HX).status_code == 404
    assert login(w.users["leader"]).post(url, {}, **HX).status_code == 200
    assert login(w.users["counter"]).post(url, {}, **HX).status_code == 200
    v = Verification.objects.latest("pk")
    over = f"/xac-thuc-cong-dan/ho-so/{d.pk}/ly-do/{v.pk}/"
    assert login(w.users["health"]).post(over, {"reason": "x"}, **HX).status_code == 404
    # a reason is for a mismatch only
    r = login(w.users["counter"]).post(over, {"reason": "x"}, **HX)
    assert "Chỉ ghi lý do khi kết quả không khớp" in r.content.decode()
    organisation = dossier_receive(
        actor=w.users["counter"],
        desk=w.center,
        intake=w.intake(
            applicant=w.intake().applicant.__class__(
                "Công ty TNHH An Phát", "3800123456", kind=ApplicantKind.ORGANISATION
            )
        ),
    )
    r = login(w.users["counter"]).post(f"/xac-thuc-cong-dan/ho-so/{organisation.pk}/", {}, **HX)
    assert "chỉ xác thực được thông tin công dân" in r.content.decode()
    assert Verification.objects.filter(dossier=organisation).count() == 0
