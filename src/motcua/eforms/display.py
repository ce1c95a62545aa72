"""Filled data as people read it: labels from the definition, values shown in Vietnamese
(dates dd/mm/yyyy, choices by label, addresses as text). Used by the dossier pages and the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from motcua.core.text import ascii_digits
from motcua.eforms.definition import all_fields


@dataclass
class Row:
    label: str
    value: str = ""
    group: list[list[str]] | None = None  # a repeated group: rows of values
    headers: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    rows: list[Row]


def show(f: dict[str, Any], value: Any) -> str:
    """One value as text."""
    if value in (None, "", []):
        return ""
    kind = f["type"]
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "choice":
        labels = dict(tuple(c) for c in f.get("choices", []))
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if kind == "address" and isinstance(value, dict):
        return str(value.get("text") or value.get("detail") or "")
    if kind == "file" and isinstance(value, dict):
        return f"{value.get('name', '')} ({value.get('size', 0)} byte)"
    if kind == "number":
        text = str(value)
        whole, _, frac = text.partition(".")
        grouped = (
            f"{int(whole):,}".replace(",", ".") if ascii_digits(whole.lstrip("-"), 40) else whole
        )
        return f"{grouped},{frac}" if frac else grouped
    return str(value)


def filled(definition: dict[str, Any] | None, data: dict[str, Any] | None) -> list[Section]:
    """The sections of the form with the filled values (empty fields left out)."""
    if not definition or not data:
        return []
    sections = []
    for s in definition.get("sections", []):
        rows = []
        for f in s.get("fields", []):
            value = data.get(f["name"])
            if f["type"] == "group":
                if not isinstance(value, list) or not value:
                    continue
                subs = f["fields"]
                rows.append(
                    Row(
                        label=f["label"],
                        headers=[sub["label"] for sub in subs],
                        group=[
                            [show(sub, r.get(sub["name"])) for sub in subs]
                            for r in value
                            if isinstance(r, dict)
                        ],
                    )
                )
                continue
            text = show(f, value)
            if text:
                rows.append(Row(label=f["label"], value=text))
        if rows:
            sections.append(Section(title=s.get("title", ""), rows=rows))
    return sections


def known_names(definition: dict[str, Any]) -> set[str]:
    return {f["name"] for f in all_fields(definition)}
