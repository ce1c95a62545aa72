from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from motcua.api import actions, views
from motcua.api.portal import PortalDossierCreate
from motcua.popdata.api import VerifyApplicant
from motcua.portal.api import DossierLookup

app_name = "api"

urlpatterns = [
    # the portal's look-up first: the busiest of the API (its thirty-odd patterns before it were
    # tried for every look-up); no other pattern matches its path
    path("v1/lookup/", DossierLookup.as_view(), name="lookup"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/procedures/", views.ProcedureList.as_view(), name="procedures"),
    path("v1/procedures/<str:code>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("v1/agencies/", views.AgencyList.as_view(), name="agencies"),
    path("v1/agencies/<str:code>/", views.AgencyDetail.as_view(), name="agency"),
    path("v1/units/", views.UnitList.as_view(), name="units"),
    path("v1/units/<int:pk>/", views.UnitDetail.as_view(), name="unit"),
    path("v1/dossiers/", views.DossierList.as_view(), name="dossiers"),
    path("v1/dossiers/<str:ref>/", views.DossierDetail.as_view(), name="dossier"),
    *(
        path(f"v1/dossiers/<str:ref>/{slug}/", view.as_view(), name=f"dossier-{slug}")
        for slug, view in actions.VIEWS.items()
    ),
    path(
        "v1/dossiers/<str:ref>/verify-applicant/",
        VerifyApplicant.as_view(),
        name="dossier-verify-applicant",
    ),
    path("v1/portal/dossiers/", PortalDossierCreate.as_view(), name="portal-dossiers"),
    path("v1/reports/period/", views.PeriodReport.as_view(), name="report"),
    # anything else under /api/ is a 404 problem, not the site's HTML page
    re_path(r"^[\s\S]*$", views.NoSuchResource.as_view()),  # [\s\S]: a %0A in the path too
]
