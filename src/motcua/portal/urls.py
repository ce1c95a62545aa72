from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.catalog, name="catalog"),
    path("thu-tuc/<str:ref>/", views.procedure, name="procedure"),
    path("co-quan/", views.agencies, name="agencies"),
    path("co-quan/<int:pk>/", views.agency, name="agency"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("tra-cuu/q/<str:token>/", views.lookup_qr, name="lookup_qr"),
    path("danh-gia/quay/", views.counter, name="rating_counter"),
    path("danh-gia/<int:pk>/", views.rate, name="rate"),
]
