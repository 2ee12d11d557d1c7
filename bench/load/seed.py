"""Seed a load-test database: consultants, partnerships and one scan per partnership
with enough respondents for every simulated participant. Prints a JSON plan (the
invitation paths, the consultants' logins, the scans) for the locustfile.

Run with the environment of the server under test:
    SQLITE_PATH=... python -m bench.load.seed --participants 50 --consultants 3
"""

import argparse
import json
import os

import django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--consultants", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerscan.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessments.models import Assessment, Organisation, Partnership, Respondent
    from assessments.questionsets import questionset_install_default

    password = "load-test-password-123"  # noqa: S105 - a throwaway local database
    plan = {"consultants": [], "invitations": [], "assessments": []}
    with transaction.atomic():
        question_set, _created = questionset_install_default()
        for number in range(args.consultants):
            user = get_user_model().objects.create_user(
                f"load-consultant-{number}", password=password
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
                    "password": password,
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
    print(json.dumps(plan))


if __name__ == "__main__":
    main()
