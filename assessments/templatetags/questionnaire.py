"""`{% load questionnaire %}`: the questionnaire's links, for a participant or preview.

The questionnaire templates serve the participant and the question-set preview
(views/questionset_preview.py). A preview's links stay inside the preview, so an
admin clicking through never reaches a participant's pages.
"""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def questionnaire_url(context, page, *args):
    """`{% questionnaire_url "step" 3 %}`: a participant's URL, or the preview's."""
    preview = context.get("preview")
    if preview:
        return reverse(
            f"assessments:questionset-preview-{page}",
            args=[preview["pk"], preview["lang"], *args],
        )
    return reverse(f"assessments:questionnaire-{page}", args=args)
