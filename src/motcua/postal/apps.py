from django.apps import AppConfig


class PostalConfig(AppConfig):
    name = "motcua.postal"
    verbose_name = "Trả kết quả qua bưu chính"
