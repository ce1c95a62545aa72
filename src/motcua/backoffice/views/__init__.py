"""The staff web: thin views that parse input, call one service or selector, and render.

Authorization lives in ``dossiers.access`` and the services; every view goes through them.
Domain errors become a Vietnamese message (and 403/404 for permission/visibility). One module per
page group.
"""

from motcua.backoffice.views.dossier import (
    dossier,
    dossier_action,
    print_form,
)
from motcua.backoffice.views.intake import (
    intake,
)
from motcua.backoffice.views.pages import (
    book,
    document,
    online,
    procedures,
    queue,
    search,
)
from motcua.backoffice.views.reports import (
    dashboard,
    report_drill_down,
    report_export,
)

__all__ = [
    "book",
    "dashboard",
    "document",
    "dossier",
    "dossier_action",
    "intake",
    "online",
    "print_form",
    "procedures",
    "queue",
    "report_drill_down",
    "report_export",
    "search",
]
