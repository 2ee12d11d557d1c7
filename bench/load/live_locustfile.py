"""Locust scenario of a live session (issue 14): phones, the projector, the
facilitator, all through the real views.

`Phone`: joins with the code (the join page, the code, the organisation and a name:
the session asks for names, so the database can be matched to each phone's record
afterwards), then polls every 2 s as the page does (`?v=` of the version it shows,
204 while nothing changed). When a poll shows a step to answer it answers its
statements one autosave at a time, 0.5-1.5 s apart, then hands the step in; it
polls on meanwhile. Every phone sends no X-Forwarded-For: the whole room comes from
one address (127.0.0.1), as behind one NAT.

`Projector`: polls every 2 s and reads the readiness counts ("N of M done"). Each
hand-in's acknowledgement time is recorded; the k-th acknowledged hand-in of a step
counts as shown when a projector poll first shows k or more done (a count cannot
show a hand-in before it was committed, and none is withdrawn in this scenario), so
its delay is from the acknowledgement to the end of that poll, end to end.

`Facilitator`: the consultant's browser (a logged-in session from the seed). Reveals
a step once every joined phone handed it in (or after LIVE_STEP_SECONDS), and moves
on LIVE_REVEAL_SECONDS later, through the control view as the buttons do.
"""

import json
import os
import random
import re
import time
from collections import Counter, defaultdict

from locust import HttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
RECORD_PATH = os.environ["LOAD_ACKNOWLEDGED"]
STEP_SECONDS = float(os.environ.get("LIVE_STEP_SECONDS", "25"))
REVEAL_SECONDS = float(os.environ.get("LIVE_REVEAL_SECONDS", "4"))
POLL_SECONDS = 2.0
# A phone's think time per statement, uniform between these (seconds).
ANSWER_SECONDS = tuple(
    float(x) for x in os.environ.get("LIVE_ANSWER_SECONDS", "0.5,1.5").split(",")
)
# Each phone's own pace, drawn once: its think times are multiplied by a factor
# uniform between these. "1,1" (the default) gives every phone the same pace, so
# a room hands in within a second or two; a real room reads at different speeds.
PHONE_PACE = tuple(
    float(x) for x in os.environ.get("LIVE_PHONE_PACE", "1,1").split(",")
)
PHONE_POLL = "/live/phone/poll/"
PROJECTOR_POLL = "/live/screen/[token]/poll/"
ANSWER = "/live/phone/answer/"
HAND_IN = "/live/phone/hand-in/"

# {phone label: {question id: last acknowledged value}}
acknowledged = {}
statuses = Counter()
timings = defaultdict(list)  # exact response times (ms) of the polls and saves
# {step version: [acknowledgement times]} and the projector's view of them.
hand_ins = defaultdict(list)
readiness_delays = []
shown = {"state": None, "ready": 0, "joined": 0}
_phone_number = 0
TIMED = {PHONE_POLL, PROJECTOR_POLL, ANSWER, HAND_IN}


# The figures count from the moment every phone has joined (LIVE_PHONES): the
# join storm of a whole room (a session, a respondent, a token each) is not
# what a room in session costs, and it would land inside the clock.
PHONES = int(os.environ.get("LIVE_PHONES", "0"))
joined_phones = 0
window = {"since": None, "requests": 0}
# Every request in the window as (start, name, ms): where in the session the slow
# ones fall (a step change, the hand-ins at a step's end), not only how many.
trace = []


@events.request.add_listener
def _record(name, response, exception, response_time, **kwargs):
    statuses["connection error" if response is None else str(response.status_code)] += 1
    if window["since"] is None:
        return
    window["requests"] += 1
    trace.append((round(kwargs.get("start_time", 0), 3), name, round(response_time, 1)))
    if name in TIMED and exception is None:
        timings[name].append(response_time)


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(RECORD_PATH, "w") as out:
        json.dump(
            {
                "acknowledged": acknowledged,
                "statuses": statuses,
                "timings": timings,
                "readiness_delays": readiness_delays,
                "hand_ins": sum(len(times) for times in hand_ins.values()),
                "locked": [],
                "window": window,
                "trace": trace,
            },
            out,
        )


def _version(text):
    found = re.search(r'hx-get="[^"]*\?v=([\d.]+)"', text)
    return found.group(1) if found else None


def _cookie(jar, name):
    return next((cookie.value for cookie in jar if cookie.name == name), "")


