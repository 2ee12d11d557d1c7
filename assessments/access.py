"""One access helper per kind of object (STYLE.md). Views never fetch by pk themselves.

- `get_*_for_user` -> 404 for anyone who may not see the object (another consultant
  learns nothing, not even that it exists).
- `get_*_for_user_rw` -> additionally 403 for read-only collaborators.
Staff see everything in the admin, not here: the workspace is for the consultants
who own or share a partnership.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    Action,
    Assessment,
    LiveSession,
    Partnership,
    QuestionSet,
    Respondent,
    SharedLink,
)
from .sharing import active_link


def can_edit(user, partnership):
    """Owner, or a collaborator with edit rights."""
    return role_of(user, partnership) in ("owner", "edit")


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


def role_of(user, partnership):
    """ "owner", "edit", "read" or None (no access), with at most one query."""
    if not user.is_authenticated:
        return None
    if partnership.owner_id == user.pk:
        return "owner"
    rights = partnership.collaborations.filter(user=user)
    may_edit = rights.values_list("can_edit", flat=True).first()
    if may_edit is None:
        return None
    return "edit" if may_edit else "read"


def _assessment_with_role(request, pk, with_question_set=True):
    # Fetched by pk and then checked, rather than filtered through
    # Partnership.objects.for_user(): for the owner (the common case) that is one
    # plain query instead of a subquery with a join and DISTINCT, about half the
    # cost of every assessment page (bench/README.md, "PDF report"). Anyone without
    # access gets the same 404 as for an id that does not exist.
    related = ("partnership", "question_set") if with_question_set else ("partnership",)
    assessment = get_object_or_404(Assessment.objects.select_related(*related), pk=pk)
    role = role_of(request.user, assessment.partnership)
    if role is None:
        raise Http404
    return assessment, role


def get_assessment_for_user(request, pk, with_question_set=True):
    """The assessment, or 404. `with_question_set=False` leaves the question set to
    be loaded when used: for a view that usually does not need it (a cached PDF)."""
    return _assessment_with_role(request, pk, with_question_set)[0]


def get_assessment_for_user_rw(request, pk):
    assessment, role = _assessment_with_role(request, pk)
    if role == "read":
        raise PermissionDenied
    return assessment


def get_assessment_answers_for_user(request, pk):
    """The assessment, when the user may read who answered what (raw answers with
    names): the consultants guiding the scan, that is the owner and collaborators
    with edit rights, as the participants' welcome page and docs/privacy.md promise.
    Read-only collaborators see the results, under the privacy minimum, but get
    403 here; everyone else 404."""
    return get_assessment_for_user_rw(request, pk)


def get_assessment_for_owner(request, pk):
    """Only the partnership's owner: 404 for outsiders, 403 for collaborators."""
    assessment, role = _assessment_with_role(request, pk)
    if role != "owner":
        raise PermissionDenied
    return assessment


def get_collaboration_of(partnership, pk):
    """A collaboration on a partnership already obtained through an access helper."""
    return get_object_or_404(partnership.collaborations.select_related("user"), pk=pk)


def get_respondent_of(assessment, pk):
    """A respondent of an assessment already obtained through an access helper."""
    return get_object_or_404(Respondent.objects.filter(assessment=assessment), pk=pk)


def get_live_session_of(assessment, pk):
    """A live session of an assessment already obtained through an access helper."""
    return get_object_or_404(
        LiveSession.objects.filter(assessment=assessment).select_related(
            "assessment__partnership", "assessment__question_set"
        ),
        pk=pk,
    )


def get_action_of(assessment, pk):
    """An action listed under a scan already obtained through an access helper."""
    return get_object_or_404(
        Action.objects.listed_under(assessment).select_related(
            "assessment", "dimension", "question", "created_by"
        ),
        pk=pk,
    )


def get_shared_link_of(assessment, pk):
    """A shared results link of an assessment already obtained through an access
    helper."""
    return get_object_or_404(
        SharedLink.objects.filter(assessment=assessment).select_related("organisation"),
        pk=pk,
    )


def get_shared_link_by_token(token):
    """The link a partner opened, or 404: unknown, revoked and expired links look
    the same."""
    link = active_link(token)
    if link is None:
        raise Http404
    return link


def may_edit_question_sets(user):
    """Staff with the question-set change permission: the editor's audience."""
    return user.is_staff and user.has_perm("assessments.change_questionset")


def get_question_set_for_editor(request, pk):
    """403 for anyone but question-set editors (before the look-up), else 404."""
    if not may_edit_question_sets(request.user):
        raise PermissionDenied
    return get_object_or_404(QuestionSet, pk=pk)
