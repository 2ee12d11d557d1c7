"""Seed a live-session load database: a consultant (logged in already: a session
the seed makes, so no password is hashed inside the clock), a partnership of two
organisations and a scan on the default question set. Prints a JSON plan.

Run with the environment of the server under test (bench/load/live.py does)."""

import json
import os

import django


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerscan.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from assessments.models import Assessment, Organisation, Partnership
    from assessments.questionsets import questionset_install_default

    from .seed import PASSWORD, _logged_in_session

    with transaction.atomic():
        question_set, _created = questionset_install_default()
        user = get_user_model().objects.create_user(
            "live-facilitator", password=PASSWORD
        )
        partnership = Partnership.objects.create(name="Live partnership", owner=user)
        organisations = [
            Organisation.objects.create(
                partnership=partnership, name=name, position=position
            )
            for position, name in enumerate(("North", "South"))
        ]
        assessment = Assessment.objects.create(
            partnership=partnership, question_set=question_set
        )
    plan = {
        "assessment": assessment.pk,
        "organisations": [o.pk for o in organisations],
        "dimensions": list(question_set.dimensions.values_list("pk", flat=True)),
        "facilitator_session": _logged_in_session(user),
    }
    print(json.dumps(plan))


if __name__ == "__main__":
    main()
