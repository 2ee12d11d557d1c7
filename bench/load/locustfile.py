"""Locust scenario: participants answering at once, consultants reading results.

Participants open their own invitation link, then answer with the htmx autosave (one
statement per request, as the browser does on every click) and now and then post a
whole step as the plain form does. Every answer the server acknowledges with a 2xx is
recorded; `bench/load/run.py` compares them with the database afterwards.
Consultants log in, open the dashboard and the results page, and download the PDF.

Each simulated client sends its own X-Forwarded-For address (the server runs with
PROXY_COUNT=1, as behind a proxy), so per-client throttles see distinct clients.
"""

import json
import os
import random
import re
from collections import Counter

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115
ACKNOWLEDGED_PATH = os.environ["LOAD_ACKNOWLEDGED"]
_invitations = list(PLAN["invitations"])
_consultants = list(PLAN["consultants"])
# {respondent id: {question id: last acknowledged value}}
acknowledged = {}
statuses = Counter()
locked_errors = []
_client_number = 0


def _next_address():
    global _client_number
    _client_number += 1
    return f"10.{_client_number // 250}.{_client_number % 250}.1"


@events.request.add_listener
def _count(response=None, exception=None, **kwargs):
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
            name="/q/save/ (autosave)",
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
