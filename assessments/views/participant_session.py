"""The participant's session: which respondent a browser speaks for, and for how
long (assessments/views/questionnaire.py uses it).

A session belongs to one respondent at a time; revoking the link (or issuing a new
one) ends it, because the session remembers the token's hash. It ends
PARTICIPANT_SESSION_SECONDS after the last request, and at once on submit: the
browser then holds only a receipt, which for PARTICIPANT_RECEIPT_SECONDS shows the
thank-you page and the participant's own answers, and nothing else.
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..models import LiveParticipant, Respondent
from ..questionnaire import (
    respondent_set_language,
)
from ._answering import (
    save_status,
)

SESSION_RESPONDENT = "questionnaire_respondent"
SESSION_TOKEN = "questionnaire_token_hash"  # noqa: S105 - a session key name
SESSION_SEEN = "questionnaire_seen"
SESSION_RECEIPT = "questionnaire_receipt"
# The session's expiry is renewed (one session write) at most this often.
KEEP_ALIVE_SECONDS = 300


def _invalid_link(request):
    """One page for unknown, revoked and closed links alike: it reveals nothing."""
    return render(request, "assessments/questionnaire_invalid.html", status=404)


REVOKED = "revoked"


def _session_respondent(request):
    """The session's respondent; REVOKED when their link was revoked or replaced
    since the session began; None without a (valid) session."""
    pk = request.session.get(SESSION_RESPONDENT)
    token_hash = request.session.get(SESSION_TOKEN)
    if not pk or not token_hash:
        return None
    respondent = (
        Respondent.objects.select_related("assessment__question_set", "organisation")
        .filter(pk=pk, is_group=False)
        .first()
    )
    if respondent is None:
        return None
    # Compared here rather than in the query, to tell a revoked link (this very
    # person, so saying so reveals nothing) from a session that never had one.
    if respondent.token_hash != token_hash:
        return REVOKED
    return respondent


def _revoked_link(request):
    """Said on every page and on every autosave, and never retried: a revoked
    link does not come back, only a new one helps."""
    message = _("This link has been revoked. Ask your consultant for a new link.")
    if request.htmx:
        return save_status(request, error=message, status=410)
    return render(
        request,
        "assessments/questionnaire_revoked.html",
        {"message": message},
        status=410,
    )


def _keep_alive(request):
    """Let the participant's session end PARTICIPANT_SESSION_SECONDS after their last
    request. A consultant trying a link keeps their own session's lifetime."""
    if request.user.is_authenticated:
        return
    stamp = int(time.time() // KEEP_ALIVE_SECONDS)
    if request.session.get(SESSION_SEEN) != stamp:
        request.session[SESSION_SEEN] = stamp
        request.session.set_expiry(settings.PARTICIPANT_SESSION_SECONDS)


def _start_session(request, respondent):
    request.session.cycle_key()
    request.session.pop(SESSION_RECEIPT, None)
    request.session[SESSION_RESPONDENT] = respondent.pk
    request.session[SESSION_TOKEN] = respondent.token_hash
    _keep_alive(request)


def _start_receipt(request, respondent):
    """End the participant's session, keeping only what the thank-you page needs."""
    if request.user.is_authenticated:
        for key in (SESSION_RESPONDENT, SESSION_TOKEN, SESSION_SEEN):
            request.session.pop(key, None)
        request.session.cycle_key()
    else:
        request.session.flush()
        request.session.set_expiry(settings.PARTICIPANT_RECEIPT_SECONDS)
    request.session[SESSION_RECEIPT] = {
        "respondent": respondent.pk,
        "token_hash": respondent.token_hash,
        "until": int(time.time()) + settings.PARTICIPANT_RECEIPT_SECONDS,
    }


def _receipt_respondent(request):
    """The submitted respondent whose receipt this session holds, or None."""
    receipt = request.session.get(SESSION_RECEIPT)
    if not isinstance(receipt, dict) or receipt.get("until", 0) < time.time():
        return None
    return (
        Respondent.objects.select_related("assessment__question_set")
        .filter(
            pk=receipt.get("respondent"),
            token_hash=receipt.get("token_hash"),
            is_group=False,
            submitted_at__isnull=False,
        )
        .first()
    )


def respondent_required(view):
    """Pass the session's respondent to the view, or show the invalid-link page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        respondent = _session_respondent(request)
        if respondent is None:
            # Sent already (a second click, the back button): the thank-you page,
            # not "this link is not valid".
            if not request.htmx and _receipt_respondent(request) is not None:
                return redirect("assessments:questionnaire-thanks")
            return _invalid_link(request)
        if respondent is REVOKED:
            return _revoked_link(request)
        _keep_alive(request)
        respondent_set_language(
            respondent=respondent, language=translation.get_language()[:2]
        )
        return view(request, respondent, *args, **kwargs)

    return login_not_required(never_cache(wrapper))


# A phone in a live session (views/live/phone.py) is bound the same way: the
# session remembers the participant and their respondent's token hash, so
# revoking that respondent's link (or removing them) ends the binding. Keys of
# their own: a live participant's browser does not open the questionnaire.
LIVE_PARTICIPANT = "live_participant"
LIVE_TOKEN = "live_token_hash"  # noqa: S105 - a session key name


def start_live_binding(request, participant):
    request.session.cycle_key()
    request.session[LIVE_PARTICIPANT] = participant.pk
    request.session[LIVE_TOKEN] = participant.respondent.token_hash
    _keep_alive(request)


def live_binding(request):
    """(participant id, token hash) this browser speaks for, or None."""
    pk = request.session.get(LIVE_PARTICIPANT)
    token_hash = request.session.get(LIVE_TOKEN)
    if not isinstance(pk, int) or not token_hash:
        return None
    _keep_alive(request)
    return pk, token_hash


def live_participant_of(request):
    """The browser's live participant, REVOKED when their respondent's link was
    revoked since, or None."""
    binding = live_binding(request)
    if binding is None:
        return None
    participant = (
        LiveParticipant.objects.select_related(
            "respondent__organisation",
            "session__assessment__question_set",
        )
        .filter(pk=binding[0])
        .first()
    )
    if participant is None:
        return None
    if participant.respondent.token_hash != binding[1]:
        return REVOKED
    return participant
