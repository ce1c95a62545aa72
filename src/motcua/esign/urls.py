from django.urls import path

from motcua.esign import views

app_name = "esign"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("ky/<int:pk>/", views.sign, name="sign"),
    path("tai/<int:pk>/", views.download, name="download"),
]
