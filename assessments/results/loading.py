"""The queries behind the results, the plain values scoring takes, and the cache.

Which respondents count: everyone with at least one saved answer, submitted or
not. Minimum coverage (scoring step 2) keeps thin answers out, answers imported
from paper and workshop groups count without a separate "submit", and a consultant
following an open scan sees it fill in. Counted respondents who have not submitted
are reported as `provisional`, so the page can say the figures may still move.

Scoring a scan means reading every answer, so each assessment's scored result (with
its previous scan's, for the trend) is cached under `results.fingerprint`. A stale
entry is never used: it is replaced.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.core.cache import cache

from .. import scoring
from ..models import (
    Answer,
    Assessment,
    Dimension,
    LiveAnswer,
    Organisation,
    Question,
    QuestionSet,
    Respondent,
    has_started,
)

# Bump when scoring or what is cached changes, so old entries are never read back.
CACHE_VERSION = 5
CACHE_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class Person:
    """What the response counts need of one respondent."""

    organisation_id: int
    started: bool
    submitted: bool
    counted: bool  # has at least one saved answer


@dataclass(frozen=True)
class Scored:
    result: scoring.AssessmentResult
    people: tuple[Person, ...]
    # Dimensions answered in two rounds of a live session: the gap before and
    # after the discussion (`discussion_inputs`, `scoring.discussions`).
    discussions: tuple[scoring.Discussion, ...] = ()
    # Per dimension code, its statements (`scoring.score_statements`); only for the
    # scan whose results are shown, not for a trend's previous scan.
    statements: dict[str, tuple[scoring.StatementResult, ...]] = field(
        default_factory=dict
    )


def method_for(assessment: Assessment) -> scoring.Method:
    """Everything scoring needs besides the answers: the pinned question set's
    thresholds and weights and the scan's privacy minimum."""
    question_set = assessment.question_set
    return scoring.Method(
        min_coverage=question_set.min_coverage,
        condition_weight=question_set.condition_weight,
        link_weight=question_set.link_weight,
        green=question_set.green_threshold,
        amber=question_set.amber_threshold,
        gap_attention=question_set.gap_attention,
        gap_significant=question_set.gap_significant,
        privacy_minimum=assessment.privacy_minimum,
    )


def load_structure(
    question_set: QuestionSet,
) -> tuple[list[Dimension], dict[int, list[Question]]]:
    """Two queries: the dimensions in order, and their questions per dimension id."""
    dimensions = list(question_set.dimensions.order_by("position", "code"))
    by_dimension = defaultdict(list)
    for question in Question.objects.filter(
        dimension__question_set=question_set
    ).order_by("position", "code"):
        by_dimension[question.dimension_id].append(question)
    return dimensions, by_dimension


def previous_of(assessment: Assessment) -> Assessment | None:
    """The previous scan of the same partnership, or None (one query at most)."""
    if assessment.previous_id is None:
        return None
    previous = (
        Assessment.objects.select_related("question_set")
        .filter(pk=assessment.previous_id, partnership_id=assessment.partnership_id)
        .first()
    )
    if previous is not None:
        # The same partnership (the filter): its name, in `str(previous)`, then
        # costs no query in a template.
        previous.partnership = assessment.partnership
    return previous


@dataclass(frozen=True)
class ScoringInputs:
    """Everything `scoring.score_assessment` takes for one scan, plus the people
    behind the response counts."""

    method: scoring.Method
    dimensions: tuple[scoring.DimensionSpec, ...]
    responses: tuple[scoring.Response, ...]
    organisations: tuple[str, ...]
    people: tuple[Person, ...]

    def score(self) -> Scored:
        result = scoring.score_assessment(
            self.method, self.dimensions, self.responses, self.organisations
        )
        return Scored(result, self.people)


