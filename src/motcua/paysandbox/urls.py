from django.urls import path

from motcua.paysandbox import views

app_name = "paysandbox"

urlpatterns = [
    # the paths of VNPay's sandbox, so that switching to it is a change of host
    path("paymentv2/vpcpay.html", views.pay_page, name="pay"),
    path("giao-dich/<str:token>/", views.decide, name="decide"),
    path("merchant_webapi/api/transaction", views.api, name="api"),
]
