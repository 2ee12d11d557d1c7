"""One access helper per kind of object (STYLE.md). Views never fetch by pk themselves.

- `get_*_for_user` -> 404 for anyone who may not see the object (another consultant
  learns nothing, not even that it exists).
- `get_*_for_user_rw` -> additionally 403 for read-only collaborators.
Staff see everything in the admin, not here: the workspace is for the consultants
who own or share a partnership.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Assessment, Partnership, Respondent


def can_edit(user, partnership):
    """Owner, or a collaborator with edit rights."""
    if partnership.owner_id == user.pk:
        return True
    return partnership.collaborations.filter(user=user, can_edit=True).exists()


def get_partnership_for_user(request, pk):
    return get_object_or_404(Partnership.objects.for_user(request.user), pk=pk)


def get_partnership_for_user_rw(request, pk):
    partnership = get_partnership_for_user(request, pk)
    if not can_edit(request.user, partnership):
        raise PermissionDenied
    return partnership


def get_partnership_for_owner(request, pk):
    """Only the owner manages collaborators: 404 for outsiders, 403 for the rest."""
    partnership = get_partnership_for_user(request, pk)
    if partnership.owner_id != request.user.pk:
        raise PermissionDenied
    return partnership


def get_assessment_for_user(request, pk):
    visible = Partnership.objects.for_user(request.user)
    return get_object_or_404(
        Assessment.objects.select_related("partnership", "question_set"),
        pk=pk,
        partnership__in=visible,
    )


def get_assessment_for_user_rw(request, pk):
    assessment = get_assessment_for_user(request, pk)
    if not can_edit(request.user, assessment.partnership):
        raise PermissionDenied
    return assessment


def get_collaboration_of(partnership, pk):
    """A collaboration on a partnership already obtained through an access helper."""
    return get_object_or_404(partnership.collaborations.select_related("user"), pk=pk)


def get_respondent_of(assessment, pk):
    """A respondent of an assessment already obtained through an access helper."""
    return get_object_or_404(Respondent.objects.filter(assessment=assessment), pk=pk)
