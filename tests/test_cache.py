"""The shared caches count atomically, so throttles hold across app processes."""

import threading

import pytest
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import connection, connections

from partnerscan.cache import DatabaseCache

from .shared_cache import redis_or_skip


@pytest.fixture
def database_cache(transactional_db):
    call_command("createcachetable", "partnerscan_cache_test", verbosity=0)
    yield DatabaseCache("partnerscan_cache_test", {})
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE partnerscan_cache_test")


def _hammer(cache, key, threads=4, per_thread=25):
    def work():
        try:
            for _ in range(per_thread):
                cache.incr(key)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread


def test_database_cache_incr_never_loses_a_count_under_concurrency(database_cache):
    database_cache.set("counter", 0, timeout=60)
    expected = _hammer(database_cache, "counter")
    assert database_cache.get("counter") == expected


def test_database_cache_incr_of_a_missing_or_expired_key_raises(database_cache):
    with pytest.raises(ValueError):
        database_cache.incr("missing")
    database_cache.set("old", 3, timeout=-1)
    with pytest.raises(ValueError):
        database_cache.incr("old")


def test_database_cache_incr_keeps_the_expiry_and_decr_counts_down(database_cache):
    database_cache.set("counter", 5, timeout=60)
    assert database_cache.incr("counter", 2) == 7
    assert database_cache.decr("counter") == 6
    assert database_cache.get("counter") == 6


def test_redis_cache_incr_never_loses_a_count_under_concurrency():
    location = redis_or_skip()
    cache = RedisCache(location, {"KEY_PREFIX": "partnerscan-test-cache"})
    cache.delete("counter")
    cache.set("counter", 0, timeout=60)
    expected = _hammer(cache, "counter")
    assert cache.get("counter") == expected
    cache.delete("counter")
