from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    verbose_name = "Theo dõi cải cách hành chính"

    def ready(self) -> None:
        from motcua.reform import par_admin  # noqa: F401 - the PAR index's admin pages
