"""The workshop-day load model: how many workshops one small server holds at once (issue 23).

Each simulated workshop makes the requests a real one makes, at the rate people make them:

- 100 phones following the presenter: each asks the follow address as often as its page says
  (poll-phone.js reads data-follow-every: 4 to 6 s since issue 37; 2 to 3 s before, and where the
  page does not say). When the lead opens a poll the check answers with the new
  version and the phone fetches the open polls' shared cards, as the script does; then it answers
  the new poll within 20 s of its opening (one request, answered with the poll's card);
- the lead opening a word poll, and a choice poll 30 s later (each workshop at its own moment,
  spread over the first 10 s, as no two rooms press the button at once);
- 10 facilitators, each saving a review every 60 to 120 s: a case's first review, answered with
  the next case's form;
- one projector asking for the open poll's results every 2 s (204 while nothing changed);
- the lead's control room refreshing every 5 s;
- two SEND leads opening the workshop's dashboard every 30 s.

Arrivals are open-loop: every request is sent at its scheduled moment whether or not the earlier
ones were answered, so a slow server shows as latency rather than as fewer requests. Latency is
measured from sending; how late the load generator itself sent (it shares the machine's two cores)
is reported beside it, so a step the generator could not drive is not blamed on the server.

The benchmark steps up the number of simultaneous workshops (1, 5, 10, 15, 20, 35, 50 by default),
one minute each, and stops after the first step that fails. The capacity is the largest step at
which every kind of request keeps p95 < 300 ms, p99 < 1 s and no errors, and every answer and
save sent is stored.
"""

import asyncio
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench.client import Client, ClientError
from bench.cpu import cpu_seconds
from bench.load import Measurement
from bench.web import THANKS, WORDS, Facilitator, Person, Phone, answer_request, join, room_of_cases, signed_in

RESULTS = Path(__file__).resolve().parent / "results"
PHONES_PER_WORKSHOP = 100
FACILITATORS_PER_WORKSHOP = 10
SEND_LEADS_PER_WORKSHOP = 2
# Seconds, as poll-phone.js follows the presenter where the page does not say (before issue 37);
# each side of a --compare run follows as its own page says (bench.web.follow_every).
FOLLOW_EVERY = (2.0, 3.0)
PROJECTOR_EVERY = 2.0  # _live_results.html: hx-trigger="every 2s"
CONTROL_ROOM_EVERY = 5.0  # control_room.html: hx-trigger="every 5s"
DASHBOARD_EVERY = 30.0
SAVE_EVERY = (60.0, 120.0)
ANSWER_WITHIN = 20.0  # seconds from the poll's opening
# A step's answers are awaited this long after its end; what is still unanswered then counts as an
# error of its kind (it would fail p99 < 1 s anyway). A step that collapsed otherwise waited out
# the client's 60 s timeout and took the run past 10 minutes.
ANSWERS_AWAITED_AFTER_THE_STEP = 15.0
WORD_POLL_OPENS = (2.0, 12.0)  # seconds into the step, each workshop at its own moment
CHOICE_POLL_AFTER = 30.0
CHOICES = ["Mainstream with support", "Resourced provision", "Special school", "Not sure yet"]
P95_LIMIT_MS, P99_LIMIT_MS = 300, 1000

KINDS = (
    "Follow check (phone)",
    "Cards after a poll opens (phone)",
    "Poll answer (phone, one request)",
    "Review save (facilitator)",
    "Projector refresh",
    "Control room refresh",
    "Dashboard (SEND lead)",
    "Open a poll (lead)",
)
FOLLOW, PAGE, ANSWER, SAVE, PROJECTOR, CONTROL_ROOM, DASHBOARD, OPEN_POLL = KINDS
OPEN_POLL_SECTION = re.compile(rb'<section class="card mb-4 poll-card" id="poll-(\d+)"')
FINGERPRINT = re.compile(rb'data-fingerprint="([^"]*)"')


@dataclass
class DayPhone:
    phone: Phone
    version: str
    answered: set = field(default_factory=set)
    follow: tuple[str, bytes] = ("", b"")  # the follow check as sent, encoded once for each version


