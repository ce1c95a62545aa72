import pytest
from django.core.cache import cache

from tests.dossiers.conftest import world  # noqa: F401 - the shared small province


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    """The sending counters live in the cache (portal.throttle): each test starts from zero."""
    cache.clear()
