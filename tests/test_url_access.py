"""Every URL of the project, walked as five personas, answers with the expected status.

The table below names each URL pattern and what anonymous visitors, a respondent's
session (of another scan), another consultant (outsider), a read-only collaborator
and the owner get for GET and, where the view writes, POST. A new pattern that is
not in the table fails `test_every_url_pattern_is_in_the_table`; a new view without
an access check fails its row (the outsider sees 200 instead of 404, or read-only
gets through instead of 403).
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.branding import branding_save
from assessments.live.sessions import live_session_create
from assessments.models import Collaboration
from assessments.sharing import shared_link_create

from .conftest import make_action, make_respondent, png_logo

PERSONAS = ("anonymous", "respondent", "outsider", "collaborator", "owner")


def _same(status):
    return dict.fromkeys(PERSONAS, status)


def _row(anonymous, respondent, outsider, collaborator, owner):
    statuses = (anonymous, respondent, outsider, collaborator, owner)
    return dict(zip(PERSONAS, statuses, strict=True))


# Shapes of access, by what a view does. An action that cannot be undone answers a
# GET, and a POST without `confirmed` (what these empty posts are), with its
# confirmation page: 200 for the owner, and nothing changes.
LOGIN = 302  # LoginRequiredMiddleware sends the visitor to the login page
READ = _row(LOGIN, LOGIN, 404, 200, 200)  # a page about one of the owner's objects
MINE = _row(LOGIN, LOGIN, 200, 200, 200)  # a consultant's own page (dashboard, ...)
EDIT_FORM = _row(LOGIN, LOGIN, 404, 403, 200)  # GET of a form that writes
OWNER_PAGE = _row(LOGIN, LOGIN, 404, 403, 200)  # the owner's alone (the audit trail)
POST_ONLY_GET = _row(LOGIN, LOGIN, 405, 405, 405)  # require_POST before any lookup
ADMIN = _same(302)  # non-staff are sent to the admin's login page
SET_ADMIN = _row(LOGIN, LOGIN, 403, 403, 403)  # staff with a permission only


def _write(owner_status):
    """POST to a view that changes the owner's data (empty form data)."""
    return _row(LOGIN, LOGIN, 404, 403, owner_status)


def _owner_only(owner_status):
    """POST to a view only the owner may use (collaborators management)."""
    return _row(LOGIN, LOGIN, 404, 403, owner_status)


