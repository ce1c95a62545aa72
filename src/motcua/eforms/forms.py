"""The Django form built from a definition: the one validator of an application form.

``EForm(definition, data, files)`` validates a POSTed form (the portal, the counter);
``EForm.from_json(definition, data)`` validates the same definition against JSON (the API) by
turning the JSON into the POST it would have been, so both faces share every rule. Repeated
groups are formsets. ``form_data()`` is the structured data stored in ``Dossier.form_data``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.html import escape

from motcua.core.errors import DomainError
from motcua.core.text import nfc
from motcua.dossiers.files import CheckedFile, check_upload_file
from motcua.dossiers.services.applicants import person_id_ok
from motcua.eforms.definition import (
    MAX_TEXT_LENGTH,
    all_fields,
    condition_holds,
    date_bound,
)
from motcua.units.models import AdministrativeUnit

PREFIX = "tk"
SEP = "__"  # address parts: <name>__province, <name>__commune, <name>__detail


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


# ---- addresses ---------------------------------------------------------------------------------


# The address choices are the same for every form of a day and the units change rarely, but
# building them reads every unit in force (~500 rows, ~100 ms of CPU an intake: BENCHMARKS.md).
# They are kept per process, keyed by the day and the units table's version token: a row the
# database itself gives a new token in every statement that writes units, through the ORM or
# not (units/migrations/0004_units_version.py). One row read by its key on each form; a changed
# unit is never served, in any worker, and what a rolled-back transaction built is never taken
# for a later change's (a token is never given twice).
_units_kept: dict[tuple[Any, ...], Any] = {}


def _units_version() -> int | None:
    """The units table's version token (None where the row is missing: nothing is kept)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT token FROM units_version WHERE id = 1")
        row = cur.fetchone()
    return None if row is None else int(row[0])


def _units(today: dt.date) -> tuple[list[AdministrativeUnit], list[tuple[AdministrativeUnit, str]]]:
    """``_units_read`` kept per process while the units have not changed (see above)."""
    version = _units_version()
    if version is None:
        return _UnitChoices(*_units_read(today))
    key = (today, version)
    kept = _units_kept.get(key)
    if kept is None:
        _units_kept.clear()
        kept = _units_kept[key] = _UnitChoices(*_units_read(today))
    return kept


class _UnitChoices(tuple[list[AdministrativeUnit], list[tuple[AdministrativeUnit, str]]]):
    """The units in force (provinces; communes with their province's code) and, built once
    with them, what an address field offers: its two choice lists, already in the shape
    Django's choice fields keep (each request built and normalised ~500 choices twice: a fifth
    of an intake's form validation, issue 9), the codes offered, each commune's province."""

    def __new__(
        cls, provinces: list[AdministrativeUnit], communes: list[tuple[AdministrativeUnit, str]]
    ) -> _UnitChoices:
        self = super().__new__(cls, (provinces, communes))
        self.province_choices = (
            ("", "— Chọn tỉnh, thành phố —"),
            *((u.code, u.name) for u in provinces),
        )
        self.commune_choices = (
            ("", "— Chọn xã, phường —"),
            *((u.code, u.name) for u, _ in communes),
        )
        self.province_codes = frozenset(u.code for u in provinces)
        self.commune_codes = frozenset(u.code for u, _ in communes)
        self.province_of = {u.code: p for u, p in communes}
        return self


class KeptChoiceField(forms.ChoiceField):
    """A choice field over choices built once (``_UnitChoices``): not normalised again for
    every form, and a value checked against the set of codes (what ``valid_value`` computes by
    walking every choice)."""

    def __init__(
        self, *, kept: tuple[tuple[str, str], ...], codes: frozenset[str], **kw: Any
    ) -> None:
        super().__init__(choices=(), **kw)
        # shared, never changed (a tuple), already in the normalised shape: set past the
        # properties, whose setters walk every choice again (the widget's did, on each form:
        # every commune of the country twice an intake)
        self._choices = self.widget._choices = kept
        self.codes = codes

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.codes


