"""The facilitator's screen: the consultant with edit rights on the partnership
sets up a live session, steers it and notes what the partners agreed.

Every button is a plain form post (works without JavaScript); the page polls for
joins and hand-ins and reloads itself when the session's state changed elsewhere
(an automatic reveal, a second tab)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ...access import get_assessment_for_user_rw, get_live_session_of
from ...actions.listing import action_rows
from ...audit import Event, audit_event
from ...forms.actions import ActionForm
from ...forms.live import AgreementForm, LiveSessionForm
from ...live import polling, screens
from ...live.sessions import (
    ACTIONS,
    LiveRefused,
    agreement_note_save,
    live_session_control,
    live_session_create,
    live_session_end,
    projector_link_renew,
    projector_link_revoke,
    running_session,
)
from ...questionnaire import answers_lock
from ..confirm import confirm_page, is_confirmed
from .projector import screen_context


def _facilitator_url(session):
    return reverse(
        "assessments:live-facilitator", args=[session.assessment_id, session.pk]
    )


def _session_rw(request, pk, session_pk):
    """The session, for someone with edit rights on its scan (404 / 403)."""
    assessment = get_assessment_for_user_rw(request, pk)
    return get_live_session_of(assessment, session_pk)


@require_http_methods(["GET", "POST"])
def start_live_session(request, pk):
    """Set up a live session (dimensions, options), or go to the running one."""
    assessment = get_assessment_for_user_rw(request, pk)
    running = running_session(assessment)
    if running is not None:
        return redirect(_facilitator_url(running))
    closed = answers_lock(assessment)
    data = request.POST if request.method == "POST" else None
    form = LiveSessionForm(data, assessment=assessment)
    if request.method == "POST" and closed is None and form.is_valid():
        try:
            session = live_session_create(
                assessment=assessment,
                facilitator=request.user,
                dimensions=form.chosen,
                auto_reveal=form.cleaned_data["auto_reveal"],
                ask_names=form.cleaned_data["ask_names"],
            )
        except LiveRefused as refused:
            messages.error(request, refused.message)
            return redirect("assessments:assessment-detail", pk=assessment.pk)
        audit_event(request, Event.LIVE_SESSION_STARTED, session)
        return redirect(_facilitator_url(session))
    context = {
        "assessment": assessment,
        "partnership": assessment.partnership,
        "form": form,
        "closed": closed,
    }
    status = 400 if form.is_bound and (form.errors or closed) else 200
    return render(request, "assessments/live_start.html", context, status=status)


@never_cache
def run_live_session(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    context = screen_context(request, session, with_qr=False)
    context |= _facilitator_context(session, context)
    return render(request, "assessments/live_facilitator.html", context)


def _facilitator_context(session, context):
    extra = {
        "assessment": session.assessment,
        "partnership": session.assessment.partnership,
        "projector_token": session.projector_token,
        "actions": ACTIONS,
    }
    if context["screen"].phase == screens.REVEALED:
        extra["agreement_form"] = AgreementForm(
            initial={"text": context.get("agreement") or ""}
        )
        extra |= _action_context(session, context["screen"].page.dimension)
    return extra


def _action_context(session, dimension):
    """The reveal's agreed actions on its dimension, and a form to add one: the
    agreement in words becomes who does what by when (issue 15)."""
    rows = action_rows(session.assessment, get_language())
    return {
        "live_actions": [row for row in rows if row["dimension"] == dimension.code],
        "live_action_form": ActionForm(
            assessment=session.assessment, initial={"dimension": dimension.code}
        ),
        "live_action_back": f"live-{session.pk}",
    }


@never_cache
def poll_live_session(request, pk, session_pk):
    """Counts change: the readiness fragment. The state changed (an automatic
    reveal, another tab): reload the page, whose buttons depend on it."""
    session = _session_rw(request, pk, session_pk)

    def render_change():
        shown_state = request.GET.get("v", "").split(".")[0]
        if shown_state != str(session.state_version):
            response = HttpResponse(status=200)
            response["HX-Refresh"] = "true"
            return response
        context = screen_context(request, session, with_qr=False)
        return render(
            request, "assessments/includes/_live_facilitator_state.html", context
        )

    return polling.poll(request, session.version, render_change)


@require_POST
def control_live_session(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    action = request.POST.get("action")
    try:
        position = int(request.POST.get("position", ""))
    except ValueError:
        position = -1
    if action not in ACTIONS:
        messages.error(request, _("Unknown action: nothing changed."))
        return redirect(_facilitator_url(session))
    try:
        live_session_control(session=session, action=action, position=position)
    except LiveRefused as refused:
        messages.warning(request, refused.message)
    return redirect(_facilitator_url(session))


@require_http_methods(["GET", "POST"])
def end_live_session(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    if session.is_over:
        return redirect("assessments:assessment-detail", pk=session.assessment_id)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("End the live session?"),
            consequences=[
                _("The join code and the projector link stop working."),
                _(
                    "The answers given are handed in: they count in the results and "
                    "can no longer be changed. Phones that joined without answering "
                    "are removed."
                ),
                _("This cannot be undone; you can start a new session later."),
            ],
            button=_("End the session"),
            cancel_url=_facilitator_url(session),
            context={
                "assessment": session.assessment,
                "partnership": session.assessment.partnership,
            },
        )
    kept = live_session_end(session=session)
    messages.success(
        request,
        ngettext(
            "The live session has ended; the answers of %(n)d participant count "
            "in the results.",
            "The live session has ended; the answers of %(n)d participants count "
            "in the results.",
            kept,
        )
        % {"n": kept},
    )
    return redirect("assessments:assessment-detail", pk=session.assessment_id)


@require_http_methods(["GET", "POST"])
def revoke_projector(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    if not is_confirmed(request):
        return confirm_page(
            request,
            title=_("Revoke the projector link?"),
            consequences=[
                _("The screen showing this link goes blank at once."),
                _("You can make a new link afterwards."),
            ],
            button=_("Revoke the link"),
            cancel_url=_facilitator_url(session),
            context={
                "assessment": session.assessment,
                "partnership": session.assessment.partnership,
            },
        )
    projector_link_revoke(session=session)
    messages.success(request, _("The projector link has been revoked."))
    return redirect(_facilitator_url(session))


@require_POST
def renew_projector(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    try:
        projector_link_renew(session=session)
        messages.success(request, _("A new projector link is ready."))
    except LiveRefused as refused:
        messages.error(request, refused.message)
    return redirect(_facilitator_url(session))


@require_POST
def save_agreement(request, pk, session_pk):
    session = _session_rw(request, pk, session_pk)
    screen = screens.screen_of(session)
    form = AgreementForm(request.POST)
    shown = request.POST.get("position")
    if screen.phase != screens.REVEALED or shown != str(session.position):
        messages.warning(request, LiveRefused(LiveRefused.MOVED_ON).message)
        return redirect(_facilitator_url(session))
    if not form.is_valid():
        context = screen_context(request, session, with_qr=False)
        context |= _facilitator_context(session, context)
        context["agreement_form"] = form
        return render(request, "assessments/live_facilitator.html", context, status=400)
    try:
        agreement_note_save(
            session=session,
            dimension=screen.page.dimension,
            text=form.cleaned_data["text"],
            user=request.user,
        )
        messages.success(request, _("The agreement has been noted."))
    except LiveRefused as refused:
        messages.error(request, refused.message)
    return redirect(_facilitator_url(session))