# name: {"get": statuses, "post": statuses (only for views that accept POST)}
EXPECTED = {
    # Public pages.
    "home": {"get": _same(200)},
    "set_language": {"get": _same(302), "post": _same(302)},
    # Accounts (Django's views, ours for login and password reset).
    "login": {
        "get": _row(200, 200, 302, 302, 302),  # logged in: on to the dashboard
        "post": _row(200, 200, 302, 302, 302),  # empty form: errors
    },
    # The admin's log-in, throttled like ours (tests/test_auth_security.py).
    "admin-login": {"get": _same(200), "post": _same(200)},
    "logout": {"get": _row(LOGIN, LOGIN, 405, 405, 405), "post": _same(302)},
    "password_change": {"get": MINE, "post": MINE},
    "password_change_done": {"get": MINE},
    "password_reset": {"get": _same(200), "post": _same(200)},
    "password_reset_done": {"get": _same(200)},
    "password_reset_confirm": {"get": _same(200)},
    "password_reset_complete": {"get": _same(200)},
    # Participants: the token is the key; the session then reaches only its own
    # questionnaire, and without one the pages say the link is invalid.
    "assessments:invitation": {"get": _same(302)},
    "assessments:questionnaire-welcome": {"get": _row(404, 200, 404, 404, 404)},
    # The other scan's owner has no branding: 404 even for its respondent.
    "assessments:questionnaire-logo": {"get": _same(404)},
    "assessments:questionnaire-step": {"get": _row(404, 200, 404, 404, 404)},
    "assessments:questionnaire-save": {
        "get": _row(405, 405, 405, 405, 405),
        "post": _row(404, 400, 404, 404, 404),
    },
    "assessments:questionnaire-review": {"get": _row(404, 200, 404, 404, 404)},
    # Sending with statements still open first asks (200), see views/confirm.py.
    "assessments:questionnaire-submit": {
        "get": _row(405, 405, 405, 405, 405),
        "post": _row(404, 200, 404, 404, 404),
    },
    "assessments:questionnaire-thanks": {"get": _row(404, 302, 404, 404, 404)},
    # Only a receipt (right after submitting) downloads; a running session does not.
    "assessments:questionnaire-own-answers": {"get": _same(404)},
    "assessments:questionnaire-own-data": {"get": _same(404)},
    # Agreeing to the privacy notice without ticking the box is refused.
    "assessments:questionnaire-consent": {
        "get": _same(405),
        "post": _row(404, 400, 404, 404, 404),
    },
    # Workshop: the consultant runs it under their own login, with edit rights.
    "assessments:workshop-start": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:workshop-step": {"get": EDIT_FORM},
    "assessments:workshop-save": {"get": POST_ONLY_GET, "post": _write(400)},
    "assessments:workshop-review": {"get": EDIT_FORM},
    # Without a workshop there is nothing to ask about: back to its review.
    "assessments:workshop-finish": {"get": _write(302), "post": _write(302)},
    "assessments:workshop-reopen": {"get": POST_ONLY_GET, "post": _write(302)},
    # Live session: the facilitator needs edit rights (the scan's running
    # session exists, so setting up goes on to it); the projector link and the
    # join code are the only keys; without a joined phone its pages are 404.
    "assessments:live-start": {"get": _write(302), "post": _write(302)},
    "assessments:live-facilitator": {"get": EDIT_FORM},
    "assessments:live-facilitator-poll": {"get": EDIT_FORM},
    "assessments:live-control": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:live-agreement": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:live-end": {"get": _write(200), "post": _write(200)},
    "assessments:live-projector-revoke": {"get": _write(200), "post": _write(200)},
    "assessments:live-projector-new": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:live-projector": {"get": _same(200)},
    "assessments:live-projector-poll": {"get": _same(200)},
    "assessments:live-join": {"get": _same(200), "post": _same(400)},
    "assessments:live-organisation": {"get": _same(302), "post": _same(302)},
    "assessments:live-phone": {"get": _same(404)},
    "assessments:live-phone-poll": {"get": _same(404)},
    "assessments:live-phone-poll-keyed": {"get": _same(404)},
    "assessments:live-phone-answer": {"get": _same(405), "post": _same(404)},
    "assessments:live-phone-hand-in": {"get": _same(405), "post": _same(404)},
    "assessments:live-phone-change": {"get": _same(405), "post": _same(404)},
    # Workspace.
    "assessments:dashboard": {"get": MINE},
    "assessments:account": {"get": MINE, "post": MINE},
    # Two-step login (assessments/two_factor): the code page belongs to a login
    # half-way (password given); the account pages to the consultant themselves.
    "assessments:two-factor-verify": {"get": _same(302), "post": _same(302)},
    "assessments:two-factor-enrol": {"get": MINE, "post": MINE},
    # Without a device there are no codes to renew and nothing to switch off: on
    # to the account page (the world's consultants have not enrolled).
    "assessments:two-factor-recovery-codes": {"get": _same(302), "post": _same(302)},
    "assessments:two-factor-disable": {"get": _same(302), "post": _same(302)},
    "assessments:branding": {"get": MINE, "post": MINE},
    # Only the owner has a logo in this world; the others have none of their own.
    "assessments:branding-logo": {"get": _row(LOGIN, LOGIN, 404, 404, 200)},
    "assessments:assessment-logo": {"get": READ},
    "assessments:assessment-branding-css": {"get": READ},
    "assessments:assessment-word": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:partnership-create": {"get": MINE, "post": MINE},
    "assessments:partnership-detail": {"get": READ},
    "assessments:partnership-activity": {"get": OWNER_PAGE},
    "assessments:partnership-edit": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:partnership-archive": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:partnership-unarchive": {"get": POST_ONLY_GET, "post": _write(302)},
    # Erasure: the owner only; it asks first (assessments/erasure/).
    "assessments:partnership-delete": {
        "get": _owner_only(200),
        "post": _owner_only(200),
    },
    "assessments:assessment-delete": {
        "get": _owner_only(200),
        "post": _owner_only(200),
    },
    # Everything about one respondent: who may read individual answers.
    "assessments:respondent-data": {"get": EDIT_FORM},
    # One's own account: an empty form (no password) deletes nothing.
    "assessments:account-delete": {"get": MINE, "post": MINE},
    "assessments:collaborator-add": {"get": EDIT_FORM, "post": _owner_only(200)},
    "assessments:collaborator-rights": {
        "get": POST_ONLY_GET,
        "post": _owner_only(302),
    },
    "assessments:collaborator-remove": {
        "get": _owner_only(200),
        "post": _owner_only(200),
    },
    "assessments:assessment-create": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:assessment-detail": {"get": READ},
    "assessments:assessment-edit": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:assessment-close": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:assessment-reopen": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:assessment-follow-up": {"get": EDIT_FORM, "post": _write(200)},
    # Anna has an address and was not invited yet: the invitation asks first; with
    # nobody to remind there is nothing to ask.
    "assessments:assessment-invite": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:assessment-remind": {"get": _write(302), "post": _write(302)},
    "assessments:respondent-add": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-paste": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-edit": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-delete": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-revoke": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-replace-link": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:respondent-send": {"get": POST_ONLY_GET, "post": _write(302)},
    "assessments:respondent-mail-retry": {"get": POST_ONLY_GET, "post": _write(302)},
    # Results, exports, imports, report: read for everyone who shares the
    # partnership; the import writes.
    "assessments:assessment-results": {"get": READ},
    # The walk downloads the CSV: answers with names, for the consultants guiding
    # the scan only (docs/privacy.md); the JSON results are READ.
    "assessments:assessment-export": {"get": EDIT_FORM},
    # A large export's progress (htmx polls it) and its retry: the export's access.
    "assessments:assessment-export-status": {"get": EDIT_FORM},
    "assessments:assessment-export-retry": {
        "get": POST_ONLY_GET,
        "post": _write(302),
    },
    # An upload without a file is a bad request.
    "assessments:assessment-import": {"get": POST_ONLY_GET, "post": _write(400)},
    # Only the owner decides on held-back answers; with none held, back to the scan.
    "assessments:assessment-import-replace": {
        "get": _owner_only(302),
        "post": _owner_only(302),
    },
    "assessments:assessment-report": {"get": READ},
    # The report's progress and its retry: everyone who may download it.
    "assessments:assessment-report-status": {"get": READ},
    "assessments:assessment-report-retry": {
        "get": POST_ONLY_GET,
        "post": _row(LOGIN, LOGIN, 404, 302, 302),
    },
    # Agreed actions: read by everyone who shares the scan, changed by editors;
    # an empty post is a bad request, deleting asks first.
    "assessments:action-add": {"get": EDIT_FORM, "post": _write(400)},
    "assessments:action-detail": {"get": READ},
    "assessments:action-edit": {"get": EDIT_FORM, "post": _write(400)},
    "assessments:action-status": {"get": POST_ONLY_GET, "post": _write(400)},
    "assessments:action-delete": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:action-export": {"get": READ},
    # Results shared with the partners: editors share and revoke (revoking asks
    # first; an empty form is shown again with its errors); the link is the only
    # key to the partners' page and its report.
    "assessments:shared-link-add": {"get": EDIT_FORM, "post": _write(200)},
    "assessments:shared-link-revoke": {"get": _write(200), "post": _write(200)},
    "assessments:shared-results": {"get": _same(200)},
    "assessments:shared-report": {"get": _same(200)},
    "assessments:shared-report-status": {"get": _same(200)},
    # The consultant's logo and accent colour on the shared page: the token is the
    # key, as for the page itself (the world's owner has a branding profile).
    "assessments:shared-logo": {"get": _same(200)},
    "assessments:shared-branding-css": {"get": _same(200)},
    # Question sets: only staff with the question-set permission, none of these
    # personas (tests/views/test_questionsets.py climbs that ladder).
    "assessments:questionset-list": {"get": SET_ADMIN},
    "assessments:questionset-detail": {"get": SET_ADMIN},
    "assessments:questionset-publish": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-retire": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-download": {"get": SET_ADMIN},
    "assessments:questionset-upload": {"get": POST_ONLY_GET, "post": SET_ADMIN},
    # The question-set editor and its preview (tests/views/test_questionset_*.py).
    "assessments:questionset-edit": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-new-draft": {"get": POST_ONLY_GET, "post": SET_ADMIN},
    "assessments:questionset-question-remove": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-dimension-remove": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-preview": {"get": SET_ADMIN},
    "assessments:questionset-preview-welcome": {"get": SET_ADMIN},
    "assessments:questionset-preview-step": {"get": SET_ADMIN, "post": SET_ADMIN},
    "assessments:questionset-preview-review": {"get": SET_ADMIN},
    "assessments:questionset-preview-submit": {"get": POST_ONLY_GET, "post": SET_ADMIN},
}

