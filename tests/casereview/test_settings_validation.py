"""Settings come from the environment; a malformed value stops the process with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from casereview import env

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests' own process only
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CONN_MAX_AGE",
    "HTTPS",
    "EMAIL_HOST",
    "SECURE_HSTS_SECONDS",
    "BEHIND_TLS_PROXY",
}


def run_manage(*args, **variables):
    """Run manage.py in a fresh process with only the given settings variables set."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment["CASEREVIEW_ENV_FILE"] = os.devnull  # a developer's .env must not fill in what the test leaves unset
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("word,expected", [("true", True), ("YES", True), ("1", True), ("off", False), ("0", False)])
def test_it_reads_yes_no_words(monkeypatch, word, expected):
    monkeypatch.setenv("DEBUG", word)
    assert env.env_bool("DEBUG", not expected) is expected


def test_it_uses_the_default_when_a_variable_is_unset_or_blank(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert env.env_bool("DEBUG", True) is True
    monkeypatch.setenv("DEBUG", "  ")
    assert env.env_bool("DEBUG", False) is False


def test_it_refuses_a_yes_no_value_that_means_nothing(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='maybe' is not a yes/no value"):
        env.env_bool("DEBUG", False)


def test_it_refuses_a_number_that_is_not_one_or_too_small(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "sixty")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.env_int("CONN_MAX_AGE", 60, minimum=0)
    monkeypatch.setenv("CONN_MAX_AGE", "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env.env_int("CONN_MAX_AGE", 60, minimum=0)


def test_it_refuses_a_list_with_an_empty_item(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env.env_list("ALLOWED_HOSTS", [])
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    assert env.env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


@pytest.mark.parametrize("url", ["mysql://db/x", "postgres//nohost", "not a url", "postgres://localhost"])
def test_it_refuses_a_database_url_it_cannot_use(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database("DATABASE_URL", "sqlite:///x.sqlite3", conn_max_age=0)


def test_it_reads_a_postgres_url_with_persistent_connections(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://casereview:secret@db.internal:5432/casereview")
    config = env.env_database("DATABASE_URL", "sqlite:///x.sqlite3", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5432, "casereview")
    assert config["CONN_MAX_AGE"] == 60 and config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("url", ["localhost:6379", "http://localhost:6379", "redis://"])
def test_it_refuses_a_redis_url_it_cannot_use(monkeypatch, url):
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ImproperlyConfigured, match="not a Redis URL"):
        env.env_redis_url("REDIS_URL")


def test_the_app_does_not_start_with_debug_set_to_maybe():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a yes/no value" in result.stderr


def test_the_app_does_not_start_without_a_secret_key_when_debug_is_off():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="casereview.example.gov.uk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_with_nothing_but_debug_set_it_runs_on_sqlite_with_tasks_in_process():
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])",
        DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_with_redis_configured_celery_uses_it_and_the_cache_too():
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings as s; from casereview.celery import app; "
        "from celery.contrib.django.task import DjangoTask; "
        "print(app.conf.broker_url, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], "
        "issubclass(app.Task, DjangoTask), hasattr(app.Task, 'delay_on_commit'))",
        DEBUG="true",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/3",
        "False",
        "casereview.cache.ReusingRedisCache",
        "True",
        "True",
    ]


def test_postgresql_connections_tell_the_planner_index_reads_are_cheap(postgresql, db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_a_development_env_file_fills_in_what_the_environment_leaves_unset(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\n")
    assert run_manage("check", CASEREVIEW_ENV_FILE=str(env_file)).returncode == 0
    refused = run_manage("check", CASEREVIEW_ENV_FILE=str(env_file), DEBUG="false")  # the real environment wins
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr


def test_commands_print_no_library_banner(tmp_path):
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0
    assert "AXES" not in result.stderr + result.stdout
