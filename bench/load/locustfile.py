"""Locust scenario: participants answering at once, consultants reading results.

Participants open their own invitation link, then answer with the htmx autosave (one
statement per request, as the browser does on every click) and now and then post a
whole step as the plain form does. Every answer the server acknowledges with a 2xx is
recorded; `bench/load/run.py` compares them with the database afterwards.
Consultants log in, open the dashboard and the results page, and download the PDF.
Report downloaders (`ReportDownloader`, only when run.py names the class) change an
answer in their scan and download its report, again and again, and time each
download from the click to the PDF, whether the PDF comes in the first response
(rendered in the request) or after a "being prepared" page (rendered by the worker).

With LOAD_WINDOW_SECONDS set (the starvation run), time after all users have started
is cut into windows of that length, alternating: quiet (downloaders wait) and
downloading. Each autosave's time is recorded under the kind of window it started
in, except in the first LOAD_GUARD_SECONDS of a window, while the previous window's
downloads, polls and renders die down.

Each simulated client sends its own X-Forwarded-For address (the server runs with
PROXY_COUNT=1, as behind a proxy), so per-client throttles see distinct clients.
"""

import html
import json
import os
import random
import re
import time
from collections import Counter, defaultdict

from locust import HttpUser, between, constant, events, task
from locust.clients import HttpSession

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
ACKNOWLEDGED_PATH = os.environ["LOAD_ACKNOWLEDGED"]
_invitations = list(PLAN["invitations"])
_consultants = list(PLAN["consultants"])
_downloaders = list(PLAN.get("downloaders", []))
# {respondent id: {question id: last acknowledged value}}
acknowledged = {}
statuses = Counter()
locked_errors = []
_client_number = 0
# Every response time (ms) of these, for exact percentiles (locust's CSV rounds).
AUTOSAVE = "/q/save/ (autosave)"
CLICK_TO_PDF = "click -> PDF"
TIMED = {AUTOSAVE, CLICK_TO_PDF}
timings = defaultdict(list)
# How a downloader's clicks went: polls of a "being prepared" page, 429s.
downloads = Counter()
# Alternating windows (the starvation run); 0: no windows, downloaders always busy.
WINDOW_SECONDS = float(os.environ.get("LOAD_WINDOW_SECONDS", "0"))
GUARD_SECONDS = float(os.environ.get("LOAD_GUARD_SECONDS", "0"))
WINDOWS = int(os.environ.get("LOAD_WINDOWS", "0"))
QUIET, DOWNLOADING = "quiet", "downloading"
_windows_start = None
# Longest a downloader waits for one report before it counts the click as failed.
REPORT_PATIENCE_SECONDS = 180


def _next_address():
    global _client_number
    _client_number += 1
    return f"10.{_client_number // 250}.{_client_number % 250}.1"


@events.spawning_complete.add_listener
def _start_windows(**kwargs):
    global _windows_start
    _windows_start = time.time()


def window(at):
    """(kind, measured) of the window the moment `at` (epoch seconds) falls in;
    (None, False) outside the windows."""
    if not WINDOW_SECONDS or _windows_start is None or at < _windows_start:
        return None, False
    number, into = divmod(at - _windows_start, WINDOW_SECONDS)
    if number >= WINDOWS:
        return None, False
    return (DOWNLOADING if number % 2 else QUIET), into >= GUARD_SECONDS


@events.request.add_listener
def _count(response=None, exception=None, **kwargs):
    name = kwargs.get("name")
    if name in TIMED and exception is None:
        timings[name].append(kwargs["response_time"])
        kind, measured = window(kwargs.get("start_time", 0))
        if name == AUTOSAVE and measured:
            timings[f"{AUTOSAVE} {kind}"].append(kwargs["response_time"])
    if kwargs.get("request_type") == "REPORT":
        return  # our own event, not an HTTP response
    if response is not None:
        statuses[response.status_code] += 1
        if "database is locked" in (getattr(response, "text", "") or ""):
            locked_errors.append(kwargs.get("name"))
    else:
        statuses["connection error"] += 1


