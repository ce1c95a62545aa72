from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "motcua.portal"
    verbose_name = "Cổng dịch vụ công (trang công khai)"
