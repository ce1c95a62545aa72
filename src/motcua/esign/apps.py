from django.apps import AppConfig


class EsignConfig(AppConfig):
    name = "motcua.esign"
    verbose_name = "Chữ ký số, kết quả điện tử"
