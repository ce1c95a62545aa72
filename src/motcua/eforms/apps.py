from django.apps import AppConfig


class EformsConfig(AppConfig):
    name = "motcua.eforms"
    verbose_name = "Tờ khai điện tử"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from motcua.eforms.forms import units_changed
        from motcua.units.models import AdministrativeUnit

        # the address choices kept between requests follow every change of a unit
        post_save.connect(units_changed, sender=AdministrativeUnit, dispatch_uid="eforms-units")
        post_delete.connect(units_changed, sender=AdministrativeUnit, dispatch_uid="eforms-units")
