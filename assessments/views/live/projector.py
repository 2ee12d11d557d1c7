"""The room's screen: opened from an unguessable link without a login, so it can
run on the room's computer. The link is the only key; revoking it (or ending the
session) makes it a 404 at once, also for a screen that is already showing."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from ...live import polling, screens
from ...live.qr import qr_svg
from ...models import AgreementNote, LiveSession
from ...tokens import token_hash
from ...web import throttle


def join_url(request, session):
    """The address the phones open, with the code filled in (for the QR code)."""
    base = request.build_absolute_uri(reverse("assessments:live-join"))
    return base, f"{base}?code={session.join_code}"


def screen_context(request, session, with_qr=True):
    """What the projector and the facilitator show of the session's state (the
    QR code only in the lobby: it is big)."""
    screen = screens.screen_of(session)
    context = {"screen": screen, "session": session, "version": session.version}
    if screen.phase in (screens.LOBBY, screens.ANSWERING, screens.PAUSED):
        context["readiness"] = screens.readiness(session, screen.step)
    if screen.phase == screens.REVEALED:
        context["reveal"] = screens.reveal(screen, translation.get_language())
        context["agreement"] = (
            AgreementNote.objects.filter(
                assessment_id=session.assessment_id,
                dimension_id=screen.step.dimension_id,
            )
            .values_list("text", flat=True)
            .first()
        )
    if session.join_code:
        context["join_url"], context["join_link"] = join_url(request, session)
        if with_qr and screen.phase == screens.LOBBY:
            context["qr"] = qr_svg(context["join_link"])
    return context


def _session_for(token):
    found = polling.projector_version(token_hash(token)) if len(token) < 100 else None
    if found is None:
        return None, None
    session = LiveSession.objects.select_related(
        "assessment__partnership", "assessment__question_set"
    ).get(pk=found[0])
    return session, found[1]


def _ended(request, template):
    return render(request, template, status=404)


@login_not_required
@never_cache
def show_projector(request, token):
    client = throttle.client_key(request)
    if throttle.is_blocked("token", client):
        return throttle.too_many_requests(request, "token")
    session, _version = _session_for(token)
    if session is None:
        throttle.hit("token", client)
        return _ended(request, "assessments/live_projector_ended.html")
    context = screen_context(request, session)
    context["token"] = token
    response = render(request, "assessments/live_projector.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@never_cache
def poll_projector(request, token):
    """One query when nothing changed; the ended screen when the link stopped."""
    found = polling.projector_version(token_hash(token)) if len(token) < 100 else None
    if found is None:
        return _ended(request, "assessments/includes/_live_projector_ended.html")

    def render_state():
        session, _version = _session_for(token)
        context = screen_context(request, session)
        context["token"] = token
        return render(
            request, "assessments/includes/_live_projector_state.html", context
        )

    return polling.poll(request, found[1], render_state)
