"""The queries behind the results, the plain values scoring takes, and the cache.

Which respondents count: everyone with at least one saved answer, submitted or
not. Minimum coverage (scoring step 2) keeps thin answers out, answers imported
from paper and workshop groups count without a separate "submit", and a consultant
following an open scan sees it fill in. Counted respondents who have not submitted
are reported as `provisional`, so the page can say the figures may still move.

Scoring a scan means reading every answer, so each assessment's scored result is
cached under a fingerprint of everything it depends on: the question set (pinned,
and immutable once in use), the organisations, and aggregates over the respondents
and answers that change whenever a row is added, removed or edited, even by a bulk
update that leaves `updated_at` alone. A stale entry is never used: it is replaced.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Length

from .. import scoring
from ..models import (
    Answer,
    Assessment,
    DimensionComment,
    Question,
    Respondent,
    has_started,
)

# Bump when scoring or what is cached changes, so old entries are never read back.
CACHE_VERSION = 3
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


def method_for(assessment):
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


def load_structure(question_set):
    """Two queries: the dimensions in order, and their questions per dimension id."""
    dimensions = list(question_set.dimensions.order_by("position", "code"))
    by_dimension = defaultdict(list)
    for question in Question.objects.filter(
        dimension__question_set=question_set
    ).order_by("position", "code"):
        by_dimension[question.dimension_id].append(question)
    return dimensions, by_dimension


def specs_for(dimensions, by_dimension):
    """Scoring's view of the question set, and question id -> code for answers."""
    specs = tuple(
        scoring.DimensionSpec(
            code=d.code,
            kind=d.kind,
            weight=d.weight,
            questions=tuple(
                scoring.QuestionSpec(q.code, q.weight, q.reverse)
                for q in by_dimension[d.pk]
            ),
        )
        for d in dimensions
    )
    code_of = {q.pk: q.code for qs in by_dimension.values() for q in qs}
    return specs, code_of


def previous_of(assessment):
    """The previous scan of the same partnership, or None (one query at most)."""
    if assessment.previous_id is None:
        return None
    return (
        Assessment.objects.select_related("question_set")
        .filter(pk=assessment.previous_id, partnership_id=assessment.partnership_id)
        .first()
    )


def fingerprints(assessments, organisations):
    """Two aggregate queries, however many respondents: per assessment id, a hash
    of everything its scored result depends on."""
    ids = [a.pk for a in assessments]
    people = {
        row.pop("assessment_id"): row
        for row in Respondent.objects.filter(assessment_id__in=ids)
        .values("assessment_id")
        .annotate(
            n=Count("id"),
            changed=Max("updated_at"),
            started=Count("started_at"),
            submitted=Count("submitted_at"),
            last_submitted=Max("submitted_at"),
            # Changes when a respondent moves to another organisation.
            placement=Sum(F("id") * F("organisation_id")),
        )
        .order_by()
    }
    answers = {
        row.pop("respondent__assessment_id"): row
        for row in Answer.objects.filter(respondent__assessment_id__in=ids)
        .values("respondent__assessment_id")
        .annotate(
            n=Count("id"),
            changed=Max("updated_at"),
            # One weighted sum (cheap: every answer row is visited once) that moves
            # with any single value, even one changed without touching updated_at.
            values=Sum(F("value") * (F("question_id") * 7919 + F("respondent_id"))),
        )
        .order_by()
    }
    orgs = [(o.pk, o.name, o.position) for o in organisations]
    result = {}
    for assessment in assessments:
        question_set = assessment.question_set
        parts = [
            CACHE_VERSION,
            question_set.pk,
            question_set.version,
            method_for(assessment),
            orgs,
            sorted(people.get(assessment.pk, {}).items()),
            sorted(answers.get(assessment.pk, {}).items()),
        ]
        result[assessment.pk] = hashlib.sha256(repr(parts).encode()).hexdigest()
    return result


def comments_fingerprint(assessment):
    """One aggregate query over the scan's comments."""
    return tuple(
        DimensionComment.objects.filter(respondent__assessment=assessment)
        .aggregate(
            n=Count("id"),
            changed=Max("updated_at"),
            length=Sum(Length("text")),
            placement=Sum(F("respondent_id") * F("dimension_id")),
        )
        .values()
    )


def score(assessment, organisations, specs, code_of):
    """Two queries (respondents, answers), then scoring."""
    respondents = list(
        assessment.respondents.order_by("label").values_list(
            "id", "label", "organisation_id", "submitted_at", "is_group"
        )
    )
    given = defaultdict(dict)
    for respondent_id, question_id, value in Answer.objects.filter(
        respondent__assessment=assessment
    ).values_list("respondent_id", "question_id", "value"):
        given[respondent_id][code_of[question_id]] = value
    org_name = {o.pk: o.name for o in organisations}
    responses = tuple(
        scoring.Response(label, org_name[org_id], given[pk], group)
        for pk, label, org_id, _submitted, group in respondents
        if given[pk] and org_id in org_name
    )
    result = scoring.score_assessment(
        method_for(assessment),
        specs,
        responses,
        [o.name for o in organisations],
    )
    people = tuple(
        Person(
            organisation_id=org_id,
            # The same rule as every other page: opening the link is not starting.
            started=has_started(answered=len(given[pk]), submitted=bool(submitted)),
            submitted=submitted is not None,
            counted=bool(given[pk]),
        )
        for pk, _label, org_id, submitted, _group in respondents
    )
    return Scored(result, people)


def scored(assessment, organisations, fingerprint, specs):
    """The scored result from the cache while its fingerprint holds, else fresh.

    `specs` is a callable returning `specs_for(...)`, so that a cache hit need not
    load the question set at all.
    """
    key = f"partnerscan:results:{assessment.pk}"
    cached = cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    fresh = score(assessment, organisations, *specs())
    cache.set(key, (fingerprint, fresh), CACHE_TIMEOUT)
    return fresh
