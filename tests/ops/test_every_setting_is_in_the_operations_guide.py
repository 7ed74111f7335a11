"""docs/operations.md's table of environment variables lists every variable the settings read,
and none they do not: an operator can trust it."""

import re

from tests.ops.conftest import PROJECT


def test_the_environment_table_matches_what_the_settings_read():
    read = set()
    for path in (PROJECT / "casereview").glob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r'env_(?:str|int|bool|list|database|redis_url)\(\s*"([A-Z][A-Z0-9_]*)"', text))
        read |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"', text))
    guide = (PROJECT / "docs" / "operations.md").read_text()
    table = guide.split("## Environment variables", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.M))
    assert "SECRET_KEY" in read and "DATABASE_URL" in read
    assert read - documented == set(), "read by the settings but not in docs/operations.md"
    assert documented - read == set(), "in docs/operations.md but read by no setting"
