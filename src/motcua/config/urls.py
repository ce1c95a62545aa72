from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Một Cửa — Quản trị hệ thống"
admin.site.site_title = "Một Cửa"
admin.site.index_title = "Quản trị danh mục, đơn vị và lịch làm việc"

urlpatterns = [
    path("", RedirectView.as_view(url="/can-bo/", permanent=False)),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="backoffice/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("motcua.api.urls")),
]
