from django.apps import AppConfig


class PopdataConfig(AppConfig):
    name = "motcua.popdata"
    verbose_name = "Xác thực thông tin công dân"
