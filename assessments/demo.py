"""Demo data for `seed_demo`: one consultant, one partnership, a partly answered scan.

Answers are drawn from a fixed seed so every fresh database shows the same results.
"""

import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Answer, Assessment, Organisation, Partnership, Question, Respondent
from .questionsets import questionset_install_default
from .two_factor.devices import recovery_codes_replace

DEMO_USERNAME = "consultant"
DEMO_PASSWORD = "partnerscan-demo"  # noqa: S105 - printed for local use, demo only
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "partnerscan-admin"  # noqa: S105 - printed for local use, demo only
DEMO_ADMIN_CODES = 3
DEMO_PARTNERSHIP = "Zorggroep Delta & Thuiszorg Rivierland"

# (organisation, respondents, how far each got: 1.0 submitted, 0.5 halfway, 0 not begun)
DEMO_ORGANISATIONS = [
    (
        "Zorggroep Delta",
        [("Anna de Vries", 1.0), ("Bram Jansen", 1.0), ("Carla Smit", 0.5)],
    ),
    (
        "Thuiszorg Rivierland",
        [("Daan Bakker", 1.0), ("Eva Mulder", 1.0), ("Fatima El Amrani", 0.0)],
    ),
]

# Where each side stands per dimension (1-5): Delta is keen on vision and the
# business case, Rivierland worries about contracts and information provision.
_LEANING = {
    "Zorggroep Delta": {"BV3": 4.4, "RS1": 4.3, "RS4": 3.9, "RS8": 3.4, "RS9": 2.4},
    "Thuiszorg Rivierland": {
        "BV2": 2.6,
        "BV3": 3.6,
        "RS4": 1.9,
        "RS8": 2.1,
        "RS9": 2.5,
    },
}


def _demo_value(rng, organisation, dimension_code, reverse):
    base = _LEANING[organisation].get(dimension_code, 3.6)
    value = round(min(5, max(1, rng.gauss(base, 0.6))))
    if rng.random() < 0.05:
        return None  # an occasional "weet niet"
    return 6 - value if reverse else value


@transaction.atomic
def demo_admin_recovery_codes() -> list[str]:
    """Fresh recovery codes for the demo admin, to print: staff always log in with a
    second step, and a demo visitor has no authenticator app set up. Earlier codes
    of the demo admin stop working; an app the admin added keeps working."""
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    return recovery_codes_replace(user=admin, count=DEMO_ADMIN_CODES)


def demo_seed():
    """Create the demo once; later calls find it and change nothing.

    Returns (assessment, created).
    """
    question_set, _ = questionset_install_default()
    User = get_user_model()
    consultant = User.objects.filter(username=DEMO_USERNAME).first()
    if consultant is None:
        consultant = User.objects.create_user(
            DEMO_USERNAME,
            "consultant@example.org",
            DEMO_PASSWORD,
            first_name="Demo",
            last_name="Consultant",
        )
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        User.objects.create_superuser(
            ADMIN_USERNAME, "admin@example.org", ADMIN_PASSWORD
        )

    existing = Assessment.objects.filter(
        partnership__owner=consultant, partnership__name=DEMO_PARTNERSHIP
    ).first()
    if existing:
        return existing, False

    partnership = Partnership.objects.create(
        name=DEMO_PARTNERSHIP,
        owner=consultant,
        description="Verkenning van een strategisch partnerschap in de wijkzorg.",
    )
    assessment = Assessment.objects.create(
        partnership=partnership,
        question_set=question_set,
        title="Nulmeting 2026",
    )
    questions = list(
        Question.objects.filter(dimension__question_set=question_set)
        .select_related("dimension")
        .order_by("dimension__position", "position")
    )
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    answers = []
    now = timezone.now()
    for position, (org_name, people) in enumerate(DEMO_ORGANISATIONS):
        organisation = Organisation.objects.create(
            partnership=partnership, name=org_name, position=position
        )
        for label, progress in people:
            respondent = Respondent(
                assessment=assessment,
                organisation=organisation,
                label=label,
                email=f"{label.split()[0].lower()}@example.org",
            )
            respondent.issue_token()
            if progress:
                respondent.started_at = now
            if progress >= 1:
                respondent.submitted_at = now
            respondent.save()
            answered = questions[: int(len(questions) * progress)]
            answers.extend(
                Answer(
                    respondent=respondent,
                    question=q,
                    value=_demo_value(rng, org_name, q.dimension.code, q.reverse),
                )
                for q in answered
            )
    Answer.objects.bulk_create(answers)
    return assessment, True