# The admin: every page sends non-staff to the admin's own login, which is public.
ADMIN_EXCEPTIONS = {
    "admin:login": {"get": _same(200)},
}
# Django's unnamed admin patterns: the old change-page address, and the catch-all.
ADMIN_UNNAMED = {
    "<path:object_id>": {"get": ADMIN},
    "admin:unnamed admin/(?P<url>.*)$": {"get": ADMIN},
}


def _walk(patterns, namespace="", prefix=""):
    """(key, full route, pattern) for every pattern; unnamed ones get their route."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            key = entry.name or f"unnamed {route}"
            yield f"{namespace}{key}", route, entry


def _patterns():
    seen = set()
    for key, route, pattern in _walk(get_resolver().url_patterns):
        if (key, route) not in seen:
            seen.add((key, route))
            yield key, route, pattern


ALL = list(_patterns())
CASES = [
    pytest.param(key, route, pattern, id=f"{key} {route}")
    for key, route, pattern in ALL
]


def _expected(key):
    if key in EXPECTED:
        return EXPECTED[key]
    if key in ADMIN_EXCEPTIONS:
        return ADMIN_EXCEPTIONS[key]
    if key.startswith("admin:unnamed "):
        return ADMIN_UNNAMED.get(key.split("/")[-2] if "object_id" in key else key)
    if key.startswith("admin:"):
        return {"get": ADMIN}
    return None


def test_every_url_pattern_is_in_the_table():
    keys = {key for key, _route, _pattern in ALL}
    unnamed = sorted(k for k in keys if "unnamed " in k and not k.startswith("admin:"))
    missing = sorted(k for k in keys if _expected(k) is None)
    stale = sorted(set(EXPECTED) - keys)
    assert unnamed == [], "name every URL pattern of ours"
    assert missing == [], "add these URL names to EXPECTED with their access"
    assert stale == [], "these URL names no longer exist"


@pytest.fixture
def world(
    owner,
    collaborator,
    outsider,
    partnership,
    assessment,
    other_respondent,
):
    """The owner's scan with one respondent, and everyone who might knock."""
    cache.clear()
    respondent = make_respondent(
        assessment, label="Anna", email="anna@example.org", language="nl"
    )
    live_session = live_session_create(
        assessment=assessment,
        facilitator=owner,
        dimensions=list(assessment.question_set.dimensions.all()),
    )
    shared_link = shared_link_create(
        assessment=assessment,
        organisation=None,
        last_day=timezone.localdate(),
        created_by=owner,
    )
    # The owner's branding, with a logo, on every page that shows it.
    branding_save(
        consultant=owner, fields={"firm_name": "Adviesbureau Rits"}, logo=png_logo()
    )
    return {
        "action": make_action(assessment),
        "shared_link": shared_link,
        "live_session": live_session,
        "partnership": partnership,
        "assessment": assessment,
        "respondent": respondent,
        "collaboration": Collaboration.objects.get(user=collaborator),
        "users": {
            "owner": owner,
            "collaborator": collaborator,
            "outsider": outsider,
        },
        "other_respondent": other_respondent,
    }


