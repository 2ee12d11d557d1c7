"""Where the tests find a Redis server for the shared-cache checks.

TEST_REDIS_URL overrides the default (database 15 of a local server, kept apart from
anything else on it). Without a reachable server those checks skip with the reason.
"""

import os

import pytest

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {TEST_REDIS_URL}: {error}")
    return TEST_REDIS_URL
