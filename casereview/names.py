"""Text that looks like a person's name (docs/design.md, "Tenancy and privacy").

Names cannot be recognised for certain, so this flags the shapes a name is usually typed in and
says which one it saw:

- a common given name followed by a capitalised word ("Jayden Smith"); the given names are the
  first-name lists Faker ships (its en_GB list, from the ONS, and its longer en list), read once
  per process;
- a title before a capitalised word ("Mrs Okoro", "Dr. Patel");
- a year group beside a capitalised word ("Smith Year 6", "Y6 Jayden"), but not beside a word in
  lower case ("Year 7 transition").

The capitalised word must not be a word of the SEND domain or a small word ("Early Help",
"Special School", "Hope And Aspiration" are not names). A few given names are also everyday
words ("Will", "May", "Grace", "Summer"): after one of them the next word must be one that is not
in the English dictionary simplemma ships ("Grace Okoro" is flagged, "Summer Fair" is not).

Words in capitals only ("SENCO", "EHCP") are not capitalised words. The poll queue marks such an
answer "may be a name" for its own tap; staff forms about children refuse it.
"""

import re
import unicodedata
from functools import cache

import simplemma
from django.core.exceptions import ValidationError

TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx"})

# Given names that are also ordinary words, in this domain or on a workshop's walls.
EVERYDAY_WORD_NAMES = frozenset(
    """
    Early Help Hope Grace Joy May Will Faith Sky Rose Summer Independent Special Autumn April June
    Case Chance Young Page Ward Art Bill Council Author Doctor Captain Colonel Admiral Commodore
    Baby Easter Christ Christian Angel Honor Honour Justice Liberty Patience Charity Destiny
    Harmony Trinity Unique Precious Ace Major Royal Sterling King Prince Princess Queen Duke Earl
    Deacon Bishop Master Mark Guy Sunny Dawn Eve Faye Holly Ivy Lily Poppy Daisy Violet Iris
    Amber Ruby Pearl Crystal Jade Hazel Heather Olive Willow Brook River Storm Rain Star Sun
    Forest Glen Dale Cliff Hill Stone Reed Wood Field Park Lane Street Chase Hunter Miles Rich
    Sincere True Noble Wise Free Lucky Happy Hero Blessing Gift Promise Serenity Spring Winter
    Ray Don Pat Sue Jack Jean Gene Sandy Rocky Rusty Dusty Frank Earnest Ernest Hardy Stanley
    Milton Kingston Lincoln Chester Preston Bradford Stafford Carlisle Devon Kent Essex Jersey
    """.split()
)

# Capitalised words of the domain (and small words) that never make the second half of a name.
DOMAIN_WORDS = frozenset(
    """
    a an and or of the in on at to for with by from as is are was were be been has have had not
    no but if so than then too very more less all any some it its their they we our you your he
    she his her him i me my this that these those who what when where how why can could should
    would will may might must need needs needed do does did get gets got make makes feel feels
    help helps support supported supports supporting plan plans planning school schools college
    colleges academy academies primary secondary nursery nurseries infant infants junior juniors
    setting settings unit units base bases hub hubs centre centres center trust trusts partnership
    assessment assessments education educational health care social parent parents carer carers
    family families forum forums transition transitions outcome outcomes inclusion inclusive
    independence learning teacher teachers teaching assistant assistants practice response meeting
    meetings officer officers worker workers work therapy therapies therapist therapists speech
    language communication mental emotional behaviour behaviours wellbeing term terms day days
    week weeks month months morning afternoon holiday holidays funding budget place places
    placement placements time times group groups class classes classroom key stage stages local
    authority authorities offer programme programmes project projects strategy policy board
    committee network pathway pathways process approach model voice views view team teams panel
    panels review reviews reviewed provision provisions service services needs send sen ehc
    ehcp plan year years pupil pupils child children young people person student students
    learner learners adult adults adulthood independent special mainstream alternative resourced
    provider providers fair fund friends friendship friendships safe safety school-based
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december spring summer autumn winter
    street road lane avenue close way drive house hall church park green
    """.split()
)

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
YEAR_WORDS = frozenset({"year", "yr"})
YEAR_NUMBER = re.compile(r"(?:[0-9]|1[0-4]|r)", re.IGNORECASE)
YEAR_SHORT = re.compile(r"[Yy](?:[1-9]|1[0-4])")


@cache
def given_names() -> frozenset[str]:
    """The first names Faker ships for Great Britain and for English, read once per process."""
    from faker.providers.person.en import Provider as English
    from faker.providers.person.en_GB import Provider as British

    names = {*English.first_names, *British.first_names_male, *British.first_names_female}
    return frozenset(name for name in names if len(name) > 1 and name.isalpha())


def looks_like_a_name(text: str) -> str | None:
    """Why ``text`` looks like a person's name, quoting what was typed, or None."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text or "") if unicodedata.category(c) != "Cf")
    tokens = list(WORD.finditer(text))

    def joined(i: int, *, dot: bool = False) -> bool:
        """Whether token i and token i + 1 stand side by side, only spaces between them."""
        if i < 0 or i + 1 >= len(tokens):
            return False
        gap = text[tokens[i].end() : tokens[i + 1].start()]
        return bool(re.fullmatch(r"\.?\s+" if dot else r"\s+", gap))

    words = [token.group() for token in tokens]

    def quote(first: int, last: int) -> str:
        return text[tokens[first].start() : tokens[last].end()]

    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word.lower() in TITLES and (word[0].isupper() or word.lower() != "miss"):
            if joined(i, dot=True) and _name_like(following):
                return f"“{quote(i, i + 1)}”: a title before a capitalised word"
        if _capitalised(word) and word in given_names() and joined(i) and _name_like(following):
            if word not in EVERYDAY_WORD_NAMES or not simplemma.is_known(following.lower(), lang="en"):
                return f"“{quote(i, i + 1)}”: a first name before a capitalised word"
        year = _year_group(words, i, joined)
        if year:
            first, last = year
            if first > 0 and joined(first - 1) and _name_like(words[first - 1]):
                return f"“{quote(first - 1, last)}”: a year group beside a capitalised word"
            if joined(last) and _name_like(words[last + 1]):
                return f"“{quote(first, last + 1)}”: a year group beside a capitalised word"
    return None


def _year_group(words: list[str], i: int, joined) -> tuple[int, int] | None:
    """(first, last) token of a year group starting at token i ("Year 6", "Yr 10", "Y6")."""
    if YEAR_SHORT.fullmatch(words[i]):
        return i, i
    if words[i].lower() in YEAR_WORDS and joined(i) and YEAR_NUMBER.fullmatch(words[i + 1]):
        return i, i + 1
    return None


def _capitalised(word: str) -> bool:
    """Capitalised: "Okoro", "McDonald", "O'Brien"; not "okoro", nor a word in capitals only ("SENCO")."""
    return word[:1].isupper() and not word.isupper() and not word.isdigit()


def _name_like(word: str) -> bool:
    """A capitalised word that is not a word of the domain nor a year group."""
    return (
        bool(word)
        and _capitalised(word)
        and word.lower() not in DOMAIN_WORDS
        and word.lower() not in YEAR_WORDS
        and not YEAR_SHORT.fullmatch(word)
    )


def reject_names(value: str) -> None:
    """The validator of a field about a child: refuses text that looks like a person's name."""
    reason = looks_like_a_name(value)
    if reason:
        raise ValidationError(
            f"This looks like a person's name ({reason}). Describe the child without naming them.",
            code="name",
        )
