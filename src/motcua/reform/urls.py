"""/cai-cach/: the reform dashboard, plan tasks and indicators (urls_plan), the PAR index
(urls_par)."""

from django.urls import include, path

app_name = "reform"

urlpatterns = [
    path("", include("motcua.reform.urls_plan")),
    path("chi-so/", include("motcua.reform.urls_par")),
]
