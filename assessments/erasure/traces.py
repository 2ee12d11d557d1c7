"""What an erased person or scan leaves outside its own rows, and removing it.

Deleting rows cascades through answers, comments, live rounds, mails, shared links
and the like; these helpers reach what a cascade cannot: the stored files and the
cached figures made from the data, the worker's task rows about the mails, and the
admin's change log. Each runs inside the caller's transaction; files and cache go
after it commits (`transaction.on_commit`), so a rolled-back or killed erasure
leaves everything as it was.
"""

from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django_tasks_db.models import DBTaskResult

from ..models import Assessment, OutgoingMail, PreparedFile
from ..results import forget_cached

_SEND_MAIL = "assessments.background.mail.send_mail"
_PREPARE_FILES = "assessments.background.making.prepare_files"


def scans_showing(assessment_ids: Iterable[int]) -> list[int]:
    """These scans and their follow-ups: a follow-up's outputs show its previous
    scan (the trend), so what is made from one is made from the other too."""
    ids = set(assessment_ids)
    ids |= set(
        Assessment.objects.filter(previous_id__in=ids).values_list("pk", flat=True)
    )
    return sorted(ids)


def forget_outputs(assessment_ids: Iterable[int]) -> None:
    """Drop the stored files (reports, exports) and cached figures of these scans.

    The files' rows go now; their files after the commit (the `PreparedFile`
    delete signal, background.files). The cache is dropped now and again after the
    commit, in case a request filled it again meanwhile from the old rows."""
    ids = list(assessment_ids)
    PreparedFile.objects.filter(assessment_id__in=ids).delete()
    forget_cached(ids)
    transaction.on_commit(lambda: forget_cached(ids), robust=True)


def mail_ids_of(mails: models.QuerySet[OutgoingMail]) -> list[int]:
    return list(mails.values_list("pk", flat=True))


def forget_tasks(*, mail_ids: Iterable[int] = (), assessment_ids: Iterable[int] = ()):
    """Delete the worker's task rows about these mails and scans (finished ones keep
    their arguments, return value and any traceback, which can quote an address).

    A task still queued only for them goes too; one queued for other mails as well
    stays (its arguments are ids, nothing personal), so the others still go out.
    A task running now finds its rows gone and does nothing (`send_mail` and
    `prepare_files` claim rows before they act). The arguments are JSON, compared
    here rather than in SQL, the same on SQLite and PostgreSQL; only the two tasks
    that take ids are read."""
    mails, scans = set(mail_ids), set(assessment_ids)
    if not mails and not scans:
        return
    doomed = []
    rows = DBTaskResult.objects.filter(
        task_path__in=[_SEND_MAIL, _PREPARE_FILES]
    ).values_list("pk", "task_path", "args_kwargs", "finished_at")
    for pk, path, args_kwargs, finished_at in rows.iterator():
        args = (args_kwargs or {}).get("args") or []
        kwargs = (args_kwargs or {}).get("kwargs") or {}
        if path == _SEND_MAIL:
            ids = set(kwargs.get("mail_ids") or (args[0] if args else []))
            if ids & mails and (finished_at is not None or ids <= mails):
                doomed.append(pk)
        elif scans.intersection([kwargs.get("assessment_id", *args[:1])]):
            doomed.append(pk)
    DBTaskResult.objects.filter(pk__in=doomed).delete()


def forget_admin_log(model: type[models.Model], pks: Iterable[int]) -> None:
    """The admin's change log names the objects it changed (`object_repr`)."""
    keys = [str(pk) for pk in pks]
    if keys:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=keys
        ).delete()
