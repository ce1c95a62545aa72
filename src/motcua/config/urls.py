from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Một Cửa — Quản trị hệ thống"
admin.site.site_title = "Một Cửa"
admin.site.index_title = "Quản trị danh mục, đơn vị và lịch làm việc"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
