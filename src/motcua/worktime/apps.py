from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "motcua.worktime"
    verbose_name = "Lịch làm việc"
