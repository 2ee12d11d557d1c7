"""How a screen learns that the session changed: polling, behind one function.

Every screen holds the version it shows (in the `v` of its poll URL,
templates/assessments/includes/_live_poll.html) and asks every ~2 seconds. When
nothing changed, `poll` answers 204 without rendering anything; otherwise it
renders the fragment. Server-sent events could replace this function (and the
one include) without touching the views' renderers.

The versions are read with one small query per screen kind (below), so a poll
costs the same however many phones joined.

A phone's poll URL carries a poll key (`phone_poll_key`): the participant's id,
when the key was made, and a MAC over both and the respondent's token hash. With
it, an unchanged poll is answered from that one query without loading the
browser's session (assessments/web/login_required.py does not load it for a view
without login): about half of what the poll cost, and
with 100 polls a second from a room of 200 the largest share of its requests
(bench/README.md, "Live session"). The key only ever earns a 204: everything
else (a changed version, a revoked link, an old or wrong key) goes the session's
way, as a poll without a key does. A revoked or replaced link changes the token
hash, so its keys stop matching at once; keys older than PHONE_KEY_SECONDS go
the session's way too, so a phone's session is kept alive by its polls at least
that often (a page shows a fresh key with every change of the session).
"""

import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import LiveParticipant, LiveSession

# htmx does not swap a 204: the screen stays as it is.
UNCHANGED = 204
# How often the screens ask (templates read it through the views' context).
POLL_SECONDS = 2


def poll(
    request: HttpRequest, version: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """204 when the client already shows `version`, else `render()`."""
    if request.GET.get("v") == version:
        return HttpResponse(status=UNCHANGED)
    return render()


def projector_version(token_hash: str) -> tuple[int, str] | None:
    """(session id, version) of the session a projector link opens, or None."""
    row = (
        LiveSession.objects.filter(projector_hash=token_hash)
        .exclude(status=LiveSession.Status.ENDED)
        .values_list("pk", "state_version", "progress_version")
        .first()
    )
    return (row[0], f"{row[1]}.{row[2]}") if row else None


PHONE_KEY_SECONDS = 3600
_KEY_SALT = "assessments.live.phone-poll"


def _mac(participant_id: int, stamp: int, token_hash: str) -> str:
    value = f"{participant_id}:{stamp}:{token_hash}"
    return salted_hmac(_KEY_SALT, value, algorithm="sha256").hexdigest()[:32]


# The one hand-written query of the app: composing it through the ORM took
# 1.1 ms of CPU against 0.18 ms for the same SELECT written out (bench/README.md,
# "Live session"), in the request a room of 200 phones sends 100 times a second.
# Plain SQL, the same on SQLite and PostgreSQL.
_PHONE_KEY_SQL = (
    "SELECT r.token_hash, s.state_version FROM assessments_liveparticipant p "
    "JOIN assessments_respondent r ON r.id = p.respondent_id "
    "JOIN assessments_livesession s ON s.id = p.session_id WHERE p.id = %s"
)


def phone_poll_key(participant_id: int, token_hash: str) -> str:
    """The key a phone's page puts in its poll URL (see the module's docstring)."""
    stamp = int(time.time())
    return f"{participant_id}-{stamp}-{_mac(participant_id, stamp, token_hash)}"


def phone_version_by_key(key: str) -> str | None:
    """The state version a phone follows, from its poll key alone (one query),
    or None when the key is malformed, old, or no longer matches the link."""
    parts = key.split("-")
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    participant_id, stamp = int(parts[0]), int(parts[1])
    if not 0 <= time.time() - stamp < PHONE_KEY_SECONDS:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_PHONE_KEY_SQL, [participant_id])
        row = cursor.fetchone()
    if row is None or not row[0]:
        return None
    if not constant_time_compare(parts[2], _mac(participant_id, stamp, row[0])):
        return None
    return str(row[1])


def phone_version(participant_id: int, token_hash: str) -> str | None:
    """The state version a phone follows (its own answers change only through its
    own requests), or None when the participant's link was revoked or removed."""
    row = (
        LiveParticipant.objects.filter(
            pk=participant_id, respondent__token_hash=token_hash
        )
        .values_list("session__state_version", flat=True)
        .first()
    )
    return None if row is None else str(row)