def scoring_inputs(assessments: Iterable[Assessment]) -> dict[int, ScoringInputs]:
    """{assessment pk: ScoringInputs} in five queries, however many scans: the one
    way from the database to scoring, for one results page or a dashboard of them.

    Each assessment needs `question_set` loaded. Which respondents count: see the
    module docstring; organisations and dimensions come in display order.
    """
    assessments = list(assessments)
    if not assessments:
        return {}
    ids = [a.pk for a in assessments]
    organisations = defaultdict(list)
    for partnership_id, pk, name in (
        Organisation.objects.filter(
            partnership_id__in={a.partnership_id for a in assessments}
        )
        .order_by("position", "name")
        .values_list("partnership_id", "pk", "name")
    ):
        organisations[partnership_id].append((pk, name))
    specs, code_of = _specs_by_set({a.question_set_id for a in assessments})
    given = defaultdict(dict)
    for respondent_id, question_id, value in Answer.objects.filter(
        respondent__assessment_id__in=ids
    ).values_list("respondent_id", "question_id", "value"):
        given[respondent_id][code_of[question_id]] = value
    respondents = defaultdict(list)
    for row in (
        Respondent.objects.filter(assessment_id__in=ids)
        .order_by("label")
        .values_list(
            "pk",
            "assessment_id",
            "label",
            "organisation_id",
            "submitted_at",
            "is_group",
        )
    ):
        respondents[row[1]].append(row)
    inputs = {}
    for assessment in assessments:
        org_name = dict(organisations[assessment.partnership_id])
        rows = respondents[assessment.pk]
        inputs[assessment.pk] = ScoringInputs(
            method=method_for(assessment),
            dimensions=specs.get(assessment.question_set_id, ()),
            responses=tuple(
                scoring.Response(label, org_name[org_id], given[pk], group)
                for pk, _a, label, org_id, _submitted, group in rows
                if given[pk] and org_id in org_name
            ),
            organisations=tuple(org_name.values()),
            people=tuple(
                Person(
                    organisation_id=org_id,
                    # The rule every page uses: opening the link is not starting.
                    started=has_started(
                        answered=len(given[pk]), submitted=bool(submitted)
                    ),
                    submitted=submitted is not None,
                    counted=bool(given[pk]),
                )
                for pk, _a, _label, org_id, submitted, _group in rows
            ),
        )
    return inputs


def _specs_by_set(
    set_ids: Iterable[int],
) -> tuple[dict[int, tuple[scoring.DimensionSpec, ...]], dict[int, str]]:
    """{question set pk: (DimensionSpec, ...)} in display order, and question id ->
    code (two queries)."""
    questions = defaultdict(list)
    code_of = {}
    for pk, dimension_id, code, weight, reverse in (
        Question.objects.filter(dimension__question_set_id__in=set_ids)
        .order_by("position", "code")
        .values_list("pk", "dimension_id", "code", "weight", "reverse")
    ):
        questions[dimension_id].append(scoring.QuestionSpec(code, weight, reverse))
        code_of[pk] = code
    specs = defaultdict(list)
    for pk, set_id, code, kind, weight in (
        Dimension.objects.filter(question_set_id__in=set_ids)
        .order_by("position", "code")
        .values_list("pk", "question_set_id", "code", "kind", "weight")
    ):
        specs[set_id].append(
            scoring.DimensionSpec(
                code=code, kind=kind, weight=weight, questions=tuple(questions[pk])
            )
        )
    return {set_id: tuple(dims) for set_id, dims in specs.items()}, code_of


def scored_key(assessment_id: int) -> str:
    return f"partnerscan:scored:{CACHE_VERSION}:{assessment_id}"


def scored(
    assessment: Assessment, previous: Assessment | None, fingerprint: str
) -> tuple[Scored, Scored | None]:
    """The scan's scored result and its previous scan's (or None), from the cache
    while `fingerprint` (results.fingerprint) holds, else fresh from one
    `scoring_inputs` batch."""
    key = scored_key(assessment.pk)
    cached = cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    inputs = scoring_inputs([assessment] + ([previous] if previous else []))
    fresh = (
        _in_full(assessment, inputs[assessment.pk]),
        inputs[previous.pk].score() if previous else None,
    )
    cache.set(key, (fingerprint, fresh), CACHE_TIMEOUT)
    return fresh


def discussion_inputs(
    assessment: Assessment,
) -> tuple[dict[str, dict[str, int | None]], set[str]]:
    """The first-round answers of a scan's live participants (respondent label ->
    question code -> answer) and the codes of the dimensions answered in a second
    round. One query."""
    first_rounds = defaultdict(dict)
    discussed = set()
    for label, question, dimension, round_, value in LiveAnswer.objects.filter(
        participant__respondent__assessment=assessment
    ).values_list(
        "participant__respondent__label",
        "question__code",
        "question__dimension__code",
        "round",
        "value",
    ):
        if round_ == 1:
            first_rounds[label][question] = value
        else:
            discussed.add(dimension)
    return dict(first_rounds), discussed


def _in_full(assessment: Assessment, inputs: ScoringInputs) -> Scored:
    """The scored result with what only the results show: the statements, and the
    live session's gaps before a discussion."""
    scored = inputs.score()
    statements = scoring.score_statements(
        inputs.dimensions, inputs.responses, scored.result
    )
    first_rounds, discussed = discussion_inputs(assessment)
    if not discussed:
        return replace(scored, statements=statements)
    rows = scoring.discussions(
        inputs.method,
        inputs.dimensions,
        inputs.responses,
        scored.result,
        first_rounds,
        discussed,
    )
    return Scored(scored.result, scored.people, rows, statements)
