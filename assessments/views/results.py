"""The results page: how ready the partnership is, why, and what to discuss."""

from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from ..access import can_edit, get_assessment_for_user
from ..audit import Event, audit_event
from ..branding import branding_of, word_of
from ..results import build_results_context


@require_GET
def assessment_results(request, pk):
    """Owner and collaborators (read-only ones too); anyone else gets a 404."""
    assessment = get_assessment_for_user(request, pk)
    context = build_results_context(assessment)
    context["can_edit"] = can_edit(request.user, assessment.partnership)
    context["branding"] = branding_of(assessment)
    context["word"] = word_of(assessment, context.get("dimensions"))
    response = render(request, "assessments/assessment_results.html", context)
    audit_event(request, Event.RESULTS_OPENED, assessment)
    # Confidential figures: never kept by a shared cache.
    patch_cache_control(response, private=True)
    return response
