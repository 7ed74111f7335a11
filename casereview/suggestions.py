""" "Did you mean …?" for a name a person typed that nearly matches a known one (a slug, a
workshop title, a vocabulary code), so a typo costs one more try rather than a search."""

from difflib import get_close_matches


def did_you_mean(typed: str, known, *, cutoff: float = 0.6) -> str:
    """`` Did you mean “X”?`` (with its leading space) for the closest known name, or ``""``.

    Compared without case, spaces, dashes or underscores, so ``year group`` meets ``year_group``;
    of two known names alike in that way, the later one is suggested."""
    by_key = {_key(name): name for name in known}
    matches = get_close_matches(_key(typed), list(by_key), n=1, cutoff=cutoff)
    return f" Did you mean “{by_key[matches[0]]}”?" if matches else ""


def _key(name: str) -> str:
    return "".join(character for character in str(name).casefold() if character.isalnum())