@dataclass
class DayWorkshop:
    pk: int
    code: str
    lead: Person
    send_leads: list[Person]
    facilitators: list[Facilitator]
    polls: list[tuple[int, int]]  # each step's (word poll, choice poll)
    phones: list[DayPhone] = field(default_factory=list)
    showing: int | None = None  # the poll on the projector
    fingerprint: str = ""
    saved: dict[int, int] = field(default_factory=dict)  # facilitator number -> cases saved so far


def set_up(workshops: list[DayWorkshop], wanted: int, steps: int) -> None:
    """Add live workshops to the day's LA (made with the first) until there are ``wanted``: ten
    rooms each with a facilitator and eight cases, a lead, two SEND leads, and a word poll and a
    choice poll for each step (closed until the lead opens them). Made as the steps need them, so
    a run that stops early does not set up workshops it never uses."""
    from casereview.models import Membership, Organisation, Role, VocabularyTerm
    from casereview.services import membership_add, organisation_create
    from workshops import models

    if not workshops:
        organisation = organisation_create(slug="day", name="Workshop Day Borough Council")
        membership_add(organisation=organisation, email="lead@day.test", role=Role.LEAD)
        for n in (1, 2):
            membership_add(organisation=organisation, email=f"send-lead{n}@day.test", role=Role.VIEWER)
    organisation = Organisation.objects.get(slug="day")
    terms = {}
    for term in VocabularyTerm.objects.filter(organisation=organisation).order_by("position"):
        terms.setdefault(term.kind, []).append(term)
    lead = Membership.objects.get(user__email="lead@day.test")
    send_leads = [Membership.objects.get(user__email=f"send-lead{n}@day.test").user for n in (1, 2)]
    rng = random.Random(23 + len(workshops))
    made = workshops
    for number in range(len(workshops) + 1, wanted + 1):
        workshop = models.Workshop.objects.create(
            organisation=organisation,
            title=f"Case review day, workshop {number}",
            date=date.today(),
            status=models.Workshop.Status.LIVE,
        )
        facilitators = []
        for seat in range(1, FACILITATORS_PER_WORKSHOP + 1):
            member, _ = membership_add(
                organisation=organisation, email=f"facilitator{number}-{seat}@day.test", role=Role.FACILITATOR
            )
            cases = room_of_cases(workshop, f"Room {seat}", member.user, terms, rng, f"D-{number:02d}-{seat:02d}")
            facilitators.append(Facilitator(signed_in(member.user), cases, {allocation: 0 for _, allocation in cases}))
        polls = []
        for step in range(1, steps + 1):
            word = models.Poll.objects.create(
                workshop=workshop,
                question=f"Step {step}: what does an ideal outcome mean to you?",
                kind=models.Poll.Kind.WORDS,
                approve_first=False,
                position=2 * step,
            )
            choice = models.Poll.objects.create(
                workshop=workshop,
                question=f"Step {step}: where should support start?",
                kind=models.Poll.Kind.CHOICE,
                options=CHOICES,
                position=2 * step + 1,
            )
            polls.append((word.pk, choice.pk))
        made.append(
            DayWorkshop(
                workshop.pk,
                workshop.join_code,
                signed_in(lead.user),
                [signed_in(user) for user in send_leads],
                facilitators,
                polls,
            )
        )


def review_choices() -> dict:
    from casereview.models import VocabularyTerm
    from casereview.vocabularies import VocabularyKind

    terms = VocabularyTerm.objects.filter(organisation__slug="day").order_by("position")
    return {
        "areas": [t.pk for t in terms.filter(kind=VocabularyKind.NON_IDEAL_AREA)[:2]],
        "better": terms.filter(kind=VocabularyKind.PROVISION).first().pk,
        "themes": [t.pk for t in terms.filter(kind=VocabularyKind.THEME)[:2]],
    }


def _live_version(code: str) -> str:
    from workshops.polls.versions import live_version_from_database

    return live_version_from_database(code)


def _close_polls(workshops: list[DayWorkshop], step: int) -> None:
    """Between steps (not timed): the lead closes the step's polls, and the phones catch up."""
    from workshops.models import Poll
    from workshops.polls.services import poll_set_open

    for workshop in workshops:
        for poll in Poll.objects.filter(pk__in=workshop.polls[step], is_open=True).select_related("workshop"):
            poll_set_open(poll=poll, is_open=False)
        version = _live_version(workshop.code)
        for phone in workshop.phones:
            phone.version = version


