from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.public_list, name="public"),
    path("gui/", views.submit, name="submit"),
    path("da-gui/", views.sent, name="sent"),
    path("cua-toi/", views.mine, name="mine"),
    path("can-bo/", views.queue, name="queue"),
    path("can-bo/<str:code>/", views.staff_detail, name="staff_detail"),
    path("can-bo/<str:code>/phan-cong/", views.assign, name="assign"),
    path("can-bo/<str:code>/tra-loi/", views.answer, name="answer"),
    path("<str:code>/", views.public_detail, name="public_detail"),
]