class Phone(FastHttpUser):
    """geventhttpclient with keep-alive (FastHttpUser), not requests: a few times
    less CPU per request for the generator that shares the server's cores."""

    wait_time = constant(0)
    concurrency = 1

    def on_start(self):
        global _phone_number
        _phone_number += 1
        self.label = f"phone-{_phone_number}"
        self.mine = acknowledged.setdefault(self.label, {})
        self.version = None
        self.answering = None  # the state version of the step being answered
        self.done = set()  # state versions handed in
        self.rng = random.Random(_phone_number)  # noqa: S311 - load data
        self.pace = self.rng.uniform(*PHONE_PACE)
        self.answer_at = None  # when the next statement is answered
        code = PLAN["join_code"]
        self.client.get(f"/live/?code={code}", name="/live/")
        joined = self.client.post(
            "/live/",
            data={"code": code, "csrfmiddlewaretoken": self._csrf()},
            name="/live/ (code)",
        )
        organisation = PLAN["organisations"][_phone_number % 2]
        joined = self.client.post(
            "/live/organisation/",
            data={
                "organisation": organisation,
                "label": self.label,
                "csrfmiddlewaretoken": self._csrf(),
            },
            name="/live/organisation/",
        )
        self.version = _version(joined.text)
        self.last_poll = time.monotonic()
        self._read(joined.text)
        global joined_phones
        joined_phones += 1
        if joined_phones >= PHONES and window["since"] is None:
            window["since"] = time.time()

    def _csrf(self):
        return _cookie(self.client.cookiejar, "csrftoken")

    def _read(self, text):
        """What the shown page asks of the phone: the statements of a step not
        handed in yet."""
        questions = sorted(set(re.findall(r'name="q-(\d+)"', text)))
        state = (self.version or "").split(".")[0]
        if questions and state not in self.done:
            self.answering = (state, questions, list(questions))
        else:
            self.answering = None

    def _poll_if_due(self):
        wait = self.last_poll + POLL_SECONDS - time.monotonic()
        if wait > 0:
            return wait
        self.last_poll = time.monotonic()
        with self.client.get(
            f"{PHONE_POLL}?v={self.version}",
            name=PHONE_POLL,
            headers={"HX-Request": "true"},
            catch_response=True,
        ) as response:
            if response.status_code == 204:
                response.success()
            elif response.status_code == 200:
                self.version = _version(response.text) or self.version
                self._read(response.text)
                response.success()
        return POLL_SECONDS

    @task
    def follow_the_session(self):
        wait = self._poll_if_due()
        if self.answering is None:
            self.answer_at = None
            time.sleep(min(wait, POLL_SECONDS))
            return
        # The think time before the next statement (or the hand-in), polling on
        # meanwhile. Until session 3 the sleep was cut short at the next poll and
        # the phone answered then: think times above the poll interval (2 s)
        # became about 2 s.
        now = time.monotonic()
        if self.answer_at is None:
            self.answer_at = now + self.pace * self.rng.uniform(*ANSWER_SECONDS)
        if self.answer_at > now:
            time.sleep(min(wait, self.answer_at - now))
            return
        self.answer_at = None
        state, questions, left = self.answering
        headers = {"X-CSRFToken": self._csrf(), "HX-Request": "true"}
        if left:
            question = left.pop()
            value = self.rng.randint(1, 5)
            response = self.client.post(
                ANSWER,
                data={f"q-{question}": str(value)},
                headers=headers,
                name=ANSWER,
            )
            if response.status_code == 200:
                self.mine[question] = value
            return
        values = {q: self.mine.get(q) or self.rng.randint(1, 5) for q in questions}
        response = self.client.post(
            HAND_IN,
            data={f"q-{q}": str(v) for q, v in values.items()},
            headers=headers,
            name=HAND_IN,
        )
        if response.status_code == 200:
            hand_ins[state].append(time.monotonic())
            self.mine.update(values)
            self.done.add(state)
            self.version = _version(response.text) or self.version
            self.answering = None


class Projector(FastHttpUser):
    """The room's screen."""

    wait_time = constant(POLL_SECONDS)
    fixed_count = 1
    concurrency = 1

    def on_start(self):
        self.path = f"/live/screen/{PLAN['projector_token']}/poll/"
        self.version = "0"

    @task
    def poll(self):
        response = self.client.get(
            f"{self.path}?v={self.version}",
            name=PROJECTOR_POLL,
            headers={"HX-Request": "true"},
        )
        if response.status_code != 200:
            return
        at = time.monotonic()
        self.version = _version(response.text) or self.version
        counts = re.findall(r"(\d+) (?:of|van) (\d+) ", response.text)
        joined = re.findall(r"(\d+) (?:joined|aangemeld)", response.text)
        state = self.version.split(".")[0]
        ready = sum(int(r) for r, _m in counts)
        shown.update(
            state=state,
            ready=ready,
            joined=sum(int(m) for _r, m in counts) or sum(int(j) for j in joined),
            answering=bool(counts),
        )
        # The k-th acknowledged hand-in of this step is shown once k are done.
        times = hand_ins.get(state, [])
        seen = shown.setdefault("seen", {}).get(state, 0)
        for acknowledged_at in times[seen : min(ready, len(times))]:
            readiness_delays.append((at - acknowledged_at) * 1000)
        shown["seen"][state] = max(seen, min(ready, len(times)))


class Facilitator(HttpUser):
    wait_time = constant(1)
    fixed_count = 1

    def on_start(self):
        session = PLAN["facilitator_session"]
        self.client.cookies.set(session["cookie"], session["key"])
        self.page = PLAN["facilitator_path"]
        self.client.get(self.page, name="facilitator page")
        self.phase_since = time.monotonic()
        self.revealed = False

    def _control(self, action):
        page = self.client.get(self.page, name="facilitator page")
        position = re.search(r'name="position" value="(\d+)"', page.text)
        self.client.post(
            self.page + "control/",
            {
                "action": action,
                "position": position.group(1) if position else "0",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name=f"control ({action})",
        )
        self.phase_since = time.monotonic()

    @task
    def steer(self):
        since = time.monotonic() - self.phase_since
        if self.revealed:
            if since >= REVEAL_SECONDS:
                self._control("next")
                self.revealed = False
            return
        everyone = shown.get("answering") and shown["ready"] >= shown["joined"] > 0
        if everyone or since >= STEP_SECONDS:
            self._control("reveal")
            self.revealed = True
