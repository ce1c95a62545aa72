"""/cai-cach/chi-so/: the PAR index (ranking, comparison, criteria, self-assessment,
appraisal). Names are prefixed ``par_`` in the ``reform`` namespace."""

from django.urls import path

from motcua.reform import views_par as v

urlpatterns = [
    path("", v.ranking, name="par_ranking"),
    path("so-sanh/", v.compare, name="par_compare"),
    path("bo-tieu-chi/", v.templates, name="par_templates"),
    path("tu-danh-gia/", v.self_list, name="par_self_list"),
    path("tu-danh-gia/mo/", v.self_open, name="par_self_open"),
    path("tu-danh-gia/<int:pk>/", v.self_detail, name="par_self"),
    path("tu-danh-gia/<int:pk>/gui/", v.self_submit, name="par_self_submit"),
    path("tu-danh-gia/<int:pk>/tu-dong/", v.self_auto, name="par_self_auto"),
    path("tham-dinh/", v.appraisal_list, name="par_appraisal_list"),
    path("tham-dinh/<int:pk>/", v.appraisal_detail, name="par_appraisal"),
    path("tham-dinh/<int:pk>/hoan-tat/", v.appraisal_finish, name="par_appraisal_finish"),
    path("tham-dinh/<int:pk>/tra-lai/", v.appraisal_back, name="par_appraisal_back"),
    path("tham-dinh/<int:pk>/tu-dong/", v.appraisal_auto, name="par_appraisal_auto"),
]
