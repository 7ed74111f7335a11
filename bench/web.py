"""The HTTP benchmark: five requests people make on the day, each for a fixed time against the
production stack, then 2,000 phones answering at once.

The data is set up through the product's own services; people sign in the way Django's test client
does (a session made on the server) because a password check per simulated facilitator would only
measure the password hasher. Phones really join: they open the workshop's page and answer with the
cookie and form token it gave them.
"""

import asyncio
import itertools
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from bench.load import Measurement, closed_loop, session

WORDS = [
    "independence",
    "friends",
    "feeling safe",
    "belonging",
    "happy at school",
    "confidence",
    "being heard",
    "a good job",
    "college",
    "living locally",
    "trusted adults",
    "routine",
    "communication",
    "inclusion",
    "thriving",
    "family support",
    "healthy",
    "ambition",
    "resilience",
    "early help",
]
CASES_PER_ROOM = 8
# Enough cases that no facilitator runs out within a measurement: 12 workshops' rooms of 8 are 96
# first reviews each, against the 40 to 60 a facilitator saved in 10 s in the runs so far.
WORKSHOPS = 12
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGE_TOKEN = re.compile(rb'data-csrf-token="([^"]+)"')  # the phone page's own, there even before a poll opens
FOLLOW_EVERY_ON_PAGE = re.compile(rb'data-follow-every="(\d+) (\d+)"')  # ms: the base, the most added at random
# Phones are people on their own networks (mobile data, several schools' Wi-Fi), not one address:
# the attendee limits per client address (workshops/polls/limits.py) would otherwise refuse a
# burst no real room makes. Only a header value: the proxy reports these, no traffic goes to them
# (198.18.0.0/15 is the range set aside for benchmarks).
PHONE_ADDRESSES = (f"198.18.{n // 250 % 250}.{n % 250 + 1}" for n in itertools.count())
ANSWER_COUNT = re.compile(rb'data-testid="answer-count">(\d+)<')
THANKS = "Thank you, your answer is in.".encode()


@dataclass
class Person:
    """A signed-in member: the cookies and form token their browser would hold."""

    cookie: str
    token: str

    def headers(self, origin: str, htmx: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookie, "Origin": origin, "X-CSRFToken": self.token}
        return headers | ({"HX-Request": "true"} if htmx else {})


@dataclass
class Phone:
    cookie: str
    token: str
    words_left: int
    address: str  # the phone's own network address, as the TLS proxy reports it (X-Forwarded-For)
    # How often its page says to follow the presenter, (low, high) seconds; None where the page does
    # not say (before issue 37, poll-phone.js asked every 2 to 3 s: bench.day.FOLLOW_EVERY).
    follow_every: tuple[float, float] | None = None


@dataclass
class Facilitator:
    """A facilitator and the cases of their rooms in the order they review them: (room, allocation)."""

    person: Person
    cases: list[tuple[int, int]]
    versions: dict[int, int] = field(default_factory=dict)  # the review version each allocation is at


@dataclass
class Workshop:
    pk: int
    code: str
    answers_poll: int
    burst_poll: int
    words_per_phone: int
    lead: Person
    facilitators: list[Facilitator]
    review_choices: dict  # what a facilitator ticks: term ids for a non-ideal answer


def signed_in(user) -> Person:
    """A session for ``user`` made as django.test.Client.force_login makes one, and a CSRF secret.
    Each person has an authenticator app, as a programme lead must under the default policy
    (MFA_REQUIRED_FOR_DEFAULT, casereview/signin/policy.py): without one, every page of a lead's
    session would be a redirect to set one up."""
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest
    from django.utils.crypto import get_random_string

    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    secret = get_random_string(32)
    return Person(
        f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}; {settings.CSRF_COOKIE_NAME}={secret}", secret
    )


def room_of_cases(
    workshop, name: str, facilitator_user, terms: dict, rng: random.Random, reference: str
) -> list[tuple[int, int]]:
    """A breakout room of ``workshop`` with its facilitator and eight cases of random phase, need,
    support and provision (terms: the LA's, by kind); returns (room, allocation) in review order."""
    from casereview.vocabularies import VocabularyKind
    from workshops import models

    room = models.BreakoutRoom.objects.create(workshop=workshop, name=name)
    room.facilitators.add(facilitator_user)
    cases = models.Case.objects.bulk_create(
        models.Case(
            organisation_id=workshop.organisation_id,
            reference=f"{reference}{position}",
            year_group=str(rng.randint(7, 11)),
            **{
                field_name: rng.choice(terms[kind])
                for field_name, kind in [
                    ("phase", VocabularyKind.PHASE),
                    ("primary_need", VocabularyKind.PRIMARY_NEED),
                    ("support_level", VocabularyKind.SUPPORT_LEVEL),
                    ("current_provision", VocabularyKind.PROVISION),
                ]
            },
        )
        for position in range(1, CASES_PER_ROOM + 1)
    )
    allocations = models.CaseAllocation.objects.bulk_create(
        models.CaseAllocation(workshop=workshop, case=case, room=room, position=position)
        for position, case in enumerate(cases, start=1)
    )
    return [(room.pk, allocation.pk) for allocation in allocations]


