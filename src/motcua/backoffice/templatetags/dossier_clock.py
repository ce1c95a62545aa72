"""Template helpers for the dossier page that need the working calendar (reads only)."""

from __future__ import annotations

import datetime as dt

from django import template

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import ApologyTiming, apology_timing

register = template.Library()


@register.simple_tag(name="apology_timing")
def apology_timing_tag(dossier: Dossier, now: dt.datetime) -> ApologyTiming | None:
    """``{% apology_timing d now as ap %}``: until when an apology would be on time."""
    return apology_timing(dossier, now)