def _units_read(
    today: dt.date,
) -> tuple[list[AdministrativeUnit], list[tuple[AdministrativeUnit, str]]]:
    """Provinces in force, and communes in force with their province's code. A database that
    holds only a past structure (the 2022 demo province, whose units ended on 1 July 2025) offers
    its last one: an address must be choosable, and the applicant's is one of those."""
    if not AdministrativeUnit.objects.filter(models_q_valid(today), level=3).exists():
        last = (
            AdministrativeUnit.objects.filter(level=3, valid_to__isnull=False)
            .order_by("-valid_to")
            .values_list("valid_to", flat=True)
            .first()
        )
        if last is not None:
            today = last - dt.timedelta(days=1)
    live = AdministrativeUnit.objects.filter(models_q_valid(today)).select_related(
        "parent", "parent__parent"
    )
    provinces = [u for u in live if u.level == 1]
    communes = []
    for u in live:
        if u.level != 3:
            continue
        top = u.parent
        while top is not None and top.level != 1:
            top = top.parent
        if top is not None:
            communes.append((u, top.code))
    provinces.sort(key=lambda u: u.name)
    communes.sort(key=lambda p: p[0].name)
    return provinces, communes


def models_q_valid(today: dt.date) -> Any:
    from django.db.models import Q

    return (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=today)
    )


class CommuneSelect(forms.Select):
    """A commune select whose options carry their province (the JS narrows the list)."""

    def __init__(self, province_of: dict[str, str], **kw: Any) -> None:
        super().__init__(**kw)
        self.province_of = province_of

    def create_option(self, name: str, value: Any, *args: Any, **kw: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kw)
        if value:
            option["attrs"]["data-province"] = self.province_of.get(str(value), "")
        return option


# ---- building fields -----------------------------------------------------------------------------


def _django_fields(f: dict[str, Any], ctx: _Context) -> dict[str, forms.Field]:
    """The Django field(s) for one definition field (an address is three)."""
    label, kind = f["label"], f["type"]
    conditional = "required_if" in f or "visible_if" in f
    required = bool(f.get("required")) and not conditional
    help_text = escape(f.get("help", ""))  # Django renders help_text unescaped
    common: dict[str, Any] = {"label": label, "required": required, "help_text": help_text}
    if kind == "text":
        validators = []
        if "pattern" in f:
            regex = re.compile(f["pattern"])
            message = f.get("pattern_message") or f"{label}: không đúng định dạng."

            def check(value: str, regex: re.Pattern[str] = regex, message: str = message) -> None:
                if not regex.fullmatch(value):
                    raise ValidationError(message, code="pattern")

            validators.append(check)
        widget = forms.Textarea(attrs={"rows": 3}) if f.get("multiline") else None
        return {
            f["name"]: forms.CharField(
                max_length=f.get("max_length", MAX_TEXT_LENGTH),
                min_length=f.get("min_length"),
                validators=validators,
                widget=widget,
                **common,
            )
        }
    if kind == "number":
        decimals = f.get("decimals", 0)
        bounds = {"min_value": f.get("min"), "max_value": f.get("max")}
        if decimals:
            field: forms.Field = forms.DecimalField(
                max_digits=18, decimal_places=decimals, **bounds, **common
            )
        else:
            field = forms.IntegerField(**bounds, **common)
        return {f["name"]: field}
    if kind == "date":
        low, high = date_bound(f.get("min"), ctx.today), date_bound(f.get("max"), ctx.today)

        def in_range(value: dt.date, low: Any = low, high: Any = high) -> None:
            if low is not None and value < low:
                raise ValidationError(f"{label}: không được trước {low:%d/%m/%Y}.", code="min")
            if high is not None and value > high:
                raise ValidationError(f"{label}: không được sau {high:%d/%m/%Y}.", code="max")

        return {
            f["name"]: forms.DateField(
                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                validators=[in_range],
                **common,
            )
        }
    if kind == "choice":
        choices = [tuple(c) for c in f["choices"]]
        if f.get("multiple"):
            return {
                f["name"]: forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            }
        return {f["name"]: forms.ChoiceField(choices=[("", "— Chọn —"), *choices], **common)}
    if kind == "id_number":
        return {
            f["name"]: forms.CharField(
                max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
            )
        }
    if kind == "address":
        kept = ctx.units()
        out: dict[str, forms.Field] = {
            f"{f['name']}{SEP}province": KeptChoiceField(
                label=f"{label} — tỉnh, thành phố",
                required=required,
                kept=kept.province_choices,
                codes=kept.province_codes,
            ),
            f"{f['name']}{SEP}commune": KeptChoiceField(
                label=f"{label} — xã, phường",
                required=required,
                kept=kept.commune_choices,
                codes=kept.commune_codes,
                widget=CommuneSelect(kept.province_of),
                help_text=help_text,
            ),
        }
        if f.get("detail", True):
            out[f"{f['name']}{SEP}detail"] = forms.CharField(
                label=f"{label} — số nhà, đường, thôn, tổ",
                required=False,
                max_length=255,
            )
        return out
    if kind == "file":
        return {f["name"]: forms.FileField(**common)}
    raise ValueError(kind)  # pragma: no cover - definitions are checked before


