"""A participant's phone: join with the code, answer the current step, hand it
in, see the reveal. No account: the join code opens the organisation choice, and
joining binds the browser to a new respondent (participant_session.py), so the
same phone coming back gets the same respondent and its answers."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ...erasure.notice import privacy_controller
from ...forms.live import JoinCodeForm, JoinForm
from ...forms.questionnaire import AnswersForm
from ...live import polling, screens
from ...live.participants import (
    joinable_session,
    live_answers_save,
    live_hand_in,
    live_hand_in_withdraw,
    live_participant_join,
)
from ...live.sessions import LiveRefused
from ...models import LiveSession
from ...questionnaire import AnswersLocked, question_dimension_ids
from ...web import throttle
from .._answering import scale_choices, statement_rows
from ..participant_session import (
    REVOKED,
    live_binding,
    live_participant_of,
    start_live_binding,
)

# The session a correct code opened, until the phone has chosen its organisation.
SESSION_JOINING = "live_joining"


@login_not_required
@never_cache
def join_live_session(request):
    """`/live/`: the code (the QR code fills it in through `?code=`)."""
    participant = live_participant_of(request)
    if participant not in (None, REVOKED) and not participant.session.is_over:
        return redirect("assessments:live-phone")
    initial = {"code": request.GET.get("code", "")[:20]}
    form = JoinCodeForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":
        client = throttle.client_key(request)
        if throttle.is_blocked("join", client):
            return throttle.too_many_requests(request, "join")
        if form.is_valid():
            session = joinable_session(form.cleaned_data["code"])
            if session is not None:
                request.session[SESSION_JOINING] = session.pk
                return redirect("assessments:live-organisation")
            form.add_error(
                "code",
                _("No live session runs with this code. Check it on the screen."),
            )
        throttle.hit("join", client)
        status = 400
    return render(request, "assessments/live_join.html", {"form": form}, status=status)


def _joining_session(request):
    pk = request.session.get(SESSION_JOINING)
    if not isinstance(pk, int):
        return None
    session = (
        LiveSession.objects.select_related("assessment__partnership")
        .filter(pk=pk)
        .first()
    )
    return joinable_session(session.join_code) if session else None


@login_not_required
@never_cache
def choose_live_organisation(request):
    session = _joining_session(request)
    if session is None:
        return redirect("assessments:live-join")
    organisations = list(
        session.assessment.partnership.organisations.order_by("position", "name")
    )
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        ask_names=session.ask_names,
        ask_consent=session.assessment.require_consent,
    )
    if request.method == "POST" and form.is_valid():
        organisation = next(
            o for o in organisations if o.pk == form.cleaned_data["organisation"]
        )
        try:
            participant = live_participant_join(
                session=session,
                organisation=organisation,
                label=form.cleaned_data.get("label", ""),
                language=translation.get_language()[:2],
                consented="consent" in form.cleaned_data,
            )
        except LiveRefused:
            return redirect("assessments:live-join")
        start_live_binding(request, participant)
        return redirect("assessments:live-phone")
    context = {
        "form": form,
        "session": session,
        "assessment": session.assessment,
        "controller": privacy_controller(session.assessment),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "assessments/live_organisation.html", context, status=status)


def participant_required(view):
    """Pass the browser's live participant to the view, or say the phone is not
    (any longer) part of a session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        participant = live_participant_of(request)
        if participant is None or participant is REVOKED:
            return _gone(request, revoked=participant is REVOKED)
        return view(request, participant, *args, **kwargs)

    return login_not_required(never_cache(wrapper))


def _gone(request, revoked=False):
    template = (
        "assessments/includes/_live_phone_gone.html"
        if request.htmx
        else "assessments/live_phone_gone.html"
    )
    return render(request, template, {"revoked": revoked}, status=404)


