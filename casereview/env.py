"""Read settings from the environment, refusing values that do not mean anything.

A typo in a production environment must stop the process with a message that says which
variable is wrong and what it accepts, rather than quietly falling back to a default
(``DEBUG=maybe`` is an error, not False).
"""

import os
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The variable's value with surrounding spaces removed; None when unset or blank."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value. Use one of: "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is too small: it must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; empty items (``a,,b``) are an error, not silently dropped."""
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item; separate values with single commas.")
    return items


def env_database(name: str, default: str, *, conn_max_age: int) -> dict:
    url = env_str(name, default)
    scheme = urlparse(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a database URL this application supports. "
            "Use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path.sqlite3."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} could not be read: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={url!r} does not name a database.")
    return config


def env_redis_url(name: str) -> str | None:
    url = env_str(name)
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ImproperlyConfigured(
            f"{name}={url!r} is not a Redis URL. Use redis://HOST:PORT/DB (or rediss:// for TLS)."
        )
    return url
