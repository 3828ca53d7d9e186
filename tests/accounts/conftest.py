import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """Password-reset counters live in the cache: each test starts with a clean budget."""
    cache.clear()
    yield
    cache.clear()
