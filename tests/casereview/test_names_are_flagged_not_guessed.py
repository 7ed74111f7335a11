"""Text that looks like a person's name is flagged with the reason (casereview/names.py): a common
given name before a capitalised word, a title before one, a year group beside one. Ordinary SEND
phrases are not, measured on the demo's and the poll tests' answers (the false-positive rate stays
0). Staff forms about a child refuse such text; fields about staff do not."""

import ast
import datetime
import itertools
from pathlib import Path

import pytest

from casereview.names import given_names, looks_like_a_name
from improvement.forms import FollowUpForm, NextStepForm, ProgressNoteForm
from tests.fixtures import not_ideal_post
from workshops.demo import IDEAL_OUTCOME_ANSWERS
from workshops.forms import CaseReviewForm, RoomForm

ROOT = Path(__file__).resolve().parents[2]
POLL_TESTS = ROOT / "tests" / "workshops" / "polls"
# The answers of the poll tests that are names on purpose (they test the queue): true positives.
NAMES_IN_THE_POLL_TESTS = {"Jayden Smith", "Jayden Smith Year 6"}
# This suite's own file of names is not a corpus of ordinary answers.
NAME_TESTS = {"test_an_answer_that_may_be_a_name_needs_its_own_tap.py"}

NAMES = [
    ("Jayden Smith Year 6", "“Jayden Smith”: a first name"),
    ("Mrs Okoro at Oakfield", "“Mrs Okoro”: a title"),
    ("Olivia Brown", "first name"),
    ("Muhammad Ali", "first name"),
    ("Grace Okoro", "first name"),  # an everyday-word name, then a word no dictionary knows
    ("Dr. Patel", "“Dr. Patel”: a title"),
    ("Miss Patel", "title"),
    ("mr Okoro", "title"),
    ("Mx Taylor", "title"),
    ("Okoro Year 6", "“Okoro Year 6”: a year group"),
    ("Year 6 Okoro", "“Year 6 Okoro”: a year group"),
    ("Y6 Okoro", "year group"),
    ("Okoro Y10", "year group"),
    ("Yr 10 Okoro", "year group"),
    ("Year R Okoro", "year group"),
    ("Ｊａｙｄｅｎ Smith", "first name"),  # full-width letters
    ("Jay\u200bden Smith", "first name"),  # a zero-width space
    ("Discussed with Early Help. Jordan Smith moved in May.", "“Jordan Smith”"),
]

ORDINARY = [
    "feeling safe",
    "Feeling safe",
    "Early Help",
    "Early Help team",
    "Year 7 transition",
    "Y6 transition",
    "year 6 okoro",  # in lower case nothing says it is a name
    "jayden smith",
    "Special School",
    "Independent Special School",
    "Hope And Aspiration",
    "Grace Jones",  # an everyday-word name before a dictionary word: not flagged (a limit)
    "Summer Term",
    "Summer Fair",
    "Will Need Help",
    "May Improve",
    "Joy Of Learning",
    "Faith School",
    "Sky High",
    "Rose Garden",
    "Mark Making",
    "Parent Carer Forum",
    "Speech And Language Therapy",
    "Educational Psychology",
    "SENCO Year 6",
    "The Year 6 Team",
    "Year 6 SENCO",
    "Key Stage 2",
    "Miss School",
    "miss Patel",  # "miss" in lower case is the verb
    "Happiness",
    "Independence",
    "Preparing For Adulthood",
    "Right Support At The Right Time",
    "EHCP review in Year 9",
    "Transition planning in year 6",
    "Support in place in year 7",
    "",
]


def test_the_given_names_come_from_fakers_lists_and_are_read_once():
    assert given_names() is given_names()
    assert {"Jayden", "Olivia", "Muhammad", "Grace"} <= given_names()
    assert len(given_names()) > 5000


@pytest.mark.parametrize("text,reason", NAMES)
def test_a_name_is_flagged_with_its_reason(text, reason):
    assert reason in (looks_like_a_name(text) or "")


@pytest.mark.parametrize("text", ORDINARY)
def test_an_ordinary_phrase_is_not_flagged(text):
    assert looks_like_a_name(text) is None


