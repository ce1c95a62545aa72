from django.urls import path

from motcua.eforms import views

app_name = "eforms"

urlpatterns = [
    path("ho-so/<int:pk>/to-khai.pdf", views.staff_pdf, name="staff_pdf"),
    path("cong-dan/ho-so/<int:pk>/to-khai.pdf", views.citizen_pdf, name="citizen_pdf"),
    path("xem-truoc/", views.preview, name="preview"),
]
