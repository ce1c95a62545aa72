from django.urls import path

from motcua.eservices import views

app_name = "eservices"

urlpatterns = [
    path("", views.home, name="home"),
    path("nop/<int:procedure_id>/", views.submit, name="submit"),
    path("nhap/<int:pk>/", views.draft, name="draft"),
    path("nhap/<int:pk>/xoa/", views.draft_delete, name="draft_delete"),
    path("nhap/<int:pk>/tep/<int:file_id>/", views.draft_file, name="draft_file"),
    path("kho-du-lieu/", views.store, name="store"),
    path("kho-du-lieu/<int:pk>/tep/", views.stored_file, name="stored_file"),
    path("kho-du-lieu/<int:pk>/xoa/", views.stored_delete, name="stored_delete"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("ho-so/<int:pk>/", views.dossier, name="dossier"),
    path("ho-so/<int:pk>/bo-sung/", views.dossier_send, name="dossier_send"),
    path("ho-so/<int:pk>/rut/", views.dossier_withdraw, name="dossier_withdraw"),
    path("ho-so/<int:pk>/tai-lieu/<int:doc_id>/", views.dossier_document, name="document"),
    path("ho-so/<int:pk>/phieu/<int:form_id>/", views.dossier_form, name="form"),
    path("dat-lich/", views.booking, name="booking"),
    path("dat-lich/<int:pk>/huy/", views.booking_cancel, name="booking_cancel"),
    path("can-bo/yeu-cau-rut/", views.staff_withdrawals, name="staff_withdrawals"),
]
