from tests.casereview.test_settings_validation import run_manage


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k7Gq2vN9xLr4TzW8pYc3HsB6mJd1QfVa5EuR0oKi-not-a-real-key-but-long-and-random",
        ALLOWED_HOSTS="casereview.example.gov.uk",
        CSRF_TRUSTED_ORIGINS="https://casereview.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_switched_off():
    """Proves the check above can fail: the HTTPS settings are what make it pass."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="k7Gq2vN9xLr4TzW8pYc3HsB6mJd1QfVa5EuR0oKi-not-a-real-key-but-long-and-random",
        ALLOWED_HOSTS="casereview.example.gov.uk",
        HTTPS="false",
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout
