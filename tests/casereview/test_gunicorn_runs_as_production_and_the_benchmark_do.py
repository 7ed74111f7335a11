"""gunicorn's settings are one module, run by the image, docker-compose.yml, the benchmark and the
live-server tests alike; its access log leaves out the GETs that say nothing changed (the phones'
follow checks: nearly every request of a workshop day) and keeps every other request."""

import json
import re

from tests.live import PROJECT, Processes, app_environment, database_url_of_tests, wait_until

CONFIG = "python:casereview.gunicorn_config"


def test_the_image_compose_the_benchmark_and_the_live_tests_start_gunicorn_with_the_one_config():
    for path in ("Dockerfile", "docker-compose.yml", "bench/server.py", "tests/live.py", "README.md"):
        text = (PROJECT / path).read_text()
        assert CONFIG in text, path
        assert "--access-logfile" not in text and "--no-control-socket" not in text, path


def test_the_access_log_keeps_what_changed_and_leaves_out_the_follow_checks_that_found_nothing(
    postgresql, redis_url, transactional_db, tmp_path, workshop, words_poll
):
    processes = Processes(tmp_path)
    try:
        server = processes.web(app_environment(database_url_of_tests(), redis_url))
        code = workshop.join_code
        status, headers, body = server.get(f"/j/{code}/follow/")
        assert status == 200
        version = re.search(r'"version": "([0-9a-f]+)"', body).group(1)
        for _ in range(5):
            assert server.get(f"/j/{code}/follow/?v={version}")[0] == 204
        assert server.get(f"/j/{code}/follow/", {"If-None-Match": f'"{version}"'})[0] == 304
        assert server.get(f"/j/{code}/cards/")[0] == 200

        def logged():
            return [line for line in processes.log("gunicorn").splitlines() if f"/j/{code}/" in line]

        wait_until(lambda: len(logged()) >= 2, 10, "the access log's lines")
        lines = logged()
        assert len(lines) == 2, lines
        # One JSON object a line (casereview/gunicorn_config.py): the path, never the query string.
        access = [json.loads(line) for line in lines]
        assert [(line["path"], line["status"]) for line in access] == [
            (f"/j/{code}/follow/", 200),
            (f"/j/{code}/cards/", 200),
        ]
    finally:
        processes.stop_all()
