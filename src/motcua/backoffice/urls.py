from django.urls import path

from motcua.backoffice import views
from motcua.integrations.views import portal_status

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("tiep-nhan/", views.intake, name="intake"),
    path("tiep-nhan/thu-tuc/", views.procedures, name="procedures"),
    path("truc-tuyen/", views.online, name="online"),
    path("tim-kiem/", views.search, name="search"),
    path("so-theo-doi/", views.book, name="book"),
    path("ho-so/<int:pk>/thao-tac/<slug:name>/", views.dossier_action, name="action"),
    path("ho-so/<int:pk>/mau/<str:form>/", views.print_form, name="print_form"),
    # any stored code, "123/HS-UBND" included; dossiers.legacy.code_problem keeps imported codes
    # off the two patterns above (docs/report-format.md)
    path("ho-so/<path:code>/", views.dossier, name="dossier"),
    path("tai-lieu/<int:pk>/", views.document, name="document"),
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/dong-bo-cong-quoc-gia/", portal_status, name="portal_sync"),
    path("bao-cao/tai-ve/<slug:fmt>/", views.report_export, name="report_export"),
    path("bao-cao/chi-tiet/<slug:criterion>/", views.report_drill_down, name="drill_down"),
]
