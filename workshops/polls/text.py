"""Poll answer text: how answers are normalised for the word cloud (docs/design.md, "Decisions
worth knowing") and screened before they reach a shared screen."""

import re
import string
import unicodedata
from functools import lru_cache

import simplemma

MAX_PHRASE_LENGTH = 40

# Dropped from the start of an answer ("the friends" counts as "friends") and the few that add
# nothing at its end; a phrase keeps its middle ("quality of life" stays whole). Words that carry
# meaning stay wherever they are: "being heard" is not "heard", "to be happy" is "be happy". An
# answer of filler words only is refused as too general.
LEADING_FILLER = frozenset(
    (
        "a an the to and or of for in on at with it its that this my our their them they i we you very really just so"
    ).split()
)
TRAILING_FILLER = frozenset("a an the and or so very really just".split())
# Left off the end of the counting form only: "listened to" and "listening" count together.
TRAILING_PARTICLES = frozenset("to".split())

# The default list an LA starts with and can edit: common English swear words and insults.
# Matching is by whole word, so "Scunthorpe" or "assessment" are never refused.
DEFAULT_BLOCKED_WORDS = sorted(
    """arse arsehole ass asshole bastard bellend bitch bloody bollocks bugger bullshit cock crap cunt damn dick
    dickhead fag faggot fuck fucked fucker fucking minge motherfucker nigger paki piss pissed prick pussy retard
    retarded shag shit shite slag slut spastic spaz twat wanker whore""".split()
)

_WHITESPACE = re.compile(r"\s+")
_EDGE_PUNCTUATION = string.punctuation + "“”‘’«»…–—"


def normalise_phrase(text: str) -> str:
    """Case, surrounding punctuation, whitespace and filler at the edges; '' if nothing is left."""
    words = [word.strip(_EDGE_PUNCTUATION) for word in _WHITESPACE.split(text.casefold())]
    words = [word for word in words if word]
    while words and words[0] in LEADING_FILLER:
        words.pop(0)
    while words and words[-1] in TRAILING_FILLER:
        words.pop()
    return " ".join(words)


# Characters that reorder how text is shown (right-to-left overrides, embeddings, isolates): an
# answer needs none, and "\u202ekcuf" is drawn as a word the filter never saw.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def bidi_controls_in(text: str) -> bool:
    """Whether ``text`` holds a character that changes the direction it is shown in."""
    return any(character in BIDI_CONTROLS for character in text)


@lru_cache(maxsize=4096)
def _latin_look_alike(character: str) -> str:
    """The Latin letter ``character`` is drawn like (Cyrillic с -> c), or the character itself."""
    if character.isascii():
        return character
    from confusable_homoglyphs import confusables  # its tables load on first use, not at start-up

    found = confusables.is_confusable(character, greedy=True, preferred_aliases=["latin"]) or []
    for entry in found:
        for homoglyph in entry["homoglyphs"]:
            if homoglyph["n"].startswith("LATIN") and homoglyph["c"].isascii():
                return homoglyph["c"]
    return character


def screening_form(text: str) -> str:
    """``text`` as the profanity filter reads it: NFKC (full-width and styled letters become plain),
    format characters dropped (zero-width spaces and joiners, soft hyphens), look-alike letters
    of other scripts read as the Latin ones, case folded."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")
    return "".join(_latin_look_alike(c) for c in text).casefold()


@lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="en")


def load_dictionaries() -> None:
    """Load simplemma's English dictionary now. It loads on first use, which takes a web process
    0.3 to 1 s: without this, the first phone answer each process takes waits that long."""
    _lemma("answers")


def phrase_key(normalised: str) -> str:
    """The form answers are counted together by: each word of the normalised phrase lemmatised
    with simplemma ("schools" → "school", "listening" → "listen", "being heard" → "be hear"),
    a trailing "to" left off. Never shown: the cloud shows the phrase people gave most."""
    words = [_lemma(word) for word in normalised.split()]
    while len(words) > 1 and words[-1] in TRAILING_PARTICLES:
        words.pop()
    return " ".join(words)[:60]


def blocked_words_in(text: str, blocked: list[str]) -> list[str]:
    """The blocked words or phrases that ``text`` contains as whole words, however they are disguised."""
    folded = " " + " ".join(re.findall(r"[\w']+", screening_form(text))) + " "
    return [entry for entry in blocked if f" {entry} " in folded]


def parse_blocked_words(lines: str) -> list[str]:
    """The LA's list as typed (one per line) in the form ``blocked_words_in`` compares."""
    return sorted({" ".join(re.findall(r"[\w']+", line.casefold())) for line in lines.splitlines()} - {""})
