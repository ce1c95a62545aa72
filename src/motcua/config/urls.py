from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "Một Cửa — Quản trị hệ thống"
admin.site.site_title = "Một Cửa"
admin.site.index_title = "Quản trị danh mục, đơn vị và lịch làm việc"


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico → the icon's static URL, named when asked for: in production that name is
    the hashed one from collectstatic's manifest, which importing this module must not need (a
    command run before collectstatic, `motcua check --deploy` among them, failed with a
    traceback)."""
    return HttpResponseRedirect(static("backoffice/favicon.svg"))


urlpatterns = [
    # first: the API's public look-up is the busiest URL of the site (the portal's apps ask it
    # for every dossier a citizen follows), and Django tries the patterns in order (the
    # prefixes below do not overlap, so the order changes no answer)
    path("api/", include("motcua.api.urls")),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="backoffice/login.html"),
        name="login",
    ),
    # the second factor of leaders and administrators (issue 9)
    path("dang-nhap/", include("motcua.security.urls")),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("admin/", admin.site.urls),
    # browsers ask for /favicon.ico on pages without a <link rel="icon"> (PDFs, raw files)
    path("favicon.ico", favicon),
    # the citizens' side (issue 8); each app owns its pages under its own prefix
    path("cong-dan/", include("motcua.citizens.urls")),
    path("dich-vu-cong/", include("motcua.eservices.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("xac-thuc-ket-qua/", include("motcua.esign.urls")),
    path("phan-anh/", include("motcua.feedback.urls")),
    path("cong-thanh-toan-thu-nghiem/", include("motcua.paysandbox.urls")),
    # issue 15: forms, result drafts, the counter queue, postal return, citizen-data checks
    path("to-khai/", include("motcua.eforms.urls")),
    path("du-thao/", include("motcua.drafting.urls")),
    path("xep-hang/", include("motcua.counterqueue.urls")),
    path("buu-chinh/", include("motcua.postal.urls")),
    path("xac-thuc-cong-dan/", include("motcua.popdata.urls")),
    path("cai-cach/", include("motcua.reform.urls")),
    path("", include("motcua.portal.urls")),
]

# 400, 403 and 404 in Vietnamese inside the staff layout (used when DEBUG is off)
handler400 = "motcua.backoffice.views.errors.bad_request"
handler403 = "motcua.backoffice.views.errors.permission_denied"
handler404 = "motcua.backoffice.views.errors.page_not_found"
