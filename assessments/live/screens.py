"""What the three screens show: the session's phase, the readiness counts and the
reveal, in a fixed number of queries however many phones joined.

Nothing here computes a score: the reveal's figures come from
`assessments.scoring` (`score_dimension`, `score_statement`, `discussions`), with
the scan's privacy minimum, exactly as the results page uses them. Before a step
is revealed nothing here reads an answer at all.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from .. import scoring
from ..models import (
    Answer,
    LiveAnswer,
    LiveHandIn,
    LiveParticipant,
    LiveSession,
    LiveStep,
    Organisation,
)
from ..questionnaire import Step, questionnaire_steps
from ..results.labels import BAND_LABELS, GAP_LABELS, _band, _label
from ..results.loading import method_for

LOBBY, ANSWERING, REVEALED, PAUSED, ENDED = (
    "lobby",
    "answering",
    "revealed",
    "paused",
    "ended",
)
# Bars of the answer spread are drawn in this many heights (CSS classes, as
# the Content-Security-Policy allows no inline styles).
BAR_STEPS = 10


@dataclass(frozen=True)
class Screen:
    """Where the session is: `phase`, the current `step` (LiveStep, None in the
    lobby or after the end) and its questionnaire `page` (dimension, statements)."""

    session: LiveSession
    phase: str
    steps: tuple[LiveStep, ...]
    step: LiveStep | None
    page: Step | None

    @property
    def number(self) -> int:
        return self.step.position + 1 if self.step else 0

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def is_first(self) -> bool:
        return self.number <= 1

    @property
    def is_last(self) -> bool:
        return self.number >= self.total


def screen_of(session: LiveSession) -> Screen:
    """The session's phase and step: one query (the steps); the dimensions and
    statements come from the question set's steps (cached for a set in use)."""
    steps = tuple(session.steps.order_by("position"))
    pages = {
        page.dimension.pk: page
        for page in questionnaire_steps(session.assessment.question_set)
    }
    step = None
    if session.status == LiveSession.Status.ENDED:
        phase = ENDED
    elif session.status == LiveSession.Status.LOBBY:
        phase = LOBBY
    else:
        step = next((s for s in steps if s.position == session.position), None)
        if session.paused:
            phase = PAUSED
        else:
            phase = REVEALED if step and step.revealed else ANSWERING
    page = pages.get(step.dimension_id) if step else None
    return Screen(session, phase, steps, step, page)


def readiness(session: LiveSession, step: LiveStep | None) -> list[dict[str, Any]]:
    """Per organisation in partner order: how many joined and (during a step) how
    many handed in its current round. Two queries."""
    organisations = list(
        Organisation.objects.filter(partnership_id=session.assessment.partnership_id)
        .order_by("position", "name")
        .values_list("pk", "name")
    )
    ready = Q(hand_ins__step=step, hand_ins__round=step.round) if step else Q(pk=None)
    counts = {
        row["respondent__organisation_id"]: row
        for row in LiveParticipant.objects.filter(session=session)
        .values("respondent__organisation_id")
        .annotate(joined=Count("pk", distinct=True), ready=Count("pk", filter=ready))
        .order_by()
    }
    return [
        {
            "name": name,
            "joined": counts.get(pk, {}).get("joined", 0),
            "ready": counts.get(pk, {}).get("ready", 0),
        }
        for pk, name in organisations
    ]


def participant_state(
    participant: LiveParticipant, step: LiveStep | None
) -> tuple[dict[int, int | None], bool]:
    """The phone's own answers to the step in its current round (or, in a second
    round not answered yet, the first round's, to start from) and whether it
    handed in. Two queries; never anyone else's answers."""
    if step is None:
        return {}, False
    rows = LiveAnswer.objects.filter(
        participant=participant,
        round__lte=step.round,
        question__dimension_id=step.dimension_id,
    ).values_list("question_id", "round", "value")
    answers = {}
    for question_id, _round, value in sorted(rows, key=lambda row: row[1]):
        answers[question_id] = value  # the later round wins
    handed_in = LiveHandIn.objects.filter(
        participant=participant, step=step, round=step.round
    ).exists()
    return answers, handed_in


