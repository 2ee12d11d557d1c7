"""The dashboard: a consultant's partnerships with their latest scan."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Collaboration, Partnership

from ..conftest import answer_all, make_assessment, make_partnership, make_respondent

pytestmark = pytest.mark.django_db

URL = reverse("assessments:dashboard")


def _names(response):
    return [p.name for p in response.context["rows"]]


def _scan(partnership, question_set, submitted=1, waiting=1):
    assessment = make_assessment(partnership, question_set)
    for _ in range(submitted):
        respondent = make_respondent(assessment, submitted_at=timezone.now())
        answer_all(respondent)
    for _ in range(waiting):
        make_respondent(assessment)
    return assessment


def test_it_lists_owned_and_shared_partnerships_with_the_latest_scan(
    client, owner, collaborator, partnership, question_set
):
    _scan(partnership, question_set)
    latest = _scan(partnership, question_set, submitted=2, waiting=1)
    client.force_login(collaborator)
    response = client.get(URL)
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.role == "read"
    assert row.latest == latest
    assert (row.latest.respondents_submitted, row.latest.respondents_total) == (2, 3)
    assert "2 van 3 ingeleverd" in response.text


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_other_consultants_partnerships_stay_invisible(client, outsider, partnership):
    make_partnership(outsider, name="Own")
    client.force_login(outsider)
    assert _names(client.get(URL)) == ["Own"]


def test_an_empty_dashboard_explains_how_to_begin(client, outsider):
    client.force_login(outsider)
    response = client.get(URL)
    assert response.context["is_new"]
    assert reverse("assessments:partnership-create") in response.text
    assert "Zo begin je" in response.text


def test_search_matches_the_name_or_an_organisation(client, owner):
    make_partnership(owner, name="Zorg & Wonen", organisations=("Zorggroep", "Woon"))
    make_partnership(owner, name="Haven", organisations=("Rederij", "Gemeente"))
    client.force_login(owner)
    assert _names(client.get(URL, {"q": "wonen"})) == ["Zorg & Wonen"]
    assert _names(client.get(URL, {"q": "rederij"})) == ["Haven"]
    response = client.get(URL, {"q": "nothing like it"})
    assert _names(response) == []
    assert not response.context["is_new"]


def test_it_sorts_by_name_or_latest_activity(client, owner, question_set):
    older = make_partnership(owner, name="Aa")
    newer = make_partnership(owner, name="Bb")
    Partnership.objects.filter(pk=older.pk).update(
        updated_at=timezone.now() - timedelta(days=3)
    )
    Partnership.objects.filter(pk=newer.pk).update(
        updated_at=timezone.now() - timedelta(days=2)
    )
    client.force_login(owner)
    assert _names(client.get(URL, {"sort": "name"})) == ["Aa", "Bb"]
    assert _names(client.get(URL, {"sort": "activity"})) == ["Bb", "Aa"]
    make_assessment(older, question_set)  # new activity moves it up
    assert _names(client.get(URL, {"sort": "activity"})) == ["Aa", "Bb"]


def test_archived_partnerships_are_hidden_unless_asked_for(client, owner):
    make_partnership(owner, name="Current")
    old = make_partnership(owner, name="Old")
    Partnership.objects.filter(pk=old.pk).update(archived_at=timezone.now())
    client.force_login(owner)
    assert _names(client.get(URL)) == ["Current"]
    assert _names(client.get(URL, {"show": "archived"})) == ["Old"]
    assert _names(client.get(URL, {"show": "all", "sort": "name"})) == [
        "Current",
        "Old",
    ]


def test_bad_filter_values_fall_back_to_the_defaults(client, owner, partnership):
    client.force_login(owner)
    response = client.get(URL, {"sort": "password", "show": "x", "page": "abc"})
    assert response.status_code == 200
    assert _names(response) == [partnership.name]


def test_it_pages_through_many_partnerships(client, owner):
    for index in range(25):
        make_partnership(owner, name=f"P{index:02d}")
    client.force_login(owner)
    first = client.get(URL, {"sort": "name"})
    assert len(first.context["rows"]) == 20
    second = client.get(URL, {"sort": "name", "page": 2})
    assert _names(second) == [f"P{index:02d}" for index in range(20, 25)]
    assert "sort=name&amp;page=1" in second.text


def _many(owner, outsider, question_set, count):
    """`count` partnerships visible to owner: most owned, some shared with them."""
    for index in range(count):
        if index % 3 == 2:
            partnership = make_partnership(outsider, name=f"Shared {index}")
            Collaboration.objects.create(
                partnership=partnership, user=owner, can_edit=index % 2 == 0
            )
        else:
            partnership = make_partnership(owner, name=f"Own {index}")
        _scan(partnership, question_set, submitted=1, waiting=2)


def test_the_query_count_does_not_grow_with_partnerships(
    client, owner, outsider, question_set, django_assert_max_num_queries
):
    client.force_login(owner)
    _many(owner, outsider, question_set, 2)
    with django_assert_max_num_queries(25) as two:
        client.get(URL)
    _many(owner, outsider, question_set, 10)
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(URL)
    assert len(response.context["rows"]) == 12
