from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``shares|get_item:theme.code``: a dictionary's value in a template (None when absent)."""
    return mapping.get(key) if mapping else None


@register.filter
def percent(share):
    return "—" if share is None else f"{share * 100:.0f}%"
