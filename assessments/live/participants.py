"""What a phone does: join with the code, answer the current step, hand it in.

Each joined phone is a respondent of the scan for its organisation (with an
invitation token of its own, so the browser binding of
views/participant_session.py and revoking work as for an invitation link). Its
answers are ordinary answers, saved by `questionnaire.answers_save` (the same
locks), and each round's are kept in `LiveAnswer` as well.
"""

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..background.files import report_schedule
from ..models import (
    LiveAnswer,
    LiveHandIn,
    LiveParticipant,
    LiveSession,
    LiveStep,
    Organisation,
    Respondent,
)
from ..questionnaire import answers_lock, answers_upsert, free_label
from .sessions import (
    LiveRefused,
    bump,
    current_step,
    locked_session,
    shared_session_step,
    step_reveal,
)


def joinable_session(code: str) -> LiveSession | None:
    """The session a join code opens: one that has not ended, of an open scan."""
    if not code:
        return None
    session = (
        LiveSession.objects.select_related("assessment__question_set")
        .filter(join_code=code)
        .exclude(status=LiveSession.Status.ENDED)
        .first()
    )
    if session is None or answers_lock(session.assessment):
        return None
    return session


@transaction.atomic
def live_participant_join(
    *,
    session: LiveSession,
    organisation: Organisation,
    label: str = "",
    language: str = "nl",
    consented: bool = False,
) -> LiveParticipant:
    """A new respondent of the scan for `organisation`, taking part by phone.

    `label` is the name or pseudonym given (numbered when taken); without one the
    phone is "<organisation> (live)", numbered. `consented`: they ticked the scan's
    privacy notice (stored with the time)."""
    session = locked_session(session)
    if session.is_over:
        raise LiveRefused(LiveRefused.ENDED)
    if answers_lock(session.assessment):
        raise LiveRefused(LiveRefused.CLOSED)
    if organisation.partnership_id != session.assessment.partnership_id:
        raise LiveRefused(LiveRefused.NOT_NOW)
    base = label.strip() or _("%(organisation)s (live)") % {
        "organisation": organisation.name
    }
    respondent = Respondent(
        assessment=session.assessment,
        organisation=organisation,
        label=free_label(session.assessment, base),
        language=language,
        started_at=timezone.now(),
        consented_at=timezone.now() if consented else None,
    )
    respondent.issue_token()
    respondent.save()
    participant = LiveParticipant.objects.create(session=session, respondent=respondent)
    bump(session, progress=True)
    return participant


def _answerable(session: LiveSession, step: LiveStep | None) -> LiveStep:
    """The step a phone may answer now (the session's current one), or
    LiveRefused."""
    if session.is_over:
        raise LiveRefused(LiveRefused.ENDED)
    if session.status != LiveSession.Status.RUNNING:
        raise LiveRefused(LiveRefused.NOT_NOW)
    if session.paused:
        raise LiveRefused(LiveRefused.PAUSED)
    if step is None or step.revealed:
        raise LiveRefused(LiveRefused.NOT_NOW)
    return step


def _save(
    participant: LiveParticipant,
    session: LiveSession,
    step: LiveStep,
    values: Mapping[int, int | None],
    questions: Mapping[int, int],
) -> None:
    if any(questions.get(pk) != step.dimension_id for pk in values):
        raise LiveRefused(LiveRefused.NOT_NOW)
    if not values:
        return
    LiveAnswer.objects.bulk_create(
        [
            LiveAnswer(
                participant=participant, question_id=pk, round=step.round, value=value
            )
            for pk, value in sorted(values.items())
        ],
        update_conflicts=True,
        unique_fields=["participant", "question", "round"],
        update_fields=["value", "updated_at"],
    )
    # The scan as read under the session's lock just now (whether it is still
    # open), instead of a query for the respondent's copy of it.
    respondent = participant.respondent
    respondent.assessment = session.assessment
    # Errors propagate out of the caller's transaction: no savepoint needed.
    answers_upsert([(respondent, values, {})], savepoint=False)


def live_answers_save(
    *,
    participant: LiveParticipant,
    values: Mapping[int, int | None],
    questions: Mapping[int, int],
) -> None:
    """Save answers (question id -> 1-5 or None) to the current step, in its
    current round. `questions` maps the scan's question ids to dimension ids.
    Raises LiveRefused (not the current step, revealed, paused, ended) or
    AnswersLocked (the scan closed).

    One short transaction under the session row's shared lock
    (`shared_session_step`): the current step, the round's answer, the
    respondent's answer. The report is scheduled after the commit, as the
    questionnaire's autosave does."""
    with transaction.atomic():
        session, step = shared_session_step(participant.session)
        _save(participant, session, _answerable(session, step), values, questions)
    if values:
        report_schedule(session.assessment)


def live_hand_in(
    *,
    participant: LiveParticipant,
    values: Mapping[int, int | None],
    questions: Mapping[int, int],
) -> bool:
    """Save the step's answers and say "klaar". Every statement of the step needs
    an answer in this round ("weet niet" is one): without, the answers given are
    saved and False is returned. With automatic reveal, the last participant to
    hand in reveals the step."""
    with transaction.atomic():
        session, step = shared_session_step(participant.session)
        step = _answerable(session, step)
        _save(participant, session, step, values, questions)
        done, counted = _hand_in(participant, session, step, questions)
    if counted and session.auto_reveal:
        _auto_reveal(session, step)
    if values:
        report_schedule(session.assessment)
    return done


def _hand_in(
    participant: LiveParticipant,
    session: LiveSession,
    step: LiveStep,
    questions: Mapping[int, int],
) -> tuple[bool, bool]:
    """(handed in, newly): False when a statement of the step has no answer."""
    total = sum(1 for dimension in questions.values() if dimension == step.dimension_id)
    given = LiveAnswer.objects.filter(
        participant=participant,
        round=step.round,
        question__dimension_id=step.dimension_id,
    ).count()
    if given < total:
        return False, False
    _hand_in, created = LiveHandIn.objects.get_or_create(
        participant=participant, step=step, round=step.round
    )
    if created:
        bump(session, progress=True)  # last: other hand-ins wait from here to commit
    return True, created


@transaction.atomic
def _auto_reveal(session: LiveSession, step: LiveStep) -> None:
    """Reveal the step when everyone who joined has handed it in: after the
    hand-in's commit, under the row's exclusive lock like the facilitator's
    button, so every hand-in in flight is counted (two last hand-ins at once:
    the later one reveals) and the step is revealed once."""
    session = locked_session(session)
    current = current_step(session)
    if (
        session.status == LiveSession.Status.RUNNING
        and not session.paused
        and current is not None
        and current.pk == step.pk
        and current.round == step.round
        and not current.revealed
        and everyone_handed_in(session, current)
    ):
        step_reveal(session=session, step=current)


def everyone_handed_in(session: LiveSession, step: LiveStep) -> bool:
    counts = LiveParticipant.objects.filter(session=session).aggregate(
        joined=Count("pk", distinct=True)
    )
    ready = LiveHandIn.objects.filter(step=step, round=step.round).count()
    return counts["joined"] > 0 and ready >= counts["joined"]


@transaction.atomic
def live_hand_in_withdraw(*, participant: LiveParticipant) -> None:
    """Back to the statements to change an answer: no longer "klaar" until
    handed in again (only before the reveal)."""
    session, step = shared_session_step(participant.session)
    step = _answerable(session, step)
    deleted, _rows = LiveHandIn.objects.filter(
        participant=participant, step=step, round=step.round
    ).delete()
    if deleted:
        bump(session, progress=True)
