"""A code that matches no open workshop is answered on the follow check and the shared cards
from the one set of open codes the cache keeps: no database query, and nothing kept in the web
process for it (before, every guess cost a query and a cache write, and could push the live
workshops' cards out of the process's memory)."""

from django.test import Client

from workshops.polls import follow


def test_wrong_codes_cost_no_query_and_keep_nothing(workshop, words_poll, django_assert_num_queries):
    phone = Client(REMOTE_ADDR="198.51.100.50")
    phone.get(f"/j/{workshop.join_code}/")  # the set of open codes is read
    phone.get(f"/j/{workshop.join_code}/cards/")
    kept = dict(follow._shared_cards)
    with django_assert_num_queries(0):
        for code in ("AAAAAA", "BBBBBB", "CCCCCC"):
            assert phone.get(f"/j/{code}/follow/").status_code == 200
            assert phone.get(f"/j/{code}/cards/").status_code == 200
    assert set(follow._shared_cards) <= set(kept) | {(follow.NO_WORKSHOP, follow.NOTHING_OPEN_VERSION)}
