from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("eservices", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="draft",
            name="form_data",
            field=models.JSONField(blank=True, default=dict, verbose_name="dữ liệu tờ khai"),
        ),
    ]