@dataclass
class StepResult:
    workshops: int
    seconds: float
    measurements: dict[str, Measurement]
    answers_sent: int
    answers_stored: int
    saves_sent: int
    saves_stored: int
    cpu_percent: dict[str, float]  # of one core, by kind of process
    send_lag_p99_ms: float  # how late the load generator sent, at the 99th percentile
    # What the server said it stored (an answer's thank-you, a save's next case) and is not in the
    # database, checked row by row: data lost, whether or not the step held otherwise.
    answers_lost: int = 0
    saves_lost: int = 0

    def problems(self) -> list[str]:
        found = []
        for kind, m in self.measurements.items():
            if not m.requests and not m.errors:
                continue
            if m.errors:
                found.append(f"{kind}: {m.errors} errors ({m.error_examples[0]})")
            if m.percentile(95) >= P95_LIMIT_MS:
                found.append(f"{kind}: p95 {m.percentile(95):.0f} ms")
            if m.percentile(99) >= P99_LIMIT_MS:
                found.append(f"{kind}: p99 {m.percentile(99):.0f} ms")
        if self.answers_stored != self.answers_sent:
            found.append(f"answers stored {self.answers_stored:,} of {self.answers_sent:,}")
        if self.saves_stored != self.saves_sent:
            found.append(f"reviews stored {self.saves_stored:,} of {self.saves_sent:,}")
        if self.answers_lost or self.saves_lost:
            found.append(f"acknowledged but not stored: {self.answers_lost:,} answers, {self.saves_lost:,} reviews")
        return found

    @property
    def holds(self) -> bool:
        return not self.problems()


class Day:
    """One step: every workshop's people, each request sent at its scheduled moment."""

    def __init__(self, base_url: str, workshops: list[DayWorkshop], step: int, seconds: float, choices: dict):
        self.base_url, self.origin = base_url, base_url.replace("http://", "https://")
        self.workshops, self.step, self.seconds, self.choices = workshops, step, seconds, choices
        self.measurements = {kind: Measurement(kind, 0, seconds) for kind in KINDS}
        self.lags: list[float] = []
        self.timeline: list[
            tuple[float, str, float, bool]
        ] = []  # (sent, kind, latency, ok), for bench/results/day-timeline.json
        self.in_flight = 0  # requests sent and not yet answered
        self.rng = random.Random(step)
        self.answers_sent = 0  # rows an answer sent should store (a word poll: one per word)
        self.saves_sent = 0
        # What the server acknowledged: (poll, the phone's cookies, a word or the choice) for each
        # row an answer with the thank-you stored, and the allocation of each save answered with the
        # next case. Checked against the database after the step (``_acknowledged_not_stored``).
        self.acknowledged_answers: list[tuple[int, str, str]] = []
        self.acknowledged_saves: list[int] = []

    # --- Sending and timing -------------------------------------------------------------------

    async def _until(self, moment: float) -> None:
        delay = moment - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    def _send(self, kind: str, scheduled: float, request) -> None:
        """Send now: ``request()`` gives the request as bytes and the check of its answer
        (``check(response)``: None when it is what was expected, or a short reason), or None when
        the person has nothing to send (counted as answered at once, as it always was). The answer
        is checked when it is in, in a callback of the client's: the next request never waits for
        this one's answer, and no task is made for it."""
        started = time.perf_counter()
        self.lags.append(started - scheduled)
        prepared = request()
        if prepared is None:
            self._answered(None, kind, started, None)
            return
        self.in_flight += 1
        self.http.start(prepared[0], self._answered, kind, started, prepared[1])

    def _answered(self, response, kind: str, started: float, check) -> None:
        """Latency from sending to the whole answer read and checked."""
        if check is None:
            problem = None
        else:
            self.in_flight -= 1
            if isinstance(response, ClientError):
                problem = f"{type(response).__name__}: {response}"
            else:
                try:
                    problem = check(response)
                except Exception as exc:  # noqa: BLE001 - an answer the check could not read is an error, never hidden
                    problem = f"{kind}: HTTP {response.status}, unreadable ({type(exc).__name__}: {exc})"
        latency = time.perf_counter() - started
        self.timeline.append((started - self.start, kind, latency, problem is None))
        if problem is None:
            self.measurements[kind].latencies.append(latency)
        else:
            self.measurements[kind].error(problem)

    def _every(self, kind: str, interval, request, first=None) -> asyncio.Future:
        """``request()`` at a random first moment in the first interval, then every ``interval`` s
        (a (low, high) pair: a random interval each time) until the step ends. Timed by the loop's
        timer callbacks, not a sleeping task each: the future returned is done with the last."""
        low, high = interval if isinstance(interval, tuple) else (interval, interval)
        loop = asyncio.get_running_loop()
        done = loop.create_future()

        def at_moment(at: float) -> None:
            # The next moment first: a request that raised would otherwise end this person's day and
            # leave the step waiting for a future that never completes.
            schedule(at + self.rng.uniform(low, high))
            self._send(kind, at, request)

        def schedule(at: float) -> None:
            if at < self.end:
                loop.call_later(at - time.perf_counter(), at_moment, at)
            else:
                done.set_result(None)

        schedule(self.start + (first if first is not None else self.rng.uniform(0, high)))
        return done

    # --- The people ---------------------------------------------------------------------------

    def _phone(self, workshop: DayWorkshop, phone: DayPhone):
        def check(response) -> str | None:
            if response.status == 204:
                return None
            if response.status != 200:
                return f"follow: HTTP {response.status}"
            phone.version = json.loads(response.body)["version"]
            self._send(PAGE, time.perf_counter(), lambda: self._page(workshop, phone))
            return None

        def follow():
            if phone.follow[0] != phone.version:
                phone.follow = (
                    phone.version,
                    self.http.request(
                        "GET", f"/j/{workshop.code}/follow/?v={phone.version}", {"X-Forwarded-For": phone.phone.address}
                    ),
                )
            return phone.follow[1], check

        return self._every(FOLLOW, phone.phone.follow_every or FOLLOW_EVERY, follow)

    def _page(self, workshop: DayWorkshop, phone: DayPhone):
        """What poll-phone.js does when the version changed: fetch the open polls' shared cards
        (no cookie) and bring in the new ones. The phone then answers each poll it has not
        answered, within 20 s of its opening."""

        def check(response) -> str | None:
            if response.status != 200:
                return f"cards: HTTP {response.status}"
            for found in OPEN_POLL_SECTION.finditer(response.body):
                poll = int(found.group(1))
                if poll not in phone.answered:
                    phone.answered.add(poll)
                    opened = self.opened.get(poll, time.perf_counter())
                    at = self.rng.uniform(max(time.perf_counter(), opened + 1), opened + ANSWER_WITHIN)
                    asyncio.create_task(self._answer_at(workshop, phone, poll, at))
            return None

        request = self.http.request(
            "GET",
            f"/j/{workshop.code}/cards/?v={phone.version}",
            {"X-Forwarded-For": phone.phone.address, "Accept": "text/html"},
        )
        return request, check

    async def _answer_at(self, workshop: DayWorkshop, phone: DayPhone, poll: int, at: float) -> None:
        await self._until(at)
        word_poll = poll == workshop.polls[self.step][0]
        data = (
            {"word": self.rng.sample(WORDS, self.rng.randint(1, 3))}
            if word_poll
            else {"choice": self.rng.choice(CHOICES)}
        )
        self.answers_sent += len(data["word"]) if word_poll else 1

        def check(response) -> str | None:
            if response.status != 200 or THANKS not in response.body:
                return f"answer: HTTP {response.status}" + ("" if response.status != 200 else " without the thank-you")
            self.acknowledged_answers += [
                (poll, phone.phone.cookie, given) for given in (data["word"] if word_poll else [data["choice"]])
            ]
            return None

        def answer():
            sent = answer_request(self.base_url, workshop.code, poll, phone.phone, data)
            return self.http.request(
                "POST", sent["url"].removeprefix(self.base_url), sent["headers"], sent["data"]
            ), check

        self._send(ANSWER, at, answer)

    def _facilitator(self, workshop: DayWorkshop, number: int):
        facilitator = workshop.facilitators[number]

        def save():
            position = workshop.saved.get(number, 0)
            if position >= len(facilitator.cases):
                return None  # the room is done: nothing to send
            workshop.saved[number] = position + 1
            room, allocation = facilitator.cases[position]
            ideal = self.rng.random() < 0.5
            data = [
                ("action", "save"),
                ("version", str(facilitator.versions[allocation])),
                ("ideal_outcome", "yes" if ideal else "no"),
                ("notes", ""),
            ] + [("themes", str(pk)) for pk in self.choices["themes"]]
            if not ideal:
                data += [("non_ideal_areas", str(pk)) for pk in self.choices["areas"]] + [
                    ("better_provision", str(self.choices["better"]))
                ]
            self.saves_sent += 1

            def check(response) -> str | None:
                if response.status != 200 or "hx-push-url" not in response.headers:
                    return f"review save: HTTP {response.status} without the next case"
                facilitator.versions[allocation] += 1
                self.acknowledged_saves.append(allocation)
                return None

            request = self.http.request(
                "POST",
                f"/rooms/{room}/cases/{allocation}/review/",
                facilitator.person.headers(self.origin, htmx=True),
                data,
            )
            return request, check

        return self._every(SAVE, SAVE_EVERY, save, first=self.rng.uniform(0, SAVE_EVERY[0]))

    def _lead(self, workshop: DayWorkshop):
        word, choice = workshop.polls[self.step]
        lead = workshop.lead.headers(self.origin)

        async def open_poll(poll: int, at: float) -> None:
            await self._until(at)

            def check(response) -> str | None:
                if response.status != 302:
                    return f"open a poll: HTTP {response.status}"
                workshop.showing, workshop.fingerprint = poll, ""
                return None

            def press():
                self.opened[poll] = time.perf_counter()
                return self.http.request("POST", f"/polls/{poll}/state/", lead, {"action": "open"}), check

            self._send(OPEN_POLL, at, press)

        opens_at = self.start + self.rng.uniform(*WORD_POLL_OPENS)
        return asyncio.gather(open_poll(word, opens_at), open_poll(choice, opens_at + CHOICE_POLL_AFTER))

    def _screens(self, workshop: DayWorkshop):
        lead = workshop.lead.headers(self.origin, htmx=True)
        showing: list = [None, b""]  # (poll, fingerprint) and the projector's request for them, encoded once

        def projector_check(response) -> str | None:
            if response.status == 200:
                found = FINGERPRINT.search(response.body)
                workshop.fingerprint = found.group(1).decode() if found else ""
                return None
            return None if response.status == 204 else f"projector: HTTP {response.status}"

        def projector():
            if workshop.showing is None:
                return None  # nothing opened yet: the projector shows the join code only
            if showing[0] != (workshop.showing, workshop.fingerprint):
                showing[:] = (
                    (workshop.showing, workshop.fingerprint),
                    self.http.request(
                        "GET", f"/polls/{workshop.showing}/present/results/?since={workshop.fingerprint}", lead
                    ),
                )
            return showing[1], projector_check

        def expect_200(what: str, request: bytes):
            def check(response) -> str | None:
                return None if response.status == 200 else f"{what}: HTTP {response.status}"

            return lambda: (request, check)

        control_room = expect_200(
            "control room", self.http.request("GET", f"/workshops/{workshop.pk}/control-room/", lead)
        )
        dashboards = [
            expect_200(
                "dashboard",
                self.http.request("GET", f"/dashboards/workshops/{workshop.pk}/", person.headers(self.origin)),
            )
            for person in workshop.send_leads
        ]
        return [
            self._every(PROJECTOR, PROJECTOR_EVERY, projector),
            self._every(CONTROL_ROOM, CONTROL_ROOM_EVERY, control_room),
            *(self._every(DASHBOARD, DASHBOARD_EVERY, dashboard) for dashboard in dashboards),
        ]

    async def run(self) -> None:
        self.opened: dict[int, float] = {}
        self.start = time.perf_counter() + 0.5
        self.end = self.start + self.seconds
        self.http = Client(self.base_url)
        people = []
        for workshop in self.workshops:
            people += [self._phone(workshop, phone) for phone in workshop.phones]
            people += [self._facilitator(workshop, number) for number in range(len(workshop.facilitators))]
            people += [self._lead(workshop), *self._screens(workshop)]
        await asyncio.gather(*people)
        # Answers still due (a poll opened late in the step) and requests still in flight.
        while self.in_flight or any(
            not task.done() for task in asyncio.all_tasks() if task is not asyncio.current_task()
        ):
            await asyncio.sleep(0.1)
            if time.perf_counter() > self.end + ANSWERS_AWAITED_AFTER_THE_STEP:
                break
        self.http.close()  # anything still unanswered is counted as an error, with its reason
        for measurement in self.measurements.values():
            measurement.seconds = self.seconds


async def _join_phones(base_url: str, workshop: DayWorkshop) -> None:
    joined = await join(base_url, workshop.code, PHONES_PER_WORKSHOP, words=0)
    version = await asyncio.to_thread(_live_version, workshop.code)
    workshop.phones = [DayPhone(phone, version) for phone in joined]


def _stored(workshops: list[DayWorkshop], step: int) -> tuple[int, int]:
    from workshops.models import CaseReview, PollResponse

    polls = [pk for workshop in workshops for pk in workshop.polls[step]]
    answers = PollResponse.objects.filter(poll_id__in=polls).count()
    reviews = CaseReview.objects.filter(allocation__workshop_id__in=[w.pk for w in workshops]).count()
    return answers, reviews


def phone_token(cookies: str) -> str:
    """The phone's token as the server stores it with its answers: its signed cookie, read as the
    server reads it."""
    from django.http import HttpRequest
    from django.http.cookie import parse_cookie

    from workshops.polls.views.attendee import PHONE_COOKIE, PHONE_COOKIE_SALT

    request = HttpRequest()
    request.COOKIES = parse_cookie(cookies)
    return request.get_signed_cookie(PHONE_COOKIE, salt=PHONE_COOKIE_SALT)


def _acknowledged_not_stored(day: Day) -> tuple[int, int]:
    """How many answer rows and reviews the server acknowledged that are not in the database."""
    from workshops.models import CaseReview, PollResponse

    polls = {poll for poll, _, _ in day.acknowledged_answers}
    stored = {
        (poll, phone, text or choice)
        for poll, phone, text, choice in PollResponse.objects.filter(poll_id__in=polls).values_list(
            "poll_id", "phone", "text", "choice"
        )
    }
    tokens = {cookies: phone_token(cookies) for cookies in {cookies for _, cookies, _ in day.acknowledged_answers}}
    answers_lost = sum(
        1 for poll, cookies, given in day.acknowledged_answers if (poll, tokens[cookies], given) not in stored
    )
    reviewed = set(
        CaseReview.objects.filter(allocation_id__in=day.acknowledged_saves).values_list("allocation_id", flat=True)
    )
    return answers_lost, len(set(day.acknowledged_saves) - reviewed)


