"""What the participants' privacy notice says about the controller.

The consultancy is the controller: its name and contact come from the owner's
branding profile; without one, from the settings PARTNERSCAN_CONTROLLER_NAME and
PARTNERSCAN_CONTROLLER_CONTACT; without those, the consultant who owns the scan.
"""

from django.conf import settings
from django.contrib.auth import get_user_model

from ..branding.models import BrandingProfile
from ..models import Assessment


def privacy_controller(assessment: Assessment) -> dict[str, str]:
    """`{"name", "contact"}` for the notice on the scan's participant pages."""
    profile = (
        BrandingProfile.objects.filter(consultant_id=assessment.partnership.owner_id)
        .values("firm_name", "contact_name", "contact_email", "contact_phone")
        .first()
    )
    if profile and profile["firm_name"]:
        contact = [
            profile[field]
            for field in ("contact_name", "contact_email", "contact_phone")
            if profile[field]
        ]
        if contact:
            return {"name": profile["firm_name"], "contact": " · ".join(contact)}
    owner = (
        get_user_model()
        .objects.filter(pk=assessment.partnership.owner_id)
        .only("first_name", "last_name", "username", "email")
        .first()
    )
    owner_name = owner.get_full_name() or owner.get_username()
    name = (
        (profile and profile["firm_name"])
        or settings.PARTNERSCAN_CONTROLLER_NAME
        or owner_name
    )
    contact = settings.PARTNERSCAN_CONTROLLER_CONTACT or " · ".join(
        part for part in (owner_name, owner.email) if part
    )
    return {"name": name, "contact": contact}
