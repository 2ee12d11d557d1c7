"""One scan: settings, progress, invitations, closing and the follow-up."""

import logging
import smtplib

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ... import invitations, workspace
from ...access import (
    can_edit,
    get_assessment_for_user,
    get_assessment_for_user_rw,
    get_partnership_for_user_rw,
)
from ...forms.respondents import RespondentForm, RespondentPasteForm
from ...forms.workspace import AssessmentForm, AssessmentSettingsForm
from ...progress import assessment_progress

logger = logging.getLogger(__name__)


def create_assessment(request, pk):
    partnership = get_partnership_for_user_rw(request, pk)
    if partnership.archived_at:
        messages.error(request, _("This partnership is archived. Restore it first."))
        return redirect("assessments:partnership-detail", pk=partnership.pk)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        assessment = workspace.assessment_create(
            partnership=partnership, question_set=data.pop("question_set"), **data
        )
        messages.success(request, _("Scan created. Add the respondents next."))
        return redirect("assessments:assessment-detail", pk=assessment.pk)
    context = {"partnership": partnership, "form": form}
    return render(request, "assessments/create_assessment.html", context)


def show_assessment(request, pk):
    assessment = get_assessment_for_user(request, pk)
    editable = can_edit(request.user, assessment.partnership)
    context = {
        "assessment": assessment,
        "partnership": assessment.partnership,
        **assessment_progress(assessment),
        "follow_ups": list(assessment.follow_ups.order_by("created_at")),
        "can_edit": editable,
    }
    if editable:
        context |= {
            "respondent_form": RespondentForm(assessment=assessment),
            "paste_form": RespondentPasteForm(assessment=assessment),
        }
    return render(request, "assessments/show_assessment.html", context)


def edit_assessment(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    form = AssessmentSettingsForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("assessments:assessment-detail", pk=assessment.pk)
    context = {"assessment": assessment, "form": form}
    return render(request, "assessments/edit_assessment.html", context)


@require_POST
def close_assessment(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    workspace.assessment_close(assessment=assessment)
    messages.success(request, _("The scan is closed: links no longer accept answers."))
    return redirect("assessments:assessment-detail", pk=assessment.pk)


@require_POST
def reopen_assessment(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    if workspace.assessment_reopen(assessment=assessment):
        messages.info(request, _("The closing date had passed and was removed."))
    messages.success(request, _("The scan is open again."))
    return redirect("assessments:assessment-detail", pk=assessment.pk)


@require_POST
def start_follow_up(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    question_set = workspace.follow_up_question_set(assessment)
    if question_set is None:
        messages.error(
            request, _("No published question set is available for a follow-up.")
        )
        return redirect("assessments:assessment-detail", pk=assessment.pk)
    follow_up = workspace.assessment_follow_up(
        assessment=assessment, question_set=question_set
    )
    messages.success(
        request,
        _("Follow-up scan created with the same respondents and new links."),
    )
    return redirect("assessments:assessment-detail", pk=follow_up.pk)


def send_and_report(request, assessment, send, respondents):
    """Send e-mails and say what happened; a mail server failure is a message."""
    if not assessment.is_open:
        messages.error(request, _("The scan is closed. Reopen it to send e-mails."))
        return
    try:
        sent = send(respondents=respondents, consultant=request.user)
    except (smtplib.SMTPException, OSError):
        logger.exception("sending e-mail for assessment %s failed", assessment.pk)
        messages.error(request, _("The e-mail could not be sent. Try again later."))
        return
    if sent:
        messages.success(
            request,
            ngettext("%(n)d e-mail sent.", "%(n)d e-mails sent.", sent) % {"n": sent},
        )
    else:
        messages.info(request, _("Nobody to e-mail."))


@require_POST
def send_invitations(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    send_and_report(
        request,
        assessment,
        invitations.invitation_send,
        invitations.invitable(assessment),
    )
    return redirect("assessments:assessment-detail", pk=assessment.pk)


@require_POST
def send_reminders(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    send_and_report(
        request,
        assessment,
        invitations.reminder_send,
        invitations.remindable(assessment),
    )
    return redirect("assessments:assessment-detail", pk=assessment.pk)
