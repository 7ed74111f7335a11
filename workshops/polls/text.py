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


# Characters that draw nothing (Unicode's default-ignorable code points that are not format
# characters): Hangul fillers, the combining grapheme joiner, variation selectors, Mongolian free
# variation selectors, Khmer inherent vowels. "fu\u3164ck" is drawn "fuck".
_DRAWN_AS_NOTHING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0" + "".join(map(chr, range(0xFE00, 0xFE10)))
)
# Letters NFKD leaves whole that are drawn like a plain Latin one ("sh\u0131t").
_PLAIN_LETTERS = str.maketrans({"\u0131": "i", "\u0237": "j", "\u0138": "k", "\u01c0": "l", "\u0269": "i"})


def _drawn_as_nothing(character: str) -> bool:
    return (
        character in _DRAWN_AS_NOTHING
        or 0xE0100 <= ord(character) <= 0xE01EF  # variation selectors supplement
        or unicodedata.category(character) in ("Cf", "Mn", "Me", "Mc")  # format characters, combining marks
    )


def screening_form(text: str) -> str:
    """``text`` as the profanity filter reads it: NFKD (full-width and styled letters become plain,
    accented letters split into letter and mark), format characters, combining marks, variation
    selectors and Hangul fillers dropped (zero-width spaces and joiners, soft hyphens, "fu\u0301ck",
    "fu\ufe0fck"), dotless i read as i, look-alike letters of other scripts read as the Latin ones,
    case folded."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not _drawn_as_nothing(c))
    return "".join(_latin_look_alike(c) for c in text.translate(_PLAIN_LETTERS)).casefold()


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
    folded = _screened_words(text)
    return [entry for entry in blocked if (words := _screened_entry(entry)).strip() and words in folded]


def _screened_words(text: str) -> str:
    """The words of ``text`` in its screening form, with a space either side."""
    return " " + " ".join(re.findall(r"[\w']+", screening_form(text))) + " "


@lru_cache(maxsize=4096)
def _screened_entry(entry: str) -> str:
    """An LA's entry read the same way as an answer, so that one with an accent ("pédé") or in
    another script still matches."""
    return _screened_words(entry)


def parse_blocked_words(lines: str) -> list[str]:
    """The LA's list as typed (one per line) in the form ``blocked_words_in`` compares."""
    return sorted({" ".join(re.findall(r"[\w']+", line.casefold())) for line in lines.splitlines()} - {""})