PARTNERSHIP_VIEWS = ("partnership-", "collaborator-", "assessment-create")


def _values(key, world):
    """Real values for a pattern's arguments: the owner's objects."""
    pk = world["partnership"].pk
    if not any(part in key for part in PARTNERSHIP_VIEWS):
        pk = world["assessment"].pk
    return {
        "pk": pk,
        "respondent_pk": world["respondent"].pk,
        "collaboration_pk": world["collaboration"].pk,
        "token": (
            "set-password"
            if key == "password_reset_confirm"
            else world["live_session"].projector_token
            if key.startswith("assessments:live-projector")
            else world["shared_link"].token
            if key.startswith("assessments:shared-")
            else world["respondent"].raw_token
        ),
        "session_pk": world["live_session"].pk,
        "action_pk": world["action"].pk,
        "link_pk": world["shared_link"].pk,
        "step": 1,
        "question_pk": 1,
        "dimension_pk": 1,
        "lang": "nl",
        "fmt": "csv",
        "uidb64": "MQ",
        "app_label": "assessments",
        "object_id": str(world["partnership"].pk),
        "id": world["users"]["owner"].pk,
        "content_type_id": 1,
        "url": "no-such-page/",
    }


def _url(key, route, pattern, world):
    values = _values(key, world)
    names = pattern.pattern.regex.groupindex
    if "unnamed " not in key:
        return reverse(key, kwargs={name: values[name] for name in names})
    # Unnamed (Django admin's own) patterns cannot be reversed: fill in the route.
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\^?\(\?P<(\w+)>[^)]*\)\$?", lambda m: values[m.group(1)], path)
    return "/" + path.replace("^", "").replace("$", "")


def _client_for(persona, world):
    client = Client()
    if persona in world["users"]:
        client.force_login(world["users"][persona])
    elif persona == "respondent":
        other = world["other_respondent"]
        client.get(reverse("assessments:invitation", args=[other.raw_token]))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("key, route, pattern", CASES)
def test_each_persona_gets_the_expected_status(key, route, pattern, world):
    expected = _expected(key)
    assert expected is not None, f"{key} is not in the table"
    url = _url(key, route, pattern, world)
    got = {
        (method, persona): getattr(_client_for(persona, world), method)(url).status_code
        for method in expected
        for persona in PERSONAS  # the owner last: its writes change the data
    }
    wanted = {
        (method, persona): status
        for method, statuses in expected.items()
        for persona, status in statuses.items()
    }
    assert got == wanted, url
