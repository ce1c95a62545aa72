from django.urls import path

from motcua.drafting import views

app_name = "drafting"

urlpatterns = [
    path("ho-so/<int:pk>/soan/", views.create, name="create"),
    path("<int:pk>/", views.draft, name="draft"),
    path("<int:pk>/trinh-ky/", views.submit, name="submit"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("<int:pk>/tra-lai/", views.send_back, name="return"),
    path("<int:pk>/ky/", views.sign, name="sign"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/docx/", views.docx, name="docx"),
]
