"""A step passed on to another agency keeps exactly the working seconds its time had left
(``DossierStep.budget_seconds``): counted again from ``budget_days`` (hundredths of a day) after
a pause or a restart, its due instant moved by up to 2 min 24 s. Steps of the catalog keep it
empty. A nullable column: no rewrite of the table on PostgreSQL."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0016_step_agencies"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierstep",
            name="budget_seconds",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Bước được chuyển từ cơ quan khác: đúng thời gian còn lại của bước, "
                "tính bằng giây làm việc. Để trống: thời gian cho phép tính theo ngày.",
                null=True,
                verbose_name="thời gian còn lại khi nhận chuyển (giây làm việc)",
            ),
        ),
    ]
