"""The Redis cache reuses its client objects instead of building one per operation."""

from django.core.cache import caches

from casereview.cache import ReusingRedisCache


def test_the_cache_reuses_one_client_per_pool_and_still_works(redis_url, settings):
    cache = ReusingRedisCache(redis_url, {"KEY_PREFIX": "test-client-reuse"})
    assert cache._cache.get_client("a", write=True) is cache._cache.get_client("b", write=True)
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") == "hello"
    assert cache.add("greeting", "again", 30) is False
    cache.delete("greeting")


def test_production_settings_use_it(redis_url, settings):
    assert isinstance(caches["default"], ReusingRedisCache)
