"""Questionnaire: a step page and an autosave, against the bare template baseline.

Targets (issues 3 and 7): a step serves >= 0.5x and an autosave >= 0.7x the
requests/s of the bare 10-field form view; both cost a fixed number of queries. The
bare view is requested by the same participant's client, alternating with ours
(`common.interleaved`), so both carry the same session cookie and see the same load.
"""

import itertools

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import Answer, Assessment, Organisation, Partnership, Respondent
from assessments.questionnaire import questionnaire_steps
from assessments.questionsets import questionset_install_default
from bench.common import get_ok, interleaved

STEP_TARGET = 0.5
SAVE_TARGET = 0.7


def _respondent():
    question_set, _created = questionset_install_default()
    user, _created = get_user_model().objects.get_or_create(username="bench-q")
    partnership = Partnership.objects.create(name="Bench Q", owner=user)
    for position, name in enumerate(("Alfa", "Beta")):
        Organisation.objects.create(
            partnership=partnership, name=name, position=position
        )
    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    respondent = Respondent(
        assessment=assessment,
        organisation=partnership.organisations.first(),
        label="Bench",
    )
    respondent.issue_token()
    respondent.save()
    return respondent


def _queries(call):
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def run(client, base):
    respondent = _respondent()
    steps = questionnaire_steps(respondent.assessment.question_set)
    # Halfway through: the first seven steps answered, the page shows their values.
    Answer.objects.bulk_create(
        Answer(respondent=respondent, question=q, value=4)
        for step in steps[:7]
        for q in step.questions
    )
    participant = Client()
    assert participant.get(respondent.invitation_path()).status_code == 302
    step = steps[0]
    step_call = get_ok(participant, "/q/step/1/")

    values = itertools.cycle(["1", "2", "3", "4", "5", "na"])
    question = step.questions[0]

    def save_call():
        response = participant.post(
            "/q/save/", {f"q-{question.pk}": next(values)}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200, response.status_code
        return response

    bare_template = get_ok(participant, "/bench/template/")
    step_result, step_base = interleaved(step_call, bare_template)
    save_result, save_base = interleaved(save_call, bare_template)
    step_ratio = step_result["rps"] / step_base["rps"]
    save_ratio = save_result["rps"] / save_base["rps"]
    return [
        {
            "name": f"questionnaire: step page ({len(step.questions)} statements)",
            "value": step_result["rps"],
            "unit": "req/s",
        },
        {
            "name": "questionnaire: step page / bare template",
            "value": step_ratio,
            "unit": "x",
            "target": f">= {STEP_TARGET}",
            "ok": step_ratio >= STEP_TARGET,
        },
        {
            "name": "questionnaire: autosave (one answer)",
            "value": save_result["rps"],
            "unit": "req/s",
        },
        {
            "name": "questionnaire: autosave / bare template",
            "value": save_ratio,
            "unit": "x",
            "target": f">= {SAVE_TARGET}",
            "ok": save_ratio >= SAVE_TARGET,
        },
        {
            "name": "questionnaire: queries per step page",
            "value": _queries(step_call),
            "unit": "queries",
        },
        {
            "name": "questionnaire: queries per autosave",
            "value": _queries(save_call),
            "unit": "queries",
        },
    ]