def set_up(facilitators: int, workshops: int = WORKSHOPS) -> Workshop:
    """One LA running ``workshops`` live workshops, each with one room of eight cases per
    facilitator: a long day's worth, so that every save in the measurement is a case's first
    review and answers with the next case, as on the day. The first workshop, whose rooms are
    reviewed first, also has two open word polls and is the one whose dashboard is read."""
    from bench.dataset import empty_database
    from casereview.models import Role, VocabularyTerm
    from casereview.services import membership_add, organisation_create
    from casereview.vocabularies import VocabularyKind
    from workshops import models
    from workshops.polls.services import poll_saved

    empty_database()
    organisation = organisation_create(slug="bench", name="Benchmark Borough Council")
    terms = {}
    for term in VocabularyTerm.objects.filter(organisation=organisation).order_by("position"):
        terms.setdefault(term.kind, []).append(term)
    day = [
        models.Workshop.objects.create(
            organisation=organisation,
            title=f"Secondary transition case review, session {number}",
            date=date.today(),
            status=models.Workshop.Status.LIVE,
        )
        for number in range(1, workshops + 1)
    ]
    lead, _ = membership_add(organisation=organisation, email="lead@bench.test", role=Role.LEAD)
    rng = random.Random(9)
    made = []
    for number in range(1, facilitators + 1):
        facilitator, _ = membership_add(
            organisation=organisation, email=f"facilitator{number}@bench.test", role=Role.FACILITATOR
        )
        cases = []
        for sitting, workshop in enumerate(day, start=1):
            cases += room_of_cases(
                workshop, f"Room {number}", facilitator.user, terms, rng, f"C-{sitting:02d}-{number:02d}"
            )
        made.append(Facilitator(signed_in(facilitator.user), cases, {allocation: 0 for _, allocation in cases}))
    workshop = day[0]
    polls = [
        # Shown at once (approve before showing off): the burst measures how soon the projector shows them.
        models.Poll.objects.create(
            workshop=workshop, question=question, kind=models.Poll.Kind.WORDS, is_open=True, approve_first=False
        )
        for question in ("What does an ideal outcome mean to you?", "One word for how today felt")
    ]
    poll_saved(poll=polls[-1])  # as the lead's poll form does: the phones' version is announced
    return Workshop(
        workshop.pk,
        workshop.join_code,
        polls[0].pk,
        polls[1].pk,
        polls[0].words_per_attendee,
        signed_in(lead.user),
        made,
        {
            "areas": [t.pk for t in terms[VocabularyKind.NON_IDEAL_AREA][:2]],
            "better": terms[VocabularyKind.PROVISION][0].pk,
            "themes": [t.pk for t in terms[VocabularyKind.THEME][:2]],
        },
    )


async def join(base_url: str, code: str, phones: int, words: int, concurrency: int = 20) -> list[Phone]:
    """Phones opening the workshop's page: each keeps the cookies and the form token it was given."""
    joined: list[Phone] = []
    queue = iter(range(phones))

    async def one(http):
        for _ in queue:
            address = next(PHONE_ADDRESSES)
            async with http.get(f"{base_url}/j/{code}/", headers={"X-Forwarded-For": address}) as response:
                body = await response.read()
                cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())
                joined.append(
                    Phone(cookies, PAGE_TOKEN.search(body).group(1).decode(), words, address, follow_every(body))
                )

    async with session() as http:
        await asyncio.gather(*(one(http) for _ in range(concurrency)))
    return joined


def follow_every(page: bytes) -> tuple[float, float] | None:
    """How often poll-phone.js follows the presenter on this page: (low, high) seconds, or None
    when the page does not say (the script's own 2 to 3 s then)."""
    found = FOLLOW_EVERY_ON_PAGE.search(page)
    if found is None:
        return None
    base, jitter = int(found.group(1)) / 1000, int(found.group(2)) / 1000
    return base, base + jitter


