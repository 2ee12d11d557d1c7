"""What the facilitator does: create a session, steer it, end it; the projector
link and the agreement note. Every write is a keyword-only function in one
transaction; a refusal is a `LiveRefused` with a message for people.

State changes bump `state_version` (the phones follow it), joins and hand-ins
bump `progress_version` (the projector's counts): see models.py.
"""

import secrets
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import (
    AgreementNote,
    Assessment,
    Dimension,
    LiveSession,
    LiveStep,
    Respondent,
)
from ..questionnaire import answers_lock
from .models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH


class LiveRefused(Exception):
    """Something a live session cannot do now; `message` says why, for people."""

    CLOSED = "closed"
    ENDED = "ended"
    RUNNING = "running"
    NO_STEPS = "no_steps"
    MOVED_ON = "moved_on"
    PAUSED = "paused"
    NOT_NOW = "not_now"
    INCOMPLETE = "incomplete"

    MESSAGES = {
        CLOSED: _("This scan is closed: it cannot host a live session."),
        ENDED: _("This live session has ended."),
        RUNNING: _("A live session for this scan is already running."),
        NO_STEPS: _("Choose at least one dimension."),
        MOVED_ON: _(
            "The session has moved on in the meantime: this screen shows where "
            "it is now."
        ),
        PAUSED: _("The session is paused: wait for the facilitator."),
        NOT_NOW: _("These statements cannot be answered now."),
        INCOMPLETE: _(
            "Answer every statement (or choose “don't know / not applicable”) "
            "before handing in."
        ),
    }

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def message(self) -> Promise:
        return self.MESSAGES[self.reason]


# What the facilitator's buttons post as `action`.
START, NEXT, BACK, REVEAL, SECOND_ROUND, PAUSE, RESUME = (
    "start",
    "next",
    "back",
    "reveal",
    "second_round",
    "pause",
    "resume",
)
ACTIONS = (START, NEXT, BACK, REVEAL, SECOND_ROUND, PAUSE, RESUME)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What a person typed, as a code: capitals, no spaces or dashes."""
    return "".join(ch for ch in (text or "")[:40].upper() if ch.isalnum())


def running_session(assessment: Assessment) -> LiveSession | None:
    """The scan's session that has not ended, if any (at most one)."""
    return (
        LiveSession.objects.filter(assessment=assessment)
        .exclude(status=LiveSession.Status.ENDED)
        .first()
    )


def bump(session: LiveSession, *, state: bool = False, progress: bool = False) -> None:
    """Move the versions the polls compare (and the instance's copy of them)."""
    changes = {}
    if state:
        changes["state_version"] = F("state_version") + 1
    if progress:
        changes["progress_version"] = F("progress_version") + 1
    LiveSession.objects.filter(pk=session.pk).update(**changes)
    session.refresh_from_db(fields=["state_version", "progress_version"])


@transaction.atomic
def live_session_create(
    *,
    assessment: Assessment,
    facilitator: AbstractBaseUser,
    dimensions: Sequence[Dimension],
    auto_reveal: bool = False,
    ask_names: bool = False,
) -> LiveSession:
    """A new session in its lobby, with a join code and a projector link.

    Raises LiveRefused when the scan is closed, already has a session that has
    not ended, or no dimension is chosen."""
    if answers_lock(assessment):
        raise LiveRefused(LiveRefused.CLOSED)
    if not dimensions:
        raise LiveRefused(LiveRefused.NO_STEPS)
    if running_session(assessment) is not None:
        raise LiveRefused(LiveRefused.RUNNING)
    for _attempt in range(10):
        session = LiveSession(
            assessment=assessment,
            facilitator=facilitator,
            auto_reveal=auto_reveal,
            ask_names=ask_names,
            join_code=new_join_code(),
        )
        session.issue_projector_token()
        try:
            with transaction.atomic():
                session.save()
            break
        except IntegrityError:
            # A parallel click created the scan's session, or (rarely) the code
            # is taken: say the first, draw again for the second.
            if running_session(assessment) is not None:
                raise LiveRefused(LiveRefused.RUNNING) from None
    else:  # pragma: no cover - ten taken codes in a row
        raise LiveRefused(LiveRefused.RUNNING)
    LiveStep.objects.bulk_create(
        LiveStep(session=session, dimension=dimension, position=position)
        for position, dimension in enumerate(dimensions)
    )
    return session


def locked_session(session: LiveSession) -> LiveSession:
    """The session row again, locked until commit (PostgreSQL; SQLite serialises
    writers anyway), so two clicks or hand-ins never interleave."""
    return (
        LiveSession.objects.select_for_update()
        .select_related("assessment__question_set")
        .get(pk=session.pk)
    )


