"""One scan: settings, progress, invitations, closing and the follow-up."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ... import workspace
from ...access import (
    can_edit,
    get_assessment_for_user,
    get_assessment_for_user_rw,
    get_partnership_for_user_rw,
)
from ...actions.listing import action_rows
from ...background.automation import automation_plan
from ...forms.respondents import RespondentForm, RespondentPasteForm, paste_examples
from ...forms.workspace import AssessmentForm, AssessmentSettingsForm, FollowUpForm
from ...live.sessions import running_session
from ...results import organisations_awaiting_minimum
from ...results.loading import previous_of
from ...sharing import links_of
from ...workspace import invitations
from ...workspace.progress import assessment_progress
from ..confirm import confirm_page, is_confirmed


def create_assessment(request, pk):
    partnership = get_partnership_for_user_rw(request, pk)
    if not partnership.accepts_new_scans:
        messages.error(request, workspace.PartnershipArchived.message)
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
        # Evaluated here, with what their names need: templates make no queries.
        "previous": previous_of(assessment),
        "follow_ups": list(
            assessment.follow_ups.select_related("partnership").order_by("created_at")
        ),
        "can_edit": editable,
        "is_owner": assessment.partnership.owner_id == request.user.pk,
        "awaiting_minimum": organisations_awaiting_minimum(assessment),
        "live_session": running_session(assessment) if editable else None,
        "automation_plan": automation_plan(assessment),
        "actions": action_rows(assessment, get_language()),
        "shared_links": links_of(assessment),
    }
    if editable:
        context |= {
            "respondent_form": RespondentForm(assessment=assessment),
            "paste_form": RespondentPasteForm(assessment=assessment),
            "paste_examples": paste_examples(assessment),
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


@require_http_methods(["GET", "POST"])
def close_assessment(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    if not is_confirmed(request):
        return _confirm_close(request, assessment)
    workspace.assessment_close(assessment=assessment)
    messages.success(request, _("The scan is closed: links no longer accept answers."))
    return redirect("assessments:assessment-detail", pk=assessment.pk)


def _confirm_close(request, assessment):
    waiting = assessment.respondents.individuals().waiting().count()
    consequences = [
        _(
            "The personal links stop accepting answers: nobody can answer or send "
            "answers any more, and the workshop is locked."
        )
    ]
    if waiting:
        consequences.append(
            ngettext(
                "%(n)d respondent has not sent their answers yet and can no "
                "longer add to them.",
                "%(n)d respondents have not sent their answers yet and can no "
                "longer add to them.",
                waiting,
            )
            % {"n": waiting}
        )
    consequences.append(_("You can reopen the scan later; nothing is deleted."))
    return confirm_page(
        request,
        title=_("Close %(scan)s?") % {"scan": assessment},
        consequences=consequences,
        button=_("Close the scan"),
        cancel_url=reverse("assessments:assessment-detail", args=[assessment.pk]),
        context={"assessment": assessment, "partnership": assessment.partnership},
    )


@require_POST
def reopen_assessment(request, pk):
    assessment = get_assessment_for_user_rw(request, pk)
    if workspace.assessment_reopen(assessment=assessment):
        messages.info(request, _("The closing date had passed and was removed."))
    messages.success(request, _("The scan is open again."))
    return redirect("assessments:assessment-detail", pk=assessment.pk)


def start_follow_up(request, pk):
    """A form that is also the confirmation: title, closing date, what happens."""
    assessment = get_assessment_for_user_rw(request, pk)
    if not assessment.partnership.accepts_new_scans:
        messages.error(request, workspace.PartnershipArchived.message)
        return redirect("assessments:assessment-detail", pk=assessment.pk)
    question_set = workspace.follow_up_question_set(assessment)
    if question_set is None:
        messages.error(
            request, _("No published question set is available for a follow-up.")
        )
        return redirect("assessments:assessment-detail", pk=assessment.pk)
    # Bound on any POST, even an empty one: that must fail, not start a scan.
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, previous=assessment)
    if request.method == "POST" and form.is_valid():
        follow_up = workspace.assessment_follow_up(
            assessment=assessment, question_set=question_set, **form.cleaned_data
        )
        messages.success(
            request,
            _("Follow-up scan created with the same respondents and new links."),
        )
        return redirect("assessments:assessment-detail", pk=follow_up.pk)
    context = {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "question_set": question_set,
        "copied": assessment.respondents.filter(is_group=False).count(),
        "form": form,
    }
    return render(request, "assessments/start_follow_up.html", context)


def send_and_report(request, assessment, send, respondents):
    """Queue e-mails and say so; the page then shows per respondent how they fare."""
    if refused := invitations.mail_refused(assessment):
        messages.error(request, refused.message)
        return
    try:
        queued = send(respondents=respondents, consultant=request.user)
    except invitations.ScanClosed as exc:  # closed a moment ago
        messages.error(request, exc.message)
        return
    if queued:
        messages.success(
            request,
            ngettext(
                "%(n)d e-mail is being sent; the list below shows when it has gone.",
                "%(n)d e-mails are being sent; the list below shows when they have "
                "gone.",
                queued,
            )
            % {"n": queued},
        )
    else:
        messages.info(request, _("Nobody to e-mail."))


def _confirm_send(request, assessment, respondents, *, reminder):
    """An e-mail cannot be called back: name who gets one before sending it."""
    people = list(respondents.order_by("label"))
    if not people:
        return None  # nothing will be sent; send_and_report says so
    n = len(people)
    title = (
        ngettext(
            "Send a reminder to %(n)d person?", "Send reminders to %(n)d people?", n
        )
        if reminder
        else ngettext(
            "E-mail the invitation to %(n)d person?",
            "E-mail the invitations to %(n)d people?",
            n,
        )
    ) % {"n": n}
    return confirm_page(
        request,
        title=title,
        consequences=[
            _(
                "Each of them receives an e-mail with their personal link now. An "
                "e-mail cannot be called back."
            )
        ],
        items=[f"{person.label} <{person.email}>" for person in people],
        button=_("Send the e-mails"),
        danger=False,
        cancel_url=reverse("assessments:assessment-detail", args=[assessment.pk])
        + "#respondents",
        context={"assessment": assessment, "partnership": assessment.partnership},
    )


def _send_all(request, pk, send, select, reminder):
    assessment = get_assessment_for_user_rw(request, pk)
    respondents = select(assessment)
    if invitations.mail_refused(assessment) is None and not is_confirmed(request):
        page = _confirm_send(request, assessment, respondents, reminder=reminder)
        if page is not None:
            return page
    send_and_report(request, assessment, send, respondents)
    return redirect("assessments:assessment-detail", pk=assessment.pk)


@require_http_methods(["GET", "POST"])
def send_invitations(request, pk):
    return _send_all(
        request, pk, invitations.invitation_send, invitations.invitable, False
    )


@require_http_methods(["GET", "POST"])
def send_reminders(request, pk):
    return _send_all(
        request, pk, invitations.reminder_send, invitations.remindable, True
    )
