"""A web process loads the lemma dictionary as it starts (casereview/wsgi.py), so the first phone
answer each process takes does not wait 0.3 to 1 s for it (docs/benchmarks.md, issue 23)."""

import importlib

import simplemma

from workshops.polls import text


def test_starting_a_web_process_loads_the_dictionary(monkeypatch):
    loaded = []
    monkeypatch.setattr(simplemma, "lemmatize", lambda word, lang: loaded.append((word, lang)) or word)
    text._lemma.cache_clear()
    import casereview.wsgi

    importlib.reload(casereview.wsgi)
    assert loaded == [("answers", "en")]
    text._lemma.cache_clear()
