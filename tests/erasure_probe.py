"""The marker test's tools: fill every free-text field of a partnership with a
marker, make the outputs that copy it (cache, stored report and export, mails),
and find the marker anywhere afterwards: every table of the database, the cache,
the stored files."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.actions.writes import action_change_status
from assessments.branding import consultant_word_save
from assessments.live.participants import live_participant_join
from assessments.live.sessions import agreement_note_save, live_session_create
from assessments.models import (
    OutgoingMail,
    PreparedFile,
)
from assessments.questionnaire import answers_save, respondent_submit
from assessments.sharing import shared_link_create
from assessments.workspace.invitations import invitation_send

from .conftest import (
    answer_all,
    download_prepared,
    make_action,
    make_assessment,
    make_partnership,
    make_respondent,
    run_tasks,
)


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return repr(value)


def database_hits(marker: str) -> list[str]:
    """`table: row` for every row of every table that holds the marker (SELECT *
    over all tables the database has, not only the ones our models know)."""
    hits = []
    needle = marker.lower()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " | ".join(_text(v) for v in row)
                if needle in text.lower():
                    hits.append(f"{table}: {text[:300]}")
    return hits


def cache_hits(marker: str) -> list[str]:
    """Keys of the default cache whose stored (pickled) value holds the marker."""
    cache = caches["default"]
    store = getattr(cache, "_cache", None)
    assert store is not None, "the marker test reads the local-memory cache"
    needle = marker.encode()
    return [key for key, value in list(store.items()) if needle in value]


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()}


def file_hits(marker: str) -> list[str]:
    needle = marker.encode()
    return [str(p) for p in stored_files() if needle in p.read_bytes()]


def traces(marker: str) -> dict[str, list[str]]:
    return {
        "database": database_hits(marker),
        "cache": cache_hits(marker),
        "files": file_hits(marker),
    }


def empty_storage() -> None:
    """Stored files outlive a test's rolled-back rows: start from an empty folder,
    so a marker found is one this test left."""
    for path in sorted(stored_files(), reverse=True):
        path.unlink()


def fill_scan(
    owner, partnership, question_set, marker, *, client, monkeypatch, report=False
):
    """A scan of `partnership` with the marker in every free-text field a scan
    has, its outputs made (results page in the cache, report and a stored CSV
    export, mails sent and one failed). Returns the scan and its stored files."""
    m = marker
    # Submitting renders the report in the worker; a loaded machine renders slower
    # than production's budget allows.
    monkeypatch.setattr(settings, "PDF_RENDER_TIMEOUT", 180)
    scan = make_assessment(partnership, question_set, title=f"Scan {m}")
    organisations = list(partnership.organisations.order_by("position"))
    dimension = question_set.dimensions.order_by("position").first()
    people = [
        make_respondent(
            scan,
            organisations[i % 2],
            label=f"Person{i} {m}",
            email=f"person{i}.{m}@example.org",
            language="nl",
        )
        for i in range(3)
    ]
    invitation_send(respondents=scan.respondents.all(), consultant=owner)
    run_tasks()
    for person in people:
        answer_all(person)
        answers_save(
            respondent=person,
            values={},
            comments={dimension.pk: f"Comment {m} of {person.label}"},
        )
        respondent_submit(respondent=person)
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.REMINDER,
        status=OutgoingMail.Status.FAILED,
        assessment=scan,
        respondent=people[0],
        sender=owner,
        to=people[0].email,
        last_error=f"refused: 550 no such user {people[0].email}",
    )
    action = make_action(
        scan,
        title=f"Action {m}",
        description=f"Description {m}",
        person=f"Owner person {m}",
        dimension=dimension,
    )
    action_change_status(
        action=action, status="under_way", note=f"Note {m}", user=owner
    )
    session = live_session_create(
        assessment=scan, facilitator=owner, dimensions=[dimension], ask_names=True
    )
    live_participant_join(
        session=session, organisation=organisations[0], label=f"Live {m}"
    )
    agreement_note_save(
        session=session, dimension=dimension, text=f"Agreement {m}", user=owner
    )
    consultant_word_save(
        assessment=scan,
        foreword=f"Foreword {m}",
        recommendations=[f"Recommendation {m}"],
        commentary={dimension.code: f"Commentary {m}"},
    )
    shared_link_create(
        assessment=scan,
        organisation=None,
        last_day=timezone.localdate() + timedelta(days=7),
        created_by=owner,
    )
    # The outputs that copy the data: the cached results page, the stored PDF
    # report and a stored raw-answers export (made by the worker at any size).
    client.force_login(owner)
    assert (
        client.get(
            reverse("assessments:assessment-results", args=[scan.pk])
        ).status_code
        == 200
    )
    if report:
        pdf = download_prepared(
            client,
            reverse("assessments:assessment-report", args=[scan.pk]),
            {"lang": "nl"},
        )
        assert pdf["Content-Type"] == "application/pdf"
    from assessments import export_formats

    monkeypatch.setitem(export_formats.WORKER_ROWS, "csv", 0)
    export = download_prepared(
        client, reverse("assessments:assessment-export", args=[scan.pk, "csv"])
    )
    assert export.status_code == 200
    files = {
        Path(settings.MEDIA_ROOT) / name
        for name in PreparedFile.objects.filter(assessment=scan)
        .exclude(file="")
        .values_list("file", flat=True)
    }
    kinds = set(
        PreparedFile.objects.filter(assessment=scan)
        .exclude(file="")
        .values_list("kind", flat=True)
    )
    assert {"csv", *(["report"] if report else [])} <= kinds
    assert all(path.exists() for path in files)
    return scan, files


def marked_partnership(owner, marker):
    return make_partnership(
        owner,
        name=f"Partnership {marker}",
        organisations=(f"Alfa {marker}", f"Beta {marker}"),
    )
