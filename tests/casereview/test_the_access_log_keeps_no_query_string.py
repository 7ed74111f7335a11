"""The feed refuses an address that carries a key; gunicorn's access log must not keep it either:
it writes the request line with the path only (casereview/gunicorn_config.py)."""

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from casereview.gunicorn_config import AccessLogOfWhatChanged

KEY = "crf_" + "Ab3" * 14


def test_the_request_line_in_the_access_log_has_no_query_string():
    logger = AccessLogOfWhatChanged(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/feed/v1/outcome.csv?scope=all&api_key={KEY}",
        "PATH_INFO": "/feed/v1/outcome.csv",
        "QUERY_STRING": f"scope=all&api_key={KEY}",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    response = SimpleNamespace(status="400 Bad Request", status_code=400, sent=10, headers=[])
    request = SimpleNamespace(headers=[], method="GET", path="/feed/v1/outcome.csv", query=environ["QUERY_STRING"])
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1000))
    assert atoms["r"] == "GET /feed/v1/outcome.csv HTTP/1.1"
    assert KEY not in " ".join(str(value) for value in atoms.values())


def test_a_key_in_the_path_is_left_out_of_the_access_line(caplog):
    """The feed refuses a key put into the path (400); the access line keeps the path without it."""
    logger = AccessLogOfWhatChanged(Config())
    logger._access_log_enabled = True  # as an --access-logfile would make it
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/feed/v1/tables/{KEY}.csv", "SERVER_PROTOCOL": "HTTP/1.1"}
    response = SimpleNamespace(status="400 Bad Request", status_code=400, sent=10, headers=[])
    with caplog.at_level("INFO", logger="gunicorn.access"):
        logger.access(response, None, environ, timedelta(milliseconds=3))
    [line] = [record for record in caplog.records if record.name == "gunicorn.access"]
    assert line.path == "/feed/v1/tables/crf_(removed).csv"
    assert KEY not in line.getMessage() and KEY not in repr(line.__dict__)
