"""Retention: a closed scan's personal data is anonymised when its period ends.

Each scan keeps names, e-mail addresses and comments `retention_months` after it
closes (`Assessment.retention_ends_on`; the default is the setting
PARTNERSCAN_RETENTION_MONTHS). Then `assessment_anonymise` turns every person into
"Deelnemer 1…n" of their organisation, clears addresses and comments, erases the
link seeds (the links show the "no longer valid" page) and the e-mails, and drops
the stored files and cached figures. Answers stay: the scores and the report remain
computable. Two scheduled jobs (background.schedule.JOBS) run it: a warning to the
consultant a month before, then the anonymisation. Both take the current time
(tests pass a frozen one) and are safe to run twice or on two machines at once.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..audit import Event, audit_event
from ..background.mail import mail_queue
from ..models import (
    NAME_MAX,
    Assessment,
    DimensionComment,
    OutgoingMail,
    Respondent,
    add_months,
)
from .traces import forget_outputs, forget_tasks, mail_ids_of, scans_showing

# The consultant hears this many months ahead.
WARN_MONTHS_BEFORE = 1
# The stored label of an anonymised person: Dutch, like the rest of the stored
# data that is not a translation (organisation names, labels).
ANONYMOUS_LABEL = "Deelnemer {n} ({organisation})"


def _closed_scans():
    return Assessment.objects.filter(
        status=Assessment.Status.CLOSED,
        closed_at__isnull=False,
        anonymised_at__isnull=True,
    ).select_related("partnership")


def retention_warn(now: datetime) -> int:
    """Queue the warning to each consultant whose scan is anonymised within a
    month (once per scan; a changed period warns again). Returns how many."""
    today = timezone.localdate(now)
    warned = 0
    for scan in _closed_scans().filter(retention_warned_at__isnull=True):
        ends_on = scan.retention_ends_on
        if not (add_months(today, WARN_MONTHS_BEFORE) >= ends_on > today):
            continue
        with transaction.atomic():
            # One UPDATE decides which machine warns.
            if Assessment.objects.filter(
                pk=scan.pk, retention_warned_at__isnull=True
            ).update(retention_warned_at=now):
                mail_queue(
                    [
                        OutgoingMail(
                            kind=OutgoingMail.Kind.RETENTION_WARNING,
                            assessment=scan,
                            sender_id=scan.partnership.owner_id,
                            # Consultants have no language stored: the UI's.
                            language=settings.LANGUAGE_CODE,
                        )
                    ]
                )
                warned += 1
    return warned


def anonymise_due(now: datetime) -> int:
    """Anonymise every closed scan whose retention period has ended."""
    today = timezone.localdate(now)
    done = 0
    for scan in _closed_scans():
        if scan.retention_ends_on <= today:
            done += assessment_anonymise(assessment=scan, now=now)
    return done


@transaction.atomic
def assessment_anonymise(*, assessment: Assessment, now: datetime | None = None) -> int:
    """Anonymise the scan's personal data (see the module); 1 when done, 0 when it
    already was."""
    now = now or timezone.now()
    if not Assessment.objects.filter(
        pk=assessment.pk, anonymised_at__isnull=True
    ).update(anonymised_at=now, updated_at=now):
        return 0
    # In the trail as an erasure by nobody: the schedule did it, on the date the
    # scan's retention period set.
    audit_event(None, Event.ERASURE, assessment, anonymised=True)
    people = list(
        assessment.respondents.filter(is_group=False)
        .select_related("organisation")
        .order_by("organisation__position", "organisation__name", "created_at", "pk")
    )
    # Two steps: a new label may be an old one of someone else (the labels are
    # unique per scan).
    for person in people:
        person.label = f"~{person.pk}"
    Respondent.objects.bulk_update(people, ["label"])
    numbers: dict[int, int] = {}
    for person in people:
        n = numbers[person.organisation_id] = numbers.get(person.organisation_id, 0) + 1
        label = ANONYMOUS_LABEL.format(n=n, organisation=person.organisation.name)
        person.label = label[:NAME_MAX]
        person.email = ""
        person.revoke_token()
        person.updated_at = now
    Respondent.objects.bulk_update(
        people, ["label", "email", "token_seed", "token_hash", "updated_at"]
    )
    DimensionComment.objects.filter(respondent__assessment=assessment).delete()
    mails = OutgoingMail.objects.filter(
        Q(respondent__assessment=assessment)
        | Q(assessment=assessment, respondent__isnull=True)
    ).exclude(kind=OutgoingMail.Kind.RETENTION_WARNING)
    forget_tasks(mail_ids=mail_ids_of(mails), assessment_ids=[assessment.pk])
    mails.delete()
    forget_outputs(scans_showing([assessment.pk]))
    return 1
