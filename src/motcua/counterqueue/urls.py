from django.urls import path

from motcua.counterqueue import views_public as pub
from motcua.counterqueue import views_staff as staff

app_name = "counterqueue"

urlpatterns = [
    path("kiosk/", pub.kiosk_index, name="kiosk_index"),
    path("kiosk/<int:pk>/", pub.kiosk, name="kiosk"),
    path("kiosk/<int:pk>/lay-so/", pub.kiosk_take, name="take"),
    path("kiosk/<int:pk>/lich-hen/", pub.kiosk_booking, name="booking"),
    path("kiosk/<int:pk>/phieu/<str:token>/", pub.receipt, name="receipt"),
    path("man-hinh/<int:pk>/", pub.screen, name="screen"),
    path("man-hinh/<int:pk>/moi/", pub.screen_fragment, name="screen_fragment"),
    path("quay/", staff.desk_panel, name="desk"),
    path("quay/thao-tac/", staff.desk_action, name="desk_action"),
    path("quay/hang-cho/", staff.desk_queue_fragment, name="desk_queue"),
    path("thong-ke/", staff.stats, name="stats"),
]
