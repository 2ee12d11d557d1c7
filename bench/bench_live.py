"""Live session: a poll that finds nothing changed, against the bare view.

A session with 200 phones in two organisations, in a step that 100 have handed in.
The phone's poll carries the phone's session (one query to load it, one for the
versions) and the projector's carries none (one query); both alternate with the
bare view requested by the same client (`common.interleaved`). The changed
projector poll renders the readiness counts, and the reveal with every statement's
spread, for all 200. The 200-phone scenario under gunicorn with concurrent clients
(issue 14's p95 targets) belongs in bench/load/, not here.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.live import participants, sessions
from assessments.models import Assessment, Organisation, Partnership
from assessments.questionnaire import question_dimension_ids, questionnaire_steps
from assessments.questionsets import questionset_install_default
from bench.common import get_ok, interleaved, measure

PHONES = 200
# An unchanged poll answers 204 after one small query. The phone's bare view loads
# the phone's session too (its floor, see bench/README.md), so the poll adds one
# query to it; the projector's bare view makes no query at all, so one query is
# already most of the poll's cost.
POLL_TARGETS = {"phone": 0.5, "projector": 0.25}


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
    phone_poll = _expect(phone, f"/live/phone/poll/?v={session.state_version}", 204)
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
        ]
    rows += [
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
