from django.urls import path

from motcua.payments import views

app_name = "payments"

urlpatterns = [
    # the citizen
    path("ho-so/<int:pk>/truc-tuyen/", views.start, name="start"),
    path("ho-so/<int:pk>/bien-lai/", views.citizen_receipt, name="citizen_receipt"),
    # the gateway (browser return, server-to-server notification)
    path("vnpay/ket-qua/", views.gateway_return, name="return"),
    path("vnpay/ipn/", views.ipn, name="ipn"),
    # staff
    path("can-bo/ho-so/<int:pk>/thu-phi/", views.record_counter, name="record"),
    path("can-bo/ho-so/<int:pk>/huy/", views.cancel, name="cancel"),
    path("can-bo/ho-so/<int:pk>/bien-lai/", views.staff_receipt, name="staff_receipt"),
    path("can-bo/doi-soat/", views.reconciliation, name="reconciliation"),
]
