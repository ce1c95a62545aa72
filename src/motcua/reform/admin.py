"""The reform app's admin: the plan side (``admin_plan``); the PAR index registers its own."""

from motcua.reform import admin_plan  # noqa: F401
