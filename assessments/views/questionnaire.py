"""The participant's questionnaire, reached through a personal invitation link."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404


@login_not_required
def invitation(request, token):
    # Filled in by the questionnaire issue; until then no link is valid.
    raise Http404
