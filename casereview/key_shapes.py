"""What a feed key (analytics/feed/) looks like, so that one sent where it does not belong (an
address, which ends up in proxy logs, browser history, our read log and our own log lines) is
recognised and refused, and never kept. Here, not in analytics, because the logs of every request
(casereview/request_logging.py, the gunicorn access log) leave keys out too."""

import re

KEY_PREFIX = "crf_"  # "casereview feed": says what a key is when one turns up in a file or a log
# A key is KEY_PREFIX and secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
_KEY_CHARACTER = r"[A-Za-z0-9_\-]"
# With its prefix, anywhere in the text: even a few characters after "crf_" are most of a key.
_PREFIXED = re.compile(rf"{KEY_PREFIX}{_KEY_CHARACTER}{{8,}}")
# Without its prefix (pasted from the middle of the key): a run of 40 or more URL-safe characters
# mixing capitals, small letters and digits, as random keys almost always do and words never do.
_BARE = re.compile(rf"(?<!{_KEY_CHARACTER}){_KEY_CHARACTER}{{40,}}(?!{_KEY_CHARACTER})")
# A parameter named like a secret is refused whatever its value: Power BI's "API key" settings and
# tools' habits (?key=, ?token=, ?access_token=, ?api_secret=, ?auth=) put the key in the address.
SECRET_NAME_WORDS = ("key", "token", "secret", "auth", "passw", "bearer")
REMOVED = KEY_PREFIX + "(removed)"


def _random_looking(run: str) -> bool:
    return any(c.isupper() for c in run) and any(c.islower() for c in run) and any(c.isdigit() for c in run)


def _key_runs(text: str) -> list[tuple[int, int]]:
    """Where in ``text`` something shaped like a key stands, as (start, end) spans."""
    spans = [match.span() for match in _PREFIXED.finditer(text)]
    spans += [match.span() for match in _BARE.finditer(text) if _random_looking(match.group())]
    return spans


def looks_like_a_key(text: str) -> bool:
    return bool(_key_runs(text))


def names_a_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in SECRET_NAME_WORDS)


def without_keys(text: str) -> str:
    """``text`` with everything shaped like a key replaced, so it can be logged or kept."""
    kept, position = [], 0
    # Both patterns can find the same key; spans are taken in order and overlaps skipped.
    for start, end in sorted(_key_runs(text)):
        if start < position:  # inside (or overlapping) the span just removed
            position = max(position, end)
            continue
        kept += [text[position:start], REMOVED]
        position = end
    return "".join(kept) + text[position:]
