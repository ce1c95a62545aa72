"""The doors of the feedback module: one form per input (types, lengths, choices); the services
behind them check the rest (ownership, scope, control characters, states)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from motcua.backoffice.forms.base import MAX_VERSION, VNForm
from motcua.feedback.models import Kind
from motcua.feedback.services import MAX_ANSWER, MAX_CONTENT, MAX_SUBJECT
from motcua.units.models import Agency, Membership


class SubmitForm(VNForm):
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices, initial=Kind.COMPLAINT)
    dossier = forms.ModelChoiceField(
        label="Hồ sơ được phản ánh", queryset=None, required=False, empty_label="(không gắn hồ sơ)"
    )
    agency = forms.ModelChoiceField(
        label="Cơ quan được phản ánh", queryset=Agency.objects.none(), required=False
    )
    subject = forms.CharField(label="Tiêu đề", max_length=MAX_SUBJECT)
    content = forms.CharField(label="Nội dung", max_length=MAX_CONTENT, widget=forms.Textarea)
    name = forms.CharField(label="Họ tên người gửi", max_length=255, required=False)
    email = forms.EmailField(label="Thư điện tử", max_length=254, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    publish_allowed = forms.BooleanField(
        label="Đồng ý công khai câu trả lời trên Cổng (không hiện họ tên, liên hệ)",
        required=False,
    )

    def __init__(self, *args: Any, dossiers: Any = None, citizen: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.citizen = citizen
        self.fields["agency"].queryset = Agency.objects.filter(valid_to__isnull=True).order_by(
            "name"
        )
        if citizen and dossiers is not None:
            self.fields["dossier"].queryset = dossiers.order_by("-id")
        else:
            del self.fields["dossier"]
        self.vn_messages()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("agency") and not data.get("dossier"):
            self.add_error("agency", "Chọn cơ quan hoặc hồ sơ được phản ánh.")
        if not self.citizen:
            if not data.get("name"):
                self.add_error("name", "Chưa nhập họ tên người gửi.")
            if not data.get("email") and not data.get("phone"):
                self.add_error("email", "Cần thư điện tử hoặc số điện thoại để nhận trả lời.")
        return data


class AssignForm(VNForm):
    assignee = forms.ModelChoiceField(label="Cán bộ xử lý", queryset=None)
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agency: Agency, **kw: Any) -> None:
        super().__init__(*args, **kw)
        members = Membership.objects.filter(agency=agency, active=True).values("user_id")
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(pk__in=members, is_active=True).order_by("username")
        )
        self.fields["assignee"].label_from_instance = _person
        self.vn_messages()


def _person(user: Any) -> str:
    from motcua.core.text import person_name

    return person_name(user)


class AnswerForm(VNForm):
    answer = forms.CharField(label="Nội dung trả lời", max_length=MAX_ANSWER, widget=forms.Textarea)
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION, widget=forms.HiddenInput)
