"""docker-compose.yml, run by bin/compose-smoke: migrations once, /health/ with database, cache
and worker ok, beat's schedule and heartbeat, and a review saved through web reaching a
dashboard computed by the worker (ops/compose_smoke.py says how and what)."""

from tests.ops.conftest import run_smoke


def test_the_compose_file_runs_and_every_check_passes(smoke_can_run):
    smoke = run_smoke()
    assert smoke.returncode == 0, smoke.stdout
    for check in (
        "migrations ran once, in migrate",
        "the dashboard, computed by the worker, now counts",
        '"database": "ok", "cache": "ok", "worker": {"last_seen"',
        "beat wrote its schedule",
        "no errors in the logs",
    ):
        assert check in smoke.stdout, smoke.stdout
