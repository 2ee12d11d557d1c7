"""Erasure without a trace (issue 18, point 1): the marker test.

Every free-text field gets a marker; the outputs that copy it are made (the
cached results page, the stored PDF report and CSV export, mails sent and
failed, the worker's task rows); then the erasure, through the views a
consultant clicks; then the marker is looked for in a dump of every table, the
cache and the stored files. Run on SQLite and on PostgreSQL (DATABASE_URL).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from assessments import erasure
from assessments.branding import branding_save
from assessments.models import (
    Action,
    Answer,
    Assessment,
    Collaboration,
    OutgoingMail,
    Partnership,
    PreparedFile,
    Respondent,
)
from assessments.workspace import assessment_follow_up

from .conftest import (
    CONFIRMED,
    PASSWORD,
    download_prepared,
    make_action,
    make_partnership,
    make_respondent,
    make_user,
    png_logo,
    run_tasks,
)
from .erasure_probe import (
    database_hits,
    empty_storage,
    fill_scan,
    marked_partnership,
    stored_files,
    traces,
)

# Lower case and without separators: it survives e-mail normalisation.
MARKER = "zqxmark7731"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_storage():
    # Stored files and the local-memory cache outlive each test's rows.
    empty_storage()
    cache.clear()


def _nowhere(marker=MARKER):
    found = traces(marker)
    assert found == {"database": [], "cache": [], "files": []}, found


def _somewhere(marker=MARKER):
    found = traces(marker)
    # The probe itself works: before the erasure it finds the marker in each.
    assert found["database"] and found["cache"] and found["files"], found


def test_erasing_a_partnership_leaves_no_trace(
    client, owner, question_set, monkeypatch, django_capture_on_commit_callbacks
):
    partnership = marked_partnership(owner, MARKER)
    Partnership.objects.filter(pk=partnership.pk).update(description=f"About {MARKER}")
    first, files = fill_scan(
        owner,
        partnership,
        question_set,
        MARKER,
        client=client,
        monkeypatch=monkeypatch,
        report=True,
    )
    Assessment.objects.filter(pk=first.pk).update(status="closed")
    follow_up = assessment_follow_up(
        assessment=first,
        question_set=question_set,
        title=f"Follow-up {MARKER}",
        actions=list(Action.objects.filter(assessment=first)),
    )
    run_tasks()
    _somewhere()
    url = reverse("assessments:partnership-delete", args=[partnership.pk])
    asked = client.post(url)
    assert "De samenwerking Partnership" in asked.text
    assert "8 deelnemers (namen en e-mailadressen)" in asked.text, asked.text[
        asked.text.index("<main") :
    ][:3000]
    assert Partnership.objects.filter(pk=partnership.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, CONFIRMED, follow=True)
    assert done.status_code == 200
    assert not Assessment.objects.filter(pk__in=[first.pk, follow_up.pk]).exists()
    assert not any(path.exists() for path in files)
    _nowhere()
    # Deleting twice is harmless: the partnership is simply not there any more.
    assert client.post(url, CONFIRMED).status_code == 404


def test_erasing_a_scan_leaves_no_trace_and_keeps_the_rest(
    client, owner, question_set, monkeypatch, django_capture_on_commit_callbacks
):
    partnership = make_partnership(owner)
    other, _files = fill_scan(
        owner,
        partnership,
        question_set,
        "keepme",
        client=client,
        monkeypatch=monkeypatch,
    )
    scan, files = fill_scan(
        owner, partnership, question_set, MARKER, client=client, monkeypatch=monkeypatch
    )
    _somewhere()
    url = reverse("assessments:assessment-delete", args=[scan.pk])
    asked = client.get(url)
    assert "4 deelnemers (namen en e-mailadressen)" in asked.text
    assert "1 afgesproken actie" in asked.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CONFIRMED)
    assert not any(path.exists() for path in files)
    _nowhere()
    # The other scan of the partnership is untouched.
    assert Respondent.objects.filter(assessment=other).count() == 4
    assert Answer.objects.filter(respondent__assessment=other).exists()
    assert database_hits("keepme")


def test_erasing_a_respondent_leaves_no_trace_of_them(
    client, owner, question_set, monkeypatch, django_capture_on_commit_callbacks
):
    partnership = make_partnership(owner)
    scan, files = fill_scan(
        owner,
        partnership,
        question_set,
        "scanwide",
        client=client,
        monkeypatch=monkeypatch,
    )
    person = make_respondent(
        scan, label=f"Anna {MARKER}", email=f"anna.{MARKER}@example.org"
    )
    from assessments.questionnaire import answers_save

    dimension = question_set.dimensions.first()
    answers_save(
        respondent=person,
        values={dimension.questions.first().pk: 4},
        comments={dimension.pk: f"Said {MARKER}"},
    )
    # The outputs made again with her in them: the cached page, a stored export.
    client.get(reverse("assessments:assessment-results", args=[scan.pk]))
    download_prepared(
        client, reverse("assessments:assessment-export", args=[scan.pk, "csv"])
    )
    _somewhere()
    files = {
        Path(settings.MEDIA_ROOT) / name
        for name in PreparedFile.objects.filter(assessment=scan)
        .exclude(file="")
        .values_list("file", flat=True)
    }
    url = reverse("assessments:respondent-delete", args=[scan.pk, person.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CONFIRMED)
    assert not any(path.exists() for path in files)
    _nowhere()
    assert scan.respondents.count() == 4  # the others stay
    assert client.post(url, CONFIRMED).status_code == 404


def test_deleting_an_account_hands_over_or_erases_each_partnership(
    client, question_set, monkeypatch, django_capture_on_commit_callbacks
):
    leaving = make_user(
        "leaving",
        first_name=f"Lea {MARKER}",
        last_name=f"Ving {MARKER}",
    )
    get_user_model().objects.filter(pk=leaving.pk).update(
        email=f"lea.{MARKER}@example.org"
    )
    leaving.refresh_from_db()
    colleague = make_user("colleague")
    branding_save(
        consultant=leaving,
        fields={"firm_name": f"Firm {MARKER}", "contact_name": f"Contact {MARKER}"},
        logo=png_logo(),
    )
    logo = stored_files()
    assert len(logo) == 1
    OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.PASSWORD_RESET,
        to=leaving.email,
        subject="Reset",
        body=f"Dear {MARKER}",
    )
    erased = marked_partnership(leaving, MARKER)
    fill_scan(
        leaving, erased, question_set, MARKER, client=client, monkeypatch=monkeypatch
    )
    handed = make_partnership(leaving, name="Handed over")
    Collaboration.objects.create(partnership=handed, user=colleague, can_edit=False)
    kept = make_respondent(handed.assessments.create(question_set=question_set))
    elsewhere = make_partnership(colleague, name="Colleague's own")
    Collaboration.objects.create(partnership=elsewhere, user=leaving, can_edit=True)
    _somewhere()

    client.force_login(leaving)
    url = reverse("assessments:account-delete")
    page = client.get(url)
    assert "Draag over aan colleague" in page.text
    wrong = client.post(
        url,
        {
            f"partnership_{erased.pk}": "delete",
            f"partnership_{handed.pk}": str(colleague.pk),
            "understood": "on",
            "password": "wrong",
        },
    )
    assert wrong.status_code == 400
    assert "Dat is niet je wachtwoord" in wrong.text
    assert get_user_model().objects.filter(pk=leaving.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                f"partnership_{erased.pk}": "delete",
                f"partnership_{handed.pk}": str(colleague.pk),
                "understood": "on",
                "password": PASSWORD,
            },
        )
    assert done.status_code == 302
    assert not get_user_model().objects.filter(pk=leaving.pk).exists()
    handed.refresh_from_db()
    assert handed.owner == colleague
    assert not handed.collaborations.filter(user=colleague).exists()
    assert Respondent.objects.filter(pk=kept.pk).exists()
    assert not elsewhere.collaborations.exists()
    assert not any(path.exists() for path in logo)
    _nowhere()


def test_a_colleague_who_does_not_collaborate_cannot_be_chosen(
    client, owner, partnership, outsider
):
    client.force_login(owner)
    response = client.post(
        reverse("assessments:account-delete"),
        {
            f"partnership_{partnership.pk}": str(outsider.pk),
            "understood": "on",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=owner.pk).exists()


def test_a_half_done_erasure_leaves_everything(
    client, owner, question_set, monkeypatch, django_capture_on_commit_callbacks
):
    """The process dies after the rows are deleted, before the transaction ends:
    nothing is gone, not even the stored files (they go only after a commit)."""
    partnership = marked_partnership(owner, MARKER)
    scan, files = fill_scan(
        owner, partnership, question_set, MARKER, client=client, monkeypatch=monkeypatch
    )
    rows = len(database_hits(MARKER))

    def killed(**kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr("assessments.erasure.deletes.forget_tasks", killed)
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        erasure.partnership_erase(partnership=partnership)
    assert Partnership.objects.filter(pk=partnership.pk).exists()
    assert scan.respondents.count() == 4
    assert all(path.exists() for path in files)
    assert len(database_hits(MARKER)) == rows
    empty_storage()


def test_actions_carried_into_a_follow_up_stay_with_it(owner, assessment, question_set):
    carried = make_action(assessment, title="Carried")
    only_here = make_action(assessment, title="Only here")
    Assessment.objects.filter(pk=assessment.pk).update(status="closed")
    assessment.refresh_from_db()
    follow_up = assessment_follow_up(
        assessment=assessment,
        question_set=question_set,
        title="Next",
        actions=[carried],
    )
    assert erasure.assessment_footprint(assessment).actions == 1
    erasure.assessment_erase(assessment=assessment)
    carried.refresh_from_db()
    assert carried.assessment_id == follow_up.pk
    assert list(Action.objects.listed_under(follow_up)) == [carried]
    assert not Action.objects.filter(pk=only_here.pk).exists()
    follow_up.refresh_from_db()
    assert follow_up.previous_id is None