def answer_request(base_url: str, code: str, poll: int, phone: Phone, data: dict) -> dict:
    """A phone's answer as poll-phone.js sends it: one request, answered with the poll's card."""
    return {
        "url": f"{base_url}/j/{code}/polls/{poll}/",
        "data": {"csrfmiddlewaretoken": phone.token, **data},
        "headers": {
            "Cookie": phone.cookie,
            "Origin": base_url.replace("http://", "https://"),
            "X-Forwarded-For": phone.address,
            "HX-Request": "true",
        },
        "allow_redirects": False,
    }


def _answer(base_url: str, code: str, poll: int, phone: Phone, rng: random.Random):
    return answer_request(base_url, code, poll, phone, {"word": rng.choice(WORDS)})


def _expect(status: int, wanted: int, what: str) -> str | None:
    return None if status == wanted else f"{what}: HTTP {status}"


async def phone_measurements(
    base_url: str, workshop: Workshop, *, phones: int, seconds: float, say, settle
) -> list[Measurement]:
    """The ceiling (a trivial endpoint), and beside it what phones ask most: the follow check and
    the answer (one request, answered with the card), each for a fixed time in a closed loop."""

    async def alive(http, client, n):
        async with http.get(f"{base_url}/health/alive/") as response:
            await response.read()
            return _expect(response.status, 200, "alive")

    results = []
    await asyncio.to_thread(settle)
    results.append(await closed_loop("Trivial endpoint (/health/alive/)", alive, clients=phones, seconds=seconds))
    say(results[-1])

    # What every phone on the workshop's page asks every 2 to 3.5 s to follow the presenter, beside
    # the ceiling: nothing changed, so the version comes from the cache and the answer is a 204.
    async with session() as http:
        async with http.get(f"{base_url}/j/{workshop.code}/follow/") as response:
            version = (await response.json())["version"]

    async def follow(http, client, n):
        async with http.get(f"{base_url}/j/{workshop.code}/follow/?v={version}") as response:
            await response.read()
            return _expect(response.status, 204, "follow")

    await asyncio.to_thread(settle)
    results.append(
        await closed_loop("Phone follow check (204, nothing changed)", follow, clients=phones, seconds=seconds)
    )
    say(results[-1])

    # Enough phones for every answer the ceiling's rate would allow, each giving its words one by one.
    needed = int(results[0].rate * seconds / workshop.words_per_phone) + phones
    started = time.perf_counter()
    joined = await join(base_url, workshop.code, needed, workshop.words_per_phone)
    say(f"  {len(joined):,} phones joined in {time.perf_counter() - started:.1f} s (not timed)")
    supply = iter(joined)
    holding: dict[int, Phone] = {}
    rng = random.Random(1)

    async def answer(http, client, n):
        phone = holding.get(client)
        if phone is None or phone.words_left == 0:
            phone = holding[client] = next(supply)
        phone.words_left -= 1
        async with http.post(**_answer(base_url, workshop.code, workshop.answers_poll, phone, rng)) as response:
            body = await response.read()
            return _expect(response.status, 200, "answer") or (
                None if THANKS in body else "answer: no thank-you in the card"
            )

    await asyncio.to_thread(settle)
    results.append(
        await closed_loop("Poll answer (one request, answered with the card)", answer, clients=phones, seconds=seconds)
    )
    results[-1].stored = await asyncio.to_thread(_stored_answers, workshop.answers_poll)
    say(results[-1])

    return results


