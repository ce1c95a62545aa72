"""/cai-cach/: the reform dashboard, the plan's tasks, indicators, narratives and the report."""

from django.urls import path

from motcua.reform import views_plan as v
from motcua.reform import views_plan_data as d

urlpatterns = [
    path("", v.dashboard, name="dashboard"),
    path("ke-hoach/", v.plan_edit, name="plan_edit"),
    path("nhiem-vu/", v.task_list, name="tasks"),
    path("nhiem-vu/moi/", v.task_edit, name="task_new"),
    path("nhiem-vu/<int:pk>/", v.task_detail, name="task"),
    path("nhiem-vu/<int:pk>/sua/", v.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/tien-do/", v.task_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/minh-chung/", v.task_evidence, name="task_evidence"),
    path("nhiem-vu/<int:pk>/minh-chung/<int:ev>/", v.evidence_file, name="evidence_file"),
    path("chi-tieu/", d.indicators, name="indicators"),
    path("chi-tieu/mau.xlsx", d.indicators_template, name="indicators_template"),
    path("danh-gia/", d.narratives, name="narratives"),
    path("bao-cao/", d.report_page, name="report"),
]
