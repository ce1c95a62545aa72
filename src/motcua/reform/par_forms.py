"""Forms of the PAR pages: one field set per scored criterion, labelled with the criterion so
every message names it; the services check the ranges again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from motcua.backoffice.forms.base import VNForm
from motcua.reform.models import ParAssessment, ParScore, ParSource
from motcua.reform.par_services import Appraisal, SelfEntry, self_editable
from motcua.units.models import Agency

YES_NO = [("", "— chưa chọn —"), ("1", "Có"), ("0", "Không")]
TEXT_MAX = 2000


def _year_field(label: str, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=2000, max_value=timezone.localdate().year
    )


class YearForm(VNForm):
    nam = _year_field("Năm")


class CompareForm(VNForm):
    tu = _year_field("Năm so sánh")
    den = _year_field("Năm đánh giá")


class OpenForm(VNForm):
    agency = forms.ModelChoiceField(label="Cơ quan", queryset=Agency.objects.none())
    year = _year_field("Năm đánh giá", required=True)

    def __init__(self, agencies: list[Agency], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["agency"]
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("code")
        self.vn_messages()


class ReasonForm(VNForm):
    reason = forms.CharField(label="Lý do trả lại", max_length=TEXT_MAX)


def _label(s: ParScore) -> str:
    return f"Tiêu chí {s.criterion.code}"


class SelfForm(VNForm):
    """The agency's entries: a value (or points for a manual criterion), evidence and a note
    for each criterion it scores itself."""

    def __init__(self, a: ParAssessment, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[ParScore] = [
            s
            for s in a.scores.select_related("criterion").order_by("criterion__order")
            if self_editable(s)
        ]
        for s in self.rows:
            c, pk, label = s.criterion, s.criterion_id, _label(s)
            kind = c.rule.get("kind")
            if kind == "manual":
                self.fields[f"p_{pk}"] = forms.DecimalField(
                    label=f"{label}: điểm",
                    required=False,
                    min_value=0,
                    max_value=c.max_points,
                    decimal_places=2,
                    max_digits=6,
                    initial=s.self_points,
                )
            elif kind == "yes_no":
                self.fields[f"v_{pk}"] = forms.ChoiceField(
                    label=f"{label}: kết quả",
                    required=False,
                    choices=YES_NO,
                    initial="" if s.value is None else str(int(s.value)),
                )
            else:
                self.fields[f"v_{pk}"] = forms.DecimalField(
                    label=f"{label}: giá trị",
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    initial=s.value,
                )
            self.fields[f"e_{pk}"] = forms.CharField(
                label=f"{label}: tài liệu kiểm chứng",
                required=False,
                max_length=TEXT_MAX,
                initial=s.evidence,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"n_{pk}"] = forms.CharField(
                label=f"{label}: giải trình",
                required=False,
                max_length=TEXT_MAX,
                initial=s.note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.vn_messages()

    def fields_of(self, s: ParScore) -> list[forms.BoundField]:
        pk = s.criterion_id
        return [self[n] for n in (f"p_{pk}", f"v_{pk}", f"e_{pk}", f"n_{pk}") if n in self.fields]

    def entries(self) -> dict[int, SelfEntry]:
        d = self.cleaned_data
        out = {}
        for s in self.rows:
            pk = s.criterion_id
            raw = d.get(f"v_{pk}")
            value = None if raw in (None, "") else Decimal(str(raw))
            out[pk] = SelfEntry(
                value=value,
                points=d.get(f"p_{pk}"),
                evidence=(d.get(f"e_{pk}") or "").strip(),
                note=(d.get(f"n_{pk}") or "").strip(),
            )
        return out


class AppraiseForm(VNForm):
    """The appraiser's points and comment on every criterion, and the survey results."""

    def __init__(self, a: ParAssessment, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[ParScore] = list(
            a.scores.select_related("criterion").order_by("criterion__order")
        )
        for s in self.rows:
            c, pk, label = s.criterion, s.criterion_id, _label(s)
            if c.source == ParSource.SURVEY:
                self.fields[f"s_{pk}"] = forms.DecimalField(
                    label=f"{label}: kết quả điều tra",
                    required=False,
                    min_value=0,
                    max_digits=14,
                    decimal_places=2,
                    initial=s.value,
                )
            self.fields[f"f_{pk}"] = forms.DecimalField(
                label=f"{label}: điểm thẩm định",
                required=False,
                min_value=0,
                max_value=c.max_points,
                max_digits=6,
                decimal_places=2,
                initial=s.final_points,
            )
            self.fields[f"c_{pk}"] = forms.CharField(
                label=f"{label}: ý kiến thẩm định",
                required=False,
                max_length=TEXT_MAX,
                initial=s.comment,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.vn_messages()

    def fields_of(self, s: ParScore) -> list[forms.BoundField]:
        pk = s.criterion_id
        return [self[n] for n in (f"s_{pk}", f"f_{pk}", f"c_{pk}") if n in self.fields]

    def entries(self) -> dict[int, Appraisal]:
        d = self.cleaned_data
        return {
            s.criterion_id: Appraisal(
                final_points=d.get(f"f_{s.criterion_id}"),
                comment=(d.get(f"c_{s.criterion_id}") or "").strip(),
                value=d.get(f"s_{s.criterion_id}"),
            )
            for s in self.rows
        }
