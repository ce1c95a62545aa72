from django.apps import AppConfig


class PaySandboxConfig(AppConfig):
    name = "motcua.paysandbox"
    verbose_name = "Cổng thanh toán thử nghiệm"