@pytest.mark.parametrize(
    "first,title",
    list(itertools.product(["Jayden", "Olivia", "Noah", "Amelia", "Leo", "Muhammad", "Sophie"], ["Mrs", "Mr", "Dr"])),
)
def test_generated_names_are_flagged_however_placed(first, title):
    for text in (
        f"{first} Okoro",
        f"{first} Okoro Year 6",
        f"Year 6 {first}",
        f"talked to {title} Okoro",
        f"{title}. Okoro",
        f"Y5 {first}",
    ):
        assert looks_like_a_name(text), text
    for text in (f"{first.lower()} okoro", f"{first} and friends", f"{first} SENCO", f"{title} school"):
        assert looks_like_a_name(text) is None, text


@pytest.mark.parametrize("word", ["Help", "School", "Support", "Plan", "Team", "Review", "Provision", "Transition"])
@pytest.mark.parametrize("name", ["Early", "Special", "Independent", "Hope", "Grace", "Joy", "May", "Will", "Summer"])
def test_an_everyday_word_name_before_a_domain_word_is_not_flagged(name, word):
    assert looks_like_a_name(f"{name} {word}") is None
    assert looks_like_a_name(f"{name} {word} Year 7 transition") is None


def _strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from _strings(element)


def poll_test_answers() -> set[str]:
    """The phrases the poll tests send as answers: ``word=``/``words=``/``text=`` arguments, the
    values of form fields named word-N, and the arguments of their parametrize marks."""
    found = set()
    for path in sorted(POLL_TESTS.glob("*.py")):
        if path.name in NAME_TESTS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg in ("word", "words", "text"):
                found.update(_strings(node.value))
            elif isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and str(key.value).startswith("word"):
                        found.update(_strings(value))
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize":
                for argument in node.args[1:]:
                    for element in getattr(argument, "elts", []):
                        found.update(_strings(element))
    return {phrase for phrase in found if phrase.strip()}


def test_no_ordinary_answer_of_the_demo_or_the_poll_tests_is_flagged():
    demo = {text for text, _, _ in IDEAL_OUTCOME_ANSWERS}
    tests = poll_test_answers()
    assert NAMES_IN_THE_POLL_TESTS <= tests and len(tests) > 30  # the corpus is really read
    corpus = (demo | tests | {"feeling safe", "Early Help", "Year 7 transition"}) - NAMES_IN_THE_POLL_TESTS
    flagged = sorted(phrase for phrase in corpus if looks_like_a_name(phrase))
    assert flagged == [], f"false positives: {len(flagged)} of {len(corpus)}"
    assert all(looks_like_a_name(phrase) for phrase in NAMES_IN_THE_POLL_TESTS)


REFUSAL = (
    "This looks like a person's name (“Jayden Smith”: a first name before a capitalised word). "
    "Describe the child without naming them."
)


def test_case_review_notes_refuse_a_name_with_the_reason(organisation, term):
    form = CaseReviewForm(
        not_ideal_post(term, notes="Jayden Smith Year 6 needs a specialist place"), organisation=organisation
    )
    assert not form.is_valid()
    assert form.errors["notes"] == [REFUSAL]
    fine = CaseReviewForm(
        not_ideal_post(term, notes="Early Help involved; Year 7 transition went well"), organisation=organisation
    )
    assert fine.is_valid(), fine.errors


def test_a_follow_up_note_refuses_a_name_with_the_reason():
    data = {"date": datetime.date(2026, 9, 1), "outcome": "other"}
    form = FollowUpForm({**data, "note": "Mrs Okoro at Oakfield says he is settled"})
    assert not form.is_valid()
    assert form.errors["note"] == [
        "This looks like a person's name (“Mrs Okoro”: a title before a capitalised word). "
        "Describe the child without naming them."
    ]
    assert FollowUpForm({**data, "note": "Moved to the Special School in Year 7"}).is_valid()


def test_fields_about_staff_take_a_name(workshop):
    assert RoomForm({"name": "Mrs Okoro's room"}, workshop=workshop).is_valid()
    assert ProgressNoteForm({"date": "2026-09-01", "text": "Jayden Smith (SENCO) led the audit"}).is_valid()
    assert NextStepForm({"text": "Dr Patel to brief the panel"}).is_valid()
