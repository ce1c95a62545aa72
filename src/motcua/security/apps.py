from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "motcua.security"
    verbose_name = "An toàn đăng nhập"
