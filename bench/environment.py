"""The production-like settings every part of the benchmark runs with, and its own database."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/casereview_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"


def settings_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """DEBUG off, PostgreSQL, Redis, HTTPS behind a TLS proxy (the load generator sends the header
    a load balancer would), and a key prefix of its own in Redis."""
    return {
        "DJANGO_SETTINGS_MODULE": "casereview.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "casereview-bench",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEHIND_TLS_PROXY": "true",
        "LOG_LEVEL": "WARNING",
    }


def use(environment: dict[str, str] | None = None) -> None:
    """Apply the settings to this process (a child process inherits them) and start Django."""
    os.environ.update(environment or {})
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def create_database(database_url: str) -> None:
    """Create the benchmark's database if it does not exist (never the product's own)."""
    server, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def migrate(environment: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env={**os.environ, **environment},
        check=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=PROJECT,
        env={**os.environ, **environment},
        check=True,
    )
