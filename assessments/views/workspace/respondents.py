"""Respondents of a scan and their invitation links."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ... import erasure, workspace
from ...access import get_assessment_for_user_rw, get_respondent_of
from ...audit import Event, audit_event
from ...background.mail import mail_retry
from ...forms.respondents import RespondentForm, RespondentPasteForm, paste_examples
from ...workspace import invitations
from ..confirm import confirm_page, is_confirmed
from ..erasure import footprint_items
from .assessments import send_and_report


def _respondents_url(assessment):
    return (
        reverse("assessments:assessment-detail", kwargs={"pk": assessment.pk})
        + "#respondents"
    )


def _back(assessment):
    return redirect(_respondents_url(assessment))


def _confirm(request, assessment, *, title, consequences, button):
    return confirm_page(
        request,
        title=title,
        consequences=consequences,
        button=button,
        cancel_url=_respondents_url(assessment),
        context={"assessment": assessment, "partnership": assessment.partnership},
    )


def _old_link_stops(respondent):
    """The sentence that names the link that is about to stop working."""
    if respondent.invited_at:
        return _("The link %(name)s received by e-mail no longer works afterwards.") % {
            "name": respondent.label
        }
    return _("The current link of %(name)s no longer works afterwards.") % {
        "name": respondent.label
    }


def add_respondent(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    form = RespondentForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        added = workspace.respondent_add_many(assessment=assessment, rows=[form.row()])
        audit_event(request, Event.LINK_CREATED, added[0])
        messages.success(
            request, _("%(name)s added.") % {"name": form.cleaned_data["label"]}
        )
        return _back(assessment)
    context = {"assessment": assessment, "form": form}
    return render(request, "assessments/add_respondent.html", context)


def paste_respondents(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    form = RespondentPasteForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        added = workspace.respondent_add_many(
            assessment=assessment, rows=form.cleaned_data["rows"]
        )
        audit_event(request, Event.LINK_CREATED, assessment, respondents=len(added))
        messages.success(
            request,
            ngettext("%(n)d respondent added.", "%(n)d respondents added.", len(added))
            % {"n": len(added)},
        )
        return _back(assessment)
    context = {
        "assessment": assessment,
        "form": form,
        "paste_examples": paste_examples(assessment),
    }
    return render(request, "assessments/paste_respondents.html", context)


def edit_respondent(request, pk, respondent_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    form = RespondentForm(
        request.POST or None, instance=respondent, assessment=assessment
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s saved.") % {"name": respondent.label})
        return _back(assessment)
    context = {"assessment": assessment, "respondent": respondent, "form": form}
    return render(request, "assessments/edit_respondent.html", context)


@require_http_methods(["GET", "POST"])
def delete_respondent(request, pk, respondent_pk):
    """Erase a respondent: who has not started is simply removed; who has answered
    goes with their answers, comments and e-mails (an erasure request), after a
    page that counts them."""
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    if not is_confirmed(request):
        consequences = [
            _(
                "%(name)s is removed from this scan with everything stored about "
                "them. This cannot be undone; you can add them again, with a new link."
            )
            % {"name": respondent.label},
            _old_link_stops(respondent),
        ]
        if not respondent.may_be_removed:
            consequences.append(
                _(
                    "Their answers no longer count in the results, and the report is "
                    "made again without them."
                )
            )
        return confirm_page(
            request,
            title=_("Remove %(name)s?") % {"name": respondent.label},
            consequences=consequences,
            items=footprint_items(erasure.respondent_footprint(respondent)),
            button=_("Remove %(name)s") % {"name": respondent.label},
            cancel_url=_respondents_url(assessment),
            context={"assessment": assessment, "partnership": assessment.partnership},
        )
    erasure.respondent_erase(respondent=respondent, by=request)
    messages.success(request, _("%(name)s removed.") % {"name": respondent.label})
    return _back(assessment)


def _refuse_group(request, respondent):
    """A workshop group answers on the consultant's screen and has no link."""
    messages.error(
        request,
        _("%(name)s is a workshop group: it has no personal link.")
        % {"name": respondent.label},
    )


@require_http_methods(["GET", "POST"])
def revoke_link(request, pk, respondent_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    if respondent.is_group:
        _refuse_group(request, respondent)
        return _back(assessment)
    if not is_confirmed(request):
        return _confirm(
            request,
            assessment,
            title=_("Revoke the link of %(name)s?") % {"name": respondent.label},
            consequences=[
                _old_link_stops(respondent),
                _(
                    "Answers given so far are kept. To let %(name)s answer again, "
                    "make a new link later."
                )
                % {"name": respondent.label},
            ],
            button=_("Revoke the link"),
        )
    workspace.respondent_revoke_link(respondent=respondent)
    audit_event(request, Event.LINK_REVOKED, respondent)
    messages.success(
        request,
        _("The link of %(name)s no longer works.") % {"name": respondent.label},
    )
    return _back(assessment)


@require_http_methods(["GET", "POST"])
def replace_link(request, pk, respondent_pk):
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    if respondent.is_group:
        _refuse_group(request, respondent)
        return _back(assessment)
    if not is_confirmed(request):
        return _confirm(
            request,
            assessment,
            title=_("A new link for %(name)s?") % {"name": respondent.label},
            consequences=[
                _old_link_stops(respondent),
                _(
                    "Answers given so far are kept. Send or copy the new link to "
                    "%(name)s afterwards."
                )
                % {"name": respondent.label},
            ],
            button=_("Make a new link"),
        )
    workspace.respondent_replace_link(respondent=respondent)
    audit_event(request, Event.LINK_REISSUED, respondent)
    messages.success(
        request,
        _("%(name)s has a new link; the old one no longer works.")
        % {"name": respondent.label},
    )
    return _back(assessment)


@require_POST
def send_invitation(request, pk, respondent_pk):
    """The invitation to one respondent, or a reminder once they were invited."""
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    send = (
        invitations.reminder_send
        if respondent.invited_at
        else (invitations.invitation_send)
    )
    one = assessment.respondents.filter(pk=respondent.pk)
    send_and_report(request, assessment, send, one)
    return _back(assessment)


@require_POST
def retry_mail(request, pk, respondent_pk):
    """Send the respondent's latest e-mail again after it failed."""
    assessment = get_assessment_for_user_rw(request, pk)
    respondent = get_respondent_of(assessment, respondent_pk)
    if refused := invitations.mail_refused(assessment):
        messages.error(request, refused.message)
    elif mail_retry(respondent=respondent):
        messages.success(
            request,
            _("The e-mail to %(name)s is being sent again.")
            % {"name": respondent.label},
        )
    else:
        messages.info(
            request,
            _("No failed e-mail to %(name)s to send again.")
            % {"name": respondent.label},
        )
    return _back(assessment)
