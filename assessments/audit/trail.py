"""A partnership's trail in words, for its owner ("Activiteit").

Entries hold ids, not names (models.py says why): the names are looked up here, one
query per kind of object on the page, so the page costs the same for 5 or 50
entries. An object that has been erased reads as "a deleted scan".
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from ..models import Assessment, Respondent
from .models import AuditEvent

Event = AuditEvent.Event

# What each event says; %(actor)s, %(scan)s and %(target)s are filled in below.
SENTENCES = {
    Event.RESULTS_OPENED: gettext_lazy("%(actor)s opened the results of %(scan)s."),
    Event.REPORT_DOWNLOADED: gettext_lazy(
        "%(actor)s downloaded the report of %(scan)s."
    ),
    Event.EXPORT_DOWNLOADED: gettext_lazy(
        "%(actor)s downloaded an export (%(target)s) of %(scan)s."
    ),
    Event.ANSWERS_IMPORTED: gettext_lazy("%(actor)s imported answers into %(scan)s."),
    Event.LINK_CREATED: gettext_lazy(
        "%(actor)s created participant links for %(target)s in %(scan)s."
    ),
    Event.LINK_REVOKED: gettext_lazy(
        "%(actor)s revoked the link of %(target)s in %(scan)s."
    ),
    Event.LINK_REISSUED: gettext_lazy(
        "%(actor)s issued a new link for %(target)s in %(scan)s."
    ),
    Event.SHARED_LINK_CREATED: gettext_lazy(
        "%(actor)s shared the results of %(scan)s through a link."
    ),
    Event.SHARED_LINK_REVOKED: gettext_lazy(
        "%(actor)s revoked a shared link to the results of %(scan)s."
    ),
    Event.SHARED_LINK_OPENED: gettext_lazy(
        "%(actor)s opened the shared results of %(scan)s."
    ),
    Event.COLLABORATOR_ADDED: gettext_lazy(
        "%(actor)s shared the partnership with %(target)s."
    ),
    Event.LIVE_SESSION_STARTED: gettext_lazy(
        "%(actor)s started a live session for %(scan)s."
    ),
    Event.ERASURE: gettext_lazy("%(actor)s erased data of %(scan)s."),
}
# Events that people without an account cause: a partner with a shared link.
_LINK_EVENTS = {Event.SHARED_LINK_OPENED, Event.REPORT_DOWNLOADED}


@dataclass(frozen=True)
class TrailLine:
    timestamp: datetime
    event: str
    sentence: str


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def trail_lines(events: list[AuditEvent]) -> list[TrailLine]:
    """The events (fetched with `select_related("actor")`) as sentences."""
    scan_ids = {e.assessment_id for e in events if e.assessment_id}
    respondent_ids = {e.object_id for e in events if e.object_type == "respondent"}
    user_ids = {e.details.get("user") for e in events if e.details.get("user")}
    scans = (
        Assessment.objects.select_related("partnership").in_bulk(scan_ids)
        if scan_ids
        else {}
    )
    respondents = (
        Respondent.objects.only("label").in_bulk(respondent_ids)
        if respondent_ids
        else {}
    )
    users = get_user_model()._default_manager.in_bulk(user_ids) if user_ids else {}
    lines = []
    for event in events:
        if event.actor is not None:
            actor = _name(event.actor)
        elif event.event in _LINK_EVENTS:
            actor = _("Someone with a shared link")
        else:
            actor = _("A deleted account")
        scan = scans.get(event.assessment_id)
        values = {
            "actor": actor,
            "scan": str(scan) if scan else _("a deleted scan"),
            "target": _target(event, respondents, users),
        }
        sentence = SENTENCES.get(event.event)
        text = sentence % values if sentence else event.get_event_display()
        lines.append(TrailLine(event.timestamp, event.event, text))
    return lines


def _target(event: AuditEvent, respondents: dict, users: dict) -> str:
    details = event.details
    if event.object_type == "respondent":
        respondent = respondents.get(event.object_id)
        return respondent.label if respondent else _("a deleted respondent")
    if "respondents" in details:
        n = details["respondents"]
        return ngettext("%(n)d respondent", "%(n)d respondents", n) % {"n": n}
    if "user" in details:
        user = users.get(details["user"])
        return _name(user) if user else _("a deleted account")
    return str(details.get("fmt", "")).upper()


def partnership_trail(partnership_id: int):
    """The partnership's entries, newest first, actor loaded: slice or paginate."""
    return AuditEvent.objects.for_partnership(partnership_id).select_related("actor")