@events.test_stop.add_listener
def _dump(**kwargs):
    with open(ACKNOWLEDGED_PATH, "w") as out:
        json.dump(
            {
                "acknowledged": acknowledged,
                "statuses": {str(k): v for k, v in statuses.items()},
                "locked": locked_errors,
                "timings": timings,
                "downloads": downloads,
            },
            out,
        )


class Participant(HttpUser):
    weight = 50
    wait_time = between(0.5, 1.5)

    def on_start(self):
        invitation = _invitations.pop()
        self.respondent = str(invitation["respondent"])
        self.mine = acknowledged.setdefault(self.respondent, {})
        self.client.headers["X-Forwarded-For"] = _next_address()
        self.client.get(invitation["path"], name="/i/[token]/")
        self.steps = {}
        for number in (1, 2, 3):
            page = self.client.get(f"/q/step/{number}/", name="/q/step/[n]/")
            self.steps[number] = sorted(set(re.findall(r'name="q-(\d+)"', page.text)))

    def _csrf(self):
        return self.client.cookies.get("csrftoken", "")

    @task(8)
    def autosave(self):
        step = random.choice(list(self.steps))
        question = random.choice(self.steps[step])
        value = random.randint(1, 5)
        with self.client.post(
            "/q/save/",
            {f"q-{question}": str(value)},
            headers={"X-CSRFToken": self._csrf(), "HX-Request": "true"},
            name=AUTOSAVE,
            catch_response=True,
        ) as response:
            if 200 <= response.status_code < 300:
                self.mine[question] = value
                response.success()

    @task(2)
    def post_step(self):
        step = random.choice(list(self.steps))
        values = {q: random.randint(1, 5) for q in self.steps[step]}
        data = {f"q-{q}": str(v) for q, v in values.items()}
        data.update(csrfmiddlewaretoken=self._csrf(), nav="next")
        with self.client.post(
            f"/q/step/{step}/",
            data,
            name="/q/step/[n]/ (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.mine.update(values)
                response.success()

    @task(1)
    def review(self):
        self.client.get("/q/review/", name="/q/review/")


class Consultant(HttpUser):
    weight = 3
    fixed_count = len(PLAN["consultants"])
    wait_time = between(3, 6)

    def on_start(self):
        account = _consultants.pop()
        self.assessment = account["assessment"]
        self.client.headers["X-Forwarded-For"] = _next_address()
        self.client.get("/login/")
        self.client.post(
            "/login/",
            {
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="/login/ (post)",
        )

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/")

    @task(3)
    def results(self):
        self.client.get(
            f"/assessments/{self.assessment}/results/",
            name="/assessments/[id]/results/",
        )

    @task(1)
    def report(self):
        self.client.get(
            f"/assessments/{self.assessment}/report/?lang=nl",
            name="/assessments/[id]/report/",
        )


_REFRESH = re.compile(
    r'<meta[^>]+http-equiv="refresh"[^>]+content="(\d+)(?:;\s*url=([^"]*))?"', re.I
)


class ReportDownloader(HttpUser):
    """A consultant who downloads the report of a running scan again and again: an
    answer changes (through a respondent's own invitation, in a second session),
    then the click. Each download is timed from the click to the PDF and recorded
    as the request "REPORT click -> PDF"."""

    weight = 5
    fixed_count = len(PLAN.get("downloaders", []))
    wait_time = constant(1)

    def on_start(self):
        account = _downloaders.pop()
        self.url = f"/assessments/{account['assessment']}/report/?lang=nl"
        address = _next_address()
        self.client.headers["X-Forwarded-For"] = address
        # Logged in already (bench/load/seed.py): a log-in's password hashing would
        # land in the phase the participants are measured in.
        session = account["session"]
        self.client.cookies.set(session["cookie"], session["key"])
        # The respondent whose answers change: a browser of its own.
        self.respondent = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.respondent.headers["X-Forwarded-For"] = address
        invitation = account["invitation"]
        self.mine = acknowledged.setdefault(str(invitation["respondent"]), {})
        self.respondent.get(invitation["path"], name="/i/[token]/")
        page = self.respondent.get("/q/step/1/", name="/q/step/[n]/")
        self.questions = sorted(set(re.findall(r'name="q-(\d+)"', page.text)))
        self.values = {}

    def _change_an_answer(self):
        question = random.choice(self.questions)
        value = self.values.get(question, 3) % 5 + 1  # always a different value
        with self.respondent.post(
            "/q/save/",
            {f"q-{question}": str(value)},
            headers={
                "X-CSRFToken": self.respondent.cookies.get("csrftoken", ""),
                "HX-Request": "true",
            },
            name="/q/save/ (downloader's change)",
            catch_response=True,
        ) as response:
            if 200 <= response.status_code < 300:
                self.values[question] = value
                self.mine[question] = value
                response.success()

    @task
    def change_and_download(self):
        if WINDOW_SECONDS and window(time.time())[0] != DOWNLOADING:
            time.sleep(0.5)  # a quiet window: the consultant is doing something else
            return
        self._change_an_answer()
        started = time.perf_counter()
        error = _fetch_report(self.client, self.url)
        self.environment.events.request.fire(
            request_type="REPORT",
            name=CLICK_TO_PDF,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )


def _fetch_report(client, url):
    """Click the report link and wait for the PDF as a browser with JavaScript
    would. The PDF may be the response itself (rendered in the request, before
    issue 13), or a "being prepared" page whose htmx element asks a status URL
    after a pause, again with every answer, until an answer sends the browser on to
    the download (HX-Redirect). A page without htmx is reloaded at its
    `<meta http-equiv="refresh">` (a browser without JavaScript); a 429 is waited
    out (Retry-After). Returns None when the PDF came, else the error. The one place
    that knows the download's shape."""
    deadline = time.monotonic() + REPORT_PATIENCE_SECONDS
    response = client.get(url, name="/assessments/[id]/report/ (click)")
    while True:
        kind = response.headers.get("Content-Type", "")
        if response.status_code == 200 and kind.startswith("application/pdf"):
            if not response.content.startswith(b"%PDF"):
                return ValueError("a PDF response without a PDF")
            downloads["pdf"] += 1
            return None
        if response.status_code == 204 and response.headers.get("HX-Redirect"):
            downloads["sent on to the download"] += 1
            response = client.get(
                response.headers["HX-Redirect"],
                name="/assessments/[id]/report/ (download)",
            )
            continue
        if response.status_code == 429:
            downloads["429"] += 1
            ask = (url, float(response.headers.get("Retry-After", "5")), False)
        elif response.status_code == 200 and kind.startswith("text/html"):
            ask = _next_ask(response.text)
            if ask is None:
                downloads["a page that does not ask again"] += 1
                return ValueError("neither the report nor a page that asks again")
            downloads["asked again"] += 1
        else:
            downloads[f"status {response.status_code}"] += 1
            return ValueError(f"report: {response.status_code} {kind}")
        ask_url, pause, htmx = ask
        if time.monotonic() + pause > deadline:
            return TimeoutError(f"no PDF after {REPORT_PATIENCE_SECONDS} s")
        time.sleep(pause)
        if htmx:
            response = client.get(
                ask_url,
                headers={"HX-Request": "true"},
                allow_redirects=False,
                name="/assessments/[id]/report/status/ (htmx)",
            )
        else:
            response = client.get(
                ask_url or url, name="/assessments/[id]/report/ (reload)"
            )


_HX_GET = re.compile(r'<[^>]*\b(?:data-)?hx-get="([^"]+)"[^>]*>', re.I)
_HX_DELAY = re.compile(
    r'(?:data-)?hx-trigger="[^"]*?(?:delay:|every\s+)(\d+(?:\.\d+)?)s', re.I
)


def _next_ask(page):
    """How a "being prepared" page (or htmx fragment) asks again: (url, pause in
    seconds, by htmx), or None when it does not."""
    tag = _HX_GET.search(page)
    if tag:
        delay = _HX_DELAY.search(tag.group(0))
        pause = float(delay.group(1)) if delay else 2.0
        return html.unescape(tag.group(1)), pause, True
    refresh = _REFRESH.search(page)
    if refresh:
        return html.unescape(refresh.group(2) or ""), float(refresh.group(1)), False
    return None
