"""With Redis unreachable, reviews and answers are still saved; the lost refreshes are logged."""

import sqlite3

from tests.casereview.test_settings_validation import run_manage


def test_the_demo_saves_every_review_with_redis_down(tmp_path):
    database = tmp_path / "redis-down.sqlite3"
    environment = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}", "REDIS_URL": "redis://127.0.0.1:1/0"}
    assert run_manage("migrate", "--no-input", **environment).returncode == 0
    result = run_manage("demo", **environment)
    assert result.returncode == 0, result.stderr
    assert "Demo ready" in result.stdout
    assert "not queued; the sweep will catch up" in result.stderr
    with sqlite3.connect(database) as db:
        # The worked example's 28, and 5 reviews by a second room (calibration and double reviews).
        assert db.execute("SELECT count(*) FROM workshops_casereview").fetchone()[0] == 33
