"""The compose smoke test's failure paths: a compose file with one of the defects it exists to
catch is run through it (with this checkout as the build context) and must fail, saying why."""

from pathlib import Path

import pytest
import yaml

from ops.compose_smoke import SmokeFailure, check_pinned_install_in, context_files
from tests.ops.conftest import PROJECT, run_smoke


def broken(tmp_path: Path, change) -> str:
    """docker-compose.yml with ``change`` applied to it, as a file of its own."""
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    change(compose["services"])
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(compose, sort_keys=False))
    return str(path)


def smoke(compose_file: str):
    return run_smoke("--file", compose_file, "--project-directory", str(PROJECT))


def test_it_fails_when_beat_cannot_write_its_schedule(tmp_path, smoke_can_run):
    def schedule_in_the_working_directory(services):
        # Beat's default: celerybeat-schedule in /app, which belongs to root.
        services["beat"]["command"] = "celery -A casereview beat --loglevel INFO"

    result = smoke(broken(tmp_path, schedule_in_the_working_directory))
    assert result.returncode == 1
    assert "FAILED: beat stopped" in result.stdout
    assert "Permission denied" in result.stdout


def test_it_fails_when_the_worker_can_start_before_the_migrations(tmp_path, smoke_can_run):
    def worker_waits_only_for_the_database(services):
        services["worker"]["depends_on"] = {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }

    result = smoke(broken(tmp_path, worker_waits_only_for_the_database))
    assert result.returncode == 1
    assert "FAILED: worker starts before the migrations have run" in result.stdout
    assert "Planned operations:" in result.stdout, result.stdout


def test_it_fails_when_the_database_password_is_written_into_the_file(tmp_path):
    def hard_coded_password(services):
        services["db"]["environment"]["POSTGRES_PASSWORD"] = "casereview"

    result = smoke(broken(tmp_path, hard_coded_password))
    assert result.returncode == 1
    assert "FAILED: db: the database password is written into docker-compose.yml" in result.stdout


def test_it_fails_when_the_worker_also_runs_beat(tmp_path):
    def beat_inside_the_worker(services):
        services["worker"]["command"] = "celery -A casereview worker --beat --loglevel INFO"

    result = smoke(broken(tmp_path, beat_inside_the_worker))
    assert result.returncode == 1
    assert "FAILED: beat must run once, as a service of its own" in result.stdout


def test_the_image_holds_what_runs_and_nothing_else():
    shipped = {path.split("/")[0] for path in context_files(PROJECT)}
    assert {"manage.py", "requirements.txt", "casereview", "workshops", "analytics", "templates", "static"} <= shipped
    assert not shipped & {"tests", "bench", "docs", "ops", ".git", ".ci", ".env", ".venv", "bin"}
    assert not any("__pycache__" in path for path in context_files(PROJECT))


def test_dockerignore_is_read_as_docker_reads_it(tmp_path):
    for path in (
        "app/code.py",
        "app/__pycache__/code.pyc",
        "app/deep/x/__pycache__/y.pyc",
        "tests/test_x.py",
        "README.md",
        "static/site.css",
        "notes/keep.txt",
        "notes/drop.txt",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x")
    (tmp_path / ".dockerignore").write_text("*\n!app\n!static\n!notes/keep.txt\n**/__pycache__\n")
    assert context_files(tmp_path) == ["app/code.py", "notes/keep.txt", "static/site.css"]


def test_it_fails_when_the_worker_health_check_relies_on_hostname(tmp_path):
    def ping_by_hostname(services):
        # Empty under podman with host networking: "No nodes replied".
        services["worker"]["healthcheck"]["test"] = [
            "CMD-SHELL",
            "celery -A casereview inspect ping --destination celery@$$HOSTNAME --timeout 5",
        ]

    result = smoke(broken(tmp_path, ping_by_hostname))
    assert result.returncode == 1
    assert "FAILED: worker relies on $HOSTNAME, which is empty under podman" in result.stdout


def test_it_fails_when_the_dockerfile_may_install_what_requirements_txt_does_not_pin(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    text = (PROJECT / "Dockerfile").read_text()
    assert " --no-deps " in text
    dockerfile.write_text(text.replace(" --no-deps ", " "))
    with pytest.raises(SmokeFailure, match="pip install must take --no-deps"):
        check_pinned_install_in(dockerfile)
    dockerfile.write_text(text.replace(" && /opt/venv/bin/pip check", ""))
    with pytest.raises(SmokeFailure, match="must run pip check"):
        check_pinned_install_in(dockerfile)
    check_pinned_install_in(PROJECT / "Dockerfile")
