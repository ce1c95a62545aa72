from django.urls import path

from motcua.popdata import views

app_name = "popdata"

urlpatterns = [
    path("kiem-tra-tai-quay/", views.counter_check, name="counter_check"),
    path("ho-so/<int:pk>/", views.dossier_check, name="dossier_check"),
    path("ho-so/<int:pk>/ly-do/<int:check>/", views.dossier_override, name="dossier_override"),
]
