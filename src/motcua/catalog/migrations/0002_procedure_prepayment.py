from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="prepayment",
            field=models.BooleanField(
                default=False,
                help_text="Hồ sơ nộp trực tuyến phát sinh khoản phí, lệ phí ngay khi nộp (người nộp "
                "có thể thanh toán trước khi Bộ phận Một cửa tiếp nhận); không có tác dụng với thủ "
                "tục không thu phí.",
                verbose_name="nộp phí khi nộp hồ sơ trực tuyến (thanh toán trước)",
            ),
        ),
    ]
