"""Charts as inline SVG, drawn on the server: no chart library, no CDN, readable when printed."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from motcua.core.text import number, shorten

BLUE, GREEN, RED, GREY = "#2e6da4", "#1e7b34", "#b3261e", "#9aa5b1"


def _num(v: float) -> str:
    """Vietnamese notation without trailing zeros: 1234.5 → '1.234,5', 20.0 → '20'."""
    shown = number(v, 2)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


def hbars(
    rows: list[tuple[str, float]],
    *,
    title: str,
    unit: str = "%",
    width: int = 620,
    max_value: float | None = None,
    color: str = RED,
) -> SafeString:
    """Horizontal bars, one per label (e.g. late rate by agency)."""
    bar_h, gap, left = 18, 6, 250
    height = 30 + len(rows) * (bar_h + gap)
    top = max_value or max((v for _, v in rows), default=1.0) or 1.0
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 26 + i * (bar_h + gap)
        w = (width - left - 70) * value / top
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(shorten(label, 38))}</text>"
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{color}"><title>{escape(label)}: {_num(value)}{unit}</title></rect>'
        )
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">{_num(value)}{unit}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def columns(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    *,
    title: str,
    width: int = 620,
    height: int = 240,
) -> SafeString:
    """Grouped columns per label (e.g. received / resolved per month), with a legend."""
    left, bottom, top_pad = 50, 34, 40
    plot_h = height - bottom - top_pad
    top = max((v for _, _, vs in series for v in vs), default=1.0) or 1.0
    group_w = (width - left - 10) / max(1, len(labels))
    bar_w = max(4.0, group_w * 0.8 / max(1, len(series)))
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for k, (name, color, _) in enumerate(series):
        parts.append(
            f'<rect x="{left + k * 120}" y="22" width="10" height="10" '
            f'fill="{color}"/><text x="{left + 14 + k * 120}" y="31" font-size="12">'
            f"{escape(name)}</text>"
        )
    base = height - bottom
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - 5}" y2="{base}" stroke="{GREY}"/>')
    parts.append(
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" font-size="11">'
        f"{_num(top)}</text>"
    )
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for k, (name, color, values) in enumerate(series):
            v = values[i]
            h = plot_h * v / top
            parts.append(
                f'<rect x="{x0 + k * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}"'
                f' height="{h:.1f}" fill="{color}"><title>{escape(label)} — '
                f"{escape(name)}: {_num(v)}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + len(series) * bar_w / 2:.1f}" y="{base + 16}" '
            f'text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