async def scenarios(
    base_url: str, workshop: Workshop, *, phones: int, readers: int, seconds: float, say, settle
) -> list[Measurement]:
    """The six fixed-time measurements, in order; the ceiling first, the phones' follow check beside it.
    Each runs with as many clients as would make that request at once on the day: ``phones`` attendees,
    one per facilitator of ``workshop``, ``readers`` (SEND leads on dashboards, projector screens).
    ``settle()`` waits for the worker to finish what the previous measurement left it, before each one."""
    origin = base_url.replace("http://", "https://")
    results = await phone_measurements(base_url, workshop, phones=phones, seconds=seconds, say=say, settle=settle)

    async def save_review(http, client, n):
        facilitator = workshop.facilitators[client % len(workshop.facilitators)]
        # Case after case through the facilitator's rooms; should they all be done, saving again edits.
        room, allocation = facilitator.cases[n % len(facilitator.cases)]
        ideal = n % 2 == 0
        data = {
            "action": "save",
            "version": str(facilitator.versions[allocation]),
            "ideal_outcome": "yes" if ideal else "no",
            "notes": "",
        }
        data = list(data.items()) + [("themes", str(pk)) for pk in workshop.review_choices["themes"]]
        if not ideal:
            data += [("non_ideal_areas", str(pk)) for pk in workshop.review_choices["areas"]]
            data += [("better_provision", str(workshop.review_choices["better"]))]
        url = f"{base_url}/rooms/{room}/cases/{allocation}/review/"
        async with http.post(
            url, data=data, headers=facilitator.person.headers(origin, htmx=True), allow_redirects=False
        ) as response:
            await response.read()
            if response.status != 200 or "HX-Push-Url" not in response.headers:
                return f"review save: HTTP {response.status} without the next case (a conflict or a refused form)"
            facilitator.versions[allocation] += 1
            return None

    await asyncio.to_thread(settle)
    results.append(
        await closed_loop(
            "Review save (facilitator, htmx)", save_review, clients=len(workshop.facilitators), seconds=seconds
        )
    )
    say(results[-1])

    await asyncio.to_thread(_fresh_snapshots, workshop)
    lead = workshop.lead.headers(origin)

    async def dashboard(http, client, n):
        async with http.get(f"{base_url}/dashboards/workshops/{workshop.pk}/", headers=lead) as response:
            body = await response.read()
            if response.status == 200 and b"are out of date" in body:
                return "dashboard: figures not served from a current snapshot"
            return _expect(response.status, 200, "dashboard")

    await asyncio.to_thread(settle)
    results.append(await closed_loop("Workshop dashboard with its charts", dashboard, clients=readers, seconds=seconds))
    say(results[-1])

    async def projector(http, client, n):
        async with http.get(f"{base_url}/polls/{workshop.answers_poll}/present/results/", headers=lead) as response:
            body = await response.read()
            return _expect(response.status, 200, "projector") or (
                None if ANSWER_COUNT.search(body) else "projector: no count"
            )

    await asyncio.to_thread(settle)
    results.append(await closed_loop("Projector refresh (word cloud)", projector, clients=readers, seconds=seconds))
    say(results[-1])
    return results


@dataclass
class Burst:
    phones: int
    join_seconds: float
    answer_seconds: float
    statuses: dict
    stored: int
    visible_after: float  # seconds from the last answer's reply to the projector showing it


async def burst(base_url: str, workshop: Workshop, phones: int) -> Burst:
    """``phones`` phones join, then all answer at once; then the projector is asked until it counts them all."""
    started = time.perf_counter()
    joined = await join(base_url, workshop.code, phones, 1)
    join_seconds = time.perf_counter() - started
    rng = random.Random(2)
    statuses: dict[object, int] = {}

    async def one(http, phone):
        try:
            async with http.post(**_answer(base_url, workshop.code, workshop.burst_poll, phone, rng)) as response:
                await response.read()
                key = response.status
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            key = type(exc).__name__
        statuses[key] = statuses.get(key, 0) + 1

    started = time.perf_counter()
    async with session() as http:
        await asyncio.gather(*(one(http, phone) for phone in joined))
    last_reply = time.perf_counter()
    answer_seconds = last_reply - started

    lead = workshop.lead.headers(base_url.replace("http://", "https://"))
    async with session() as http:
        for _ in itertools.count():
            async with http.get(f"{base_url}/polls/{workshop.burst_poll}/present/results/", headers=lead) as response:
                found = ANSWER_COUNT.search(await response.read())
            if found and int(found.group(1)) >= phones or time.perf_counter() - last_reply > 30:
                break
            await asyncio.sleep(0.05)
    visible_after = time.perf_counter() - last_reply
    return Burst(
        phones,
        join_seconds,
        answer_seconds,
        statuses,
        await asyncio.to_thread(_stored_answers, workshop.burst_poll),
        visible_after,
    )


def _stored_answers(poll_pk: int) -> int:
    from workshops.models import PollResponse

    return PollResponse.objects.filter(poll_id=poll_pk).count()


def _fresh_snapshots(workshop: Workshop) -> None:
    """Bring the workshop's figures up to date, as the worker does after the saves."""
    from analytics.snapshots import compute_snapshot
    from workshops.models import Workshop as WorkshopModel

    organisation_id = WorkshopModel.objects.values_list("organisation_id", flat=True).get(pk=workshop.pk)
    compute_snapshot(organisation_id, f"workshop:{workshop.pk}")
