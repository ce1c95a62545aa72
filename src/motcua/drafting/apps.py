from django.apps import AppConfig


class DraftingConfig(AppConfig):
    name = "motcua.drafting"
    verbose_name = "Dự thảo kết quả"
