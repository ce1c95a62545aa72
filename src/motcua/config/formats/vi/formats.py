"""Dates as a Vietnamese officer types them, day before month.

Django's Vietnamese formats name no input formats, so its defaults applied, which read a date
the American way: 10/12/2026, meaning 10 December, was saved as 12 October in every form that
takes the default formats (the administration's dates among them), and 13/12/2026 was refused.
ISO first: it is what the forms render and what date pickers and scripts send."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-10
    "%d/%m/%Y",  # 10/12/2026
    "%d/%m/%y",  # 10/12/26
    "%d-%m-%Y",  # 10-12-2026
    "%d.%m.%Y",  # 10.12.2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
]