def _phone_context(request, participant, *, form=None, error=None):
    session = participant.session
    screen = screens.screen_of(session)
    context = {
        "participant": participant,
        "screen": screen,
        "version": session.state_version,
        "poll_url": reverse(
            "assessments:live-phone-poll-keyed",
            args=[
                polling.phone_poll_key(
                    participant.pk, participant.respondent.token_hash
                )
            ],
        ),
        "error": error,
    }
    if screen.phase == screens.ANSWERING:
        answers, handed_in = screens.participant_state(participant, screen.step)
        context["handed_in"] = handed_in and form is None
        if not context["handed_in"]:
            # Handed in, the phone shows only "klaar" and the way back: the
            # statements are rendered again when it asks for them.
            respondent = participant.respondent
            keyed = {(respondent.pk, pk): value for pk, value in answers.items()}
            forms = {respondent.pk: form} if form is not None else None
            context |= {
                "rows": statement_rows(screen.page, keyed, [respondent], forms),
                "scale": scale_choices(),
            }
    elif screen.phase == screens.REVEALED:
        context["reveal"] = screens.reveal(screen, translation.get_language())
    return context


def _render_phone(request, participant, status=200, **kwargs):
    template = (
        "assessments/includes/_live_phone_state.html"
        if request.htmx
        else "assessments/live_phone.html"
    )
    context = _phone_context(request, participant, **kwargs)
    return render(request, template, context, status=status)


@participant_required
def show_live_phone(request, participant):
    return _render_phone(request, participant)


@login_not_required
@never_cache
def poll_live_phone(request, token=None):
    """The cheap poll: one query when nothing changed (polling.poll). With the
    page's poll key (`token`), that query is the only work and the browser's
    session is not even loaded; anything but "unchanged" goes the session's
    way."""
    if token is not None and len(token) < 100:
        version = polling.phone_version_by_key(token)
        if version is not None:
            return polling.poll(request, version, lambda: _session_poll(request))
    return _session_poll(request)


def _session_poll(request):
    binding = live_binding(request)
    version = polling.phone_version(*binding) if binding else None
    if version is None:
        return _gone(request)
    return polling.poll(request, version, lambda: _poll_render(request))


def _poll_render(request):
    participant = live_participant_of(request)
    if participant is None or participant is REVOKED:
        return _gone(request, revoked=participant is REVOKED)
    return _render_phone(request, participant)


def _answers_form(request, participant):
    questions = question_dimension_ids(participant.session.assessment.question_set)
    return AnswersForm(request.POST, questions=questions), questions


@require_POST
@participant_required
def save_live_answers(request, participant):
    """The autosave of one change (htmx); answers a short status line."""
    form, questions = _answers_form(request, participant)
    message, status = _("Saved"), 200
    if not form.is_valid():
        message, status = form.first_error(), 400
    else:
        try:
            live_answers_save(
                participant=participant, values=form.values, questions=questions
            )
        except (LiveRefused, AnswersLocked) as refused:
            message, status = refused.message, 409
    return render(
        request,
        "assessments/includes/_live_save_status.html",
        {"message": message, "failed": status != 200},
        status=status,
    )


@require_POST
@participant_required
def hand_in_live_step(request, participant):
    form, questions = _answers_form(request, participant)
    if not form.is_valid():
        return _render_phone(request, participant, status=400, form=form)
    try:
        done = live_hand_in(
            participant=participant, values=form.values, questions=questions
        )
    except (LiveRefused, AnswersLocked) as refused:
        return _render_phone(
            request, participant, status=409, form=form, error=refused.message
        )
    if not done:
        error = LiveRefused(LiveRefused.INCOMPLETE).message
        return _render_phone(request, participant, status=400, form=form, error=error)
    if not request.htmx:
        return redirect("assessments:live-phone")
    participant.session.refresh_from_db()
    return _render_phone(request, participant)


@require_POST
@participant_required
def change_live_answers(request, participant):
    """Back to the statements after handing in (until the reveal)."""
    try:
        live_hand_in_withdraw(participant=participant)
    except LiveRefused as refused:
        return _render_phone(request, participant, status=409, error=refused.message)
    if not request.htmx:
        return redirect("assessments:live-phone")
    participant.session.refresh_from_db()
    return _render_phone(request, participant)