class _Context:
    """What building a form needs once per request: the units for addresses, today."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self._units: Any = None

    def units(self) -> Any:
        if self._units is None:
            self._units = _units(self.today)
        return self._units

    def unit_names(self) -> dict[str, str]:
        provinces, communes = self.units()
        return {u.code: u.name for u in provinces} | {u.code: u.name for u, _ in communes}

    def province_of(self) -> dict[str, str]:
        return self.units().province_of  # type: ignore[no-any-return]


# ---- the forms ------------------------------------------------------------------------------


class _Fields(forms.Form):
    """The common part of the whole form and of one row of a group: fields from definition
    entries, their conditions and cross-field rules, values as JSON."""

    entries: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    ctx: _Context

    def setup(self, entries: list[dict[str, Any]], rules: list[dict[str, Any]]) -> None:
        self.entries, self.rules = entries, rules
        self.outer: dict[str, Any] = {}
        self.label_suffix = ""
        for f in entries:
            if f["type"] == "group":
                continue
            for name, field in _django_fields(f, self.ctx).items():
                self.fields[name] = field
        for field in self.fields.values():
            label = str(field.label)
            field.error_messages.update(
                required=f"Chưa nhập {_lower(label)}.",
                invalid=f"{label}: giá trị không hợp lệ.",
                invalid_choice=f"{label}: lựa chọn không hợp lệ.",
                invalid_list=f"{label}: lựa chọn không hợp lệ.",
                max_length=f"{label}: tối đa %(limit_value)d ký tự (đã nhập %(show_value)d).",
                min_length=f"{label}: tối thiểu %(limit_value)d ký tự (đã nhập %(show_value)d).",
                min_value=f"{label}: không được nhỏ hơn %(limit_value)s.",
                max_value=f"{label}: không được lớn hơn %(limit_value)s.",
                max_digits=f"{label}: số quá lớn.",
                max_decimal_places=f"{label}: quá nhiều chữ số thập phân.",
                max_whole_digits=f"{label}: số quá lớn.",
                empty=f"{label}: tệp rỗng.",
            )
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                field.error_messages["invalid"] = f"{label}: phải là một số."
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"{label}: ngày không hợp lệ (dd/mm/yyyy)."

    # values of the scope conditions see: raw typed values (for hidden-field logic), by name
    def _raw(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in self.entries:
            name = f["name"]
            if f["type"] == "address":
                name = f"{name}{SEP}commune"
            if f["type"] in ("group", "file") or name not in self.fields:
                continue
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            values[f["name"]] = raw
        return values

    def scope_values(self) -> dict[str, Any]:
        values = dict(self.outer)
        cleaned = getattr(self, "cleaned_data", None)
        raw = self._raw() if self.is_bound else {}
        for f in self.entries:
            name = f["name"]
            if cleaned is not None and name in cleaned:
                values[name] = cleaned[name]
            elif (
                f["type"] == "address" and cleaned is not None and f"{name}{SEP}commune" in cleaned
            ):
                values[name] = cleaned[f"{name}{SEP}commune"]
            else:
                values[name] = raw.get(name)
        return values

    def visible(self, f: dict[str, Any], values: dict[str, Any]) -> bool:
        return "visible_if" not in f or condition_holds(f["visible_if"], values)

    def required(self, f: dict[str, Any], values: dict[str, Any]) -> bool:
        if "required_if" in f:
            return condition_holds(f["required_if"], values)
        return bool(f.get("required"))

    def _names(self, f: dict[str, Any]) -> list[str]:
        if f["type"] == "address":
            return [n for n in self.fields if n.startswith(f"{f['name']}{SEP}")]
        return [f["name"]] if f["name"] in self.fields else []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = self.scope_values()
        for f in self.entries:
            if f["type"] == "group":
                continue
            names = self._names(f)
            if not self.visible(f, values):
                for n in names:
                    cleaned.pop(n, None)
                    if self._errors:
                        self._errors.pop(n, None)
                continue
            if f["type"] == "address":
                self._clean_address(f, cleaned, values)
            elif f["type"] == "id_number":
                idn = cleaned.get(f["name"]) or ""
                if idn and not person_id_ok(idn):
                    self.add_error(
                        f["name"], f"{f['label']}: số định danh gồm 12 chữ số (CMND cũ 9 chữ số)."
                    )
            elif f["type"] == "file":
                self._clean_file(f, cleaned)
            present = any(cleaned.get(n) not in (None, "", []) for n in names)
            if (
                not present
                and self.required(f, values)
                and not any(n in self._errors for n in names)
            ):
                target = names[1] if f["type"] == "address" else names[0]
                self.add_error(target, f"Chưa nhập {_lower(f['label'])}.")
        self._rules(cleaned)
        return cleaned

    def _clean_address(self, f: dict[str, Any], cleaned: dict[str, Any], values: Any) -> None:
        p, c = f"{f['name']}{SEP}province", f"{f['name']}{SEP}commune"
        province, commune = cleaned.get(p), cleaned.get(c)
        if province and not commune and c not in self._errors:
            self.add_error(c, f"{f['label']}: chưa chọn xã, phường.")
        elif commune and self.ctx.province_of().get(commune) != province and c not in self._errors:
            self.add_error(c, f"{f['label']}: xã, phường không thuộc tỉnh, thành phố đã chọn.")

    def _clean_file(self, f: dict[str, Any], cleaned: dict[str, Any]) -> None:
        upload = cleaned.get(f["name"])
        if not upload:
            previous = self.previous.get(f["name"]) if hasattr(self, "previous") else None
            if previous:
                cleaned[f["name"]] = previous
            return
        limit = f.get("max_size_kb", 5 * 1024)
        if (upload.size or 0) > limit * 1024:
            self.add_error(f["name"], f"{f['label']}: tệp vượt quá {limit} KB.")
            return
        try:
            cleaned[f["name"]] = check_upload_file(upload.name or "", upload, upload.size or 0)
        except DomainError as exc:
            self.add_error(f["name"], f"{f['label']}: {exc.message}")

    def _rules(self, cleaned: dict[str, Any]) -> None:
        for r in self.rules:
            a, b = cleaned.get(r["left"]), cleaned.get(r["right"])
            if a in (None, "") or b in (None, "") or r["left"] in self._errors:
                continue
            ok = {
                "eq": a == b,
                "ne": a != b,
                "lt": a < b,
                "le": a <= b,
                "gt": a > b,
                "ge": a >= b,
            }[r["op"]]
            if not ok:
                self.add_error(r["left"], r["message"])

    def values(self) -> dict[str, Any]:
        """The cleaned values as JSON data (hidden and empty fields left out)."""
        out: dict[str, Any] = {}
        c = self.cleaned_data
        for f in self.entries:
            name, kind = f["name"], f["type"]
            if kind == "group":
                continue
            if kind == "address":
                commune = c.get(f"{name}{SEP}commune")
                if commune:
                    names = self.ctx.unit_names()
                    province = c.get(f"{name}{SEP}province", "")
                    detail = nfc(c.get(f"{name}{SEP}detail", "") or "")
                    out[name] = {
                        "province": province,
                        "commune": commune,
                        "detail": detail,
                        "text": ", ".join(
                            x
                            for x in (detail, names.get(commune, ""), names.get(province, ""))
                            if x
                        ),
                    }
                continue
            value = c.get(name)
            if value in (None, "", []):
                continue
            if kind == "text":
                value = nfc(value)
            elif isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[name] = value
        return out


class GroupRowForm(_Fields):
    pass


class GroupFormSet(BaseFormSet):  # type: ignore[type-arg]
    definition: dict[str, Any]
    default_error_messages = {
        "missing_management_form": "Thiếu dữ liệu quản lý của nhóm (tải lại trang).",
        "too_many_forms": "Tối đa %(num)d dòng.",
        "too_few_forms": "Cần ít nhất %(num)d dòng.",
    }

    def __init__(self, *args: Any, ctx: _Context, **kw: Any) -> None:
        self.ctx = ctx
        super().__init__(*args, **kw)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {}

    def add_fields(self, form: Any, index: int | None) -> None:
        form.ctx = self.ctx
        form.setup(self.definition["fields"], self.definition.get("rules", []))

    def rows(self) -> list[dict[str, Any]]:
        rows = [f.values() for f in self.forms if getattr(f, "cleaned_data", None)]
        return [r for r in rows if r]


def _formset_class(g: dict[str, Any]) -> type[GroupFormSet]:
    # at most MAX items: absolute_max refuses a forged TOTAL_FORMS before building forms
    top = g.get("max", 100)
    cls = formset_factory(
        GroupRowForm,
        formset=GroupFormSet,
        extra=0,
        min_num=g.get("min", 0),
        max_num=top,
        absolute_max=top,
        validate_min=True,
        validate_max=True,
    )
    cls.definition = g
    return cls  # type: ignore[return-value]


class EForm(_Fields):
    """The whole application form of one definition."""

    def __init__(
        self,
        definition: dict[str, Any],
        data: Any = None,
        files: Any = None,
        *,
        initial_data: dict[str, Any] | None = None,
        previous: dict[str, Any] | None = None,
        prefix: str = PREFIX,
        today: dt.date | None = None,
    ) -> None:
        initial, group_initial = _initial(definition, initial_data or {})
        super().__init__(data, files, prefix=prefix, initial=initial)
        self.definition = definition
        self.previous = previous or {}
        self.ctx = _Context(today)
        self.json_errors: list[tuple[str, str]] = []
        self.setup(all_fields(definition), definition.get("rules", []))
        self.groups: dict[str, GroupFormSet] = {}
        for g in self.entries:
            if g["type"] == "group":
                cls = _formset_class(g)
                self.groups[g["name"]] = cls(
                    data,
                    prefix=f"{prefix}-{g['name']}",
                    initial=group_initial.get(g["name"]),
                    ctx=self.ctx,
                )

    @classmethod
    def from_json(
        cls, definition: dict[str, Any], data: Any, *, today: dt.date | None = None
    ) -> EForm:
        """The same form bound to JSON data (the API): wrong shapes become field errors."""
        post, problems = _post_from_json(definition, data)
        form = cls(definition, post, {}, today=today)
        form.json_errors = problems
        return form

    def is_valid(self) -> bool:
        ok = super().is_valid()
        if not hasattr(self, "cleaned_data"):
            return False
        values = self.scope_values()
        self.hidden_groups: set[str] = set()
        for g in self.entries:
            if g["type"] != "group":
                continue
            fs = self.groups[g["name"]]
            if not self.visible(g, values):
                self.hidden_groups.add(g["name"])
                continue
            for row in fs.forms:
                row.outer = {k: v for k, v in values.items() if k not in fs.definition}
            ok = fs.is_valid() and ok
            if fs.is_valid() and self.required(g, values) and not fs.rows():
                self.add_error(None, f"Chưa nhập {_lower(g['label'])}.")
                fs._non_form_errors.append(f"Cần ít nhất một dòng: {g['label']}.")
                ok = False
        # shapes no POST can have (from_json): refused by name, beside the other errors
        return ok and not self.errors and not self.json_errors

    def form_data(self) -> dict[str, Any]:
        """The structured data (call after ``is_valid``); uploaded files are saved to storage
        (streamed) and recorded by name, size, SHA-256 and storage path."""
        out = self.values()
        values = self.scope_values()
        for name, value in list(out.items()):
            if isinstance(value, CheckedFile):  # just uploaded
                out[name] = _save_file(value)
        for g in self.entries:
            if g["type"] == "group" and self.visible(g, values):
                rows = self.groups[g["name"]].rows()
                if rows:
                    out[g["name"]] = rows
        return out

    def errors_by_path(self) -> list[dict[str, str]]:
        """Every error as {field, code, message} for the API (``a``, ``g[1].b``)."""
        out = [
            {"field": name.split(SEP)[0] if name != "__all__" else "", "message": e}
            for name, errs in self.errors.items()
            for e in errs
        ]
        for gname, fs in self.groups.items():
            if gname in getattr(self, "hidden_groups", ()):
                continue
            out.extend(
                {"field": f"{gname}[{i}].{name}", "message": e}
                for i, row in enumerate(fs.forms)
                for name, errs in row.errors.items()
                for e in errs
            )
            out.extend({"field": gname, "message": e} for e in fs.non_form_errors())
        out.extend({"field": name, "message": f"{name}: {msg}"} for name, msg in self.json_errors)
        return [{**e, "code": "invalid_form_data"} for e in out]

    def layout(self) -> list[dict[str, Any]]:
        """The sections with, per field, its bound field(s) or formset (for templates)."""
        sections = []
        for s in self.definition["sections"]:
            items = []
            for f in s["fields"]:
                item: dict[str, Any] = {
                    "def": f,
                    "condition": json.dumps(f["visible_if"]) if "visible_if" in f else "",
                    "required": bool(f.get("required")) or "required_if" in f,
                }
                if f["type"] == "group":
                    item["formset"] = self.groups[f["name"]]
                else:
                    item["bound"] = [self[n] for n in self._names(f)]
                items.append(item)
            sections.append({"title": s["title"], "help": s.get("help", ""), "items": items})
        return sections


def _save_file(checked: Any) -> dict[str, Any]:
    name = f"eforms/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{checked.name}"
    stored = default_storage.save(name, checked.content())
    return {"name": checked.name, "size": checked.size, "sha256": checked.sha256, "path": stored}


# ---- JSON <-> POST ---------------------------------------------------------------------------


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _flatten(
    entries: list[dict[str, Any]],
    obj: dict[str, Any],
    prefix: str,
    out: dict[str, Any],
    problems: list[tuple[str, str]],
    where: str,
) -> None:
    known = {f["name"]: f for f in entries}
    problems.extend((f"{where}{k}", "trường không có trong tờ khai") for k in obj if k not in known)
    for f in entries:
        name, kind = f["name"], f["type"]
        if name not in obj or obj[name] is None:
            continue
        value, label = obj[name], f"{where}{name}"
        if kind == "group":
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                problems.append((label, "phải là danh sách các đối tượng"))
                continue
            gp = f"{prefix}-{name}"
            out[f"{gp}-TOTAL_FORMS"] = str(len(value))
            out[f"{gp}-INITIAL_FORMS"] = "0"
            for i, row in enumerate(value):
                _flatten(f["fields"], row, f"{gp}-{i}", out, problems, f"{label}[{i}].")
        elif kind == "file":
            problems.append((label, "tệp đính kèm chỉ nộp qua trang web, không qua API"))
        elif kind == "address":
            if not isinstance(value, dict) or any(
                _scalar(value.get(k, "")) is None for k in ("province", "commune", "detail")
            ):
                problems.append((label, "phải là đối tượng {province, commune, detail}"))
                continue
            for part in ("province", "commune", "detail"):
                if part in value:
                    out[f"{prefix}-{name}{SEP}{part}"] = str(value[part])
        elif kind == "choice" and f.get("multiple"):
            if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
                problems.append((label, "phải là danh sách giá trị"))
                continue
            out[f"{prefix}-{name}"] = list(value)
        else:
            text = _scalar(value)
            if text is None or (
                kind in ("text", "date", "id_number") and not isinstance(value, str)
            ):
                problems.append((label, "sai kiểu dữ liệu"))
                continue
            out[f"{prefix}-{name}"] = text


class _Post(dict):  # type: ignore[type-arg]
    """A dict that answers ``getlist`` like a QueryDict (multiple choices)."""

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


def _post_from_json(definition: dict[str, Any], data: Any) -> tuple[_Post, list[tuple[str, str]]]:
    out, problems = _Post(), []
    if not isinstance(data, dict):
        return out, [("form_data", "phải là một đối tượng JSON")]
    entries = all_fields(definition)
    for g in entries:
        if g["type"] == "group":
            out[f"{PREFIX}-{g['name']}-TOTAL_FORMS"] = "0"
            out[f"{PREFIX}-{g['name']}-INITIAL_FORMS"] = "0"
    _flatten(entries, data, PREFIX, out, problems, "")
    return out, problems


def _initial(
    definition: dict[str, Any], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Initial values of an unbound form from stored form data (a draft)."""
    initial: dict[str, Any] = {}
    groups: dict[str, list[dict[str, Any]]] = {}

    def one(f: dict[str, Any], value: Any, into: dict[str, Any]) -> None:
        if f["type"] == "address" and isinstance(value, dict):
            for part in ("province", "commune", "detail"):
                into[f"{f['name']}{SEP}{part}"] = value.get(part, "")
        elif f["type"] != "file":
            into[f["name"]] = value

    for f in all_fields(definition):
        value = data.get(f["name"])
        if value is None:
            continue
        if f["type"] == "group" and isinstance(value, list):
            rows = []
            for row in value:
                r: dict[str, Any] = {}
                for sub in f["fields"]:
                    if isinstance(row, dict) and sub["name"] in row:
                        one(sub, row[sub["name"]], r)
                rows.append(r)
            groups[f["name"]] = rows
        else:
            one(f, value, initial)
    return initial, groups
