"""What the rest of the project reads of the PAR index.

``ranking(year)`` returns one dict per assessed agency, best first:
``{"agency_code", "agency_name", "group", "group_label", "self_score", "final_score", "max_score",
"index_pct", "rank"}`` (``group``: the template the agency is scored on, e.g. departments or
communes; ``rank`` within the group, ties share a rank).
"""

from __future__ import annotations


def ranking(year: int) -> list[dict]:
    return []
