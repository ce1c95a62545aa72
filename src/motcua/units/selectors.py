"""Reads over units and agencies."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from motcua.units.models import AdministrativeUnit, Agency


def unit_lineage_ids(unit: AdministrativeUnit) -> set[int]:
    """The unit and every unit merged into it, recursively (its predecessors)."""
    ids = {unit.pk}
    frontier = [unit.pk]
    while frontier:
        nxt = list(
            AdministrativeUnit.objects.filter(successor_id__in=frontier).values_list(
                "pk", flat=True
            )
        )
        frontier = [i for i in nxt if i not in ids]
        ids.update(frontier)
    return ids


def unit_subtree_ids(unit: AdministrativeUnit) -> set[int]:
    """The unit, its predecessors, and all their descendants: everything findable 'under' it."""
    ids = set(unit_lineage_ids(unit))
    frontier = list(ids)
    while frontier:
        children = AdministrativeUnit.objects.filter(
            Q(parent_id__in=frontier) | Q(successor_id__in=frontier)
        ).values_list("pk", flat=True)
        frontier = [i for i in children if i not in ids]
        ids.update(frontier)
    return ids


def unit_current(unit: AdministrativeUnit, *, on: dt.date | None = None) -> AdministrativeUnit:
    """Follow merges to the unit that carries on ``unit`` on a date (default: today)."""
    seen = {unit.pk}
    while unit.successor_id is not None and (
        on is None or (unit.valid_to is not None and unit.valid_to < on)
    ):
        successor = unit.successor
        if successor is None:
            break
        unit = successor
        if unit.pk in seen:
            break
        seen.add(unit.pk)
    return unit


def units_valid_on(day: dt.date) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
    )


def agencies_under(unit: AdministrativeUnit) -> QuerySet[Agency]:
    """Agencies serving the unit, its descendants and the units merged into it."""
    return Agency.objects.filter(unit_id__in=unit_subtree_ids(unit))


def same_province(unit_id: int, other_id: int) -> bool:
    """The two units stand in one province. Units nest three deep at most (province, district,
    commune): one statement reads both chains, none when they are the same unit."""
    if unit_id == other_id:
        return True
    tops = {
        pk: grand or parent or pk
        for pk, parent, grand in AdministrativeUnit.objects.filter(
            pk__in=(unit_id, other_id)
        ).values_list("pk", "parent_id", "parent__parent_id")
    }
    return tops.get(unit_id) is not None and tops.get(unit_id) == tops.get(other_id)
