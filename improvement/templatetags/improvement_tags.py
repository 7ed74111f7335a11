from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from improvement.board_paper import board_paper, rating_label
from improvement.paragraphs import blocks

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``shares|get_item:theme.code``: a dictionary's value in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def percent(share):
    return "—" if share is None else f"{share * 100:.0f}%"


@register.filter
def paragraphs(text):
    """Typed text with its line breaks and bullets kept (improvement/paragraphs.py), escaped:
    paragraphs as <p>, runs of bullet lines as one <ul>. Nothing typed: an em dash."""
    parts = []
    for kind, value in blocks(text):
        if kind == "ul":
            parts.append(
                format_html('<ul class="mb-1 ps-3">{}</ul>', format_html_join("", "<li>{}</li>", ((i,) for i in value)))
            )
        else:
            parts.append(format_html('<p class="mb-1">{}</p>', value))
    return mark_safe("".join(parts)) if parts else "—"


@register.simple_tag
def board_paper_of(content):
    """A frozen update's content with every key the board paper reads, also for updates frozen
    before ratings, recommendations and refs were kept (improvement/board_paper.py)."""
    return board_paper(content)


@register.filter
def rating_words(rating):
    """A rating (red, amber, green, blue, "") in words: Red, Amber, Green, Complete, Not yet rated."""
    return rating_label(rating)


@register.inclusion_tag("improvement/_rating.html")
def rating_badge(rating):
    """A rating in words and colour: the colour is never the only signal."""
    return {"rating": rating or "", "label": rating_label(rating)}


@register.simple_tag
def sign_off_form():
    """An empty sign-off form for a frozen update's page (calendar_views.update_sign_off posts it)."""
    from improvement.forms import SignOffForm

    return SignOffForm()
