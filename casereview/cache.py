"""Django's Redis cache, reusing its Redis client objects.

Django's client makes a new ``redis.Redis`` for every cache operation, and redis-py builds a table
of some 170 response callbacks for each one: a fifth of a millisecond per operation, on every phone's
answer (docs/benchmarks.md). A ``redis.Redis`` is safe to share between threads and draws its
connections from the pool, so one per pool is enough."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
