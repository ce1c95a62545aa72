from django.apps import AppConfig


class EservicesConfig(AppConfig):
    name = "motcua.eservices"
    verbose_name = "Dịch vụ công trực tuyến"