class Steps:
    """The steps of one run, one at a time: the workshops set up and the phones joined stay from
    one step to the next. ``run`` below takes them in turn against one server; the side-by-side
    mode (bench/compare.py) takes each side's in turn, its server started for each step."""

    def __init__(self, steps: list[int], seconds: float, say, timeline=None):
        self.steps, self.seconds, self.say = steps, seconds, say
        # Where each step's timeline of requests is kept: bench/results/day-timeline-N.json.
        self.timeline = timeline or (lambda count: RESULTS / f"day-timeline-{count}.json")
        self.workshops: list[DayWorkshop] = []

    def step(self, index: int, base_url: str, settle, cpu=cpu_seconds) -> StepResult:
        """The step ``steps[index]``: its workshops set up and their phones joined (not timed), then
        measured. ``cpu()``: CPU seconds by (kind, process), as bench/cpu.py reads them."""
        count, seconds, say, workshops = self.steps[index], self.seconds, self.say, self.workshops
        started = time.perf_counter()
        set_up(workshops, count, len(self.steps))
        choices = review_choices()
        for workshop in workshops[:count]:
            if not workshop.phones:
                asyncio.run(_join_phones(base_url, workshop))
        say(
            f"  {count} workshops: set up and {count * PHONES_PER_WORKSHOP:,} phones joined "
            f"in {time.perf_counter() - started:.1f} s (not timed)"
        )
        in_step = workshops[:count]
        _, reviews_before = _stored(in_step, index)
        # Nothing queued or running; refreshes the worker holds for later (a minute after answers)
        # are left to run during the step, as on a real day, where earlier answers' refreshes
        # always overlap the later ones (waiting for them cost a minute a step).
        settle(scheduled=False)
        cpu_before = cpu()
        day = Day(base_url, in_step, index, seconds, choices)
        asyncio.run(day.run())
        cpu_after = cpu()
        answers, reviews = _stored(in_step, index)
        totals: dict[str, float] = {}
        for (kind, pid), used in cpu_after.items():
            totals[kind] = totals.get(kind, 0.0) + used - cpu_before.get((kind, pid), 0.0)
        ordered = sorted(day.lags)
        result = StepResult(
            count,
            seconds,
            day.measurements,
            day.answers_sent,
            answers,
            day.saves_sent,
            reviews - reviews_before,
            {kind: used / seconds * 100 for kind, used in totals.items()},
            ordered[int(0.99 * (len(ordered) - 1))] * 1000 if ordered else 0.0,
            *_acknowledged_not_stored(day),
        )
        say_step(result, say)
        self.timeline(count).write_text(json.dumps(day.timeline))
        _close_polls(in_step, index)
        time.sleep(1.5)  # longer than a web process remembers the poll version (versions.LIVE_VERSION_MEMO_SECONDS)
        return result