def shared_session_step(session: LiveSession) -> tuple[LiveSession, LiveStep | None]:
    """For a phone's save, hand-in or withdrawal: the session and its current step,
    read after taking the session row's shared lock (PostgreSQL's FOR KEY SHARE,
    until commit). Phones hold it side by side; the facilitator's controls, a join
    and the end take the row FOR UPDATE (`locked_session`), so they wait for the
    saves in flight and the saves wait for them: no answer lands in a step being
    revealed or moved on. A hand-in's progress bump (an UPDATE of the row) does not
    conflict with the phones' shared locks, only with another bump, for the moment
    between it and its commit. SQLite knows no row locks and needs none: every
    transaction there begins by taking the database's one write lock.

    Until session 3 every save took the row FOR UPDATE: a room's saves and
    hand-ins queued one after the other, with five gunicorn workers waiting on
    the lock while 200 phones handed in (bench/README.md, "Session 3")."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(LiveSession._meta.db_table)
        with connection.cursor() as cursor:
            # The ORM writes FOR UPDATE and FOR NO KEY UPDATE, not FOR KEY SHARE.
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE",  # noqa: S608  # nosec B608 - the table's own name
                [session.pk],
            )
    step = (
        LiveStep.objects.select_related("session__assessment__question_set")
        .filter(session_id=session.pk, position=F("session__position"))
        .order_by()
        .first()
    )
    if step is not None:
        return step.session, step
    # No step at the session's position (the lobby, or ended): the session as the
    # facilitator left it, and no step.
    session = LiveSession.objects.select_related("assessment__question_set").get(
        pk=session.pk
    )
    return session, current_step(session)


def current_step(session: LiveSession) -> LiveStep | None:
    return (
        session.steps.select_related("dimension")
        .filter(position=session.position)
        .first()
    )


@transaction.atomic
def live_session_control(*, session: LiveSession, action: str, position: int) -> None:
    """One of the facilitator's buttons. `position` is the step the facilitator's
    screen showed: when the session has moved on since (another tab, an automatic
    reveal), nothing happens and LiveRefused(MOVED_ON) says so."""
    session = locked_session(session)
    if session.is_over:
        raise LiveRefused(LiveRefused.ENDED)
    if answers_lock(session.assessment):
        raise LiveRefused(LiveRefused.CLOSED)
    if action == START:
        if session.status != LiveSession.Status.LOBBY:
            raise LiveRefused(LiveRefused.MOVED_ON)
        LiveSession.objects.filter(pk=session.pk).update(
            status=LiveSession.Status.RUNNING, started_at=timezone.now(), position=0
        )
        return bump(session, state=True)
    if session.status != LiveSession.Status.RUNNING or position != session.position:
        raise LiveRefused(LiveRefused.MOVED_ON)
    if action in (PAUSE, RESUME):
        LiveSession.objects.filter(pk=session.pk).update(paused=action == PAUSE)
        return bump(session, state=True)
    last = session.steps.count() - 1
    if action in (NEXT, BACK):
        target = session.position + (1 if action == NEXT else -1)
        if not 0 <= target <= last:
            raise LiveRefused(LiveRefused.MOVED_ON)
        LiveSession.objects.filter(pk=session.pk).update(position=target)
        return bump(session, state=True)
    step = current_step(session)
    if action == REVEAL and not step.revealed:
        step_reveal(session=session, step=step)
    elif action == SECOND_ROUND and step.revealed and step.round == 1:
        LiveStep.objects.filter(pk=step.pk).update(round=2, revealed=False)
        bump(session, state=True)
    else:
        raise LiveRefused(LiveRefused.MOVED_ON)


def step_reveal(*, session: LiveSession, step: LiveStep) -> None:
    """Show the step's answers to the room (inside the caller's transaction)."""
    LiveStep.objects.filter(pk=step.pk).update(revealed=True)
    step.revealed = True
    bump(session, state=True)


@transaction.atomic
def live_session_end(*, session: LiveSession) -> int:
    """End the session: the join code and the projector link stop working, the
    answers given are handed in (locked like a submitted questionnaire), and phones
    that joined without answering anything are removed again. Returns how many
    participants' answers were kept. Ending twice is harmless."""
    session = locked_session(session)
    if session.is_over:
        return 0
    now = timezone.now()
    respondents = Respondent.objects.filter(live_participant__session=session)
    respondents.filter(answers__isnull=True).delete()
    kept = respondents.filter(submitted_at__isnull=True).update(
        submitted_at=now, updated_at=now
    )
    session.status = LiveSession.Status.ENDED
    session.ended_at = now
    session.paused = False
    session.join_code = None
    session.revoke_projector_token()
    session.save(
        update_fields=[
            "status",
            "ended_at",
            "paused",
            "join_code",
            "projector_seed",
            "projector_hash",
        ]
    )
    bump(session, state=True, progress=True)
    return kept


@transaction.atomic
def projector_link_revoke(*, session: LiveSession) -> None:
    """The projector's link stops working at once (the screen says so)."""
    session = locked_session(session)
    session.revoke_projector_token()
    session.save(update_fields=["projector_seed", "projector_hash"])


@transaction.atomic
def projector_link_renew(*, session: LiveSession) -> str:
    """A new projector link; the old one stops working. Returns the token."""
    session = locked_session(session)
    if session.is_over:
        raise LiveRefused(LiveRefused.ENDED)
    token = session.issue_projector_token()
    session.save(update_fields=["projector_seed", "projector_hash"])
    return token


@transaction.atomic
def agreement_note_save(
    *,
    session: LiveSession,
    dimension: Dimension,
    text: str,
    user: AbstractBaseUser,
) -> AgreementNote | None:
    """Note what the partners agreed on a dimension of the session (kept with the
    scan; empty text removes the note). Returns the note, or None when removed."""
    session = locked_session(session)
    if session.is_over:
        raise LiveRefused(LiveRefused.ENDED)
    text = text.strip()
    notes = AgreementNote.objects.filter(
        assessment_id=session.assessment_id, dimension=dimension
    )
    if not text:
        notes.delete()
        note = None
    else:
        note, _created = AgreementNote.objects.update_or_create(
            assessment_id=session.assessment_id,
            dimension=dimension,
            defaults={"text": text, "updated_by": user},
        )
    bump(session, state=True)
    return note
