"""The audit trail: who did what, when, to which object, from where.

Two sources, one rule (nothing personal that an erasure could not reach):

- changes to the models that matter are recorded by django-auditlog
  (`registry.register_models`, with only non-personal fields);
- what no model signal sees is recorded here, one call per view:
  `audit_event(request, Event.RESULTS_OPENED, assessment)`.

Whether the client's address is kept depends on who acted: consultants
(`PARTNERSCAN_AUDIT_CONSULTANT_ADDRESSES`, on by default: their accounts open every
scan they own, so a stolen password should leave a trace) and everyone else
(participants, partners opening a shared link:
`PARTNERSCAN_AUDIT_PARTICIPANT_ADDRESSES`, off by default: we promise them no
tracking). docs/privacy.md.

An erasure records itself with counts, before the rows go (a deleted instance has
no pk left), inside the erasure's transaction so that both or neither happen:
`audit_event(request, Event.ERASURE, respondent, answers=40, comments=2)`.
"""

import ipaddress
import re
from datetime import datetime, timedelta

from auditlog.models import LogEntry as ChangeLogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from ..models import Assessment, Collaboration, Partnership, QuestionSet
from ..web.throttle import client_key
from .models import AuditEvent

Event = AuditEvent.Event

__all__ = [
    "AuditEvent",
    "ChangeLogEntry",
    "Event",
    "audit_event",
    "audit_prune",
    "client_address",
]

# Details are codes and counts. A value that could be someone's words (a name, a
# comment, a file name) is refused here rather than trusted to every caller.
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")


def client_address(request: HttpRequest, *, consultant: bool) -> str | None:
    """The client's address when the settings say to keep it, else None."""
    keep = (
        settings.PARTNERSCAN_AUDIT_CONSULTANT_ADDRESSES
        if consultant
        else settings.PARTNERSCAN_AUDIT_PARTICIPANT_ADDRESSES
    )
    if not keep:
        return None
    try:
        return str(ipaddress.ip_address(client_key(request)))
    except ValueError:  # no REMOTE_ADDR (a test's fake request), garbage
        return None


def _scope(obj) -> tuple[str, int | None, int | None, int | None]:
    """(object type, object id, partnership id, assessment id) of what was acted on.

    Objects under a scan (respondent, shared link, live session, action) carry its
    ids too, so that the partnership's trail finds them in one indexed query."""
    if obj is None:
        return "", None, None, None
    kind = obj._meta.model_name
    if isinstance(obj, Partnership):
        return kind, obj.pk, obj.pk, None
    if isinstance(obj, Assessment):
        return kind, obj.pk, obj.partnership_id, obj.pk
    if isinstance(obj, Collaboration):
        return kind, obj.pk, obj.partnership_id, None
    if isinstance(obj, QuestionSet | get_user_model()):
        return kind, obj.pk, None, None
    assessment = obj.assessment  # Respondent, SharedLink, LiveSession, Action
    return kind, obj.pk, assessment.partnership_id, assessment.pk


def _checked(details: dict) -> dict:
    for key, value in details.items():
        if isinstance(value, bool | int) or value is None:
            continue
        if isinstance(value, str) and _CODE.match(value):
            continue
        raise ValueError(f"Audit detail {key!r} must be a count, flag or short code")
    return details


def audit_event(
    request_or_user, event: str, obj=None, **details: int | str | bool | None
) -> AuditEvent:
    """Record one event. `request_or_user` is the request (who, and from where) or,
    outside a request (a service, a task), the user who acted or None.

    `details` are counts, flags and short codes (`fmt="xlsx"`, `respondents=3`),
    never text someone typed: the trail outlives erasures.
    """
    if isinstance(request_or_user, HttpRequest):
        user = getattr(request_or_user, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        # A failed login is aimed at a consultant's account: it is theirs to know
        # where the guesses came from, under the consultants' setting.
        consultant = actor is not None or event == Event.LOGIN_FAILED
        address = client_address(request_or_user, consultant=consultant)
    else:
        actor, address = request_or_user, None
    object_type, object_id, partnership_id, assessment_id = _scope(obj)
    return AuditEvent.objects.create(
        actor=actor,
        event=event,
        partnership_id=partnership_id,
        assessment_id=assessment_id,
        object_type=object_type,
        object_id=object_id,
        details=_checked(details),
        remote_addr=address,
    )


def audit_prune(now: datetime) -> int:
    """Delete trail entries (events and recorded changes) older than
    `PARTNERSCAN_AUDIT_RETENTION_DAYS`: the trail has its own retention. A
    scheduled job (assessments/background/schedule.py); returns how many went."""
    cutoff = now - timedelta(days=settings.PARTNERSCAN_AUDIT_RETENTION_DAYS)
    events, _ = AuditEvent.objects.older_than(cutoff).delete()
    changes, _ = ChangeLogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return events + changes