def run(base_url: str, steps: list[int], seconds: float, settle, say, keep_going: bool = False) -> list[StepResult]:
    """Each step in turn, the busiest last; stops after the first step that does not hold."""
    day_steps = Steps(steps, seconds, say)
    results = []
    for index, count in enumerate(steps):
        result = day_steps.step(index, base_url, settle)
        results.append(result)
        if not result.holds and not keep_going:
            say(f"  {count} workshops do not hold: the steps above it are not run")
            break
    return results


def say_step(result: StepResult, say) -> None:
    for kind, m in result.measurements.items():
        if m.requests or m.errors:
            say(
                f"    {kind}: {m.rate:,.1f} req/s, p50 {m.percentile(50):.0f} ms, p95 {m.percentile(95):.0f} ms, "
                f"p99 {m.percentile(99):.0f} ms, {m.errors} errors"
            )
    cpu = ", ".join(f"{kind} {percent:.0f}%" for kind, percent in result.cpu_percent.items())
    say(
        f"    answers stored {result.answers_stored:,} of {result.answers_sent:,}; "
        f"reviews {result.saves_stored} of {result.saves_sent}; "
        f"acknowledged but not stored: {result.answers_lost} answers, {result.saves_lost} reviews; "
        f"CPU (of one core) {cpu}; the generator sent p99 {result.send_lag_p99_ms:.0f} ms late"
    )
    say(f"    {'holds' if result.holds else 'does not hold: ' + '; '.join(result.problems())}")


def record(r: StepResult) -> dict:
    """A step as bench/results/latest.json (and day-compare.json) keep it."""
    return {
        "workshops": r.workshops,
        "holds": r.holds,
        "problems": r.problems(),
        "answers_sent": r.answers_sent,
        "answers_stored": r.answers_stored,
        "saves_sent": r.saves_sent,
        "saves_stored": r.saves_stored,
        "answers_lost": r.answers_lost,
        "saves_lost": r.saves_lost,
        "cpu_percent": r.cpu_percent,
        "send_lag_p99_ms": r.send_lag_p99_ms,
        "kinds": [
            {
                "name": m.name,
                "requests": m.requests,
                "rate": m.rate,
                "p50_ms": m.percentile(50),
                "p95_ms": m.percentile(95),
                "p99_ms": m.percentile(99),
                "errors": m.errors,
            }
            for m in r.measurements.values()
            if m.requests or m.errors
        ],
    }


def capacity(results: list[StepResult]) -> int:
    """The largest number of workshops held, every step below it held too."""
    held = 0
    for result in results:
        if not result.holds:
            break
        held = result.workshops
    return held
