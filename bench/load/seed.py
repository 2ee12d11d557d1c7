"""Seed a load-test database: consultants, partnerships and one scan per partnership
with enough respondents for every simulated participant. Prints a JSON plan (the
invitation paths, the consultants' logins, the scans) for the locustfile.

`--downloaders N` adds N consultants who download their report in a loop: each has
a scan of its own whose six respondents answered everything (a report like the
demo's), and the invitation of one of them, through which the consultant changes
an answer before every download, as happens while a scan is running; and a session
it is logged in with.

Run with the environment of the server under test:
    SQLITE_PATH=... python -m bench.load.seed --participants 50 --consultants 3
"""

import argparse
import json
import os
import random

import django

PASSWORD = "load-test-password-123"  # noqa: S105 - a throwaway local database


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--consultants", type=int, default=3)
    parser.add_argument("--downloaders", type=int, default=0)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerscan.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessments.models import Assessment, Organisation, Partnership, Respondent
    from assessments.questionsets import questionset_install_default

    plan = {
        "consultants": [],
        "invitations": [],
        "assessments": [],
        "downloaders": [],
    }
    with transaction.atomic():
        question_set, _created = questionset_install_default()
        for number in range(args.consultants):
            user = get_user_model().objects.create_user(
                f"load-consultant-{number}", password=PASSWORD
            )
            partnership = Partnership.objects.create(
                name=f"Load partnership {number}", owner=user
            )
            organisations = [
                Organisation.objects.create(
                    partnership=partnership, name=name, position=position
                )
                for position, name in enumerate(("North", "South"))
            ]
            assessment = Assessment.objects.create(
                partnership=partnership, question_set=question_set
            )
            plan["consultants"].append(
                {
                    "username": user.username,
                    "password": PASSWORD,
                    "assessment": assessment.pk,
                }
            )
            plan["assessments"].append(assessment.pk)
            # Spread the participants over the consultants' scans.
            share = range(number, args.participants, args.consultants)
            for index in share:
                respondent = Respondent(
                    assessment=assessment,
                    organisation=organisations[index % 2],
                    label=f"Participant {index}",
                )
                token = respondent.issue_token()
                respondent.save()
                plan["invitations"].append(
                    {"path": f"/i/{token}/", "respondent": respondent.pk}
                )
        for number in range(args.downloaders):
            plan["downloaders"].append(_answered_scan(number, question_set))
    print(json.dumps(plan))


def _answered_scan(number, question_set):
    """A downloading consultant with a scan of six respondents who answered every
    statement (none submitted, so answers can still change); returns its plan entry
    with the invitation of the respondent whose answers it changes."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import (
        Answer,
        Assessment,
        Organisation,
        Partnership,
        Question,
        Respondent,
    )

    user = get_user_model().objects.create_user(
        f"load-downloader-{number}", password=PASSWORD
    )
    partnership = Partnership.objects.create(
        name=f"Load report partnership {number}", owner=user
    )
    assessment = Assessment.objects.create(
        partnership=partnership, question_set=question_set
    )
    questions = list(Question.objects.filter(dimension__question_set=question_set))
    rng = random.Random(number)  # noqa: S311 - load data, not security
    answers = []
    invitation = None
    for position, name in enumerate(("East", "West")):
        organisation = Organisation.objects.create(
            partnership=partnership, name=name, position=position
        )
        for index in range(3):
            respondent = Respondent(
                assessment=assessment,
                organisation=organisation,
                label=f"{name} respondent {index}",
                started_at=timezone.now(),
            )
            token = respondent.issue_token()
            respondent.save()
            invitation = invitation or {
                "path": f"/i/{token}/",
                "respondent": respondent.pk,
            }
            answers.extend(
                Answer(respondent=respondent, question=q, value=rng.randint(1, 5))
                for q in questions
            )
    Answer.objects.bulk_create(answers)
    return {
        "username": user.username,
        "password": PASSWORD,
        "assessment": assessment.pk,
        "invitation": invitation,
        "session": _logged_in_session(user),
    }


def _logged_in_session(user):
    """A session in which `user` is logged in, as the cookie's name and value: the
    consultant arrives logged in, so no phase of the load run pays for hashing a
    password (a few hundred milliseconds of CPU per log-in)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"cookie": settings.SESSION_COOKIE_NAME, "key": session.session_key}


if __name__ == "__main__":
    main()
