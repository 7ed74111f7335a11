"""Every rating's shading reads: the text colour in a shaded cell has a contrast of at least 4.5:1
(WCAG 2.2 AA) against its fill, in Word and on the page, and the page uses the same colours."""

import re

import pytest
from django.contrib.staticfiles import finders

from improvement.board_paper import SHADES
from improvement.models import Rating


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_check_can_fail():
    assert contrast("FFC000", "FFFFFF") < 4.5  # white on amber would be refused
    assert round(contrast("000000", "FFFFFF"), 1) == 21.0


@pytest.mark.parametrize("rating", [Rating.RED, Rating.AMBER, Rating.GREEN, Rating.BLUE])
def test_each_shade_has_readable_text(rating):
    fill, text = SHADES[rating]
    assert contrast(fill, text) >= 4.5, f"{rating}: {contrast(fill, text):.2f}"


def test_not_yet_rated_is_never_shaded():
    assert Rating.NOT_RATED not in SHADES


def test_the_page_uses_the_same_colours_as_word():
    css = open(finders.find("improvement/ratings.css")).read()
    for rating, (fill, text) in SHADES.items():
        rule = re.search(rf"^\.rating-{rating} \{{([^}}]*)\}}", css, re.M)
        assert rule, rating
        assert f"background-color: #{fill};" in rule[1] and f"color: #{text};" in rule[1], rating
