"""Live session: a poll that finds nothing changed, against the bare view.

A session with 200 phones in two organisations, in a step that 100 have handed in.
The phone polls the URL its page shows (with its poll key: one query, the
browser's session not loaded, assessments/live/polling.py) and the projector its
link (one query); both alternate with the bare view requested by the same client
(`common.interleaved`), by wall time and by the process's CPU time (the CPU figure
moves less with the machine's other load). A phone's autosave of one statement is
timed and counted too. The changed projector poll renders the readiness counts,
and the reveal with every statement's spread, for all 200. The 200-phone scenario
under gunicorn with concurrent clients (issue 14's p95 targets) belongs in
bench/load/, not here.
"""

import re
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.live import participants, sessions
from assessments.models import Assessment, Organisation, Partnership, Question
from assessments.questionnaire import question_dimension_ids, questionnaire_steps
from assessments.questionsets import questionset_install_default
from bench.common import get_ok, interleaved, measure

PHONES = 200
# An unchanged poll answers 204 after one small query; the bare view makes none
# (for the phone too since the poll key: neither loads the browser's session), so
# that one round trip to the database is most of the poll's cost. Until the poll
# key the phone's target was 0.5, against a bare view that loaded the session.
POLL_TARGETS = {"phone": 0.25, "projector": 0.25}


def _session():
    question_set, _created = questionset_install_default()
    user, _created = get_user_model().objects.get_or_create(username="bench-live")
    partnership = Partnership.objects.create(name="Bench Live", owner=user)
    for position, name in enumerate(("Alfa", "Beta")):
        Organisation.objects.create(
            partnership=partnership, name=name, position=position
        )
    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    rs4 = question_set.dimensions.get(code="RS4")
    session = sessions.live_session_create(
        assessment=assessment, facilitator=user, dimensions=[rs4]
    )
    organisations = list(partnership.organisations.all())
    joined = [
        participants.live_participant_join(
            session=session, organisation=organisations[i % 2]
        )
        for i in range(PHONES)
    ]
    sessions.live_session_control(session=session, action="start", position=0)
    questions = question_dimension_ids(question_set)
    page = next(
        s for s in questionnaire_steps(question_set) if s.dimension.pk == rs4.pk
    )
    for i, participant in enumerate(joined[: PHONES // 2]):
        participant.session.refresh_from_db()
        participants.live_hand_in(
            participant=participant,
            values={q.pk: 1 + (i % 5) for q in page.questions},
            questions=questions,
        )
    session.refresh_from_db()
    return session


def _queries(call):
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def _expect(client, url, status):
    def call():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response

    return call


def cpu_interleaved(call, baseline_call, rounds=300, warmup=10):
    """Mean CPU time (ms) of this process per call of `call` and of
    `baseline_call`, alternating call by call."""
    for _ in range(warmup):
        call(), baseline_call()
    spent = {"call": 0.0, "base": 0.0}
    for _ in range(rounds):
        for name, each in (("call", call), ("base", baseline_call)):
            start = time.process_time()
            each()
            spent[name] += time.process_time() - start
    return spent["call"] * 1000 / rounds, spent["base"] * 1000 / rounds


def _poll_url(phone):
    page = phone.get("/live/phone/").content.decode()
    return re.search(r'data-hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")


def _autosave(phone, session):
    step = session.steps.get(position=session.position)
    questions = list(
        Question.objects.filter(dimension_id=step.dimension_id).values_list(
            "pk", flat=True
        )
    )
    count = [0]

    def call():
        count[0] += 1
        question = questions[count[0] % len(questions)]
        response = phone.post(
            "/live/phone/answer/",
            {f"q-{question}": str(1 + count[0] % 5)},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200, response.status_code
        return response

    return call


def run(client, base):
    session = _session()
    # One more phone joins the way a phone does: the code, then its organisation.
    phone = Client()
    phone.post("/live/", {"code": session.join_code})
    organisation = session.assessment.partnership.organisations.first()
    joined = phone.post("/live/organisation/", {"organisation": organisation.pk})
    assert joined.status_code == 302, joined.status_code
    session.refresh_from_db()
    screen = Client()
    token = session.projector_token
    phone_poll = _expect(phone, _poll_url(phone), 204)
    screen_poll = _expect(
        screen, f"/live/screen/{token}/poll/?v={session.version}", 204
    )
    changed_poll = get_ok(screen, f"/live/screen/{token}/poll/?v=0")
    phone_result, phone_base = interleaved(phone_poll, get_ok(phone, "/bench/bare/"))
    screen_result, screen_base = interleaved(
        screen_poll, get_ok(screen, "/bench/bare/")
    )
    answering = measure(changed_poll, seconds=2.0)
    queries = {"phone": _queries(phone_poll), "projector": _queries(screen_poll)}
    cpu = {
        "phone": cpu_interleaved(phone_poll, get_ok(phone, "/bench/bare/")),
        "projector": cpu_interleaved(screen_poll, get_ok(screen, "/bench/bare/")),
    }
    save = _autosave(phone, session)
    save()  # the scan's first change schedules its report: a few statements more
    save_queries = _queries(save)
    saving = measure(save, seconds=2.0)
    save_cpu = cpu_interleaved(save, get_ok(phone, "/bench/bare/"), rounds=100)
    sessions.live_session_control(session=session, action="reveal", position=0)
    session.refresh_from_db()
    revealed = measure(get_ok(screen, f"/live/screen/{token}/poll/?v=0"), seconds=2.0)
    rows = []
    for name, result, baseline in (
        ("phone", phone_result, phone_base),
        ("projector", screen_result, screen_base),
    ):
        ratio = result["rps"] / baseline["rps"]
        rows += [
            {
                "name": f"live: unchanged {name} poll, {PHONES} phones (p95)",
                "value": result["p95_ms"],
                "unit": "ms",
            },
            {
                "name": f"live: unchanged {name} poll / bare view",
                "value": ratio,
                "unit": "x",
                "target": f">= {POLL_TARGETS[name]}",
                "ok": ratio >= POLL_TARGETS[name],
            },
            {
                "name": f"live: queries per unchanged {name} poll",
                "value": queries[name],
                "unit": "queries",
            },
            {
                "name": f"live: (info) CPU per unchanged {name} poll / bare view "
                f"({cpu[name][0]:.2f} / {cpu[name][1]:.2f} ms)",
                "value": cpu[name][0] / cpu[name][1],
                "unit": "x",
            },
        ]
    rows += [
        {
            "name": "live: phone autosave, one statement (p95)",
            "value": saving["p95_ms"],
            "unit": "ms",
        },
        {
            "name": f"live: (info) CPU per phone autosave / bare view "
            f"({save_cpu[0]:.2f} / {save_cpu[1]:.2f} ms)",
            "value": save_cpu[0] / save_cpu[1],
            "unit": "x",
        },
        {
            "name": "live: queries per phone autosave",
            "value": save_queries,
            "unit": "queries",
        },
        {
            "name": f"live: changed projector poll, counts of {PHONES} (p95)",
            "value": answering["p95_ms"],
            "unit": "ms",
        },
        {
            "name": f"live: changed projector poll, reveal of {PHONES} (p95)",
            "value": revealed["p95_ms"],
            "unit": "ms",
        },
    ]
    return rows
