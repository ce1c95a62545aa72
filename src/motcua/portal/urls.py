from django.urls import path
from django.views.generic import RedirectView

app_name = "portal"

urlpatterns: list = [
    # until the public home page exists the site root leads to the staff pages
    path("", RedirectView.as_view(url="/can-bo/", permanent=False), name="home"),
]
