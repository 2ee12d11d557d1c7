"""What the attack tests share: logging in as a consultant or a participant, a
fingerprint of everything an attack could change, posting a page's own form."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from assessments.models import (
    Action,
    AgreementNote,
    Answer,
    Assessment,
    Collaboration,
    DimensionComment,
    LiveSession,
    LiveStep,
    Organisation,
    Partnership,
    Respondent,
    SharedLink,
)

from ..conftest import PASSWORD
from ..html_forms import form_data, post_forms


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _as_participant(client, respondent):
    response = client.get(
        reverse("assessments:invitation", args=[respondent.raw_token])
    )
    assert response.status_code == 302, response.status_code
    return client


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
        "live_sessions": list(
            LiveSession.objects.order_by("pk").values_list(
                "pk", "status", "position", "paused", "join_code", "projector_hash"
            )
        ),
        "live_steps": list(
            LiveStep.objects.order_by("pk").values_list("pk", "round", "revealed")
        ),
        "agreements": list(
            AgreementNote.objects.order_by("pk").values_list("dimension", "text")
        ),
        "actions": list(
            Action.objects.order_by("pk").values_list(
                "pk", "assessment", "title", "description", "status", "due_on"
            )
        ),
        "action_listings": list(Action.listed_under.through.objects.values_list()),
        "shared_links": list(
            SharedLink.objects.order_by("pk").values_list(
                "pk", "token_hash", "expires_at", "revoked_at", "organisation"
            )
        ),
    }


def _post_page_form(client, url, **fields):
    """Fetch the page, fill its form as a browser would, post it with `fields`."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    forms = [f for f in post_forms(page.content.decode()) if f["action"] in ("", url)]
    assert forms, f"{url} has no form posting to itself"
    return client.post(url, form_data(forms[0], **fields))


def _payload(field):
    return f'<script>alert("{field}")</script><img src=x onerror=alert(1)>'
