"""Another consultant's objects by id on every URL pattern, a participant session
on consultant URLs, a consultant without staff rights in the admin: nothing opens."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .helpers import _as_participant, _fingerprint, _login

pytestmark = pytest.mark.django_db


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


ID_KWARGS = {
    "pk",
    "respondent_pk",
    "collaboration_pk",
    "session_pk",
    "action_pk",
    "link_pk",
    "question_pk",
    "dimension_pk",
}
ID_ROUTES = [
    (route, name, kwargs)
    for route, name, kwargs in _app_routes()
    if ID_KWARGS & set(kwargs)
]


def _first_dimension(objects, prefix):
    return objects[prefix + "assessment"].question_set.dimensions.first()


# kwarg -> its value for the objects (keys optionally `their_`-prefixed).
_VALUES = {
    "respondent_pk": lambda o, p: o[p + "respondent"].pk,
    "collaboration_pk": lambda o, p: o[p + "collaboration"].pk,
    "session_pk": lambda o, p: o[p + "live_session"].pk,
    "action_pk": lambda o, p: o[p + "action"].pk,
    "link_pk": lambda o, p: o[p + "shared_link"].pk,
    "question_pk": lambda o, p: _first_dimension(o, p).questions.first().pk,
    "dimension_pk": lambda o, p: _first_dimension(o, p).pk,
    "lang": lambda o, p: "nl",
    "step": lambda o, p: 1,
    "fmt": lambda o, p: "csv",
}


def _pk_for(route, objects, prefix):
    """`pk` names a partnership, a question set or (the rest) a scan."""
    if route.startswith("questionsets/"):
        return objects[prefix + "assessment"].question_set_id
    kind = "partnership" if route.startswith("partnerships/") else "assessment"
    return objects[prefix + kind].pk


def _kwargs_for(route, kwargs, objects, prefix=""):
    """URL kwargs naming `objects` (their keys optionally `their_`-prefixed)."""
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            values[kwarg] = _pk_for(route, objects, prefix)
        elif kwarg in _VALUES:
            values[kwarg] = _VALUES[kwarg](objects, prefix)
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
        # The question-set pages are the admins' (staff with the permission): a
        # consultant is refused before any lookup, and the shipped set is no secret.
        refused = (403, 405) if route.startswith("questionsets/") else (404, 405)
        assert get.status_code in refused, (url, get.status_code)
        assert post.status_code in refused, (url, post.status_code)
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
        refused = (403, 405) if route.startswith("questionsets/") else (404, 405)
        assert client.get(url).status_code in refused, url
        assert client.post(url, {"can_edit": "on"}).status_code in refused, url
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
