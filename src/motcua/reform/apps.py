from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    verbose_name = "Theo dõi cải cách hành chính"
