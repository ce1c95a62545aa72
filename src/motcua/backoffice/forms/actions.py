"""One form per action of the dossier page. ``version`` is required wherever the service checks
it: an action posted without the version the officer saw would skip the stale-write check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from motcua.backoffice.forms.base import (
    MAX_LINES,
    DaysField,
    TextField,
    VersionField,
    VNForm,
    checked_upload,
    lines,
)
from motcua.dossiers import services as svc
from motcua.dossiers.models import Consultation, Dossier
from motcua.units.models import Agency

#: agencies a dossier can be sent to or consulted (the page offers these in its selects)
PARTNER_KINDS = ["so_nganh", "ubnd", "phong", "nganh_doc"]


def partner_agencies() -> Any:
    return Agency.objects.filter(kind__in=PARTNER_KINDS).order_by("level", "code")


def any_agency() -> Any:
    """What a post may name: any agency; whether it may receive the dossier is the service's
    rule, not the form's."""
    return Agency.objects.all()


class ActionForm(VNForm):
    """An action on one dossier; subclasses may look at it (``self.dossier``)."""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        super().__init__(*args, **kwargs)


class VersionedForm(ActionForm):
    version = VersionField()


class CompleteForm(VersionedForm):
    step = forms.IntegerField(label="Bước", min_value=1, max_value=2**31 - 1, required=False)
    note = TextField(label="Ý kiến xử lý", required=False)


class AssignForm(VersionedForm):
    step = forms.IntegerField(label="Bước", min_value=1, max_value=2**31 - 1)
    handler = forms.ModelChoiceField(
        label="Cán bộ được phân công", queryset=get_user_model().objects.all()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].error_messages["required"] = "Chọn cán bộ được phân công."
        self.fields["handler"].error_messages["invalid_choice"] = "Chọn cán bộ được phân công."


class ReasonForm(VersionedForm):
    reason = TextField(label="Lý do")


class ReasonsForm(VersionedForm):
    reasons = TextField(label="Lý do")


class TransferForm(ReasonForm):
    agency = forms.ModelChoiceField(label="Cơ quan nhận", queryset=any_agency())


class ParallelForm(VersionedForm):
    """Up to ``MAX_LINES`` rows of the repeated fields ``p_agency``, ``p_task``, ``p_days``."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        posted: Any = self.data  # a QueryDict: the fields repeat
        agencies = posted.getlist("p_agency")
        tasks = posted.getlist("p_task")
        days = posted.getlist("p_days")
        if len(agencies) > MAX_LINES:
            raise ValidationError(f"Tối đa {MAX_LINES} cơ quan phối hợp.", code="too_many")
        out = []
        known = {str(a.pk): a for a in any_agency().filter(pk__in=_ints(agencies))}
        for i, agency_id in enumerate(agencies):
            if not agency_id:
                continue
            agency = known.get(agency_id)
            if agency is None:
                raise ValidationError("Cơ quan phối hợp không tồn tại.", code="agency_required")
            task = tasks[i] if i < len(tasks) else ""
            if len(task) > 500:
                raise ValidationError("Nhiệm vụ: tối đa 500 ký tự.", code="task_too_long")
            field = DaysField(label="Số ngày")
            field.error_messages["required"] = "Chưa nhập số ngày."
            field.error_messages["min_value"] = "Số ngày phải lớn hơn 0."
            field.error_messages["max_value"] = "Số ngày không được quá 365."
            field.error_messages["max_digits"] = "Số ngày: số quá lớn."
            field.error_messages["max_whole_digits"] = "Số ngày: số quá lớn."
            field.error_messages["max_decimal_places"] = "Số ngày: tối đa 2 chữ số thập phân."
            out.append(
                svc.ParallelTask(agency, task, field.clean(days[i] if i < len(days) else ""))
            )
        data["tasks"] = out
        return data

    def rows(self, minimum: int = 2) -> list[tuple[str, str, str]]:
        """The rows as typed (agency id, task, days), at least ``minimum`` (empty ones added),
        for drawing the form again."""
        posted: Any = self.data
        if not self.is_bound:
            return [("", "", "")] * minimum
        agencies = posted.getlist("p_agency")[:MAX_LINES]
        tasks = posted.getlist("p_task")
        days = posted.getlist("p_days")
        typed = [
            (a, tasks[i] if i < len(tasks) else "", days[i] if i < len(days) else "")
            for i, a in enumerate(agencies)
        ]
        typed = [row for row in typed if any(row)]
        return typed + [("", "", "")] * max(0, minimum - len(typed))


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


class ConsultForm(VersionedForm):
    agency = forms.ModelChoiceField(label="Cơ quan được lấy ý kiến", queryset=any_agency())
    question = TextField(label="Nội dung lấy ý kiến")
    days = DaysField(label="Thời hạn trả lời (ngày làm việc)")


class AnswerForm(VersionedForm):
    consultation = forms.IntegerField(label="Yêu cầu lấy ý kiến", min_value=1, max_value=2**31 - 1)
    answer = TextField(label="Ý kiến trả lời")

    def clean_consultation(self) -> Consultation:
        c = Consultation.objects.filter(
            dossier=self.dossier, pk=self.cleaned_data["consultation"]
        ).first()
        if c is None:
            raise ValidationError("Không có yêu cầu lấy ý kiến này.", code="not_found")
        return c


class ItemsForm(VersionedForm):
    items = TextField(label="Giấy tờ cần bổ sung")
    reason = TextField(label="Lý do")

    def clean_items(self) -> list[dict[str, Any]]:
        rows = lines(self.cleaned_data["items"], "Giấy tờ cần bổ sung")
        if not rows:
            raise ValidationError("Chưa nhập giấy tờ cần bổ sung.", code="required")
        return rows


class SupplementForm(ItemsForm):
    contact = forms.CharField(label="Liên hệ", max_length=255, required=False)


class SupplementReceivedForm(VersionedForm):
    document = forms.CharField(
        label="Thành phần hồ sơ", max_length=500, required=False, initial="Hồ sơ bổ sung"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        checked = []
        uploads = self.files.getlist("files") if self.files else []
        if len(uploads) > MAX_LINES:
            raise ValidationError(f"Tối đa {MAX_LINES} tệp mỗi lần.", code="too_many")
        for upload in uploads:
            try:
                checked.append(checked_upload(upload, "Hồ sơ bổ sung"))
            except ValidationError as exc:
                self.add_error(None, exc)
        data["files"] = [(data.get("document") or "Hồ sơ bổ sung", c) for c in checked]
        return data


class ApologyForm(ReasonForm):
    new_appointment = forms.DateTimeField(
        label="Ngày giờ hẹn mới",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )


class ReturnResultForm(VersionedForm):
    method = forms.CharField(
        label="Hình thức nhận kết quả", max_length=80, required=False, initial="Trực tiếp"
    )

    def clean_method(self) -> str:
        return self.cleaned_data["method"] or "Trực tiếp"


class AttachResultForm(VersionedForm):
    file = forms.FileField(label="Kết quả")
    signer = forms.CharField(label="Người ký", max_length=255)
    # an unticked checkbox sends nothing: only a ticked box means an electronic result
    electronic = forms.BooleanField(label="Kết quả điện tử", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Chọn tệp kết quả."

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"], "Kết quả")


class AttachScanForm(VersionedForm):
    document = forms.CharField(label="Thành phần hồ sơ", max_length=500, required=False)
    file = forms.FileField(label="Bản quét")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Chọn tệp bản quét."

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"], "Bản quét")
