"""The lifecycle tests' small province, reused."""

from tests.dossiers.conftest import world

__all__ = ["world"]
