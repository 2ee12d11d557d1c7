"""The participant's questionnaire, reached through a personal invitation link."""

from django.http import Http404


def invitation(request, token):
    # Filled in by the questionnaire issue; until then no link is valid.
    raise Http404
