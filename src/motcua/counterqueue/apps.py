from django.apps import AppConfig


class CounterqueueConfig(AppConfig):
    name = "motcua.counterqueue"
    verbose_name = "Xếp hàng tại quầy"
