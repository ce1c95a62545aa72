from django.urls import path

from motcua.postal import views

app_name = "postal"

urlpatterns = [
    path("can-bo/ho-so/<int:pk>/giao-buu-chinh/", views.handover, name="handover"),
    path("vnpost/thong-bao/", views.callback, name="callback"),
]
