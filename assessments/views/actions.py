"""Agreed actions: add, read, change, change status, delete, download.

An action is reached through a scan it is listed under (`access.get_action_of`),
so the scan's access rules are the action's: editors change, read-only
collaborators read, everyone else gets a 404. Where the consultant came from (the
results page, the scan's page, a live session's reveal) is a closed list of
places (`back`), never a URL taken from the request.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from ..access import (
    can_edit,
    get_action_of,
    get_assessment_for_user,
    get_assessment_for_user_rw,
)
from ..actions.writes import (
    action_change_status,
    action_create,
    action_delete,
    action_update,
)
from ..audit import Event, audit_event
from ..export_formats import CONTENT_TYPES, actions_csv, export_filename
from ..forms.actions import ActionForm, ActionStatusForm
from ..models import Assessment, LiveSession
from .confirm import confirm_page, is_confirmed


def _back(request, assessment):
    """(the place's code, its URL): where to return after a change."""
    place = request.GET.get("back") or request.POST.get("back") or "results"
    if place == "scan":
        url = reverse("assessments:assessment-detail", args=[assessment.pk])
        return place, url + "#actions"
    if place.startswith("live-") and place[5:].isdigit():
        session = LiveSession.objects.filter(
            assessment=assessment, pk=int(place[5:])
        ).first()
        if session is not None and not session.is_over:
            url = reverse(
                "assessments:live-facilitator", args=[assessment.pk, session.pk]
            )
            return place, url + "#live-actions"
    url = reverse("assessments:assessment-results", args=[assessment.pk])
    return "results", url + "#actions"


def _page(assessment, **extra):
    return {"assessment": assessment, "partnership": assessment.partnership, **extra}


@require_http_methods(["GET", "POST"])
def add_action(request, pk):
    """A new action; `?dimension=` and `?statement=` (codes) fill in what it is
    about when it is added from an agenda item, a dimension or a reveal."""
    assessment = get_assessment_for_user_rw(request, pk)
    place, back_url = _back(request, assessment)
    data = request.POST if request.method == "POST" else None
    initial = {key: request.GET.get(key, "") for key in ("dimension", "statement")}
    form = ActionForm(data, assessment=assessment, initial=initial)
    if data is not None and form.is_valid():
        action = action_create(
            assessment=assessment, user=request.user, **form.action_fields()
        )
        messages.success(request, _("Action added: %(title)s") % {"title": action})
        return redirect(back_url)
    context = _page(assessment, form=form, back=place, back_url=back_url)
    status = 400 if form.is_bound else 200
    return render(request, "assessments/add_action.html", context, status=status)


@require_safe
def show_action(request, pk, action_pk):
    assessment = get_assessment_for_user(request, pk)
    action = get_action_of(assessment, action_pk)
    editable = can_edit(request.user, assessment.partnership)
    return _show(request, assessment, action, editable)


def _show(request, assessment, action, editable, status_form=None, status=200):
    context = _page(
        assessment,
        action=action,
        overdue=action.is_overdue(timezone.localdate()),
        owners=[o.name for o in action.owners.order_by("position", "name")],
        history=list(action.history.select_related("changed_by")),
        listed_under=list(
            Assessment.objects.filter(action_listings__action=action)
            .select_related("partnership")
            .order_by("created_at")
        ),
        can_edit=editable,
        status_form=status_form
        or (ActionStatusForm(action=action) if editable else None),
    )
    return render(request, "assessments/show_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def edit_action(request, pk, action_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    action = get_action_of(assessment, action_pk)
    data = request.POST if request.method == "POST" else None
    form = ActionForm(data, assessment=assessment, action=action)
    if data is not None and form.is_valid():
        action_update(action=action, **form.action_fields())
        messages.success(request, _("The action has been changed."))
        return redirect(
            "assessments:action-detail", pk=assessment.pk, action_pk=action.pk
        )
    context = _page(assessment, form=form, action=action)
    status = 400 if form.is_bound else 200
    return render(request, "assessments/edit_action.html", context, status=status)


@require_POST
def change_action_status(request, pk, action_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    action = get_action_of(assessment, action_pk)
    form = ActionStatusForm(request.POST, action=action)
    if not form.is_valid():
        return _show(request, assessment, action, True, status_form=form, status=400)
    action_change_status(
        action=action,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        user=request.user,
    )
    messages.success(
        request,
        _("Status of “%(title)s”: %(status)s.")
        % {"title": action, "status": action.get_status_display()},
    )
    return redirect("assessments:action-detail", pk=assessment.pk, action_pk=action.pk)


@require_http_methods(["GET", "POST"])
def delete_action(request, pk, action_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    action = get_action_of(assessment, action_pk)
    if not is_confirmed(request):
        scans = Assessment.objects.filter(action_listings__action=action).count()
        consequences = [_("The action and its history are deleted for good.")]
        if scans > 1:
            consequences.append(
                _("It disappears from all %(n)d scans it is listed under.")
                % {"n": scans}
            )
        consequences.append(
            _("Rather keep a record? Give it the status “dropped” instead.")
        )
        return confirm_page(
            request,
            title=_("Delete the action “%(title)s”?") % {"title": action},
            consequences=consequences,
            button=_("Delete the action"),
            cancel_url=reverse(
                "assessments:action-detail", args=[assessment.pk, action.pk]
            ),
            context=_page(assessment),
        )
    action_delete(action=action)
    messages.success(request, _("The action has been deleted."))
    return redirect(_back(request, assessment)[1])


@require_safe
def export_actions(request, pk):
    """The scan's actions as CSV (docs/data-formats.md, "Actions")."""
    assessment = get_assessment_for_user(request, pk)
    response = HttpResponse(actions_csv(assessment), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(assessment, "csv", what="actions")
    )
    response["Cache-Control"] = "private, no-store"
    audit_event(request, Event.EXPORT_DOWNLOADED, assessment, fmt="actions-csv")
    return response
