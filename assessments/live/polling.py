"""How a screen learns that the session changed: polling, behind one function.

Every screen holds the version it shows (in the `v` of its poll URL,
templates/assessments/includes/_live_poll.html) and asks every ~2 seconds. When
nothing changed, `poll` answers 204 without rendering anything; otherwise it
renders the fragment. Server-sent events could replace this function (and the
one include) without touching the views' renderers.

The versions are read with one small query per screen kind (below), so a poll
costs the same however many phones joined.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
