"""Shared personas and small `make_*` helpers (STYLE.md: no factory library, no fixtures
files). Personas: `owner` (the consultant), `collaborator` (read-only), `outsider`
(another consultant) and `other_respondent` (a respondent of another assessment).

Every test database starts with the shipped question set installed (published), the
set `question_set` returns (installing it for every test took a tenth of the run). A
test about installing, importing or counting question sets from nothing takes
`no_question_set`."""

import copy
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import translation

from assessments import questionnaire
from assessments.models import (
    Answer,
    Assessment,
    Collaboration,
    Organisation,
    Partnership,
    Question,
    QuestionSet,
    Respondent,
)
from assessments.questionsets import (
    DEFAULT_QUESTIONSET_PATH,
    questionset_install_default,
)

PASSWORD = "correct-horse-battery-staple"
# What a confirmation page posts (assessments/views/confirm.py).
CONFIRMED = {"confirmed": "yes"}

_DEFAULT_DATA = json.loads(DEFAULT_QUESTIONSET_PATH.read_text(encoding="utf-8"))

# The blocker of the test database once the shipped set is in it (None before and
# after): `pytest_runtest_teardown` uses it to put the set back after a flush.
_shipped_set_database = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker) with the shipped question set
    committed in it, so every test's transaction sees it and none installs it."""
    global _shipped_set_database
    with django_db_blocker.unblock():
        questionset_install_default()
    _shipped_set_database = django_db_blocker
    yield
    _shipped_set_database = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (`transaction=True`, `transactional_db`, `live_server`)
    ends by emptying every table: install the shipped set again for the next test.
    One query when it is still there."""
    result = yield
    if nextitem is not None and _shipped_set_database is not None:
        with _shipped_set_database.unblock():
            if not QuestionSet.objects.filter(
                slug=_DEFAULT_DATA["slug"], version=_DEFAULT_DATA["version"]
            ).exists():
                questionset_install_default()
    return result


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Dutch), whatever a test before it
    in the same process activated: a lazy label read outside a request is in the
    active language."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fresh_question_set_structure():
    """The process remembers a published set's steps by id, version and creation
    time, which the shared shipped set keeps from test to test; a test may change
    the set inside its own transaction. Each test reads the structure afresh."""
    questionnaire._locked_steps.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """The worker's stored files (reports, exports) go to a folder of this test run,
    never to the project's media/. Worker processes a test starts get it as
    MEDIA_ROOT."""
    folder = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    with override_settings(MEDIA_ROOT=folder, STORAGES=storages):
        yield folder


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords with MD5 instead of PBKDF2's deliberate ~0.4 s a hash: the
    suite creates hundreds of users. PBKDF2 stays second in the list, so a password
    set by a server process the test started (default settings) still checks out.
    Only for tests: production keeps Django's defaults (tests/test_settings.py)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",  # noqa: S303 - tests only
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _staff_without_second_step(settings):
    """Staff log in with a password alone in tests about something else (the admin's
    lists, question-set editing), as `force_login` gives no device. The tests of
    two-step login (tests/test_two_factor*.py, tests/browser/test_two_factor.py)
    switch it back on with `staff_two_factor`; production refuses it off
    (tests/test_two_factor.py)."""
    settings.PARTNERSCAN_STAFF_REQUIRE_2FA = False


@pytest.fixture
def staff_two_factor(settings):
    """Staff need two-step verification, as in production."""
    settings.PARTNERSCAN_STAFF_REQUIRE_2FA = True


def questionset_data():
    """A fresh, valid copy of the shipped default question set as a dict."""
    return copy.deepcopy(_DEFAULT_DATA)


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **extra
    )


def make_partnership(owner, name="Alfa & Beta", organisations=("Alfa", "Beta")):
    partnership = Partnership.objects.create(name=name, owner=owner)
    for position, org_name in enumerate(organisations):
        Organisation.objects.create(
            partnership=partnership, name=org_name, position=position
        )
    return partnership


def make_assessment(partnership, question_set, **extra):
    return Assessment.objects.create(
        partnership=partnership, question_set=question_set, **extra
    )


def make_respondent(assessment, organisation=None, label=None, **extra):
    organisation = organisation or assessment.partnership.organisations.first()
    count = assessment.respondents.count()
    respondent = Respondent(
        assessment=assessment,
        organisation=organisation,
        label=label or f"Respondent {count + 1}",
        **extra,
    )
    token = respondent.issue_token()
    respondent.save()
    respondent.raw_token = token
    return respondent


def answer_all(respondent, value=4):
    """Give every question of the respondent's set the same answer."""
    questions = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    )
    Answer.objects.bulk_create(
        [Answer(respondent=respondent, question=q, value=value) for q in questions]
    )


@pytest.fixture
def question_set(db):
    """The shipped default question set, published (already in the test database)."""
    return questionset_install_default()[0]


@pytest.fixture
def no_question_set(db):
    """A database without any question set, for tests that install, import or count
    sets from nothing (the shipped set is removed inside the test's transaction)."""
    QuestionSet.objects.all().delete()


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def collaborator(db):
    return make_user("collaborator")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def partnership(owner, collaborator):
    partnership = make_partnership(owner)
    Collaboration.objects.create(
        partnership=partnership, user=collaborator, can_edit=False
    )
    return partnership


@pytest.fixture
def assessment(partnership, question_set):
    return make_assessment(partnership, question_set)


@pytest.fixture
def respondent(assessment):
    return make_respondent(assessment, label="Anna")


@pytest.fixture
def other_respondent(outsider, question_set):
    other = make_assessment(
        make_partnership(
            outsider, name="Gamma & Delta", organisations=("Gamma", "Delta")
        ),
        question_set,
    )
    return make_respondent(other, label="Otto")


def run_tasks(max_tasks=None):
    """Run every queued background task that is due, in this process, through the
    real database worker (django-tasks-db), as `manage.py worker` would; return how
    many ran. Tasks a task enqueues that are due at once run too.

    The worker closes stale connections between tasks, which in a test would close
    the test's own transaction: here that step is left out, nothing else."""
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    return worker._run_tasks


def download_prepared(client, url, data=None):
    """Download a file the worker prepares (the report, a large export) as a
    consultant would: the first request finds none and shows the page that says it
    is being made, `run_tasks()` is the worker making it, the second request serves
    it. A file that is current already comes at once."""
    first = client.get(url, data)
    if first.has_header("Content-Disposition"):
        return first
    assert first.status_code == 200, first.status_code
    assert 'id="prepared-status"' in first.text
    run_tasks()
    return client.get(url, data)


def make_action(assessment, title="Samen de afspraken vastleggen", **extra):
    """An agreed action through the domain write, as a consultant adds one: owned
    by the partnership's first organisation, due in two weeks, unless told."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments.actions.writes import action_create

    extra.setdefault("owners", [assessment.partnership.organisations.first()])
    extra.setdefault("due_on", timezone.localdate() + timedelta(days=14))
    extra.setdefault("user", assessment.partnership.owner)
    if isinstance(extra.get("dimension"), str):
        extra["dimension"] = assessment.question_set.dimensions.get(
            code=extra["dimension"]
        )
    return action_create(assessment=assessment, title=title, **extra)


def png_logo(size=(120, 60), colour=(31, 78, 121)):
    """A re-encoded logo as `branding.logo.logo_clean` returns it: (bytes, "png")."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue(), "png"
