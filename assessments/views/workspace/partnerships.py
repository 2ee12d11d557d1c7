"""Partnerships, their organisations and collaborators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ... import workspace
from ...access import (
    can_edit,
    get_collaboration_of,
    get_partnership_for_owner,
    get_partnership_for_user,
    get_partnership_for_user_rw,
)
from ...audit import Event, audit_event
from ...forms.workspace import (
    CollaboratorForm,
    CollaboratorRightsForm,
    OrganisationFormSet,
    PartnershipForm,
)
from ...models import Partnership
from ...workspace.progress import partnership_assessments
from ..activity import recent_activity
from ..confirm import confirm_page, is_confirmed

ORGANISATIONS = "organisations"


def create_partnership(request):
    form = PartnershipForm(request.POST or None)
    formset = OrganisationFormSet(
        request.POST or None, instance=Partnership(), prefix=ORGANISATIONS
    )
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        partnership = workspace.partnership_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            organisation_names=[row.name for row in formset.rows()],
        )
        messages.success(request, _("Partnership created. Now start a scan."))
        return redirect("assessments:partnership-detail", pk=partnership.pk)
    context = {"form": form, "formset": formset}
    status = 400 if formset.is_bound and formset.is_stale else 200
    return render(
        request, "assessments/create_partnership.html", context, status=status
    )


def show_partnership(request, pk):
    partnership = get_partnership_for_user(request, pk)
    is_owner = partnership.owner_id == request.user.pk
    context = {
        "partnership": partnership,
        "owner": partnership.owner,  # loaded here: templates make no queries
        "organisations": list(partnership.organisations.all()),
        "assessments": partnership_assessments(partnership),
        "collaborations": list(
            partnership.collaborations.select_related("user").order_by("user__username")
        ),
        "can_edit": can_edit(request.user, partnership),
        "is_owner": is_owner,
        "collaborator_form": CollaboratorForm(partnership=partnership)
        if is_owner
        else None,
        # The trail is the owner's alone (views/activity.py).
        "activity": recent_activity(partnership) if is_owner else None,
    }
    return render(request, "assessments/show_partnership.html", context)


def edit_partnership(request, pk):
    partnership = get_partnership_for_user_rw(request, pk)
    form = PartnershipForm(request.POST or None, instance=partnership)
    formset = OrganisationFormSet(
        request.POST or None, instance=partnership, prefix=ORGANISATIONS
    )
    if request.method == "POST" and all([form.is_valid(), formset.is_valid()]):
        workspace.partnership_update(
            partnership=partnership,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            organisations=formset.rows(),
        )
        messages.success(request, _("Partnership saved."))
        return redirect("assessments:partnership-detail", pk=partnership.pk)
    context = {"partnership": partnership, "form": form, "formset": formset}
    status = 400 if formset.is_bound and formset.is_stale else 200
    return render(request, "assessments/edit_partnership.html", context, status=status)


@require_http_methods(["GET", "POST"])
def archive_partnership(request, pk):
    partnership = get_partnership_for_user_rw(request, pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Archive %(name)s?") % {"name": partnership.name},
            consequences=[
                _(
                    "The partnership moves to the archive: the dashboard no longer "
                    "lists it among the active ones, and no new scan can be started."
                ),
                _(
                    "Its scans, answers and results stay as they are, and the links "
                    "of an open scan keep working. You can restore it from the "
                    "archive at any time."
                ),
            ],
            button=_("Archive"),
            cancel_url=reverse("assessments:partnership-detail", args=[pk]),
            danger=False,
            context={"partnership": partnership},
        )
    workspace.partnership_archive(partnership=partnership)
    messages.success(
        request, _("Partnership archived. Find it under “archived” on the dashboard.")
    )
    return redirect("assessments:partnership-detail", pk=partnership.pk)


@require_POST
def unarchive_partnership(request, pk):
    partnership = get_partnership_for_user_rw(request, pk)
    workspace.partnership_unarchive(partnership=partnership)
    messages.success(request, _("Partnership restored from the archive."))
    return redirect("assessments:partnership-detail", pk=partnership.pk)


def add_collaborator(request, pk):
    partnership = get_partnership_for_owner(request, pk)
    form = CollaboratorForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        collaboration = workspace.collaborator_add(
            partnership=partnership,
            user=form.cleaned_data["user"],
            can_edit=form.cleaned_data["can_edit"],
        )
        audit_event(
            request, Event.COLLABORATOR_ADDED, partnership, user=collaboration.user_id
        )
        messages.success(
            request,
            _("%(user)s now shares this partnership.")
            % {"user": collaboration.user.get_username()},
        )
        return redirect("assessments:partnership-detail", pk=partnership.pk)
    context = {"partnership": partnership, "form": form}
    return render(request, "assessments/add_collaborator.html", context)


@require_POST
def change_collaborator_rights(request, pk, collaboration_pk):
    partnership = get_partnership_for_owner(request, pk)
    collaboration = get_collaboration_of(partnership, collaboration_pk)
    form = CollaboratorRightsForm(request.POST)
    form.is_valid()  # a missing box means read only, never an error
    workspace.collaborator_update(
        collaboration=collaboration, can_edit=form.cleaned_data["can_edit"]
    )
    messages.success(request, _("Rights changed."))
    return redirect("assessments:partnership-detail", pk=partnership.pk)


@require_http_methods(["GET", "POST"])
def remove_collaborator(request, pk, collaboration_pk):
    partnership = get_partnership_for_owner(request, pk)
    collaboration = get_collaboration_of(partnership, collaboration_pk)
    if not is_confirmed(request):
        name = collaboration.user.get_full_name() or collaboration.user.get_username()
        return confirm_page(
            request,
            title=_("Stop sharing with %(user)s?") % {"user": name},
            consequences=[
                _(
                    "%(user)s can no longer open this partnership, its scans, "
                    "results and reports."
                )
                % {"user": name},
                _("You can share it with them again later."),
            ],
            button=_("Stop sharing"),
            cancel_url=reverse("assessments:partnership-detail", args=[pk]),
            context={"partnership": partnership},
        )
    workspace.collaborator_remove(collaboration=collaboration)
    messages.success(
        request,
        _("%(user)s no longer shares this partnership.")
        % {"user": collaboration.user.get_username()},
    )
    return redirect("assessments:partnership-detail", pk=partnership.pk)
