"""The counter intake form: the applicant, the checklist built from the procedure's documents,
and what the officer decides (receive, refuse with Mẫu 03, guide with Mẫu 02)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from motcua.backoffice.forms.base import (
    MAX_COUNT,
    TextField,
    VersionField,
    VNForm,
    checked_upload,
)
from motcua.catalog.models import Procedure, RequiredDocument
from motcua.dossiers import services as svc
from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.dossiers.services.applicants import person_id_ok, phone_ok
from motcua.units.models import Agency

ACTIONS = [
    ("receive", "Tiếp nhận"),
    ("refuse", "Từ chối tiếp nhận (Mẫu 03)"),
    ("guide", "Hướng dẫn hoàn thiện (Mẫu 02)"),
]


class ApplicantForm(VNForm):
    """Who files the dossier: the same fields on the counter and (later) on the portal."""

    kind = forms.ChoiceField(
        label="Loại người nộp",
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        required=False,  # absent: a person; a value that is no kind is an error
    )
    name = forms.CharField(label="Họ tên / tên tổ chức", max_length=255)
    id_number = forms.CharField(label="Số CCCD / mã số", max_length=20)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", max_length=254, required=False)
    address = forms.CharField(label="Địa chỉ", max_length=500, required=False)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if not any(ch.isalpha() for ch in name):
            raise ValidationError("Họ tên / tên tổ chức phải có chữ.")
        return name

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not phone_ok(phone):
            raise ValidationError(
                "Điện thoại: chỉ gồm chữ số 0–9 (8 đến 15 số), có thể có dấu cách, dấu chấm, "
                "gạch nối, ngoặc và dấu + đầu số."
            )
        return phone

    def applicant(self) -> svc.ApplicantData:
        c = self.cleaned_data
        return svc.ApplicantData(
            name=c["name"],
            id_number=c["id_number"],
            kind=c["kind"] or ApplicantKind.PERSON,
            phone=c["phone"],
            email=c["email"],
            address=c["address"],
        )


class ChecklistMixin:
    """Per-document fields ``doc_<pk>_submitted|originals|copies|scan`` for a procedure's
    documents (or a dossier's checklist), validated like every other field."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_documents(self, documents: list[RequiredDocument]) -> None:
        self.documents = documents
        for doc in documents:
            key = f"doc_{doc.pk}"
            self.fields[f"{key}_submitted"] = forms.BooleanField(
                label=f"{doc.name}: đã nộp", required=False
            )
            self.fields[f"{key}_originals"] = forms.IntegerField(
                label=f"{doc.name}: số bản chính",
                min_value=0,
                max_value=MAX_COUNT,
                initial=doc.originals,
                required=False,
            )
            self.fields[f"{key}_copies"] = forms.IntegerField(
                label=f"{doc.name}: số bản sao",
                min_value=0,
                max_value=MAX_COUNT,
                initial=doc.copies,
                required=False,
            )
            self.fields[f"{key}_scan"] = forms.FileField(
                label=f"{doc.name}: bản quét", required=False
            )

    def clean_documents(self) -> None:
        for doc in self.documents:
            name = f"doc_{doc.pk}_scan"
            upload = self.cleaned_data.get(name)
            if upload:
                try:
                    self.cleaned_data[name] = checked_upload(upload, doc.name)
                except ValidationError as exc:
                    self.add_error(name, exc)  # type: ignore[attr-defined]

    def rows(self) -> list[dict[str, Any]]:
        """The checklist as the template draws it: one row per document with its bound fields."""
        return [
            {
                "doc": doc,
                **{
                    part: self[f"doc_{doc.pk}_{part}"]  # type: ignore[index]
                    for part in ("submitted", "originals", "copies", "scan")
                },
            }
            for doc in self.documents
        ]

    def checklist(self) -> list[svc.ChecklistEntry]:
        c = self.cleaned_data
        out = []
        for doc in self.documents:
            key = f"doc_{doc.pk}"
            originals = c.get(f"{key}_originals")
            copies = c.get(f"{key}_copies")
            out.append(
                svc.ChecklistEntry(
                    doc.name,
                    doc.originals if originals is None else originals,
                    doc.copies if copies is None else copies,
                    bool(c.get(f"{key}_submitted")),
                    doc.mandatory,
                )
            )
        return out

    def scans(self) -> list[tuple[str, Any]]:
        return [
            (doc.name, self.cleaned_data[f"doc_{doc.pk}_scan"])
            for doc in self.documents
            if self.cleaned_data.get(f"doc_{doc.pk}_scan")
        ]

    def unticked(self) -> list[RequiredDocument]:
        """Mandatory documents not ticked as submitted (valid after ``is_valid``)."""
        return [
            doc
            for doc in self.documents
            if doc.mandatory and not self.cleaned_data.get(f"doc_{doc.pk}_submitted")
        ]


def competent_choices(procedure: Procedure) -> QuerySet[Agency]:
    """Agencies in force that may decide ``procedure`` (its levels; its agency if it names one)."""
    from motcua.dossiers.services.routing import COMPETENT_KINDS

    if procedure.agency_id is not None:
        return Agency.objects.filter(pk=procedure.agency_id)
    levels = [
        lvl
        for lvl, on in (
            (1, procedure.at_province),
            (2, procedure.at_district),
            (3, procedure.at_commune),
        )
        if on
    ]
    return Agency.objects.filter(
        kind__in=COMPETENT_KINDS,
        level__in=levels,
        valid_to__isnull=True,
        unit__valid_to__isnull=True,
    ).order_by("level", "name")


class IntakeForm(ChecklistMixin, ApplicantForm):
    """Everything the counter officer types for one paper dossier."""

    # absent (Enter pressed in a field of an old page): receive; a value that is no action: error
    action = forms.ChoiceField(label="Thao tác", choices=ACTIONS, initial="receive", required=False)
    proxy_name = forms.CharField(label="Người được ủy quyền nộp", max_length=255, required=False)
    proxy_id_number = forms.CharField(
        label="Số CCCD người được ủy quyền", max_length=20, required=False
    )
    sets = forms.IntegerField(
        label="Số bộ hồ sơ", min_value=1, max_value=MAX_COUNT, initial=1, required=False
    )

    def clean_proxy_id_number(self) -> str:
        idn = "".join(self.cleaned_data["proxy_id_number"].split())
        if idn and not person_id_ok(idn):
            raise ValidationError(
                "Số CCCD người được ủy quyền: 12 chữ số (CCCD) hoặc 9 chữ số (CMND)."
            )
        return idn

    request = TextField(label="Nội dung yêu cầu", required=False)
    result_place = forms.CharField(label="Nơi nhận kết quả", max_length=255, required=False)
    # intake regardless of residence (issue 11, dossiers/services/routing.py): the agency that
    # decides, when it is not the desk's own (another commune, a department)
    competent_agency = forms.ModelChoiceField(
        label="Cơ quan có thẩm quyền giải quyết",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Cơ quan của địa bàn nơi tiếp nhận (mặc định)",
    )
    refuse_reasons = TextField(label="Lý do từ chối", required=False)
    guide_reason = TextField(label="Lý do cần hoàn thiện", required=False)
    guide_contact = forms.CharField(label="Liên hệ", max_length=255, required=False)
    missing = forms.MultipleChoiceField(
        label="Giấy tờ cần bổ sung, hoàn thiện", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, procedure: Procedure, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        documents = list(procedure.documents.all())
        self.add_documents(documents)
        choices = [(str(d.pk), d.name) for d in documents]
        self.fields["missing"].choices = choices  # type: ignore[attr-defined]
        self.fields["competent_agency"].queryset = competent_choices(procedure)  # type: ignore[attr-defined]
        self.vn_messages()  # the per-document fields too
        # the procedure's application form (motcua.eforms), a section of the same page
        from motcua.eforms.views import eform_bound

        self.eform = eform_bound(procedure, self.data if self.is_bound else None, self.files)

    def is_valid(self) -> bool:
        ok = super().is_valid()
        action = getattr(self, "cleaned_data", {}).get("action")
        if self.eform is None or not self.is_bound or action == "refuse":
            return ok  # a refusal needs no application form
        return self.eform.is_valid() and ok

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_documents()
        if data.get("sets") is None:
            data["sets"] = 1
        if data.get("action") == "refuse" and not data.get("refuse_reasons"):
            # the service refuses it too; here the message goes next to the field
            self.add_error(
                "refuse_reasons",
                ValidationError("Phải nêu rõ lý do từ chối", code="reasons_required"),
            )
        return data

    def intake(self) -> svc.Intake:
        c = self.cleaned_data
        return svc.Intake(
            procedure=self.procedure,
            applicant=self.applicant(),
            request=c["request"],
            checklist=self.checklist(),
            scans=self.scans(),
            proxy_name=c["proxy_name"],
            proxy_id_number=c["proxy_id_number"],
            sets=c["sets"],
            result_place=c["result_place"],
            competent_agency=c.get("competent_agency"),
            form_data=self.eform.form_data()
            if self.eform is not None and self.eform.is_bound and c.get("action") != "refuse"
            else {},
        )

    def missing_items(self) -> list[dict[str, Any]]:
        """The documents the officer ticked as missing (or, if none, the unticked mandatory
        ones), with the counts the procedure requires: the rows of Mẫu 02."""
        chosen = {int(pk) for pk in self.cleaned_data.get("missing") or []}
        docs = [d for d in self.documents if d.pk in chosen] or self.unticked()
        return [{"name": d.name, "originals": d.originals, "copies": d.copies} for d in docs]


class CompletedIntakeForm(ChecklistMixin, VNForm):
    """The applicant guided with Mẫu 02 is back: the checklist checked again, then received."""

    version = VersionField()

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.add_documents(list(dossier.procedure.documents.all()))
        recorded = {c.name: c for c in dossier.checklist.all()}
        for doc in self.documents:
            c = recorded.get(doc.name)
            if c is not None:
                self.fields[f"doc_{doc.pk}_submitted"].initial = c.submitted
                self.fields[f"doc_{doc.pk}_originals"].initial = c.originals
                self.fields[f"doc_{doc.pk}_copies"].initial = c.copies
        self.vn_messages()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_documents()
        return data


class IntakeTargetForm(VNForm):
    """Where and for which procedure the officer is taking a dossier (query string or post)."""

    desk = forms.ModelChoiceField(
        label="Nơi tiếp nhận", queryset=Agency.objects.none(), required=False
    )
    procedure = forms.ModelChoiceField(
        label="Thủ tục", queryset=Procedure.objects.prefetch_related("documents", "fees")
    )

    def __init__(self, desks: list[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=[d.pk for d in desks]
        )
        chosen = "Chưa chọn thủ tục hợp lệ: tìm và chọn thủ tục trước khi nhập."
        self.fields["procedure"].error_messages.update(required=chosen, invalid_choice=chosen)
