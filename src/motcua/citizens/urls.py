from django.urls import path

from motcua.citizens import oidc, views

app_name = "citizens"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("dang-ky/", views.register, name="register"),
    path("xac-thuc/<str:token>/", views.verify, name="verify"),
    path("gui-lai-xac-thuc/", views.resend, name="resend"),
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("quen-mat-khau/", views.reset_request, name="reset_request"),
    path("dat-lai-mat-khau/<str:uidb64>/<str:token>/", views.reset_confirm, name="reset_confirm"),
    path("dinh-danh/", oidc.CitizenOIDCStart.as_view(), name="oidc_start"),
    path("dinh-danh/callback/", oidc.CitizenOIDCCallback.as_view(), name="oidc_callback"),
]
