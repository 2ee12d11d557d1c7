"""The verdict of many assessments at once, for the dashboard and partnership page.

`results.build_results_context` scores one assessment with its own queries; a list
of twenty partnerships would repeat those per row. Here one batch of queries
(organisations, dimensions, questions, respondents, answers) serves every listed
assessment, and each is scored by the same `scoring.score_assessment` with the same
inputs as the results page: the same method (`results.method_for`), dimensions in
display order, every respondent with at least one answer, and the partnership's
organisations in display order. tests/test_verdicts.py holds the two to the same
answer.
"""

from collections import defaultdict
from dataclasses import dataclass

from . import scoring
from .models import Answer, Dimension, Organisation, Question, Respondent
from .results import VERDICT_LABELS, method_for


@dataclass(frozen=True)
class VerdictSummary:
    band: str | None  # "green" | "amber" | "red", None while data is insufficient
    index: float | None
    capped: bool

    @property
    def label(self):
        return str(VERDICT_LABELS[self.band]) if self.band else ""


def verdicts_for(assessments):
    """{assessment pk: VerdictSummary} in five queries, however many assessments.

    Each assessment needs its `question_set` and `partnership_id` loaded.
    """
    assessments = list(assessments)
    if not assessments:
        return {}
    set_ids = {a.question_set_id for a in assessments}
    specs = _dimension_specs(set_ids)
    organisations = defaultdict(list)
    for partnership_id, pk, name in Organisation.objects.filter(
        partnership_id__in={a.partnership_id for a in assessments}
    ).values_list("partnership_id", "pk", "name"):
        organisations[partnership_id].append((pk, name))
    responses = _responses([a.pk for a in assessments])
    summaries = {}
    for assessment in assessments:
        org_names = dict(organisations[assessment.partnership_id])
        result = scoring.score_assessment(
            method_for(assessment),
            specs.get(assessment.question_set_id, ()),
            tuple(
                scoring.Response(label, org_names[org_id], given, group)
                for label, org_id, given, group in responses[assessment.pk]
                if org_id in org_names
            ),
            list(org_names.values()),
        )
        summaries[assessment.pk] = VerdictSummary(
            band=result.verdict.band,
            index=result.index,
            capped=result.verdict.capped,
        )
    return summaries


def _dimension_specs(set_ids):
    """{question set pk: (DimensionSpec, ...)} in display order (two queries)."""
    questions = defaultdict(list)
    for q in Question.objects.filter(dimension__question_set_id__in=set_ids).order_by(
        "position", "code"
    ):
        questions[q.dimension_id].append(
            scoring.QuestionSpec(q.code, q.weight, q.reverse)
        )
    specs = defaultdict(list)
    for d in Dimension.objects.filter(question_set_id__in=set_ids).order_by(
        "position", "code"
    ):
        specs[d.question_set_id].append(
            scoring.DimensionSpec(
                code=d.code,
                kind=d.kind,
                weight=d.weight,
                questions=tuple(questions[d.pk]),
            )
        )
    return {set_id: tuple(dims) for set_id, dims in specs.items()}


def _responses(assessment_ids):
    """{assessment pk: [(label, organisation pk, {question code: value}, group)]}.

    Only respondents with at least one answer, as on the results page.
    """
    given = defaultdict(dict)
    for respondent_id, code, value in Answer.objects.filter(
        respondent__assessment_id__in=assessment_ids
    ).values_list("respondent_id", "question__code", "value"):
        given[respondent_id][code] = value
    rows = defaultdict(list)
    for pk, assessment_id, label, org_id, group in (
        Respondent.objects.filter(assessment_id__in=assessment_ids)
        .order_by("label")
        .values_list("pk", "assessment_id", "label", "organisation_id", "is_group")
    ):
        if given[pk]:
            rows[assessment_id].append((label, org_id, given[pk], group))
    return rows
