from django.urls import path

from motcua.security import views

app_name = "security"

urlpatterns = [
    path("ma-xac-thuc/", views.otp_verify, name="otp_verify"),
    path("thiet-lap-xac-thuc/", views.otp_setup, name="otp_setup"),
]