def reveal(screen: Screen, language: str) -> dict[str, Any]:
    """The revealed step's figures, as plain values for the templates.

    The room's answers (this session's participants) on the step's statements:
    per statement and organisation the spread of the answers ("weet niet" apart)
    and the statement score; per organisation the dimension score and band; the
    gap with its mark; the statements most disagreed on; in a second round the
    gap before it. Organisations below the scan's privacy minimum show none of
    it. Two queries (three in a second round)."""
    session, step, page = screen.session, screen.step, screen.page
    method = method_for(session.assessment)
    names = _organisation_names(session)
    code_of = {q.pk: q.code for q in page.questions}
    spec = scoring.DimensionSpec(
        code=page.dimension.code,
        kind=page.dimension.kind,
        weight=page.dimension.weight,
        questions=tuple(
            scoring.QuestionSpec(q.code, q.weight, q.reverse) for q in page.questions
        ),
    )
    given = defaultdict(dict)
    organisation_of = {}
    for respondent_id, organisation_id, question_id, value in Answer.objects.filter(
        respondent__live_participant__session=session,
        question__dimension_id=step.dimension_id,
    ).values_list(
        "respondent_id", "respondent__organisation_id", "question_id", "value"
    ):
        given[respondent_id][code_of[question_id]] = value
        organisation_of[respondent_id] = names[organisation_id]
    responses = [
        scoring.Response(str(pk), organisation_of[pk], answers)
        for pk, answers in sorted(given.items())
    ]
    order = list(names.values())
    scored = [scoring.score_respondent([spec], r, method) for r in responses]
    result = scoring.score_dimension(spec, scored, order, method)
    statements = [
        scoring.score_statement(q, responses, order, method) for q in spec.questions
    ]
    top = scoring.most_disagreed(statements)
    figures = {
        "dimension": page.dimension,
        "partnership": result.partnership,
        **_band(result.band),
        "gap": result.gap,
        "gap_flag": result.gap_flag,
        "gap_flag_label": _label(GAP_LABELS, result.gap_flag),
        "gap_mark": scoring.gap_mark(result.gap_flag),
        "organisations": [_organisation_cell(o, method) for o in result.organisations],
        "statements": [
            _statement_row(question, statement, top)
            for question, statement in zip(page.questions, statements, strict=True)
        ],
        "withheld": [o.name for o in result.organisations if o.withheld],
        "privacy_minimum": method.privacy_minimum,
        "before": None,
    }
    if step.round == 2:
        figures["before"] = _before(session, step, spec, responses, order, method)
    return figures


def _organisation_names(session: LiveSession) -> dict[int, str]:
    return dict(
        Organisation.objects.filter(partnership_id=session.assessment.partnership_id)
        .order_by("position", "name")
        .values_list("pk", "name")
    )


def _organisation_cell(
    cell: scoring.OrganisationScore, method: scoring.Method
) -> dict[str, Any]:
    return {
        "name": cell.name,
        "score": cell.score,
        **_band(scoring.band(cell.score, method)),
        "n": cell.n,
        "withheld": cell.withheld,
    }


def _statement_row(
    question: Any, statement: scoring.StatementResult, top: tuple[str, ...]
) -> dict[str, Any]:
    cells = []
    for cell in statement.organisations:
        bars = []
        if cell.counts is not None:
            highest = max(cell.counts.values) or 1
            bars = [
                {
                    "value": value,
                    "count": count,
                    "height": round(BAR_STEPS * count / highest),
                }
                for value, count in enumerate(cell.counts.values, start=1)
            ]
        cells.append(
            {
                "name": cell.name,
                "n": cell.n,
                "score": cell.score,
                "withheld": cell.withheld,
                "bars": bars,
                "dont_know": cell.counts.dont_know if cell.counts else 0,
            }
        )
    return {
        "question": question,
        "code": statement.code,
        "organisations": cells,
        "gap": statement.gap,
        "gap_flag": statement.gap_flag,
        "gap_mark": scoring.gap_mark(statement.gap_flag),
        "is_top": statement.code in top,
    }


def _before(
    session: LiveSession,
    step: LiveStep,
    spec: scoring.DimensionSpec,
    responses: list[scoring.Response],
    order: list[str],
    method: scoring.Method,
) -> dict[str, Any]:
    """The gap after the first round, by the same `scoring.discussions`."""
    code_of = {q.code for q in spec.questions}
    first = defaultdict(dict)
    for respondent_id, question_code, value in LiveAnswer.objects.filter(
        participant__session=session, round=1, question__dimension_id=step.dimension_id
    ).values_list("participant__respondent_id", "question__code", "value"):
        if question_code in code_of:
            first[str(respondent_id)][question_code] = value
    after = scoring.score_assessment(method, [spec], responses, order)
    (row,) = scoring.discussions(method, [spec], responses, after, first, {spec.code})
    return {
        "gap": row.gap_before,
        "gap_flag": row.flag_before,
        "gap_mark": scoring.gap_mark(row.flag_before),
        "band_label": _label(BAND_LABELS, scoring.band(row.partnership_before, method)),
    }
